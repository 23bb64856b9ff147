"""Step 5 — Plan: init, plan and show -json in the current release, then the review.

Option A (local state) or B.2 (S3) is read from the current release with the
backend detection of the Backend step. The step is complete when the plan was
reviewed and approved at the apply gate (typed phrase for an unexpected
destroy or replace); the approval is what the Apply step applies.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.core.errors import MocmError
from tui.core.tofu.backend.detect import BackendKind, detect_backend
from tui.screens.base import StepPanel
from tui.screens.error_text import error_text
from tui.screens.plan.flow import PlanFlow
from tui.screens.tofu_flow import TofuTarget
from tui.wizard import Wizard


def target_of_current(wizard: Wizard) -> TofuTarget:
    """Where and how to plan the upgrade; MocmError with the reason when it cannot be said."""
    pair = wizard.pair
    if pair is None:
        raise MocmError("Choose the releases first (step 1).")
    book = wizard.context.playbook
    situation = detect_backend(pair.current.terraform, book)
    if situation.kind is BackendKind.LOCAL:
        return TofuTarget(pair.current.terraform, remote=False)
    if situation.kind is BackendKind.REMOTE:
        return TofuTarget(pair.current.terraform, remote=True)
    raise MocmError(
        "The current release is not ready to plan: " + " ".join(situation.explanation),
        "Finish the Carry-over step (state or backend.tf, tfvars) first.",
    )


class PlanPanel(StepPanel):
    """The plan of the upgrade, its review and the operator's approval."""

    STEP_ID = "plan"

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.target: TofuTarget | None = None

    def compose(self) -> ComposeResult:
        yield Static("5. Plan — init, plan, review", classes="step-title")
        yield Static(id="plan-setup", classes="error-box")

    def on_mount(self) -> None:
        self.prepare()

    def prepare(self) -> None:
        """Decide the target from what is on disk and mount the flow for it."""
        setup = self.query_one("#plan-setup", Static)
        try:
            target = target_of_current(self.wizard)
        except MocmError as exc:
            setup.display = True
            setup.update(error_text(exc, "Cannot plan yet"))
            return
        setup.display = False
        self.target = target
        self.mount(PlanFlow(target, id="plan-flow"))

    @property
    def flow(self) -> PlanFlow | None:
        found = self.query(PlanFlow)
        return found.first() if found else None

    def replan(self) -> None:
        """Start over (the Apply step found the plan stale): the old approval is void."""
        self.complete = False
        flow = self.flow
        if flow is None:
            self.prepare()
            flow = self.flow
        if flow is not None:
            flow.action_plan()

    @on(PlanFlow.Reset)
    def _reset(self, event: PlanFlow.Reset) -> None:
        self.complete = False

    @on(PlanFlow.Approved)
    def _approved(self, event: PlanFlow.Approved) -> None:
        self.complete = True
        self.notify(Content.styled("Plan approved. Next: Apply (F3).").plain, timeout=5)
