"""The plan pipeline's records in the journal, and what they say when read back.

Every pipeline writes the same decisions, each a one-line JSON naming the stage and
the directory, so the upgrade, the rollbacks and Stage 4 never read each other's:

* ``plan-reviewed``: the plan file's sha256, the state's lineage and serial, the verdict;
* ``apply-gate``: what the operator did at the gate (plain sentence);
* ``plan-approved``: the reviewed plan the gate let through (what Apply applies);
* ``apply-started`` before ``tofu apply`` runs, then ``plan-applied`` or ``apply-ended``;
* ``plan-voided``: a precondition changed (Stage 4: the file unparked), the review is void.

Read back (``read_history``), they give the approved plan not superseded by a newer
review, the plans applied, and an apply that started and never ended: the wizard was
killed mid-apply, so the safe next action is a new plan, never the old plan file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tui.core.exec.result import CommandResult
from tui.core.journal.records import Decision, JournalRecord, StepStarted
from tui.core.journal.writer import Journal
from tui.core.playbook.model import UPGRADE
from tui.core.tofu.plan.reviewed import ReviewedPlan, ReviewedPlanError
from tui.core.tofu.plan.target import PipelineTarget

REVIEWED = "plan-reviewed"
GATE = "apply-gate"
APPROVED = "plan-approved"
APPLY_STARTED = "apply-started"
APPLIED = "plan-applied"
VOIDED = "plan-voided"
APPLY_ENDED = "apply-ended"  # failed, cancelled or timed out (the command record has the rest)
APPLY_STEP = "apply"  # the upgrade's Apply step (journals before the pipeline records did)


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

    @property
    def approved_was_applied(self) -> bool:
        return self.approved is not None and self.approved.plan_sha256 in self.applied


def _detail(decision: Decision) -> dict[str, Any] | None:
    try:
        raw = json.loads(decision.detail)
    except ValueError:
        return None
    return raw if isinstance(raw, dict) else None


def _belongs(raw: dict[str, Any], target: PipelineTarget) -> bool:
    """Records written before the stage was recorded are the upgrade's."""
    stage = raw.get("stage", UPGRADE)
    return raw.get("workdir") == str(target.workdir) and stage == target.stage


def read_history(records: Iterable[JournalRecord], target: PipelineTarget) -> PipelineHistory:
    """Replay the pipeline's decisions for ``target`` (its stage and directory), in order."""
    approved: ReviewedPlan | None = None
    applied: set[str] = set()
    in_flight: InterruptedApply | None = None
    for record in records:
        decision = record.body
        if not isinstance(decision, Decision):
            continue
        if decision.what == APPLIED and not decision.detail.startswith("{"):
            if target.stage == UPGRADE:
                applied.add(decision.detail)  # a journal of an earlier version: the bare sha
            continue
        raw = _detail(decision)
        if raw is None or not _belongs(raw, target):
            continue
        if decision.what == REVIEWED:
            approved, in_flight = None, None  # a new plan: its approval must follow
        elif decision.what == VOIDED:
            approved = None
        elif decision.what == APPROVED:
            try:
                approved = ReviewedPlan.from_json(str(raw.get("reviewed", "")))
            except ReviewedPlanError:
                approved = None  # a damaged record approves nothing
        elif decision.what == APPLY_STARTED:
            in_flight = InterruptedApply(str(raw.get("plan_sha256", "")), record.ts)
        elif decision.what == APPLIED:
            applied.add(str(raw.get("plan_sha256", "")))
            in_flight = None
        elif decision.what == APPLY_ENDED:
            in_flight = None
    return PipelineHistory(approved, frozenset(applied), in_flight)


def first_apply_start(records: Iterable[JournalRecord]) -> str | None:
    """When the upgrade's apply first started (ISO time): where Rollback B looks back from."""
    for record in records:
        body = record.body
        if isinstance(body, Decision) and body.what == APPLY_STARTED:
            raw = _detail(body)
            if raw is not None and raw.get("stage", UPGRADE) == UPGRADE:
                return record.ts
        if isinstance(body, StepStarted) and body.step == APPLY_STEP:
            return record.ts  # a journal of an earlier version marked the apply so
    return None


def reviewed_detail(target: PipelineTarget, reviewed: ReviewedPlan, verdict: str) -> str:
    """The review's record: plan sha256, lineage, serial, verdict, stage and directory."""
    state = reviewed.state
    return json.dumps(
        {
            "plan": str(reviewed.plan_path),
            "plan_sha256": reviewed.plan_sha256,
            "lineage": None if state is None else state.lineage,
            "serial": None if state is None else state.serial,
            "state_source": None if state is None else state.source,
            "verdict": verdict,
            "reviewed_at": reviewed.reviewed_at,
            "workdir": str(target.workdir),
            "stage": target.stage,
        },
        sort_keys=True,
    )


def approved_detail(
    target: PipelineTarget, reviewed: ReviewedPlan, gate: str, typed_phrase: str
) -> str:
    """The approval's record: the Apply step (and a restart) applies this plan."""
    return json.dumps(
        {
            "workdir": str(target.workdir),
            "stage": target.stage,
            "reviewed": reviewed.to_json(),
            "gate": gate,
            "typed_phrase": typed_phrase,
        },
        sort_keys=True,
    )


def apply_detail(target: PipelineTarget, plan_sha256: str, **extra: object) -> str:
    """An apply's start or end: which plan, where, at which stage."""
    fields: dict[str, object] = {
        "workdir": str(target.workdir),
        "stage": target.stage,
        "plan_sha256": plan_sha256,
    }
    return json.dumps(fields | extra, sort_keys=True)


def apply_outcome(result: CommandResult) -> str:
    """How a failed apply ended, in one word."""
    if result.cancelled:
        return "cancelled"
    if result.timed_out:
        return "timed-out"
    return "failed"


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

    def _decide(self, what: str, detail: str) -> None:
        if self.journal is not None:
            self.journal.decision(what, detail, self.step)

    def reviewed(self, reviewed: ReviewedPlan, verdict: str) -> None:
        self._decide(REVIEWED, reviewed_detail(self.target, reviewed, verdict))

    def gate(self, sentence: str) -> None:
        self._decide(GATE, sentence)

    def approved(self, reviewed: ReviewedPlan, gate: str, typed_phrase: str) -> None:
        self._decide(APPROVED, approved_detail(self.target, reviewed, gate, typed_phrase))

    def voided(self, reason: str) -> None:
        """The review (and any approval) is void: nothing approved may be applied."""
        self._decide(
            VOIDED,
            json.dumps(
                {"workdir": str(self.target.workdir), "stage": self.target.stage, "reason": reason},
                sort_keys=True,
            ),
        )

    def apply_started(self, reviewed: ReviewedPlan) -> None:
        """Before ``tofu apply`` runs: a kill from now on leaves an unfinished apply."""
        if self.journal is not None:
            self.journal.step_started(self.step)
        self._decide(APPLY_STARTED, apply_detail(self.target, reviewed.plan_sha256))

    def applied(self, reviewed: ReviewedPlan) -> None:
        self._decide(APPLIED, apply_detail(self.target, reviewed.plan_sha256))

    def apply_ended(self, reviewed: ReviewedPlan, result: CommandResult) -> None:
        detail = apply_detail(
            self.target,
            reviewed.plan_sha256,
            outcome=apply_outcome(result),
            exit_code=result.exit_code,
        )
        self._decide(APPLY_ENDED, detail)
