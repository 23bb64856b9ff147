"""The plan pipeline on a remote (S3) state: a state or a bucket that vanished since the
journal last saw it is named with the last state seen and nothing is reviewed; a target
never reviewed on a state may plan on none.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.support.plan_pipeline import (
    COMMANDS,
    ENV,
    capture,
    kinds,
    pipeline_for,
    pipeline_records,
)
from tui.core.exec.result import CommandResult
from tui.core.journal.events import PlanVoided
from tui.core.journal.writer import Journal
from tui.core.playbook.load import Playbook
from tui.core.tofu.plan.pipeline import Action, Phase, PipelineMode
from tui.core.tofu.plan.reviewed import StateMark, record_review
from tui.core.tofu.plan.shown import ShownPlan, review_shown_plan
from tui.core.tofu.plan.stopped import StopKind
from tui.core.tofu.plan.target import upgrade_target


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
