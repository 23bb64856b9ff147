"""Stage 4, the teardown run: the one plan pipeline with the stage-4 rules.

Plan, review (exactly the expected destroys), the gate (the cluster id typed), the
check of the plan file and the state against the review, then ``tofu apply`` of that
plan only — all decided by the core pipeline and shown by its view. Planning waits
until the old cache's file is parked; parking or unparking voids any review.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from tui.core.tofu.plan.pipeline import PipelineMode
from tui.core.tofu.plan.target import teardown_target
from tui.screens.plan.pipeline_view import PipelineView
from tui.screens.stage4.sections import Stage4Context

NOT_PARKED = "Park the old cache's file above first: the teardown plan is made without it."


class TeardownRun(Vertical):
    """Plan → review (stage4) → gate (type the cluster id) → apply of that plan only."""

    DEFAULT_CSS = "TeardownRun { height: auto; } TeardownRun .pipeline { height: 30; }"

    class Applied(Message):
        """The teardown apply succeeded."""

    def __init__(self) -> None:
        super().__init__(id="s4-run")
        self.parked = False
        self.applied = False

    def compose(self) -> ComposeResult:
        yield Static("Teardown: plan, review, apply", classes="s4-label")

    @property
    def view(self) -> PipelineView | None:
        found = self.query(PipelineView)
        return found.first() if found else None

    def configure(self, context: Stage4Context) -> None:
        """Mount the pipeline for the current release, the cluster id asked at the gate."""
        if self.view is not None:
            return
        target = teardown_target(context.target.terraform_dir, context.target.cluster_id)
        view = PipelineView(target, PipelineMode.WHOLE, prefix="s4-td", id="s4-pipeline")
        view.hold(None if self.parked else NOT_PARKED)
        self.mount(view)

    def set_parked(self, parked: bool) -> None:
        """The file was parked or unparked: a plan made before is no longer the one to apply."""
        if parked == self.parked:
            return
        self.parked = parked
        if self.view is not None:
            self.view.hold(None if parked else NOT_PARKED)

    @on(PipelineView.Reset)
    @on(PipelineView.Approved)
    def _quiet(self, event: PipelineView.Reset | PipelineView.Approved) -> None:
        event.stop()  # the step is complete once the teardown is applied, not before

    @on(PipelineView.Applied)
    def _applied(self, event: PipelineView.Applied) -> None:
        event.stop()
        self.applied = True
        self.post_message(self.Applied())
