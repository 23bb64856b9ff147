"""The one plan pipeline: plan → show → review → record → gate → check → apply.

Written once for every stage: the upgrade (its Plan step plans and approves, its
Apply step applies), both rollbacks and the Stage-4 teardown (one view does it all).
``PlanPipeline`` holds every decision — which command runs next, what a result
means, what the operator may do now, what is journaled — and returns the next step
for the UI to perform (run a command in the log, capture ``show -json`` to a file,
review it in a thread, check the plan against the state in a thread). The UI only
shows the phase and asks the questions; nothing here knows Textual.

Safety rule 3 lives here: the apply runs only for the plan approved at the gate,
after ``check_before_apply`` found the plan file and the state as reviewed; an apply
that the journal saw start and never end is never run again — a new plan is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from tui.core.errors import MocmError
from tui.core.exec.recorder import CommandRecorder
from tui.core.exec.result import CommandResult
from tui.core.tofu.commands import PlanOutcome, TofuCommands, plan_outcome
from tui.core.tofu.plan.gate import GateDecision, GatePolicy, gate_policy
from tui.core.tofu.plan.ledger import InterruptedApply, PipelineJournal
from tui.core.tofu.plan.review import PlanReview
from tui.core.tofu.plan.reviewed import (
    ApplyCheck,
    ClearToApply,
    PlanFileChanged,
    ReviewedPlan,
    StalePlan,
    check_before_apply,
)
from tui.core.tofu.plan.shown import ShownPlan
from tui.core.tofu.plan.stopped import CommandStop, explain_error, explain_result
from tui.core.tofu.plan.target import PipelineTarget, read_state_mark
from tui.core.tofu.plan.vanished import vanished_backend, vanished_state

INIT_TIMEOUT_S = 900.0
PLAN_TIMEOUT_S = 3600.0
SHOW_TIMEOUT_S = 600.0
APPLY_TIMEOUT_S = 4 * 3600.0  # an ElastiCache/Valkey create can take most of an hour


class PipelineMode(StrEnum):
    """Which part of the pipeline one view drives."""

    PLAN = "plan"  # the upgrade's Plan step: plan, review, approve at the gate
    APPLY = "apply"  # the upgrade's Apply step: the approved plan (journal), check, apply
    WHOLE = "whole"  # rollbacks, Stage 4: plan, review, then the gate opens the apply


class Phase(StrEnum):
    """Where the pipeline is."""

    IDLE = "idle"  # nothing planned yet (Apply: nothing approved)
    INIT = "init"
    PLAN = "plan"
    SHOW = "show"  # tofu show -json into a file
    REVIEWING = "reviewing"  # parsing, classifying, recording the plan and the state
    REVIEWED = "reviewed"
    APPROVED = "approved"
    CHECKING = "checking"  # plan file and state against the review
    APPLYING = "applying"
    APPLIED = "applied"
    PLAN_FAILED = "plan-failed"
    REFUSED = "refused"  # the check refused the apply: nothing was applied
    APPLY_FAILED = "apply-failed"
    INTERRUPTED = "interrupted"  # the journal shows an apply that never finished


class Action(StrEnum):
    """What the operator can ask of the pipeline (each has its own key)."""

    PLAN = "plan"
    CANCEL = "cancel"
    GATE = "gate"
    APPLY = "apply"
    REPLAN = "replan"  # the Apply step: plan again in the Plan step


BUSY = frozenset(
    {Phase.INIT, Phase.PLAN, Phase.SHOW, Phase.REVIEWING, Phase.CHECKING, Phase.APPLYING}
)
CANCELLABLE = frozenset({Phase.INIT, Phase.PLAN, Phase.SHOW, Phase.APPLYING})
WITH_REVIEW = frozenset({Phase.REVIEWED, Phase.APPROVED})
MUST_REPLAN = frozenset({Phase.REFUSED, Phase.APPLY_FAILED, Phase.INTERRUPTED})


@dataclass(frozen=True)
class RunCommand:
    """Run ``argv`` in the target directory, streamed in the log."""

    argv: tuple[str, ...]
    timeout_s: float
    what: str


@dataclass(frozen=True)
class CaptureJson:
    """Run ``tofu show -json`` with stdout to the plan JSON file, stderr in the log."""

    argv: tuple[str, ...]
    timeout_s: float


@dataclass(frozen=True)
class ReviewJson:
    """Review the captured plan JSON in a thread (``shown.review_shown_plan``)."""


@dataclass(frozen=True)
class CheckPlan:
    """Read the state's mark and check the plan in a thread (``check_plan``)."""

    reviewed: ReviewedPlan


Step = RunCommand | CaptureJson | ReviewJson | CheckPlan


class ApplyQuestion(StrEnum):
    """What pressing Apply asks first."""

    GATE = "gate"  # the apply gate on the review (its answer applies at once)
    CONFIRM = "confirm"  # approved already: one destructive confirmation (Cancel focused)
    NONE = "none"  # nothing to apply now


class PlanPipeline:
    """One stage's pipeline in one directory, driven by one view."""

    def __init__(
        self,
        target: PipelineTarget,
        mode: PipelineMode,
        commands: TofuCommands,
        journal: PipelineJournal,
    ) -> None:
        self.target = target
        self.mode = mode
        self.commands = commands
        self.journal = journal
        self.phase = Phase.IDLE
        self.review: PlanReview | None = None
        self.reviewed: ReviewedPlan | None = None  # the plan file and state the review saw
        self.approved: ReviewedPlan | None = None  # what the gate let through
        self.outcome: PlanOutcome | None = None
        self.stop: CommandStop | None = None  # why the last command or check stopped
        self.refusal: PlanFileChanged | StalePlan | None = None
        self.interrupted: InterruptedApply | None = None
        self.held: str | None = None  # why nothing may be planned or applied now
        self.resume()

    # -- what the journal says ---------------------------------------------------------
    def resume(self) -> bool:
        """Take the approved plan, or an unfinished apply, from the journal; True if changed.

        Nothing changes while a command runs or a fresh review is on screen. A refusal or
        a failed apply stays on screen until the journal holds a newer approval. The Plan
        step shows an earlier approval only while it has planned nothing itself.
        """
        if self.busy or self.phase in (Phase.REVIEWED, Phase.PLAN_FAILED):
            return False
        history = self.journal.history()
        if self.mode is PipelineMode.PLAN:
            if self.phase is not Phase.IDLE or history.approved is None:
                return False
            self.approved, self.phase = history.approved, Phase.APPROVED
            return True
        kept = self.phase in (Phase.REFUSED, Phase.APPLY_FAILED)
        if kept and history.approved == self.approved and history.interrupted is None:
            return False
        before = (self.phase, self.approved, self.interrupted)
        self.approved, self.interrupted = history.approved, history.interrupted
        self.stop = self.refusal = None
        if history.interrupted is not None:
            self.phase = Phase.INTERRUPTED
        elif history.approved is None:
            self.phase = Phase.IDLE
        elif history.approved_was_applied:
            self.phase = Phase.APPLIED
        else:
            self.phase = Phase.APPROVED
        return (self.phase, self.approved, self.interrupted) != before

    # -- what may be done now ----------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.phase in BUSY

    def allowed(self, action: Action) -> bool:
        """Whether ``action`` makes sense now (the keys and buttons follow this)."""
        if self.held is not None and action is not Action.CANCEL:
            return False
        plans_here = self.mode is not PipelineMode.APPLY
        applies_here = self.mode is not PipelineMode.PLAN
        match action:
            case Action.PLAN:
                return plans_here and not self.busy
            case Action.CANCEL:
                return self.phase in CANCELLABLE
            case Action.GATE:
                return (
                    self.mode is PipelineMode.PLAN
                    and self.phase in WITH_REVIEW
                    and (self.review is not None)
                )
            case Action.APPLY:
                return applies_here and self.apply_question() is not ApplyQuestion.NONE
            case Action.REPLAN:
                return self.mode is PipelineMode.APPLY and self.phase in MUST_REPLAN
        return False

    def apply_question(self) -> ApplyQuestion:
        """Apply after the gate (a fresh review, rollbacks and Stage 4) or one confirmation."""
        if self.mode is PipelineMode.PLAN or self.held is not None:
            return ApplyQuestion.NONE
        if self.phase is Phase.REVIEWED and self.mode is PipelineMode.WHOLE:
            policy = self.gate_policy()  # a plan no answer can let through offers no apply
            return (
                ApplyQuestion.GATE
                if policy is not None and policy.can_apply
                else ApplyQuestion.NONE
            )
        if self.phase is Phase.APPROVED and self.approved is not None:
            return ApplyQuestion.CONFIRM
        if self.phase is Phase.APPLY_FAILED and self.approved is not None:
            return ApplyQuestion.CONFIRM  # the check refuses it if the state moved on
        return ApplyQuestion.NONE

    def gate_policy(self) -> GatePolicy | None:
        if self.review is None:
            return None
        return gate_policy(self.review, self.target.required_phrase)

    # -- a precondition outside the pipeline ------------------------------------------------
    def hold(self, reason: str) -> None:
        """A precondition stopped holding (Stage 4: the file is not parked): nothing may be
        planned or applied, and any review or approval is void (journaled)."""
        if self.held != reason:
            self.held = reason
            self._void(reason)

    def release(self) -> None:
        """The precondition holds again: plan afresh (a review made before is void too)."""
        if self.held is not None:
            self.held = None
            self._void("the precondition changed since the review")

    def _void(self, reason: str) -> None:
        if self.phase is Phase.APPLYING:
            return  # a running apply cannot be voided; it ends as it ends
        if self.reviewed is not None or self.approved is not None:
            self.journal.voided(reason)
        self.review = self.reviewed = self.approved = None
        self.outcome = self.stop = self.refusal = None
        self.phase = Phase.IDLE  # a step still running is ignored when it ends

    # -- plan ---------------------------------------------------------------------------
    def start_plan(self) -> RunCommand | None:
        """(Re)start: init (if any), then plan; any earlier review or approval is void."""
        if not self.allowed(Action.PLAN):
            return None
        self.review = self.reviewed = self.approved = None
        self.outcome = self.stop = self.refusal = None
        self.interrupted = None
        init = self.target.init_argv(self.commands)
        if init is not None:
            self.phase = Phase.INIT
            return RunCommand(init, INIT_TIMEOUT_S, "tofu init")
        self.phase = Phase.PLAN
        return RunCommand(self.commands.plan(), PLAN_TIMEOUT_S, "tofu plan")

    def command_finished(self, result: CommandResult) -> Step | None:
        """A streamed command (init, plan or apply) ended: the next step, or None."""
        binary = self.commands.binary
        if self.phase in (Phase.INIT, Phase.PLAN) and (
            gone := vanished_backend(self.target, result, binary, self.journal.history())
        ):
            self.journal.voided(gone.plain.replace("\n", " "))  # its bucket is gone: said
            self._plan_failed(gone)
            return None
        if self.phase is Phase.INIT:
            if not result.ok:
                self._plan_failed(explain_result(result, binary, "tofu init"))
                return None
            self.phase = Phase.PLAN
            return RunCommand(self.commands.plan(), PLAN_TIMEOUT_S, "tofu plan")
        if self.phase is Phase.PLAN:
            outcome = plan_outcome(result.exit_code)
            if outcome is PlanOutcome.FAILED or result.cancelled or result.timed_out:
                self._plan_failed(explain_result(result, binary, "tofu plan"))
                return None
            self.outcome = outcome
            self.phase = Phase.SHOW
            return CaptureJson(self.commands.show_json(), SHOW_TIMEOUT_S)
        if self.phase is Phase.APPLYING:
            self._apply_finished(result)
        return None

    def json_captured(self, result: CommandResult) -> ReviewJson | None:
        """``tofu show -json`` ended: review the file, or say why not."""
        if self.phase is not Phase.SHOW:
            return None
        if not result.ok:
            self._plan_failed(explain_result(result, self.commands.binary, "tofu show -json"))
            return None
        self.phase = Phase.REVIEWING
        return ReviewJson()

    def plan_stopped(self, error: MocmError, what: str) -> None:
        """The JSON could not be captured or reviewed (a typed error says why)."""
        self._plan_failed(explain_error(error, what))

    def _plan_failed(self, stop: CommandStop) -> None:
        self.stop = stop
        self.phase = Phase.PLAN_FAILED

    def plan_reviewed(self, shown: ShownPlan) -> None:
        """The review and its record: journaled (it voids any earlier approval)."""
        if self.phase is not Phase.REVIEWING:
            return
        gone = vanished_state(self.target, shown.reviewed.state, self.journal.history())
        if gone is not None:  # the S3 state the journal saw is gone: journaled, not reviewed
            self.journal.voided(gone.plain.replace("\n", " "))
            self._plan_failed(gone)
            return
        self.review, self.reviewed = shown.review, shown.reviewed
        self.journal.reviewed(shown.reviewed, shown.review)
        self.phase = Phase.REVIEWED

    # -- gate ---------------------------------------------------------------------------
    def gate_decided(self, decision: GateDecision, reviewed: ReviewedPlan) -> CheckPlan | None:
        """The gate's answer for ``reviewed`` (journaled); approved: the Whole view checks now."""
        self.journal.gate(decision, reviewed)
        if not decision.confirmed or reviewed is not self.reviewed or self.busy:
            return None  # a new plan started while the dialog was open: that answer is void
        self.approved = reviewed
        self.journal.approved(reviewed, decision.typed_phrase)
        self.phase = Phase.APPROVED
        if self.mode is PipelineMode.WHOLE:
            return self.start_check()
        return None

    # -- check and apply ----------------------------------------------------------------
    def start_check(self) -> CheckPlan | None:
        """After the operator's yes: compare the plan file and the state with the review."""
        if self.approved is None or self.phase not in (Phase.APPROVED, Phase.APPLY_FAILED):
            return None
        self.stop = self.refusal = None
        self.phase = Phase.CHECKING
        return CheckPlan(self.approved)

    def checked(self, check: ApplyCheck) -> RunCommand | None:
        """Clear: journal the apply's start and apply; else refused (nothing applied)."""
        if self.phase is not Phase.CHECKING or self.approved is None:
            return None
        if not isinstance(check, ClearToApply):
            self.refusal = check
            self.phase = Phase.REFUSED
            return None
        self.journal.apply_started(self.approved)
        self.phase = Phase.APPLYING
        return RunCommand(self.commands.apply(), APPLY_TIMEOUT_S, "tofu apply")

    def check_stopped(self, error: MocmError) -> None:
        """The check could not be made (state pull failed…): nothing was applied."""
        if self.phase is Phase.CHECKING:
            self.stop = explain_error(error, "Cannot check the plan")
            self.phase = Phase.REFUSED

    def _apply_finished(self, result: CommandResult) -> None:
        approved = self.approved
        assert approved is not None  # APPLYING is reached only with an approved plan
        if result.ok:
            self.journal.applied(approved)
            self.phase = Phase.APPLIED
            return
        self.journal.apply_ended(approved, result)
        self.stop = explain_result(
            result, self.commands.binary, "tofu apply", changes_infrastructure=True
        )
        self.phase = Phase.APPLY_FAILED


def check_plan(
    target: PipelineTarget,
    reviewed: ReviewedPlan,
    commands: TofuCommands,
    env: Mapping[str, str],
    recorder: CommandRecorder | None = None,
) -> ApplyCheck:
    """Read the state's mark now and compare it and the plan file with the review (blocking)."""
    return check_before_apply(reviewed, read_state_mark(target, commands, env, recorder))
