"""Step 5 — Plan: init, plan and show -json in the current release, then the review.

Option A (local state) or B.2 (S3) is read from the current release with the
backend detection of the Backend step. The step is complete when the plan was
reviewed and approved at the apply gate (typed phrase for an unexpected
destroy or replace); the approval is what the Apply step applies.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from tui.core.errors import MocmError
from tui.core.tofu.plan.pipeline import PipelineMode
from tui.core.tofu.plan.target import PipelineTarget, current_release_target
from tui.screens.base import StepPanel
from tui.screens.error_text import error_text
from tui.screens.plan.pipeline_view import PipelineView, pipeline_focus
from tui.wizard import Wizard


def target_of_current(wizard: Wizard) -> PipelineTarget:
    """Where and how to plan the upgrade; MocmError with the reason when it cannot be said."""
    pair = wizard.pair
    if pair is None:
        raise MocmError("Choose the releases first (step 1).")
    return current_release_target(pair.current.terraform, wizard.context.playbook)


class PlanPanel(StepPanel):
    """The plan of the upgrade, its review and the operator's approval."""

    STEP_ID = "plan"
    # p plan, g approve, x cancel, l log: each ends in a phase (pipeline_focus).
    FOCUS_AFTER = pipeline_focus("plan")

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.target: PipelineTarget | None = None

    def compose(self) -> ComposeResult:
        yield Static("5. Plan — init, plan, review", classes="step-title")
        yield Static(id="plan-setup", classes="error-box")

    def on_mount(self) -> None:
        self.prepare()

    def prepare(self) -> None:
        """Decide the target from what is on disk and mount the pipeline for it."""
        setup = self.query_one("#plan-setup", Static)
        try:
            target = target_of_current(self.wizard)
        except MocmError as exc:
            setup.display = True
            setup.update(error_text(exc, "Cannot plan yet"))
            return
        setup.display = False
        self.target = target
        self.mount(PipelineView(target, PipelineMode.PLAN, prefix="plan", id="plan-pipeline"))

    @property
    def view(self) -> PipelineView | None:
        found = self.query(PipelineView)
        return found.first() if found else None

    def replan(self) -> None:
        """Start over (the Apply step cannot apply its plan): the old approval is void."""
        self.complete = False
        if self.view is None:
            self.prepare()
        if self.view is not None:
            self.view.plan_soon()

    @on(PipelineView.Reset)
    def _reset(self, event: PipelineView.Reset) -> None:
        event.stop()
        self.complete = False

    @on(PipelineView.Approved)
    def _approved(self, event: PipelineView.Approved) -> None:
        event.stop()
        self.complete = True
        self.notify("Plan approved. Next: Apply (F3).", timeout=5)
