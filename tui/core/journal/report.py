"""The Markdown change record, rendered from the typed journal records (the one renderer).

Sections: who and where (OS user, host, AWS account, region, principal); the
result; each step's state with start, end and duration; every command with its
real outcome; the plans (reviewed, the gate's answers, approved, applied);
values decisions; Helm revisions before and after; Stage-4 evidence;
rollbacks; decisions and waivers; file operations; then the whole journal line
by line, each record in words (``describe``), so nothing is left out.

Every value passes through the redaction hook on its way in, and the whole
document once more at the end (defence in depth: the journal is redacted
when written, and a value could be split by Markdown escaping).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence

from tui.core.journal.events import (
    ApplyEnded,
    ApplyStarted,
    BackendChosen,
    BackendMigrated,
    ChangelogAcknowledged,
    GateAnswered,
    HelmDiffed,
    HelmHealthChecked,
    HelmLinted,
    HelmRevisionRecorded,
    HelmRollbackClosed,
    HelmRolledBack,
    HelmSynced,
    ImageRegistryTyped,
    OverrideTyped,
    PlanApplied,
    PlanApproved,
    PlanReviewed,
    PlanVoided,
    PreflightItemWaived,
    RollbackChosen,
    RollbackDone,
    SnapshotDeclined,
    SnapshotRecorded,
    Stage4Verdict,
    StateLeftBehind,
    TempFilesRemoved,
    ValuesDecision,
    ValuesDraftHandled,
    WaiverGiven,
)
from tui.core.journal.records import (
    ChildHandled,
    CommandChild,
    CommandInterrupted,
    CommandStatus,
    JournalRecord,
    StepWaived,
    UntypedDecision,
)
from tui.core.journal.resume import JournalState
from tui.core.journal.words import (
    command_result,
    counts_words,
    describe,
    elapsed,
    format_duration,
    some,
    state_words,
)
from tui.core.journal.writer import Redact, no_redaction
from tui.core.steps import StepStatus

HELM_EVENTS = (
    HelmLinted,
    HelmDiffed,
    HelmSynced,
    HelmHealthChecked,
    HelmRolledBack,
    HelmRollbackClosed,
)
DECISIONS = (
    PreflightItemWaived,
    SnapshotRecorded,
    SnapshotDeclined,
    BackendChosen,
    BackendMigrated,
    OverrideTyped,
    ChangelogAcknowledged,
    ImageRegistryTyped,
    WaiverGiven,
    TempFilesRemoved,
    UntypedDecision,
    CommandChild,  # who the command ran as: what a restart checks before anything
    ChildHandled,
)


def change_record(
    state: JournalState,
    redact: Redact = no_redaction,
    step_order: Sequence[str] = (),
    step_titles: Mapping[str, str] | None = None,
    generated_at: str = "",
) -> str:
    """The Markdown change record of ``state``; steps in ``step_order``, then any others."""
    md = _Markdown(redact, step_titles or {})
    lines = [*md.heading(state, generated_at), *md.result(state, step_order)]
    lines += md.steps(state, step_order)
    lines += md.commands(state)
    lines += md.plans(state)
    lines += md.values(state)
    lines += md.helm(state)
    lines += md.stage4(state)
    lines += md.rollbacks(state)
    lines += md.decisions(state)
    lines += md.file_ops(state)
    lines += md.notes(state)
    lines += md.journal(state)
    return redact("\n".join(lines).rstrip("\n") + "\n")


def ordered_steps(state: JournalState, step_order: Sequence[str]) -> list[str]:
    """``step_order`` followed by the journal's other steps in the order they appear."""
    return [*step_order, *(s for s in state.steps if s not in step_order)]


class _Markdown:
    def __init__(self, redact: Redact, titles: Mapping[str, str]) -> None:
        self.redact = redact
        self.titles = titles

    def text(self, value: str | None) -> str:
        """A table cell: redacted, one line, pipes escaped."""
        if value is None or value == "":
            return "—"
        flat = " ".join(self.redact(value).splitlines())
        return flat.replace("\\", "\\\\").replace("|", "\\|")

    def code(self, value: str | None) -> str:
        """A code span inside a table cell."""
        if value is None or value == "":
            return "—"
        flat = " ".join(self.redact(value).splitlines()).replace("|", "\\|")
        fence = "``" if "`" in flat else "`"
        pad = " " if fence == "``" else ""
        return f"{fence}{pad}{flat}{pad}{fence}"

    def step(self, step: str | None) -> str:
        return self.text(self.titles.get(step, step) if step else None)

    def row(self, *cells: str) -> str:
        return "| " + " | ".join(cells) + " |"

    def table(self, title: str, head: Sequence[str], rows: list[str]) -> list[str]:
        if not rows:
            return [f"## {title}", "", "None.", ""]
        return [
            f"## {title}",
            "",
            self.row(*head),
            "|" + "---|" * len(head),
            *rows,
            "",
        ]

    # -- sections ---------------------------------------------------------------------
    def heading(self, state: JournalState, generated_at: str) -> list[str]:
        if not state.sessions:
            return ["# Change record", "", "The journal holds no session start.", ""]
        first, last = state.sessions[0], state.sessions[-1].body
        operators = sorted({f"{s.user}@{s.host}" for s in state.sessions})
        identity = state.identity
        if identity is None:
            aws = "not confirmed (Preflight's identity check did not run)"
        else:
            who = identity.body
            aws = (
                f"account {self.text(who.account)}, region {self.text(who.region)}, "
                f"principal {self.code(who.principal)} (confirmed {self.text(identity.ts)})"
            )
        return [
            f"# Change record: {self.text(last.previous_build)} → {self.text(last.current_build)}",
            "",
            f"- **Previous release:** {self.code(last.previous)} "
            f"(build {self.text(last.previous_build)})",
            f"- **Current release:** {self.code(last.current)} "
            f"(build {self.text(last.current_build)})",
            f"- **Playbook:** {self.code(last.playbook_id)}",
            f"- **Tool:** mocm-upgrade {self.text(last.tool_version)}",
            f"- **Operators (OS user@host):** {', '.join(self.text(o) for o in operators)}",
            f"- **AWS:** {aws}",
            f"- **Started:** {self.text(first.ts)} by {self.text(f'{first.user}@{first.host}')}",
            f"- **Last activity:** {self.text(state.last_ts)}",
            f"- **Wizard sessions:** {len(state.sessions)}",
            *([f"- **Record generated:** {self.text(generated_at)}"] if generated_at else []),
            "",
        ]

    def result(self, state: JournalState, step_order: Sequence[str]) -> list[str]:
        order = ordered_steps(state, step_order)
        counts = {status: 0 for status in StepStatus}
        for step in order:
            counts[state.status(step)] += 1
        statuses = [c.body.status for c in state.commands]
        interrupted = state.of_type(CommandInterrupted)
        tally = {status: statuses.count(status) for status in CommandStatus}
        ok = tally[CommandStatus.SUCCEEDED] + tally[CommandStatus.CHANGES_PRESENT]
        open_steps = [self.step(s) for s in order if state.status(s) is StepStatus.IN_PROGRESS]
        lines = [
            "## Result",
            "",
            f"- Steps done: {counts[StepStatus.DONE]}, waived: {counts[StepStatus.WAIVED]}, "
            f"rolled back: {counts[StepStatus.ROLLED_BACK]}, "
            f"in progress: {counts[StepStatus.IN_PROGRESS]}, "
            f"not started: {counts[StepStatus.NOT_STARTED]}.",
            f"- Last step entered: {self.step(state.last_entered)}.",
        ]
        if open_steps:
            lines.append(f"- Not finished: {', '.join(open_steps)}.")
        lines.append(
            f"- Commands run: {len(statuses) + len(interrupted) + len(state.unfinished)}; "
            f"succeeded: {ok} "
            f"({tally[CommandStatus.CHANGES_PRESENT]} with changes present); "
            f"failed: {tally[CommandStatus.FAILED]}; timed out: {tally[CommandStatus.TIMED_OUT]}; "
            f"cancelled: {tally[CommandStatus.CANCELLED]}; "
            f"interrupted: {len(interrupted) + tally[CommandStatus.INTERRUPTED]}."
        )
        if state.unfinished:
            lines.append(f"- Running (no end recorded yet): {len(state.unfinished)}.")
        lines += [f"- Warning: {self.text(w)}" for w in state.warnings]
        return [*lines, ""]

    def steps(self, state: JournalState, step_order: Sequence[str]) -> list[str]:
        rows = []
        for step_id in ordered_steps(state, step_order):
            step = state.step(step_id)
            by = step.completed_by or step.started_by
            ended = step.completed_at if step.status is not StepStatus.IN_PROGRESS else None
            said = step.waived_reason or step.summary
            if step.status is StepStatus.ROLLED_BACK:
                said = f"reverted by {step.rolled_back_by}"
            elif step.status is StepStatus.WAIVED:
                said = f"reason: {step.waived_reason}"
            rows.append(
                self.row(
                    self.step(step_id),
                    step.status.value,
                    self.text(step.started_at),
                    self.text(ended),
                    elapsed(step.started_at, ended),
                    self.text(by),
                    self.text(said),
                )
            )
        head = ("Step", "Status", "Started", "Ended", "Duration", "By", "Note")
        return self.table("Steps", head, rows)

    def commands(self, state: JournalState) -> list[str]:
        rows = []
        ended: list[
            tuple[int, str, str | None, tuple[str, ...], str, str, str, str, str | None]
        ] = []
        for cmd in state.commands:
            b = cmd.body
            start = state.command_start(b.run_id)
            seq = start.seq if start is not None else cmd.seq
            began = start.ts if start is not None else cmd.ts
            code = "—" if b.exit_code is None else str(b.exit_code)
            took = format_duration(b.duration_s)
            outcome = command_result(b).split(" (", 1)[0]
            result = outcome + (f" ({b.outcome})" if _says_more(b.outcome, outcome) else "")
            ended.append((seq, began, b.step, b.argv, b.cwd, result, code, took, b.transcript))
        for cut in state.of_type(CommandInterrupted):
            b2 = cut.body
            start = state.command_start(b2.run_id)
            seq = start.seq if start is not None else cut.seq
            ended.append(
                (
                    seq,
                    b2.started_at,
                    b2.step,
                    b2.argv,
                    b2.cwd,
                    f"interrupted (found at the restart of {cut.ts})",
                    "—",
                    "—",
                    start.body.transcript if start is not None else None,
                )
            )
        for running in state.unfinished:
            b3 = running.body
            ended.append(
                (
                    running.seq,
                    running.ts,
                    b3.step,
                    b3.argv,
                    b3.cwd,
                    "running",
                    "—",
                    "—",
                    b3.transcript,
                )
            )
        for n, (seq, began, step, argv, cwd, result, code, took, transcript) in enumerate(
            sorted(ended, key=lambda e: e[0]), start=1
        ):
            rows.append(
                self.row(
                    str(n),
                    str(seq),
                    self.text(began),
                    self.step(step),
                    self.code(shlex.join(argv)),
                    self.code(cwd),
                    self.text(result),
                    code,
                    took,
                    self.code(transcript),
                )
            )
        head = (
            "#",
            "Line",
            "Started",
            "Step",
            "Command",
            "Directory",
            "Result",
            "Exit",
            "Duration",
            "Transcript",
        )
        return self.table("Commands", head, rows)

    def plans(self, state: JournalState) -> list[str]:
        rows = []
        for r in state.records:
            b = r.body
            if isinstance(b, PlanReviewed):
                event, sha = f"reviewed: {b.verdict.value}", b.plan.sha256
                unexpected = "; ".join(
                    f"{i.address} {list(i.actions)}"
                    f"{' (blocking)' if i.blocking else ''}: {i.reason}"
                    for i in b.unexpected
                )
                detail = (
                    f"{counts_words(b.counts)}; state {state_words(b.plan)}; "
                    f"unexpected: {unexpected or 'none'}"
                )
            elif isinstance(b, GateAnswered):
                event, sha, detail = "gate answered", b.plan_sha256, b.sentence()
            elif isinstance(b, PlanApproved):
                typed = f"typed '{b.typed_phrase}'" if b.typed_phrase else "confirmed"
                event, sha, detail = "approved", b.plan.sha256, f"{typed}; in {b.workdir}"
            elif isinstance(b, PlanApplied):
                event, sha, detail = "applied", b.plan_sha256, b.workdir
            elif isinstance(b, ApplyStarted):  # with no end after it: the apply was cut off
                event, sha, detail = "apply started", b.plan_sha256, b.workdir
            elif isinstance(b, ApplyEnded):
                code = "no exit code" if b.exit_code is None else f"exit {b.exit_code}"
                event, sha, detail = f"apply {b.outcome.value}", b.plan_sha256, code
            elif isinstance(b, PlanVoided):
                event, sha, detail = "review void", "", b.reason
            else:
                continue
            rows.append(
                self.row(
                    str(r.seq),
                    self.text(r.ts),
                    self.step(r.step),
                    self.text(event),
                    self.code(sha[:16] + "…" if len(sha) > 16 else sha),
                    self.text(detail),
                )
            )
        head = (
            "Line",
            "When",
            "Step",
            "Plan",
            "tfplan sha256",
            "Counts, state, unexpected / answer",
        )
        return self.table("Plans reviewed, approved and applied", head, rows)

    def values(self, state: JournalState) -> list[str]:
        rows = []
        for r in state.records:
            b = r.body
            if isinstance(b, ValuesDecision):
                decision, keys, reason = b.choice.value, b.keys, b.reason
            elif isinstance(b, ValuesDraftHandled):  # unsaved edits of a killed session
                decision, keys = f"draft {b.fate.value}", b.operations
                reason = b.reason or (f"draft of {b.written_at}" if b.written_at else "")
            else:
                continue
            rows.append(
                self.row(
                    str(r.seq),
                    self.text(r.ts),
                    self.text(decision),
                    str(len(keys)),
                    self.code(some(keys)),
                    self.text(reason),
                )
            )
        head = ("Line", "When", "Decision", "Keys", "Key paths", "Reason")
        return self.table("Values decisions", head, rows)

    def helm(self, state: JournalState) -> list[str]:
        after: dict[str, tuple[int | None, str]] = {}
        for sync in state.of_type(HelmSynced):
            for release in sync.body.releases:
                after[release.release] = (release.revision, release.state)
        rows = []
        for rec in state.of_type(HelmRevisionRecorded):
            b = rec.body
            before = (
                "first install"
                if b.first_install
                else ("none deployed" if b.revision is None else str(b.revision))
            )
            revision, how = after.get(b.release, (None, "not synced"))
            rows.append(
                self.row(
                    str(rec.seq),
                    self.text(rec.ts),
                    self.text(b.release),
                    self.text(before),
                    self.text(b.chart),
                    "—" if revision is None else str(revision),
                    self.text(how),
                )
            )
        head = (
            "Line",
            "Recorded",
            "Release",
            "Revision before",
            "Chart before",
            "Revision after",
            "State after",
        )
        lines = self.table("Helm revisions before and after", head, rows)
        events = [
            self.row(str(e.seq), self.text(e.ts), self.text(describe(e.body)))
            for e in state.records
            if isinstance(e.body, HELM_EVENTS)
        ]
        if events:
            lines += ["| Line | When | Helm |", "|---|---|---|", *events, ""]
        return lines

    def stage4(self, state: JournalState) -> list[str]:
        rows = []
        for v in state.of_type(Stage4Verdict):
            b = v.body
            rows.append(
                self.row(
                    str(v.seq),
                    self.text(v.ts),
                    self.text(b.cluster_id),
                    self.text(b.region),
                    self.text(f"{b.window} ({b.window_start} → {b.window_end})"),
                    f"{b.threshold:g}" + (" (typed)" if b.threshold_typed else ""),
                    "no data" if b.peak is None else f"{b.peak:g}",
                    str(b.datapoints),
                    self.text(b.verdict.value.upper()),
                    self.text(some(b.references) if b.references else "none"),
                    "blocked" if b.blocked else "clear",
                )
            )
        head = (
            "Line",
            "When",
            "Cluster",
            "Region",
            "Window",
            "Threshold",
            "Peak",
            "Datapoints",
            "Verdict",
            "References left",
            "Teardown",
        )
        return self.table("Stage-4 evidence", head, rows)

    def rollbacks(self, state: JournalState) -> list[str]:
        rows = [
            self.row(str(r.seq), self.text(r.ts), self.step(r.step), self.text(describe(r.body)))
            for r in state.records
            if isinstance(r.body, RollbackChosen | RollbackDone | HelmRolledBack | StateLeftBehind)
        ]
        return self.table("Rollbacks", ("Line", "When", "Step", "Rollback"), rows)

    def decisions(self, state: JournalState) -> list[str]:
        rows = [
            self.row(
                str(r.seq),
                self.text(r.ts),
                self.step(r.step),
                self.text(r.user),
                self.text(type(r.body).__name__),
                self.text(describe(r.body)),
            )
            for r in state.records
            if isinstance(r.body, (*DECISIONS, StepWaived))
        ]
        head = ("Line", "When", "Step", "Who", "Decision", "Detail / reason")
        return self.table("Decisions, waivers and overrides", head, rows)

    def file_ops(self, state: JournalState) -> list[str]:
        rows = []
        for op in state.file_ops:
            b = op.body
            rows.append(
                self.row(
                    str(op.seq),
                    self.text(op.ts),
                    self.step(b.step),
                    self.text(b.op),
                    self.code(b.path),
                    self.code(b.source),
                    self.code(b.sha256_before),
                    self.code(b.sha256_after),
                )
            )
        head = (
            "Line",
            "When",
            "Step",
            "Operation",
            "File",
            "From",
            "sha256 before",
            "sha256 after",
        )
        return self.table("File operations", head, rows)

    def notes(self, state: JournalState) -> list[str]:
        if not state.notes:
            return []
        rows = ["## Notes", ""]
        for note in state.notes:
            where = f" ({self.step(note.body.step)})" if note.body.step else ""
            text = self.text(note.body.text)
            rows.append(f"- {self.text(note.ts)} {self.text(note.user)}{where}: {text}")
        return [*rows, ""]

    def journal(self, state: JournalState) -> list[str]:
        rows = [self.journal_row(r) for r in state.records]
        head = ("Line", "When", "Who", "Step", "Record", "What")
        return self.table("The journal, line by line", head, rows)

    def journal_row(self, record: JournalRecord) -> str:
        return self.row(
            str(record.seq),
            self.text(record.ts),
            self.text(f"{record.user}@{record.host}"),
            self.step(record.step),
            record.kind.value,
            self.text(describe(record.body)),
        )


def _says_more(outcome: str, status: str) -> bool:
    """Whether a command's outcome words add to its status (``migrated``, an error text)."""
    said = outcome.strip().lower()
    return bool(said) and not said.startswith(("ok", "timeout", status))
