"""The change record against the journal it was rendered from, record by record.

``check_record(records, markdown)`` reads the Markdown back into its sections and
tables, then for every journal record checks (1) its line in "The journal, line by
line" and (2) its rendering in the section that record type belongs to, from the
table ``CHECKS`` (one entry per record type: a type without one fails). Nothing the
journal lacks may appear: each table's line numbers must all be journal lines.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import shlex
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.journal import events as ev
from tui.core.journal import records as rec
from tui.core.journal.reader import read_journal
from tui.core.journal.records import BODY_BY_KIND, CommandStatus, JournalRecord, RecordBody
from tui.core.journal.report import change_record
from tui.core.journal.resume import JournalState, fold
from tui.core.journal.words import counts_words, describe
from tui.core.journal.writer import Workspace
from tui.core.steps import STEP_IDS, STEPS

TITLES = {step.id: step.title for step in STEPS}
Redact = Callable[[str], str]


def cell(value: str | None, redact: Redact) -> str:
    """A value as a Markdown table cell shows it (one line, pipes and backslashes escaped)."""
    if value is None or value == "":
        return "—"
    return " ".join(redact(value).splitlines()).replace("\\", "\\\\").replace("|", "\\|")


def split_cells(line: str) -> list[str]:
    """``| a | b\\|c |`` → ``["a", "b\\|c"]`` (an escaped pipe stays in its cell)."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    return [c.strip() for c in cells[1:-1]]


@dataclass
class Table:
    head: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)

    def by_line(self, seq: int, column: str = "Line") -> list[dict[str, str]]:
        return [r for r in self.rows if r.get(column) == str(seq)]


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def table(self, first_column: str = "Line", *, having: str = "") -> Table:
        found = [
            t for t in self.tables if t.head[0] == first_column and (not having or having in t.head)
        ]
        assert found, f"section {self.title!r} has no table starting {first_column!r}"
        return found[0]


def parse_record(markdown: str) -> dict[str, Section]:
    """The record's ``## `` sections, each with its plain lines and its tables."""
    sections: dict[str, Section] = {}
    current = Section("")
    sections[""] = current
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            current = Section(line[3:])
            sections[current.title] = current
        elif line.startswith("| ") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            table = Table(split_cells(line))
            i += 2
            while i < len(lines) and lines[i].startswith("| "):
                cells = split_cells(lines[i])
                assert len(cells) == len(table.head), f"a row with {len(cells)} cells: {lines[i]}"
                table.rows.append(dict(zip(table.head, cells, strict=True)))
                i += 1
            current.tables.append(table)
            continue
        else:
            current.lines.append(line)
        i += 1
    return sections


@dataclass
class Checked:
    """The parsed record, the journal folded, and how values look in a cell."""

    sections: dict[str, Section]
    state: JournalState
    redact: Redact

    def cell(self, value: str | None) -> str:
        return cell(value, self.redact)

    def code(self, value: str) -> str:
        flat = " ".join(self.redact(value).splitlines()).replace("|", "\\|")
        return f"`` {flat} ``" if "`" in flat else f"`{flat}`"

    def step(self, step: str | None) -> str:
        return self.cell(TITLES.get(step, step) if step else None)

    def row(self, section: str, seq: int, first: str = "Line", having: str = "") -> dict[str, str]:
        assert section in self.sections, f"no section {section!r} in the record"
        rows = self.sections[section].table(first, having=having).by_line(seq)
        assert len(rows) == 1, f"journal line {seq}: {len(rows)} row(s) in {section!r}"
        return rows[0]

    def command_start_seq(self, run_id: str, fallback: int) -> int:
        start = self.state.command_start(run_id)
        return start.seq if start is not None else fallback


Check = Callable[[Checked, JournalRecord], None]


def in_decisions(c: Checked, r: JournalRecord) -> None:
    row = c.row("Decisions, waivers and overrides", r.seq)
    assert row["Decision"] == type(r.body).__name__
    assert row["Detail / reason"] == c.cell(describe(r.body))
    assert row["Step"] == c.step(r.step) and row["Who"] == c.cell(r.user)


def in_steps(c: Checked, r: JournalRecord) -> None:
    assert r.step is not None
    rows = [x for x in c.sections["Steps"].table("Step").rows if x["Step"] == c.step(r.step)]
    assert len(rows) == 1, f"step {r.step}: {len(rows)} row(s)"
    status = c.state.status(r.step)
    assert rows[0]["Status"] == status.value
    assert status.value != "not started", f"line {r.seq} worked on {r.step}"
    if isinstance(r.body, rec.StepCompleted) and status.value == "done":
        last = [x for x in c.state.of_type(rec.StepCompleted) if x.body.step == r.step][-1]
        assert rows[0]["Ended"] == c.cell(last.ts)
    if isinstance(r.body, rec.StepWaived) and status.value == "waived":
        assert rows[0]["Note"] == c.cell(f"reason: {r.body.reason}")


def in_steps_and_decisions(c: Checked, r: JournalRecord) -> None:
    in_steps(c, r)
    in_decisions(c, r)


def in_commands(c: Checked, r: JournalRecord) -> None:
    body = r.body
    assert isinstance(body, rec.CommandStarted | rec.CommandRun | rec.CommandInterrupted)
    seq = c.command_start_seq(body.run_id, r.seq)
    row = c.row("Commands", seq, "#", having="Line")
    assert row["Command"] == c.code(shlex.join(body.argv))
    assert row["Step"] == c.step(body.step)
    result = row["Result"]
    if isinstance(body, rec.CommandRun):
        assert result.startswith(body.status.value), (result, body.status)
        assert row["Exit"] == ("—" if body.exit_code is None else str(body.exit_code))
        if body.status is CommandStatus.CHANGES_PRESENT:  # plan exit 2: changes, not a failure
            assert "failed" not in result
    elif isinstance(body, rec.CommandInterrupted):
        assert result == c.cell(f"interrupted (found at the restart of {r.ts})")
    else:  # started: its end (or the interruption) is the same row
        ended = [x for x in c.state.commands if x.body.run_id == body.run_id]
        cut = [x for x in c.state.of_type(rec.CommandInterrupted) if x.body.run_id == body.run_id]
        if not ended and not cut:
            assert result == "running"


def in_plans(words: str) -> Check:
    def check(c: Checked, r: JournalRecord) -> None:
        row = c.row("Plans reviewed, approved and applied", r.seq)
        assert row["Plan"].startswith(words), (row["Plan"], words)
        assert row["Step"] == c.step(r.step)
        if isinstance(r.body, ev.PlanReviewed):
            assert row["Plan"] == c.cell(f"reviewed: {r.body.verdict.value}")
            assert c.cell(counts_words(r.body.counts)) in row["Counts, state, unexpected / answer"]
        if isinstance(r.body, ev.GateAnswered):
            assert row["Counts, state, unexpected / answer"] == c.cell(r.body.sentence())

    return check


def in_values(c: Checked, r: JournalRecord) -> None:
    row = c.row("Values decisions", r.seq)
    body = r.body
    if isinstance(body, ev.ValuesDecision):
        assert row["Decision"] == c.cell(body.choice.value)
        assert row["Keys"] == str(len(body.keys))
    else:
        assert isinstance(body, ev.ValuesDraftHandled)
        assert row["Decision"] == c.cell(f"draft {body.fate.value}")
        assert row["Keys"] == str(len(body.operations))


def in_helm_revisions(c: Checked, r: JournalRecord) -> None:
    body = r.body
    assert isinstance(body, ev.HelmRevisionRecorded)
    row = c.row("Helm revisions before and after", r.seq)
    assert row["Release"] == c.cell(body.release)
    if body.revision is not None and not body.first_install:
        assert row["Revision before"] == str(body.revision)
    synced = [
        (x.revision, x.state)
        for s in c.state.of_type(ev.HelmSynced)
        for x in s.body.releases
        if x.release == body.release
    ]
    if synced:
        revision, how = synced[-1]
        assert row["Revision after"] == ("—" if revision is None else str(revision))
        assert row["State after"] == c.cell(how)


def in_helm_events(c: Checked, r: JournalRecord) -> None:
    row = c.row("Helm revisions before and after", r.seq, having="Helm")
    assert row["Helm"] == c.cell(describe(r.body))


def in_rollbacks(c: Checked, r: JournalRecord) -> None:
    row = c.row("Rollbacks", r.seq)
    assert row["Rollback"] == c.cell(describe(r.body))


def in_helm_and_rollbacks(c: Checked, r: JournalRecord) -> None:
    in_helm_events(c, r)
    in_rollbacks(c, r)


def in_file_ops(c: Checked, r: JournalRecord) -> None:
    body = r.body
    assert isinstance(body, rec.FileOp)
    row = c.row("File operations", r.seq)
    assert row["Operation"] == c.cell(body.op) and row["File"] == c.code(body.path)


def in_notes(c: Checked, r: JournalRecord) -> None:
    body = r.body
    assert isinstance(body, rec.Note)
    where = f" ({c.step(body.step)})" if body.step else ""
    line = f"- {c.cell(r.ts)} {c.cell(r.user)}{where}: {c.cell(body.text)}"
    assert line in c.sections["Notes"].lines


def in_stage4(c: Checked, r: JournalRecord) -> None:
    body = r.body
    assert isinstance(body, ev.Stage4Verdict)
    row = c.row("Stage-4 evidence", r.seq)
    assert row["Cluster"] == c.cell(body.cluster_id)
    assert row["Verdict"] == c.cell(body.verdict.value.upper())
    assert row["Peak"] == ("no data" if body.peak is None else f"{body.peak:g}")


def in_heading(c: Checked, r: JournalRecord) -> None:
    head = c.sections[""].lines
    if isinstance(r.body, rec.SessionStarted):
        count = len(c.state.sessions)
        assert f"- **Wizard sessions:** {count}" in head
        latest = c.state.sessions[-1].body
        title = f"# Change record: {c.cell(latest.previous_build)} → {c.cell(latest.current_build)}"
        assert title in head
    else:
        assert isinstance(r.body, ev.AwsIdentityConfirmed)
        last = c.state.identity
        assert last is not None
        who = last.body
        aws = (
            f"- **AWS:** account {c.cell(who.account)}, region {c.cell(who.region)}, "
            f"principal {c.code(who.principal)} (confirmed {c.cell(last.ts)})"
        )
        assert aws in head


# Where each record type is rendered besides its line in "The journal, line by line".
CHECKS: dict[type[RecordBody], Check] = {
    rec.SessionStarted: in_heading,
    ev.AwsIdentityConfirmed: in_heading,
    rec.StepEntered: in_steps,
    rec.StepStarted: in_steps,
    rec.StepCompleted: in_steps,
    rec.StepWaived: in_steps_and_decisions,
    rec.FileOp: in_file_ops,
    rec.CommandStarted: in_commands,
    rec.CommandRun: in_commands,
    rec.CommandInterrupted: in_commands,
    rec.CommandChild: in_decisions,
    rec.ChildHandled: in_decisions,
    rec.Note: in_notes,
    rec.UntypedDecision: in_decisions,
    ev.TempFilesRemoved: in_decisions,
    ev.PreflightItemWaived: in_decisions,
    ev.SnapshotRecorded: in_decisions,
    ev.SnapshotDeclined: in_decisions,
    ev.BackendChosen: in_decisions,
    ev.BackendMigrated: in_decisions,
    ev.OverrideTyped: in_decisions,
    ev.ChangelogAcknowledged: in_decisions,
    ev.ImageRegistryTyped: in_decisions,
    ev.WaiverGiven: in_decisions,
    ev.PlanReviewed: in_plans("reviewed: "),
    ev.GateAnswered: in_plans("gate answered"),
    ev.PlanApproved: in_plans("approved"),
    ev.PlanApplied: in_plans("applied"),
    ev.PlanVoided: in_plans("review void"),
    ev.ApplyStarted: in_plans("apply started"),
    ev.ApplyEnded: in_plans("apply "),
    ev.ValuesDecision: in_values,
    ev.ValuesDraftHandled: in_values,
    ev.HelmRevisionRecorded: in_helm_revisions,
    ev.HelmLinted: in_helm_events,
    ev.HelmDiffed: in_helm_events,
    ev.HelmSynced: in_helm_events,
    ev.HelmHealthChecked: in_helm_events,
    ev.HelmRollbackClosed: in_helm_events,
    ev.HelmRolledBack: in_helm_and_rollbacks,
    ev.Stage4Verdict: in_stage4,
    ev.RollbackChosen: in_rollbacks,
    ev.RollbackDone: in_rollbacks,
    ev.StateLeftBehind: in_rollbacks,
}


def check_record(
    records: Sequence[JournalRecord], markdown: str, redact: Redact = lambda s: s
) -> dict[str, int]:
    """Assert the record renders every journal record, and nothing else; per-type counts."""
    missing = set(BODY_BY_KIND.values()) - set(CHECKS)
    assert not missing, (
        f"record types with no rendering check: {sorted(t.__name__ for t in missing)}"
    )
    sections = parse_record(markdown)
    checked = Checked(sections, fold(records), redact)
    journal = sections["The journal, line by line"].table("Line")
    assert [row["Line"] for row in journal.rows] == [str(r.seq) for r in records]
    seqs = {str(r.seq) for r in records}
    for section in sections.values():  # nothing the journal lacks
        for table in section.tables:
            if table.head[0] == "Line" or "Line" in table.head:
                extra = [row["Line"] for row in table.rows if row["Line"] not in seqs]
                assert not extra, f"{section.title!r} shows lines the journal lacks: {extra}"
    counts: dict[str, int] = {}
    for record, row in zip(records, journal.rows, strict=True):
        assert row["When"] == checked.cell(record.ts)
        assert row["Who"] == checked.cell(f"{record.user}@{record.host}")
        assert row["Step"] == checked.step(record.step)
        assert row["Record"] == record.kind.value
        assert row["What"] == checked.cell(describe(record.body)), row
        CHECKS[type(record.body)](checked, record)
        counts[record.kind.value] = counts.get(record.kind.value, 0) + 1
    check_result(checked)
    return counts


def check_result(c: Checked) -> None:
    """The Result section's command tally counts every command once, by its real outcome."""
    statuses = [x.body.status for x in c.state.commands]
    cut = len(c.state.of_type(rec.CommandInterrupted))
    total = len(statuses) + cut + len(c.state.unfinished)
    said = "\n".join(c.sections["Result"].lines)
    assert f"- Commands run: {total}; " in said
    assert f"failed: {statuses.count(CommandStatus.FAILED)};" in said
    changes = statuses.count(CommandStatus.CHANGES_PRESENT)
    assert f"({changes} with changes present)" in said
    assert f"interrupted: {cut + statuses.count(CommandStatus.INTERRUPTED)}." in said
    commands = c.sections["Commands"].table("#").rows
    assert len(commands) == total


def release_record(
    release: Path, redact: Redact = lambda s: s
) -> tuple[tuple[JournalRecord, ...], str, dict[str, int]]:
    """The journal of ``release``, its change record rendered as the CLI renders it, and
    ``check_record``'s counts (the check passed)."""
    records = read_journal(Workspace(release).journal_path).records
    markdown = change_record(fold(records), redact=redact, step_order=STEP_IDS, step_titles=TITLES)
    return records, markdown, check_record(records, markdown, redact)


def caught(records: Sequence[JournalRecord], markdown: str, old: str, new: str) -> str:
    """The AssertionError ``check_record`` raises on the record with ``old`` made ``new``
    (once): proof that the check reads that part of the record."""
    assert old in markdown, f"{old!r} is not in the record"
    try:
        check_record(records, markdown.replace(old, new, 1))
    except AssertionError as error:
        return str(error) or repr(error)
    raise AssertionError(f"check_record let {old!r} → {new!r} through")


# -- one record of every type, for the unit test ----------------------------------------


def sample(kind: Any, depth: int = 0, label: str = "", *, other: bool = False) -> Any:
    """An instance of a record body (or a field's type) with a plain value in every field:
    each text is its field's path (``PlanReviewed.plan.sha256``), each number distinct.
    ``other``: each flag true and each optional field of the body None (the other branch)."""
    label = label or getattr(kind, "__name__", "value")
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        values = {
            f.name: sample(hints[f.name], depth + 1, f"{label}.{f.name}", other=other)
            for f in dataclasses.fields(kind)
            if f.init
        }
        if "step" in values and depth == 0:
            values["step"] = "helm"
        return kind(**values)
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        if other and len(options) < len(typing.get_args(kind)) and depth == 1:
            return None
        return sample(options[0], depth + 1, label, other=other)
    if origin is tuple:
        return (sample(typing.get_args(kind)[0], depth + 1, f"{label}[0]", other=other),)
    if origin is typing.Literal:
        return typing.get_args(kind)[0]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return next(iter(kind))
    if kind is bool:
        return other
    if kind is int:
        return 100 + sum(map(ord, label)) % 9000  # distinct per field path
    if kind is float:
        return 0.5 + sum(map(ord, label)) % 9000
    if kind is str:
        return f"{label}|x"
    raise TypeError(f"no sample for {kind!r}")


def leaf_values(value: Any, label: str = "") -> list[tuple[str, Any]]:
    """Every text and number a sample holds, with its field path."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = []
        for f in dataclasses.fields(value):
            found += leaf_values(getattr(value, f.name), f"{label}.{f.name}".lstrip("."))
        return found
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in leaf_values(item, f"{label}[]")]
    if isinstance(value, str | int | float) and not isinstance(value, bool | enum.Enum):
        return [(label, value)]
    return []


def check_rollback_record(release: Path, kind: ev.RollbackKind) -> None:
    """The change record tells the rollback as the journal does, line by line (issue 14),
    and the check fails on a wrong rollback row or a wrong step status."""
    records, markdown, counts = release_record(release)
    assert counts["rollback_done"] == 1 and counts["plan_applied"] == 1
    [done] = [r.body for r in records if isinstance(r.body, ev.RollbackDone)]
    assert done.rollback is kind
    said = describe(done)
    assert caught(records, markdown, f"| {said} |", "| Rollback: nothing happened |")
    steps = {
        row["Step"]: row["Status"] for row in parse_record(markdown)["Steps"].table("Step").rows
    }
    assert steps["Rollback"] == "done"
    assert caught(records, markdown, "| Rollback | done |", "| Rollback | in progress |")
    undone = [TITLES[step] for step in ev.UNDONE_BY[kind]]
    assert all(steps[title] == "rolled back" for title in undone), steps
    kept = {"Releases", "Preflight", "Backend", "Values", "Helm"} - set(undone)
    assert all(steps[title] == "done" for title in kept), steps
    for title in undone:
        assert caught(records, markdown, f"| {title} | rolled back |", f"| {title} | done |")
