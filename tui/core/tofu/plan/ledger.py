"""The plan pipeline's records in the journal, and what they say when read back.

Every pipeline writes the same typed records, each naming the stage and the
directory, so the upgrade, the rollbacks and Stage 4 never read each other's:

* ``PlanReviewed``: the plan file's sha256, the state's lineage and serial, the verdict;
* ``GateAnswered``: what the operator did at the gate;
* ``PlanApproved``: the reviewed plan the gate let through (what Apply applies);
* ``ApplyStarted`` before ``tofu apply`` runs, then ``PlanApplied`` or ``ApplyEnded``;
* ``PlanVoided``: a precondition changed (Stage 4: the file unparked), the review is void.

Read back (``read_history``), they give the approved plan not superseded by a newer
review, the plans applied, and an apply that started and never ended: the wizard was
killed mid-apply, so the safe next action is a new plan, never the old plan file.
A journal of the first format is read through ``journal.legacy`` into the same records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tui.core.exec.result import CommandResult
from tui.core.journal.events import (
    ApplyEnded,
    ApplyOutcome,
    ApplyStarted,
    ChangeCount,
    GateAnswered,
    GateQuestion,
    PlanApplied,
    PlanApproved,
    PlanFile,
    PlanIssue,
    PlanReviewed,
    PlanVerdict,
    PlanVoided,
    StateSeen,
)
from tui.core.journal.records import JournalRecord, StepStarted
from tui.core.journal.writer import Journal
from tui.core.playbook.model import UPGRADE
from tui.core.tofu.plan.gate import GateDecision
from tui.core.tofu.plan.review import PlanReview
from tui.core.tofu.plan.reviewed import ReviewedPlan, StateMark
from tui.core.tofu.plan.target import PipelineTarget

APPLY_STEP = "apply"  # the upgrade's Apply step (journals before the pipeline records did)
PipelineRecord = PlanReviewed | PlanApproved | PlanVoided | ApplyStarted | PlanApplied | ApplyEnded


@dataclass(frozen=True)
class InterruptedApply:
    """An apply the journal saw start and never end: the wizard stopped mid-apply."""

    plan_sha256: str
    started_at: str  # ISO time of the ``apply-started`` record

    hint = "Plan again and review the new plan: the old plan file is never applied again."

    @property
    def started_words(self) -> str:
        """``2026-05-20 09:40:03 UTC``."""
        return self.started_at[:19].replace("T", " ") + " UTC"

    @property
    def message(self) -> str:
        """What the operator reads."""
        return (
            f"An apply of the plan sha256 {self.plan_sha256[:12]}… started at "
            f"{self.started_words} and never finished: the wizard stopped while tofu "
            "applied. Part of the plan may be applied, and the state may still be locked."
        )


@dataclass(frozen=True)
class PipelineHistory:
    """What the journal says about one stage's pipeline in one directory."""

    approved: ReviewedPlan | None  # approved at the gate, not superseded by a newer review
    applied: frozenset[str]  # sha256 of the plan files applied successfully
    interrupted: InterruptedApply | None  # the last apply started never ended
    last_state: StateSeen | None = None  # the state the last review with one was made on
    last_state_at: str = ""  # when (the review's journal time)

    @property
    def approved_was_applied(self) -> bool:
        return self.approved is not None and self.approved.plan_sha256 in self.applied


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


def _belongs(body: PipelineRecord, target: PipelineTarget) -> bool:
    return body.workdir == str(target.workdir) and body.stage == target.stage


def read_history(records: Iterable[JournalRecord], target: PipelineTarget) -> PipelineHistory:
    """Replay the pipeline's records for ``target`` (its stage and directory), in order."""
    approved: ReviewedPlan | None = None
    applied: set[str] = set()
    in_flight: InterruptedApply | None = None
    last_state: tuple[StateSeen, str] | None = None
    for record in records:
        body = record.body
        if isinstance(body, PlanApplied) and not body.workdir:
            if target.stage == UPGRADE and body.plan_sha256:
                applied.add(body.plan_sha256)  # a journal of an earlier version: the bare sha
            continue
        if not isinstance(body, PipelineRecord) or not _belongs(body, target):
            continue
        match body:
            case PlanReviewed(plan=plan):
                approved, in_flight = None, None  # a new plan: its approval must follow
                if plan.state is not None:
                    last_state = (plan.state, record.ts)
            case PlanVoided():
                approved = None
            case PlanApproved(plan=plan):
                approved = reviewed_plan(plan)
            case ApplyStarted(plan_sha256=sha):
                in_flight = InterruptedApply(sha, record.ts)
            case PlanApplied(plan_sha256=sha):
                applied.add(sha)
                in_flight = None
            case ApplyEnded():
                in_flight = None
    seen, at = last_state if last_state is not None else (None, "")
    return PipelineHistory(approved, frozenset(applied), in_flight, seen, at)


def first_apply_start(records: Iterable[JournalRecord]) -> str | None:
    """When the upgrade's apply first started (ISO time): where Rollback B looks back from."""
    for record in records:
        body = record.body
        if isinstance(body, ApplyStarted) and body.stage == UPGRADE:
            return record.ts
        if isinstance(body, StepStarted) and body.step == APPLY_STEP:
            return record.ts  # a journal of an earlier version marked the apply so
    return None


def review_record(
    target: PipelineTarget, reviewed: ReviewedPlan, review: PlanReview, step: str
) -> PlanReviewed:
    """The review's record: the plan, its verdict, counts and unexpected items."""
    counts = tuple(ChangeCount(action, n) for action, n in review.counts.items() if n)
    unexpected = tuple(
        PlanIssue(issue.display_address, issue.actions, issue.reason, issue.blocking)
        for issue in review.issues
    )
    verdict = PlanVerdict(review.verdict.value)
    workdir = str(target.workdir)
    return PlanReviewed(
        workdir, plan_file(reviewed), verdict, counts, unexpected, step, target.stage
    )


def gate_record(
    target: PipelineTarget, decision: GateDecision, reviewed: ReviewedPlan | None, step: str
) -> GateAnswered:
    """The operator's answer at the apply gate, for the plan it was asked about."""
    return GateAnswered(
        decision.confirmed,
        GateQuestion(decision.mode.value),
        decision.typed_phrase,
        decision.overridden,
        reviewed.plan_sha256 if reviewed is not None else "",
        step,
        decision.destroys,
        decision.replaces,
        str(target.workdir),
        target.stage,
    )


def apply_outcome(result: CommandResult) -> ApplyOutcome:
    """How a failed apply ended."""
    if result.cancelled:
        return ApplyOutcome.CANCELLED
    if result.timed_out:
        return ApplyOutcome.TIMED_OUT
    return ApplyOutcome.FAILED


class PipelineJournal:
    """Writes the pipeline's decisions for one step (nothing without a journal)."""

    def __init__(self, journal: Journal | None, target: PipelineTarget, step: str) -> None:
        self.journal = journal
        self.target = target
        self.step = step

    def history(self) -> PipelineHistory:
        """The journal's story of this pipeline so far (empty without a journal)."""
        if self.journal is None:
            return PipelineHistory(None, frozenset(), None)
        return read_history(self.journal.records, self.target)

    def _record(self, body: PipelineRecord | GateAnswered) -> None:
        if self.journal is not None:
            self.journal.append(body)

    @property
    def _where(self) -> tuple[str, str]:
        return str(self.target.workdir), self.target.stage

    def reviewed(self, reviewed: ReviewedPlan, review: PlanReview) -> None:
        self._record(review_record(self.target, reviewed, review, self.step))

    def gate(self, decision: GateDecision, reviewed: ReviewedPlan | None) -> None:
        self._record(gate_record(self.target, decision, reviewed, self.step))

    def approved(self, reviewed: ReviewedPlan, typed_phrase: str) -> None:
        workdir, stage = self._where
        self._record(PlanApproved(workdir, plan_file(reviewed), typed_phrase, self.step, stage))

    def voided(self, reason: str) -> None:
        """The review (and any approval) is void: nothing approved may be applied."""
        workdir, stage = self._where
        self._record(PlanVoided(workdir, reason, stage, self.step))

    def apply_started(self, reviewed: ReviewedPlan) -> None:
        """Before ``tofu apply`` runs: a kill from now on leaves an unfinished apply."""
        if self.journal is not None:
            self.journal.step_started(self.step)
        workdir, stage = self._where
        self._record(ApplyStarted(workdir, reviewed.plan_sha256, stage, self.step))

    def applied(self, reviewed: ReviewedPlan) -> None:
        workdir, stage = self._where
        self._record(PlanApplied(reviewed.plan_sha256, workdir, self.step, stage))

    def apply_ended(self, reviewed: ReviewedPlan, result: CommandResult) -> None:
        workdir, stage = self._where
        outcome = apply_outcome(result)
        sha = reviewed.plan_sha256
        self._record(ApplyEnded(workdir, sha, outcome, result.exit_code, stage, self.step))
