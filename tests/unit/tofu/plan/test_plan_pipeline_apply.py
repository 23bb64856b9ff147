"""The plan pipeline's Apply: what apply may use (the plan the journal approved, after the
check), a stale or changed plan refused, an apply the journal saw start and never end
re-planned, a cancelled apply said, and each stage and directory reading only its own
records.

Real files throughout: a state file from the samples, a plan file, the reference plan JSONs
reviewed with the shipped playbook, and a real journal on disk read back by a second
pipeline (as a restart or the Apply step reads it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.plan_pipeline import (
    COMMANDS,
    ENV,
    kinds,
    pipeline_for,
    pipeline_records,
    plan_and_review,
    result,
)
from tui.core.journal.events import ApplyEnded, ApplyOutcome, PlanApplied
from tui.core.journal.writer import Journal
from tui.core.playbook.load import Playbook
from tui.core.playbook.model import ROLLBACK, STAGE4, UPGRADE
from tui.core.tofu.plan.gate import GateMode, gate_decision
from tui.core.tofu.plan.ledger import read_history
from tui.core.tofu.plan.pipeline import (
    Action,
    ApplyQuestion,
    CheckPlan,
    Phase,
    PipelineMode,
    check_plan,
)
from tui.core.tofu.plan.reviewed import ClearToApply, PlanFileChanged, StalePlan
from tui.core.tofu.plan.stopped import StopKind
from tui.core.tofu.plan.target import InitMode, PipelineTarget, rollback_target, upgrade_target


def test_the_apply_step_applies_what_the_journal_approved_after_the_check(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    target = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    planner = pipeline_for(target, PipelineMode.PLAN, journal)
    plan_and_review(planner, samples / "plan_upgrade.json", book)
    policy, review, reviewed = planner.gate_policy(), planner.review, planner.reviewed
    assert policy is not None and review is not None and reviewed is not None
    planner.gate_decided(gate_decision(policy, review, typed=policy.phrase), reviewed)

    applier = pipeline_for(target, PipelineMode.APPLY, journal, "apply")
    assert applier.phase is Phase.APPROVED and applier.approved == reviewed
    assert applier.apply_question() is ApplyQuestion.CONFIRM
    assert not applier.allowed(Action.PLAN) and not applier.allowed(Action.GATE)
    check = applier.start_check()
    assert isinstance(check, CheckPlan) and check.reviewed == reviewed
    verdict = check_plan(target, check.reviewed, COMMANDS, ENV)
    assert isinstance(verdict, ClearToApply)
    apply = applier.checked(verdict)
    assert apply is not None and apply.argv == COMMANDS.apply()
    assert applier.phase is Phase.APPLYING and applier.allowed(Action.CANCEL)
    assert kinds(journal)[-1] == "ApplyStarted"
    assert applier.command_finished(result(apply.argv)) is None
    assert applier.phase is Phase.APPLIED
    applied = pipeline_records(journal)[-1]
    assert isinstance(applied, PlanApplied) and applied.plan_sha256 == reviewed.plan_sha256
    assert (applied.workdir, applied.stage, applied.step) == (str(release), UPGRADE, "apply")

    # A restart finds it applied: nothing more to apply.
    again = pipeline_for(target, PipelineMode.APPLY, journal, "apply")
    assert again.phase is Phase.APPLIED and not again.allowed(Action.APPLY)


@pytest.mark.parametrize("change", ["state", "plan file"])
def test_a_stale_or_changed_plan_is_refused_and_nothing_is_applied(
    change: str, release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    target = PipelineTarget(release, STAGE4, "teardown", InitMode.NONE, remote=False)
    pipeline = pipeline_for(target, PipelineMode.WHOLE, journal, STAGE4)
    plan_and_review(pipeline, samples / "plan_stage4.json", book)
    assert pipeline.apply_question() is ApplyQuestion.GATE  # the gate's yes applies
    policy, review, reviewed = pipeline.gate_policy(), pipeline.review, pipeline.reviewed
    assert policy is not None and review is not None and reviewed is not None
    assert policy.mode is GateMode.CONFIRM
    step = pipeline.gate_decided(gate_decision(policy, review, confirmed=True), reviewed)
    assert isinstance(step, CheckPlan) and pipeline.phase is Phase.CHECKING

    if change == "state":  # another run wrote the state since the review
        state = json.loads((release / "terraform.tfstate").read_text())
        state["serial"] += 1
        (release / "terraform.tfstate").write_text(json.dumps(state))
    else:
        (release / "tfplan").write_bytes(b"PK\x03\x04 another plan")
    verdict = check_plan(target, step.reviewed, COMMANDS, ENV)
    assert isinstance(verdict, StalePlan if change == "state" else PlanFileChanged)
    assert pipeline.checked(verdict) is None
    assert pipeline.phase is Phase.REFUSED and pipeline.refusal is verdict
    assert "ApplyStarted" not in kinds(journal)
    assert not pipeline.allowed(Action.APPLY) and pipeline.allowed(Action.PLAN)


def test_an_apply_the_journal_saw_start_and_never_end_is_re_planned(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    target = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    planner = pipeline_for(target, PipelineMode.PLAN, journal)
    plan_and_review(planner, samples / "plan_no_changes.json", book)
    policy, review, reviewed = planner.gate_policy(), planner.review, planner.reviewed
    assert policy is not None and review is not None and reviewed is not None
    planner.gate_decided(gate_decision(policy, review, confirmed=True), reviewed)
    applier = pipeline_for(target, PipelineMode.APPLY, journal, "apply")
    step = applier.start_check()
    assert step is not None
    assert applier.checked(check_plan(target, step.reviewed, COMMANDS, ENV)) is not None
    # The wizard is killed here, mid-apply: the journal holds apply-started, no end.

    restarted = pipeline_for(target, PipelineMode.APPLY, journal, "apply")
    assert restarted.phase is Phase.INTERRUPTED
    assert restarted.interrupted is not None
    assert restarted.interrupted.plan_sha256 == reviewed.plan_sha256
    assert "never finished" in restarted.interrupted.message
    assert restarted.apply_question() is ApplyQuestion.NONE  # the old plan file, never again
    assert restarted.start_check() is None
    assert restarted.allowed(Action.REPLAN) and not restarted.allowed(Action.APPLY)

    # The Plan step plans again: the new review ends the unfinished apply's hold.
    replanner = pipeline_for(target, PipelineMode.PLAN, journal)
    plan_and_review(replanner, samples / "plan_no_changes.json", book)
    assert read_history(journal.records, target).interrupted is None
    assert read_history(journal.records, target).approved is None  # a new approval is due
    assert pipeline_for(target, PipelineMode.APPLY, journal, "apply").phase is Phase.IDLE


def test_a_cancelled_apply_is_said_and_offers_a_new_plan(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    target = PipelineTarget(release, STAGE4, "teardown", InitMode.NONE, remote=False)
    pipeline = pipeline_for(target, PipelineMode.WHOLE, journal, STAGE4)
    plan_and_review(pipeline, samples / "plan_stage4.json", book)
    policy, review, reviewed = pipeline.gate_policy(), pipeline.review, pipeline.reviewed
    assert policy is not None and review is not None and reviewed is not None
    step = pipeline.gate_decided(gate_decision(policy, review, confirmed=True), reviewed)
    assert isinstance(step, CheckPlan)
    apply = pipeline.checked(check_plan(target, step.reviewed, COMMANDS, ENV))
    assert apply is not None
    pipeline.command_finished(result(apply.argv, 130, cancelled=True))
    assert pipeline.phase is Phase.APPLY_FAILED
    assert pipeline.stop is not None and pipeline.stop.kind is StopKind.CANCELLED
    assert "what was applied stays applied" in pipeline.stop.plain
    ended = pipeline_records(journal)[-1]
    assert isinstance(ended, ApplyEnded) and ended.outcome is ApplyOutcome.CANCELLED
    assert (ended.exit_code, ended.stage) == (130, STAGE4)
    assert read_history(journal.records, target).interrupted is None  # it ended, it was said


def test_each_stage_and_directory_reads_only_its_own_records(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    rollback = rollback_target(release, remote=False, state_file="terraform.tfstate")
    pipeline = pipeline_for(rollback, PipelineMode.WHOLE, journal, "rollback")
    plan_and_review(pipeline, samples / "plan_no_changes.json", book)
    policy, review, reviewed = pipeline.gate_policy(), pipeline.review, pipeline.reviewed
    assert policy is not None and review is not None and reviewed is not None
    step = pipeline.gate_decided(gate_decision(policy, review, confirmed=True), reviewed)
    assert isinstance(step, CheckPlan)
    assert pipeline.checked(check_plan(rollback, step.reviewed, COMMANDS, ENV)) is not None

    assert read_history(journal.records, rollback).interrupted is not None
    upgrade = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    assert read_history(journal.records, upgrade).approved is None
    assert pipeline_for(upgrade, PipelineMode.APPLY, journal, "apply").phase is Phase.IDLE
    elsewhere = rollback_target(release.parent, remote=False, state_file="terraform.tfstate")
    assert read_history(journal.records, elsewhere).interrupted is None
    assert rollback.stage == ROLLBACK
