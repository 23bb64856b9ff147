"""The one plan pipeline in core, driven as a view drives it: which command runs next, what
the gate approves, what apply may use, a stale plan refused, an unfinished apply re-planned.

Real files throughout: a state file from the samples, a plan file, the reference plan JSONs
reviewed with the shipped playbook, and a real journal on disk read back by a second
pipeline (as a restart or the Apply step reads it).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.exec.result import CommandResult
from tui.core.journal.events import (
    ApplyEnded,
    ApplyOutcome,
    ApplyStarted,
    GateAnswered,
    PlanApplied,
    PlanApproved,
    PlanReviewed,
    PlanVerdict,
    PlanVoided,
)
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.playbook.model import ROLLBACK, STAGE4, UPGRADE
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.plan.gate import GateMode, gate_decision
from tui.core.tofu.plan.ledger import PipelineJournal, read_history
from tui.core.tofu.plan.pipeline import (
    Action,
    ApplyQuestion,
    CaptureJson,
    CheckPlan,
    Phase,
    PipelineMode,
    PlanPipeline,
    ReviewJson,
    RunCommand,
    check_plan,
)
from tui.core.tofu.plan.reviewed import (
    ClearToApply,
    PlanFileChanged,
    StalePlan,
    StateMark,
    record_review,
    state_mark_from_file,
)
from tui.core.tofu.plan.shown import ShownPlan, review_shown_plan
from tui.core.tofu.plan.stopped import StopKind
from tui.core.tofu.plan.target import InitMode, PipelineTarget, rollback_target, upgrade_target

COMMANDS = TofuCommands("tofu", color=False)
ENV: dict[str, str] = {}


@pytest.fixture
def book() -> Playbook:
    return load_playbook()


@pytest.fixture
def release(tmp_path: Path, samples: Path) -> Path:
    """``<release>/terraform/aws`` with the sample state and a plan file."""
    workdir = tmp_path / "mocm-10.6.2605" / "terraform" / "aws"
    workdir.mkdir(parents=True)
    shutil.copy(samples / "terraform.tfstate", workdir / "terraform.tfstate")
    (workdir / "tfplan").write_bytes(b"PK\x03\x04 the plan tofu wrote")
    return workdir


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal.open(Workspace(tmp_path / "mocm-10.6.2605"))


def result(argv: tuple[str, ...], exit_code: int = 0, **flags: bool) -> CommandResult:
    return CommandResult(argv, exit_code, datetime.now(UTC), 0.1, **flags)


def pipeline_for(
    target: PipelineTarget, mode: PipelineMode, journal: Journal | None, step: str = "plan"
) -> PlanPipeline:
    return PlanPipeline(target, mode, COMMANDS, PipelineJournal(journal, target, step))


PipelineBody = (
    PlanReviewed
    | GateAnswered
    | PlanApproved
    | ApplyStarted
    | PlanApplied
    | ApplyEnded
    | PlanVoided
)


def pipeline_records(journal: Journal) -> list[PipelineBody]:
    """The pipeline's records in the journal, oldest first."""
    return [r.body for r in journal.records if isinstance(r.body, PipelineBody)]


def kinds(journal: Journal) -> list[str]:
    return [type(body).__name__ for body in pipeline_records(journal)]


def capture(pipeline: PlanPipeline) -> None:
    """Drive init → plan → show -json as the view does, ending REVIEWING."""
    step = pipeline.start_plan()
    while isinstance(step, RunCommand):
        step = pipeline.command_finished(result(step.argv, 2 if "plan" in step.argv else 0))
    assert isinstance(step, CaptureJson) and step.argv == ("tofu", "show", "-json", "tfplan")
    assert pipeline.phase is Phase.SHOW
    assert isinstance(pipeline.json_captured(result(step.argv)), ReviewJson)
    assert pipeline.phase is Phase.REVIEWING


def plan_and_review(pipeline: PlanPipeline, plan_json: Path, book: Playbook) -> None:
    """Drive init → plan → show → review as the view does, ending REVIEWED."""
    capture(pipeline)
    shown = review_shown_plan(plan_json, book, pipeline.target, COMMANDS, ENV)
    pipeline.plan_reviewed(shown)
    assert pipeline.phase is Phase.REVIEWED


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


def schema_1_line(seq: int, what: str, detail: str, step: str) -> str:
    """One decision line as the first format wrote it (no ``schema`` field)."""
    line = {
        "ts": f"2026-05-20T09:40:0{seq}+00:00",
        "seq": seq,
        "kind": "decision",
        "user": "ops",
        "host": "jump",
        "what": what,
        "detail": detail,
        "step": step,
    }
    return json.dumps(line) + "\n"


def test_a_journal_of_the_earlier_version_still_gives_the_upgrades_approval(
    release: Path, tmp_path: Path
) -> None:
    """Before the pipeline recorded the stage, records named the directory only, and the
    Apply step recorded the bare sha256 of the plan it applied (read through legacy)."""
    reviewed = record_review(
        release / "tfplan", state_mark_from_file(release / "terraform.tfstate")
    )
    state = reviewed.state
    assert state is not None
    review = {
        "plan": str(reviewed.plan_path),
        "plan_sha256": reviewed.plan_sha256,
        "lineage": state.lineage,
        "serial": state.serial,
        "state_source": state.source,
        "verdict": "safe",
        "reviewed_at": reviewed.reviewed_at,
        "workdir": str(release),
    }
    approval = {"workdir": str(release), "reviewed": reviewed.to_json()}
    (tmp_path / "earlier").mkdir()
    workspace = Workspace(tmp_path / "earlier")
    workspace.ensure()
    workspace.journal_path.write_text(
        schema_1_line(1, "plan-reviewed", json.dumps(review), "plan")
        + schema_1_line(2, "plan-approved", json.dumps(approval), "plan")
    )
    journal = Journal.open(workspace)
    upgrade = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    assert read_history(journal.records, upgrade).approved == reviewed
    assert pipeline_for(upgrade, PipelineMode.APPLY, journal, "apply").phase is Phase.APPROVED
    rollback = rollback_target(release, remote=False, state_file="terraform.tfstate")
    assert read_history(journal.records, rollback).approved is None  # not the rollback's

    with workspace.journal_path.open("a") as lines:
        lines.write(schema_1_line(3, "plan-applied", reviewed.plan_sha256, "apply"))
    journal = Journal.open(workspace)
    assert pipeline_for(upgrade, PipelineMode.APPLY, journal, "apply").phase is Phase.APPLIED


def test_an_unfinished_apply_of_the_earlier_version_is_re_planned(
    release: Path, tmp_path: Path
) -> None:
    """The pipeline's first-format records (JSON details naming the stage) read the same."""
    reviewed = record_review(
        release / "tfplan", state_mark_from_file(release / "terraform.tfstate")
    )
    where = {"workdir": str(release), "stage": STAGE4}
    approval = where | {"reviewed": reviewed.to_json(), "gate": "", "typed_phrase": "x"}
    started = where | {"plan_sha256": reviewed.plan_sha256}
    (tmp_path / "earlier").mkdir()
    workspace = Workspace(tmp_path / "earlier")
    workspace.ensure()
    workspace.journal_path.write_text(
        schema_1_line(1, "plan-approved", json.dumps(approval), STAGE4)
        + schema_1_line(2, "apply-started", json.dumps(started), STAGE4)
    )
    journal = Journal.open(workspace)
    target = PipelineTarget(release, STAGE4, "teardown", InitMode.NONE, remote=False)
    history = read_history(journal.records, target)
    assert history.approved == reviewed and history.interrupted is not None
    assert history.interrupted.plan_sha256 == reviewed.plan_sha256
    assert history.interrupted.started_at == "2026-05-20T09:40:02+00:00"
    assert pipeline_for(target, PipelineMode.WHOLE, journal, STAGE4).phase is Phase.INTERRUPTED
    upgrade = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    assert read_history(journal.records, upgrade).interrupted is None  # Stage 4's, not ours

    voided = where | {"reason": "the file is not parked"}
    with workspace.journal_path.open("a") as lines:
        lines.write(
            schema_1_line(3, "apply-ended", json.dumps(started | {"outcome": "failed"}), STAGE4)
        )
        lines.write(schema_1_line(4, "plan-voided", json.dumps(voided), STAGE4))
    journal = Journal.open(workspace)
    history = read_history(journal.records, target)
    assert history.interrupted is None and history.approved is None


def reviewed_locally(release: Path, samples: Path, book: Playbook) -> ShownPlan:
    """The sample plan reviewed (its state read from the file: no tofu to pull with)."""
    local = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    return review_shown_plan(samples / "plan_upgrade.json", book, local, COMMANDS, ENV)


def test_a_remote_state_that_vanished_is_named_and_nothing_is_reviewed(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    """Issue 14: the S3 object the journal saw is gone (``tofu state pull`` prints nothing):
    the review on no state is refused, naming s3://bucket/key and the last state seen."""
    (release / "backend.tf").write_text(
        'terraform {\n  backend "s3" {\n    bucket = "acme-tfstate"\n'
        '    key    = "mocm/prod/terraform.tfstate"\n    region = "eu-central-1"\n  }\n}\n'
    )
    target = upgrade_target(release, remote=True, state_file="terraform.tfstate")
    review = reviewed_locally(release, samples, book)  # the marks below stand for the pulls
    seen = StateMark("8c3f-lineage", 58, "tofu state pull")
    first = pipeline_for(target, PipelineMode.PLAN, journal)
    capture(first)
    first.plan_reviewed(ShownPlan(review.review, record_review(target.plan_path, seen)))
    assert first.phase is Phase.REVIEWED

    again = pipeline_for(target, PipelineMode.PLAN, journal)
    capture(again)
    again.plan_reviewed(ShownPlan(review.review, record_review(target.plan_path, None)))
    assert again.phase is Phase.PLAN_FAILED and again.review is None and again.reviewed is None
    assert again.stop is not None and again.stop.kind is StopKind.REFUSED
    said = again.stop.plain
    assert said.startswith(
        "✗ The plan cannot be reviewed: s3://acme-tfstate/mocm/prod/terraform.tfstate "
        "holds no state now"
    )
    assert "The journal last saw lineage 8c3f-lineage, serial 58 there" in said
    assert not again.allowed(Action.GATE) and again.allowed(Action.PLAN)
    *_, voided = pipeline_records(journal)
    assert isinstance(voided, PlanVoided) and "s3://acme-tfstate/mocm/prod" in voided.reason
    assert "serial 58" in voided.reason
    assert kinds(journal) == ["PlanReviewed", "PlanVoided"]  # the empty review not recorded


def test_a_remote_target_never_reviewed_on_a_state_may_plan_on_none(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    """A first plan (the journal saw no state there): nothing to compare, nothing refused."""
    target = upgrade_target(release, remote=True, state_file="terraform.tfstate")
    review = reviewed_locally(release, samples, book)
    pipeline = pipeline_for(target, PipelineMode.PLAN, journal)
    capture(pipeline)
    pipeline.plan_reviewed(ShownPlan(review.review, record_review(target.plan_path, None)))
    assert pipeline.phase is Phase.REVIEWED


def test_a_state_bucket_that_vanished_is_named_with_the_last_state_seen(
    release: Path, journal: Journal, samples: Path, book: Playbook
) -> None:
    (release / "backend.tf").write_text(
        'terraform {\n  backend "s3" {\n    bucket = "acme-tfstate"\n'
        '    key    = "mocm/prod/terraform.tfstate"\n    region = "eu-central-1"\n  }\n}\n'
    )
    target = upgrade_target(release, remote=True, state_file="terraform.tfstate")
    gone = CommandResult(
        COMMANDS.init(upgrade=False),
        1,
        datetime.now(UTC),
        0.3,
        stderr_tail=(
            'Error: Failed to get existing workspaces: S3 bucket "acme-tfstate" does not exist.',
        ),
    )
    never = pipeline_for(target, PipelineMode.PLAN, journal)  # the journal saw no state yet
    init = never.start_plan()
    assert init is not None and never.command_finished(gone) is None
    assert never.stop is not None and never.stop.kind is StopKind.RECOGNISED  # as usual
    assert pipeline_records(journal) == []

    seen = StateMark("8c3f-lineage", 58, "tofu state pull")
    first = pipeline_for(target, PipelineMode.PLAN, journal)
    capture(first)
    review = reviewed_locally(release, samples, book)
    first.plan_reviewed(ShownPlan(review.review, record_review(target.plan_path, seen)))
    again = pipeline_for(target, PipelineMode.PLAN, journal)
    assert again.start_plan() is not None
    assert again.command_finished(gone) is None
    assert again.phase is Phase.PLAN_FAILED and again.stop is not None
    said = again.stop.plain
    assert said.startswith(
        "✗ The plan cannot be made: the bucket of s3://acme-tfstate/mocm/prod/terraform.tfstate"
    )
    assert "The journal last saw lineage 8c3f-lineage, serial 58 there" in said
    *_, voided = pipeline_records(journal)
    assert isinstance(voided, PlanVoided) and "s3://acme-tfstate" in voided.reason
    cancelled = CommandResult(
        COMMANDS.init(upgrade=False), 130, datetime.now(UTC), 0.3, cancelled=True
    )
    third = pipeline_for(target, PipelineMode.PLAN, journal)
    assert third.start_plan() is not None and third.command_finished(cancelled) is None
    assert third.stop is not None and third.stop.kind is StopKind.CANCELLED
