"""The pipeline view's questions before an apply: the gate, and the apply's confirmation.

The core decides which question is due (``apply_question``: a plan reviewed in this view
opens the gate, an approval the journal holds asks to confirm the apply) and how the gate
is confirmed (``GatePolicy``: one key, a typed phrase such as ``destroy 1``, or refused);
``ApplyGate`` shows it. The Plan step's gate only approves for the Apply step (nothing
is applied: Enter may approve); where the view applies at once, the gate and the
confirmation open on Cancel. The answer goes back to the core, which journals it; an
approval is told to the step (``PipelineView.Approved``) and said in the view's status.
"""

from __future__ import annotations

from typing import Protocol

from textual.app import App

from tui.core.tofu.plan.gate import GateDecision
from tui.core.tofu.plan.pipeline import Action, ApplyQuestion, PlanPipeline, Step
from tui.core.tofu.plan.reviewed import ReviewedPlan
from tui.core.tofu.plan.target import PipelineTarget
from tui.screens.plan.pipeline_words import confirm_apply_body
from tui.widgets.apply_gate import ApplyGate
from tui.widgets.dialogs.confirm import ConfirmDialog


class AskingView(Protocol):
    """The pipeline view, as its questions see it (``PipelineView`` is the one)."""

    target: PipelineTarget

    @property
    def app(self) -> App[object]: ...

    @property
    def core(self) -> PlanPipeline: ...

    def perform(self, step: Step | None) -> None:
        """Do what the pipeline asks next, then show where it is."""
        ...

    def approval_given(self, reviewed: ReviewedPlan, words: str) -> None:
        """The operator approved ``reviewed`` at the gate (``words``: the gate's answer)."""
        ...


class ApplyQuestions:
    """One pipeline view's questions: the gate (approve), the apply's confirmation."""

    def __init__(self, view: AskingView) -> None:
        self.view = view

    def gate(self) -> None:
        """The Plan step's gate: approve the reviewed plan for the Apply step."""
        if self.view.core.allowed(Action.GATE):
            self.ask_gate(destructive=False)

    def apply(self) -> None:
        """The gate (a fresh review) or the apply's own confirmation; Cancel has the focus."""
        view = self.view
        question = view.core.apply_question()
        if question is ApplyQuestion.GATE:
            self.ask_gate(destructive=True)
        elif question is ApplyQuestion.CONFIRM:
            dialog = ConfirmDialog(
                "Apply the approved plan?",
                confirm_apply_body(view.core),
                confirm=view.target.apply_label,
                key="y",
                cancel_key="n",
                destructive=True,
                dialog_id="apply-dialog",
            )
            view.app.push_screen(dialog, self.apply_confirmed)

    def apply_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.view.perform(self.view.core.start_check())

    def ask_gate(self, *, destructive: bool) -> None:
        view = self.view
        core, target = view.core, view.target
        review, reviewed = core.review, core.reviewed
        if review is None or reviewed is None:
            return
        gate = ApplyGate(
            review,
            required_phrase=target.required_phrase,
            phrase_meaning=target.phrase_meaning,
            apply_label="Approve" if not destructive else target.apply_label,
            destructive=destructive,
        )

        def decided(decision: GateDecision) -> None:
            step = core.gate_decided(decision, reviewed)
            if core.approved is reviewed and decision.confirmed:
                view.approval_given(reviewed, decision.journal_detail())
            view.perform(step)

        gate.ask(view.app, decided)
