"""Driving the plan pipeline in tests as a view drives it: the commands answered, the plan
reviewed, and the pipeline's records read back from the journal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tui.core.exec.result import CommandResult
from tui.core.journal.events import (
    ApplyEnded,
    ApplyStarted,
    GateAnswered,
    PlanApplied,
    PlanApproved,
    PlanReviewed,
    PlanVoided,
)
from tui.core.journal.writer import Journal
from tui.core.playbook.load import Playbook
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.plan.ledger import PipelineJournal
from tui.core.tofu.plan.pipeline import (
    CaptureJson,
    Phase,
    PipelineMode,
    PlanPipeline,
    ReviewJson,
    RunCommand,
    Step,
)
from tui.core.tofu.plan.shown import review_shown_plan
from tui.core.tofu.plan.target import PipelineTarget

COMMANDS = TofuCommands("tofu", color=False)
ENV: dict[str, str] = {}


def result(argv: tuple[str, ...], exit_code: int = 0, *, cancelled: bool = False) -> CommandResult:
    """A command that ended just now after 0.1 s with ``exit_code``."""
    return CommandResult(argv, exit_code, datetime.now(UTC), 0.1, cancelled=cancelled)


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


def phase_of(pipeline: PlanPipeline) -> Phase:
    """The pipeline's phase now (read through a call: mypy keeps no narrowing across it)."""
    return pipeline.phase


def capture(pipeline: PlanPipeline) -> None:
    """Drive init → plan → show -json as the view does, ending REVIEWING."""
    step: Step | None = pipeline.start_plan()
    while isinstance(step, RunCommand):
        step = pipeline.command_finished(result(step.argv, 2 if "plan" in step.argv else 0))
    assert isinstance(step, CaptureJson) and step.argv == ("tofu", "show", "-json", "tfplan")
    assert phase_of(pipeline) is Phase.SHOW
    assert isinstance(pipeline.json_captured(result(step.argv)), ReviewJson)
    assert phase_of(pipeline) is Phase.REVIEWING


def plan_and_review(pipeline: PlanPipeline, plan_json: Path, book: Playbook) -> None:
    """Drive init → plan → show → review as the view does, ending REVIEWED."""
    capture(pipeline)
    shown = review_shown_plan(plan_json, book, pipeline.target, COMMANDS, ENV)
    pipeline.plan_reviewed(shown)
    assert pipeline.phase is Phase.REVIEWED
