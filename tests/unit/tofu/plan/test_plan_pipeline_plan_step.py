"""The plan pipeline's Plan step, driven as a view drives it: which command runs next, what
is journaled when the plan is reviewed, what the gate approves, and what stops or voids a
review (a failed plan, an unreadable plan JSON, a plan no answer lets through, a
precondition that stops holding).

Real files throughout: a state file from the samples, a plan file, the reference plan JSONs
reviewed with the shipped playbook, and a real journal on disk read back by a second
pipeline (as a restart reads it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.plan_pipeline import (
    COMMANDS,
    ENV,
    capture,
    kinds,
    pipeline_for,
    pipeline_records,
    plan_and_review,
    result,
)
from tui.core.errors import ParseError
from tui.core.exec.result import CommandResult
from tui.core.journal.events import (
    GateAnswered,
    PlanApproved,
    PlanReviewed,
    PlanVerdict,
    PlanVoided,
)
from tui.core.journal.writer import Journal
from tui.core.playbook.load import Playbook
from tui.core.playbook.model import STAGE4, UPGRADE
from tui.core.tofu.plan.gate import GateMode, gate_decision
from tui.core.tofu.plan.ledger import read_history
from tui.core.tofu.plan.pipeline import (
    Action,
    ApplyQuestion,
    CaptureJson,
    Phase,
    PipelineMode,
    ReviewJson,
    RunCommand,
)
from tui.core.tofu.plan.shown import review_shown_plan
from tui.core.tofu.plan.target import InitMode, PipelineTarget, rollback_target, upgrade_target


def test_the_commands_follow_the_target_then_the_review_is_journaled(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    target = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    pipeline = pipeline_for(target, PipelineMode.PLAN, journal)
    assert pipeline.phase is Phase.IDLE and pipeline.allowed(Action.PLAN)
    first = pipeline.start_plan()
    assert first == RunCommand(COMMANDS.init(upgrade=True), first.timeout_s, "tofu init")
    assert pipeline.allowed(Action.CANCEL) and not pipeline.allowed(Action.PLAN)
    second = pipeline.command_finished(result(first.argv))
    assert isinstance(second, RunCommand) and second.argv == COMMANDS.plan()
    third = pipeline.command_finished(result(second.argv, 2))
    assert isinstance(third, CaptureJson)
    assert isinstance(pipeline.json_captured(result(third.argv)), ReviewJson)
    shown = review_shown_plan(samples / "plan_upgrade.json", book, target, COMMANDS, ENV)
    pipeline.plan_reviewed(shown)

    assert pipeline.phase is Phase.REVIEWED and pipeline.review is shown.review
    assert pipeline.reviewed is not None and pipeline.reviewed.state is not None
    assert pipeline.reviewed.state.serial == 57
    recorded, *_ = pipeline_records(journal)
    assert isinstance(recorded, PlanReviewed) and recorded.plan.state is not None
    assert recorded.plan.state.serial == 57 and recorded.verdict is PlanVerdict.BLOCKED
    assert recorded.stage == UPGRADE and recorded.workdir == str(release)
    assert recorded.plan.sha256 == pipeline.reviewed.plan_sha256
    assert recorded.step == "plan" and any(issue.blocking for issue in recorded.unexpected)
    # The Plan step approves; it never applies.
    assert pipeline.allowed(Action.GATE) and not pipeline.allowed(Action.APPLY)


def test_a_failed_plan_stops_with_the_reason_and_no_review(release: Path, journal: Journal) -> None:
    target = rollback_target(release, remote=False, state_file="terraform.tfstate")
    pipeline = pipeline_for(target, PipelineMode.WHOLE, journal, "rollback")
    init = pipeline.start_plan()
    assert init is not None
    plan = pipeline.command_finished(result(init.argv))
    assert plan is not None
    failed = CommandResult(
        COMMANDS.plan(),
        1,
        datetime.now(UTC),
        0.2,
        stderr_tail=("Error: Error acquiring the state lock",),
    )
    assert pipeline.command_finished(failed) is None
    assert pipeline.phase is Phase.PLAN_FAILED and pipeline.review is None
    assert pipeline.stop is not None and pipeline.stop.headline.startswith("✗ tofu plan failed")
    assert not pipeline.allowed(Action.APPLY) and pipeline.allowed(Action.PLAN)
    assert pipeline_records(journal) == []


def test_only_the_policys_answer_approves_and_only_the_plan_on_screen(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    target = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    pipeline = pipeline_for(target, PipelineMode.PLAN, journal)
    plan_and_review(pipeline, samples / "plan_upgrade.json", book)
    policy = pipeline.gate_policy()
    review, reviewed = pipeline.review, pipeline.reviewed
    assert policy is not None and review is not None and reviewed is not None
    assert policy.mode is GateMode.TYPE_PHRASE and policy.phrase == "destroy 1"

    # A plain yes is not the typed phrase: nothing approved, the refusal journaled.
    pipeline.gate_decided(gate_decision(policy, review, confirmed=True), reviewed)
    assert pipeline.approved is None and pipeline.phase is Phase.REVIEWED
    wrong = gate_decision(policy, review, typed="destroy 2")
    pipeline.gate_decided(wrong, reviewed)
    assert pipeline.approved is None

    right = gate_decision(policy, review, typed="destroy 1")
    assert right.overridden == tuple(i.display_address for i in review.blockers)
    assert pipeline.gate_decided(right, reviewed) is None  # the Plan step does not apply
    assert pipeline.approved is reviewed and pipeline.phase is Phase.APPROVED
    assert kinds(journal) == [
        "PlanReviewed",
        "GateAnswered",
        "GateAnswered",
        "GateAnswered",
        "PlanApproved",
    ]
    *_, refused, typed, approval = pipeline_records(journal)
    assert isinstance(refused, GateAnswered) and not refused.confirmed
    assert isinstance(typed, GateAnswered) and typed.confirmed
    assert (typed.plan_sha256, typed.stage) == (reviewed.plan_sha256, UPGRADE)
    assert typed.overridden == right.overridden
    assert isinstance(approval, PlanApproved) and approval.typed_phrase == "destroy 1"
    assert approval.plan.sha256 == reviewed.plan_sha256 and approval.stage == UPGRADE

    # An answer for a plan that is no longer on screen approves nothing.
    pipeline.start_plan()
    assert pipeline.approved is None
    assert pipeline.gate_decided(right, reviewed) is None and pipeline.approved is None


def test_a_plan_json_that_cannot_be_read_stops_the_pipeline(
    release: Path, journal: Journal, book: Playbook
) -> None:
    target = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    pipeline = pipeline_for(target, PipelineMode.PLAN, journal)
    capture(pipeline)
    missing = release / "plans" / "upgrade.json"
    with pytest.raises(ParseError) as raised:
        review_shown_plan(missing, book, target, COMMANDS, ENV)
    pipeline.plan_stopped(raised.value, "The plan cannot be reviewed")
    assert pipeline.phase is Phase.PLAN_FAILED and pipeline.review is None
    assert pipeline.stop is not None
    assert pipeline.stop.headline.startswith("✗ The plan cannot be reviewed: ")
    assert str(missing) in pipeline.stop.headline


def test_a_plan_no_answer_can_let_through_offers_no_apply(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    target = rollback_target(release, remote=False, state_file="terraform.tfstate")
    pipeline = pipeline_for(target, PipelineMode.WHOLE, journal, "rollback")
    plan_and_review(pipeline, samples / "plan_upgrade.json", book)  # destroys under rollback
    policy = pipeline.gate_policy()
    assert policy is not None and policy.mode is GateMode.REFUSE
    assert pipeline.apply_question() is ApplyQuestion.NONE
    assert not pipeline.allowed(Action.APPLY) and pipeline.allowed(Action.PLAN)


def test_a_precondition_that_stops_holding_voids_the_review_and_the_approval(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    target = PipelineTarget(release, STAGE4, "teardown", InitMode.NONE, remote=False)
    pipeline = pipeline_for(target, PipelineMode.WHOLE, journal, STAGE4)
    pipeline.hold("Park the file first.")
    assert not pipeline.allowed(Action.PLAN) and pipeline.start_plan() is None
    assert pipeline_records(journal) == []  # nothing reviewed: nothing to void
    pipeline.release()
    plan_and_review(pipeline, samples / "plan_stage4.json", book)
    reviewed = pipeline.reviewed
    assert reviewed is not None

    pipeline.hold("Park the file first.")  # the file was unparked after the review
    assert pipeline.phase is Phase.IDLE and pipeline.review is None
    assert pipeline.apply_question() is ApplyQuestion.NONE and not pipeline.allowed(Action.APPLY)
    voided = pipeline_records(journal)[-1]
    assert isinstance(voided, PlanVoided) and voided.reason == "Park the file first."
    assert (voided.stage, voided.workdir) == (STAGE4, str(release))
    pipeline.release()
    assert pipeline.allowed(Action.PLAN) and pipeline.reviewed is None  # plan afresh

    # An approval in the journal is void too: a restart does not offer it.
    plan_and_review(pipeline, samples / "plan_stage4.json", book)
    policy, review, reviewed = pipeline.gate_policy(), pipeline.review, pipeline.reviewed
    assert policy is not None and review is not None and reviewed is not None
    pipeline.gate_decided(gate_decision(policy, review, confirmed=True), reviewed)
    assert read_history(journal.records, target).approved == reviewed
    pipeline.hold("Park the file first.")
    assert read_history(journal.records, target).approved is None
    assert pipeline_for(target, PipelineMode.WHOLE, journal, STAGE4).phase is Phase.IDLE
