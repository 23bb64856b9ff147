"""What the Plan, Apply and Rollback screens share: the target directory, the state's
mark, failure explanations and journal look-ups. No Textual widgets here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content

from tui.core.exec.result import CommandResult
from tui.core.journal.events import (
    ChangeCount,
    GateAnswered,
    GateQuestion,
    PlanApplied,
    PlanApproved,
    PlanFile,
    PlanIssue,
    PlanReviewed,
    PlanVerdict,
    StateSeen,
)
from tui.core.journal.interrupted import apply_cut_off_after
from tui.core.journal.records import StepStarted
from tui.core.tofu.commands import PLAN_FILE, TofuCommands
from tui.core.tofu.failures import KnownFailure, recognise_failure
from tui.core.tofu.plan.review import PlanReview
from tui.core.tofu.plan.reviewed import (
    ReviewedPlan,
    StateMark,
    pull_state_mark,
    state_mark_from_file,
)
from tui.widgets.apply_gate import GateDecision
from tui.wizard import Wizard

if TYPE_CHECKING:
    from tui.core.exec.recorder import CommandRecorder
    from tui.core.journal.writer import Journal


@dataclass(frozen=True)
class TofuTarget:
    """Where tofu runs and how: Option A (local state, ``init -upgrade``) or B.2 (S3)."""

    workdir: Path
    remote: bool
    stage: str = "upgrade"
    label: str = "current release"
    step: str = "plan"  # the journal's step for decisions about this plan

    @property
    def plan_path(self) -> Path:
        return self.workdir / PLAN_FILE

    @property
    def option(self) -> str:
        return "B.2 (S3 backend)" if self.remote else "A (local state)"


def short_dir(path: Path) -> str:
    """A release directory as the operator knows it: ``…/mocm-10.6.2605/terraform/aws``."""
    parts = path.parts
    return str(path) if len(parts) <= 4 else "…/" + "/".join(parts[-3:])


def mark_words(state: StateMark | None, remote: bool) -> str:
    """The state a plan was made on, in one short line (the full lineage is journaled)."""
    if state is None:
        return "no state yet."
    where = "via tofu state pull" if remote else f"from {Path(state.source).name}"
    return f"serial {state.serial}, lineage {state.lineage[:8]}…, {where}"


def commands_for(binary: str) -> TofuCommands:
    """The argv builders; no colour codes, the log shows plain text."""
    return TofuCommands(binary, color=False)


def state_mark(
    wizard: Wizard, target: TofuTarget, recorder: CommandRecorder | None
) -> StateMark | None:
    """The state's lineage and serial now (blocking for S3: call from a thread worker).

    A remote state is read with ``tofu state pull``, journaled through ``recorder``
    (argv, exit code, duration — never the state it prints).
    """
    context = wizard.context
    if target.remote:
        commands = commands_for(context.tofu_bin)
        return pull_state_mark(commands, target.workdir, context.env, on_finished=recorder)
    return state_mark_from_file(target.workdir / context.playbook.state_file)


def failure_text(result: CommandResult, binary: str, what: str) -> Content:
    """A failed command in plain words: the recognised cause and the next action."""
    known = recognise_failure("\n".join(result.stderr_tail), binary)
    return explain(known, result, what)


def explain(known: KnownFailure | None, result: CommandResult, what: str) -> Content:
    text = Content.styled(f"✗ {what} failed", "bold $error")
    if result.cancelled:
        text = text.append_text(" — cancelled by you.", "bold $error")
        text = text.append_text(
            "\nNothing is half-done: tofu stopped cleanly on SIGINT. Run it again."
        )
        return text
    if result.timed_out:
        text = text.append_text(" — it ran past its time limit and was stopped.", "bold $error")
        text = text.append_text("\nLook at the end of the log for what it was waiting for.")
        return text
    if known is None:
        last = result.stderr_tail[-1] if result.stderr_tail else "(no error output)"
        text = text.append_text(f" (exit {result.exit_code}).", "bold $error")
        text = text.append_text(f"\nLast error line: {last}")
        text = text.append_text("\nThe full output is in the log above and in the transcript.")
        return text
    text = text.append_text(f": {known.summary}", "bold $error")
    text = text.append_text("\nNext: ", "bold")
    text = text.append_text(known.next_action)
    return text


def plan_file(reviewed: ReviewedPlan) -> PlanFile:
    """The journal's form of a reviewed plan file (checksum, state, when)."""
    state = reviewed.state
    seen = None if state is None else StateSeen(state.lineage, state.serial, state.source)
    return PlanFile(str(reviewed.plan_path), reviewed.plan_sha256, seen, reviewed.reviewed_at)


def reviewed_plan(plan: PlanFile) -> ReviewedPlan:
    """The reviewed plan a journal record names (what the apply check compares)."""
    seen = plan.state
    state = None if seen is None else StateMark(seen.lineage, seen.serial, seen.source)
    return ReviewedPlan(Path(plan.path), plan.sha256, state, plan.reviewed_at)


def review_record(
    review: PlanReview, reviewed: ReviewedPlan, workdir: Path, step: str
) -> PlanReviewed:
    """The journal's record of a review: the plan, its verdict, counts and unexpected items."""
    counts = tuple(ChangeCount(action, n) for action, n in review.counts.items() if n)
    unexpected = tuple(
        PlanIssue(issue.display_address, issue.actions, issue.reason, issue.blocking)
        for issue in review.issues
    )
    verdict = PlanVerdict(review.verdict.value)
    return PlanReviewed(str(workdir), plan_file(reviewed), verdict, counts, unexpected, step)


def gate_record(decision: GateDecision, reviewed: ReviewedPlan | None, step: str) -> GateAnswered:
    """The journal's record of the operator's answer at the apply gate."""
    sha = reviewed.plan_sha256 if reviewed is not None else ""
    question = GateQuestion(decision.mode.value)
    return GateAnswered(
        decision.confirmed, question, decision.typed_phrase, decision.overridden, sha, step
    )


def approved_plan(journal: Journal, step: str, workdir: Path) -> ReviewedPlan | None:
    """The plan approved at the gate and still to apply, else None.

    A newer review voids the approval (its own approval must follow); so does an
    apply in ``workdir`` that a killed wizard cut off: plan again, never re-apply.
    """
    latest: tuple[int, PlanApproved] | None = None
    for record in journal.records:
        body = record.body
        if not isinstance(body, PlanReviewed | PlanApproved) or record.step != step:
            continue
        if body.workdir != str(workdir):
            continue
        latest = (record.seq, body) if isinstance(body, PlanApproved) else None
    if latest is None or apply_cut_off_after(journal.records, latest[0], str(workdir)):
        return None
    return reviewed_plan(latest[1].plan)


def applied_sha(journal: Journal, step: str) -> set[str]:
    """The plan checksums this step applied successfully (to resume at the archive)."""
    return {
        r.body.plan_sha256
        for r in journal.records
        if isinstance(r.body, PlanApplied) and r.step == step
    }


def first_apply_start(journal: Journal, step: str = "apply") -> str | None:
    """When the upgrade's apply first started (ISO time), from the journal."""
    for record in journal.records:
        if isinstance(record.body, StepStarted) and record.body.step == step:
            return record.ts
    return None
