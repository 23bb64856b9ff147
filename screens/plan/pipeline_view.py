"""The one view of the plan pipeline, for every stage: upgrade, rollbacks, Stage 4.

It drives a core ``PlanPipeline``: each key asks the pipeline what to do, the view
performs the step it returns (a command streamed in the log, ``tofu show -json``
into a file, the review or the apply check in a thread) and hands the result back.
It shows the phase, the review and the reasons; the questions before an apply (the
gate, the apply's confirmation) are its ``ApplyQuestions`` (``apply_questions.py``).
Every command has a transcript and a journal record.

``mode`` says which part it drives: the Plan step plans and approves, the Apply step
applies the approval the journal holds, the rollbacks and Stage 4 do it all. Child
ids start with ``prefix`` (``plan-status``, ``apply-log``…): two views may share a
screen.
"""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant
from textual.worker import Worker, WorkerState, get_current_worker

from tui.core.errors import MocmError
from tui.core.exec.result import CommandResult
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.plan.ledger import PipelineJournal
from tui.core.tofu.plan.pipeline import (
    BUSY,
    Action,
    CaptureJson,
    CheckPlan,
    Phase,
    PipelineMode,
    PlanPipeline,
    ReviewJson,
    RunCommand,
    Step,
    check_plan,
)
from tui.core.tofu.plan.reviewed import ApplyCheck, ReviewedPlan
from tui.core.tofu.plan.shown import ShownPlan, review_shown_plan
from tui.core.tofu.plan.target import PipelineTarget
from tui.resources import STYLES
from tui.screens.base import StepPanel, panel_of
from tui.screens.plan.apply_questions import ApplyQuestions
from tui.screens.plan.pipeline_words import problem_text, status_text
from tui.screens.plan.show_json import SHOW_GROUP, JsonCapture, show_head
from tui.widgets.command_log import CommandLog
from tui.widgets.plan_review_view import PlanReviewView
from tui.widgets.worker_events import ReportsWorkers
from tui.wizard import Wizard

# The button of each action: label, variant.
BUTTONS: tuple[tuple[Action, str, ButtonVariant], ...] = (
    (Action.PLAN, "Plan (p)", "primary"),
    (Action.GATE, "Approve… (g)", "success"),
    (Action.APPLY, "Apply… (a)", "warning"),
    (Action.REPLAN, "Plan again (r)", "primary"),
    (Action.CANCEL, "Cancel (x)", "default"),
)


def pipeline_focus(prefix: str) -> dict[str, str]:
    """After each pipeline phase, where the focus goes ("phase.<phase>" → selector).

    A step embedding a PipelineView (``prefix``) adds this to its FOCUS_AFTER. A fresh
    review keeps the focus in its table where Apply is not offered (the Plan step: read
    it, ``g`` approves from there); where it applies at once, Apply has the focus.
    """
    plan, replan, apply = (
        f"#{prefix}-{a.value}-button" for a in (Action.PLAN, Action.REPLAN, Action.APPLY)
    )
    log, table = f"#{prefix}-log", f"#{prefix}-review #plan-table"
    after: dict[str, str] = {f"phase.{phase.value}": log for phase in BUSY}  # x stops it
    after |= {
        f"phase.{Phase.IDLE.value}": plan,
        f"phase.{Phase.PLAN_FAILED.value}": plan,  # the retry
        f"phase.{Phase.REVIEWED.value}": f"{apply}, {table}",
        f"phase.{Phase.APPROVED.value}": f"{apply}, {table}",  # Plan step: F3 goes on
        f"phase.{Phase.APPLIED.value}": log,  # what tofu said; F3 goes on
        f"phase.{Phase.REFUSED.value}": f"{replan}, {plan}",
        f"phase.{Phase.APPLY_FAILED.value}": f"{replan}, {plan}",
        f"phase.{Phase.INTERRUPTED.value}": f"{replan}, {plan}",
        "toggle_log": f"{log}, {table}",  # l: the log when shown, else the review
    }
    return after


class PipelineView(ReportsWorkers, Vertical):
    """Plan, review, approve and apply one target through the core pipeline."""

    DEFAULT_CSS = (STYLES / "plan.tcss").read_text(encoding="utf-8")
    SCOPED_CSS = False  # the Plan, Apply, Rollback and Stage-4 steps all show it

    BINDINGS = [
        Binding("p", "plan", "Plan", tooltip="Run init, plan and show -json (again)"),
        Binding("g", "gate", "Approve…", tooltip="Open the apply gate for this reviewed plan"),
        Binding("a", "apply", "Apply…", tooltip="Check the approved plan, then tofu apply it"),
        Binding("r", "replan", "Plan again", tooltip="Make and review a new plan (Plan step)"),
        Binding("x,ctrl+c", "cancel", "Cancel", tooltip="Stop the running command (SIGINT)"),
        Binding("l", "toggle_log", "Log", tooltip="Show or hide the command log"),
    ]

    class Reset(Message):
        """A new plan started: any earlier approval is void."""

        def __init__(self, view: PipelineView) -> None:
            super().__init__()
            self.view = view

    class Approved(Message):
        """The operator approved the reviewed plan at the gate."""

        def __init__(self, view: PipelineView, reviewed: ReviewedPlan) -> None:
            super().__init__()
            self.view = view
            self.reviewed = reviewed

    class Applied(Message):
        """``tofu apply`` of the approved plan succeeded."""

        def __init__(self, view: PipelineView, reviewed: ReviewedPlan) -> None:
            super().__init__()
            self.view = view
            self.reviewed = reviewed

    class ReplanRequested(Message):
        """The Apply step's plan cannot be applied: plan again in the Plan step."""

        def __init__(self, view: PipelineView) -> None:
            super().__init__()
            self.view = view

    class Reviewed(Message, bubble=False):
        def __init__(self, shown: ShownPlan) -> None:
            super().__init__()
            self.shown = shown

    class Checked(Message, bubble=False):
        def __init__(self, check: ApplyCheck) -> None:
            super().__init__()
            self.check = check

    class Stopped(Message, bubble=False):
        """A thread step could not be done (the review or the check); nothing was applied."""

        def __init__(self, error: MocmError, checking: bool) -> None:
            super().__init__()
            self.error = error
            self.checking = checking

    def __init__(
        self, target: PipelineTarget, mode: PipelineMode, *, prefix: str, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes=f"pipeline -{mode.value}")
        self.target = target
        self.mode = mode
        self.prefix = prefix
        self.pipeline: PlanPipeline | None = None
        self.gate_words = ""  # the gate's answer of this session, for the status
        self._capture: JsonCapture | None = None
        self._json_file: Path | None = None
        self._plan_on_mount = False
        self._held: str | None = None  # a precondition outside the pipeline (set before mount)
        self.questions = ApplyQuestions(self)  # the gate, the apply's confirmation

    # -- set-up -------------------------------------------------------------------------
    @property
    def panel(self) -> StepPanel:
        return panel_of(self)

    @property
    def wizard(self) -> Wizard:
        return self.panel.wizard

    def child_id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def compose(self) -> ComposeResult:
        yield Static(id=self.child_id("status"), classes="flow-status")
        yield Static(id=self.child_id("problem"), classes="error-box")
        with Horizontal(classes="flow-buttons"):
            for action, label, variant in BUTTONS:
                yield Button(
                    label,
                    id=self.child_id(f"{action.value}-button"),
                    variant=variant,
                    compact=True,
                )
        yield CommandLog(redactor=self.wizard.redactor, id=self.child_id("log"), classes="flow-log")
        yield Vertical(id=self.child_id("review-slot"), classes="review-slot")

    def on_mount(self) -> None:
        session = self.wizard.session
        journal = PipelineJournal(
            session.journal if session is not None else None, self.target, self.panel.step_id
        )
        self.pipeline = PlanPipeline(self.target, self.mode, self.commands, journal)
        if self._held is not None:
            self.pipeline.hold(self._held)
        self.render_phase()
        self.focus_next_action()
        if self._plan_on_mount:
            self.action_plan()

    def hold(self, reason: str | None) -> None:
        """Nothing may be planned or applied while ``reason`` holds (None: it no longer does).

        Either change voids the review on screen and any approval: the core journals it.
        """
        self._held = reason
        if self.pipeline is None:
            return
        if self.core.busy and self.core.phase is not Phase.APPLYING:
            self.action_cancel()  # its result will be ignored: the plan it makes is void
        if reason is None:
            self.core.release()
        else:
            self.core.hold(reason)
        if self.core.review is None:
            self.gate_words = ""
            self.query_one(f"#{self.child_id('review-slot')}").remove_children()
            self.set_class(False, "-hide-log")
        self.render_phase()

    def plan_soon(self) -> None:
        """Plan now, or as soon as the view is mounted (the App asked from another step)."""
        if self.pipeline is None:
            self._plan_on_mount = True
        else:
            self.action_plan()

    @property
    def commands(self) -> TofuCommands:
        """The argv builders; no colour codes, the log shows plain text."""
        return TofuCommands(self.wizard.context.tofu_bin, color=False)

    @property
    def core(self) -> PlanPipeline:
        assert self.pipeline is not None, "the pipeline is made on mount"
        return self.pipeline

    def resume(self) -> None:
        """Read the journal again (an approval made in another step); no-op while busy."""
        if self.pipeline is not None and self.core.resume():
            self.render_phase()

    # -- what is shown ------------------------------------------------------------------
    def render_phase(self) -> None:
        core = self.core
        self.query_one(f"#{self.child_id('status')}", Static).update(
            status_text(core, self.gate_words)
        )
        problem = problem_text(core)
        box = self.query_one(f"#{self.child_id('problem')}", Static)
        box.display = problem is not None
        box.update(problem or "")
        for action, _, _ in BUTTONS:
            button = self.query_one(f"#{self.child_id(action.value + '-button')}", Button)
            button.display = core.allowed(action)
        plan = self.query_one(f"#{self.child_id('plan-button')}", Button)
        plan.label = "Plan (p)" if core.phase is Phase.IDLE else "Plan again (p)"
        self.set_class(core.review is not None, "-reviewed")
        self.refresh_bindings()
        self.panel.refresh_bindings()

    def focus_next_action(self) -> None:
        """After each phase, the next sensible action (``pipeline_focus``) has the focus.

        Decided after the refresh, on the phase then: a button shown or enabled in this
        same turn (a restart mounting the view) is focusable only then.
        """
        self.panel.focus_after(self.next_action_key())

    def next_action_key(self) -> str:
        return f"phase.{self.core.phase.value}"

    def next_action_widget(self) -> Widget | None:
        """The widget the next action would focus now (None: none can take it)."""
        return self.panel.first_to_focus(self.panel.FOCUS_AFTER[self.next_action_key()])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.pipeline is None or action == "toggle_log":
            return True
        try:
            return self.core.allowed(Action(action))
        except ValueError:
            return True

    def action_toggle_log(self) -> None:
        self.toggle_class("-hide-log")
        self.panel.focus_after("toggle_log")

    @property
    def log_widget(self) -> CommandLog:
        return self.query_one(f"#{self.child_id('log')}", CommandLog)

    # -- performing the core's steps ------------------------------------------------------
    def perform(self, step: Step | None) -> None:
        """Do what the pipeline asks next, then show where it is."""
        if isinstance(step, RunCommand):
            self.panel.run_logged(
                self.log_widget, step.argv, cwd=self.target.workdir, timeout_s=step.timeout_s
            )
        elif isinstance(step, CaptureJson):
            self._capture_json(step)
        elif isinstance(step, ReviewJson):
            self._review_json()
        elif isinstance(step, CheckPlan):
            self._check(step.reviewed)
        self.render_phase()
        self.focus_next_action()

    def _capture_json(self, step: CaptureJson) -> None:
        """``tofu show -json`` with stdout to the plan JSON file and stderr in the log."""
        capture = JsonCapture(self.wizard, self.panel.step_id, self.target, step, self.log_widget)
        self._capture, self._json_file = capture, capture.destination
        capture.start(self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The show -json worker's result is the command's; its end also goes to the App."""
        super().on_worker_state_changed(event)
        worker = event.worker
        if worker.group != SHOW_GROUP or self._capture is None:
            return
        if worker.state is WorkerState.ERROR:
            self._capture = None
            error = worker.error
            reason = error if isinstance(error, MocmError) else MocmError(str(error))
            self.core.plan_stopped(reason, "tofu show -json could not run")
            self.perform(None)
        elif worker.state is WorkerState.SUCCESS:
            self._capture = None
            result = worker.result
            assert isinstance(result, CommandResult)
            if not result.ok:
                self.log_widget.append_line("stdout", f"── exit {result.exit_code}")
            self.perform(self.core.json_captured(result))

    def _review_json(self) -> None:
        json_file = self._json_file
        assert json_file is not None  # the capture set it
        try:
            show_head(json_file, self.wizard.redactor.redact, self.log_widget)
        except MocmError as exc:
            self.core.plan_stopped(exc, "The plan cannot be reviewed")
            return
        wizard, recorder = self.wizard, self.panel.command_recorder()
        book, env, commands = wizard.context.playbook, wizard.context.env, self.commands
        target = self.target

        def review_in_thread() -> None:
            try:
                shown = review_shown_plan(json_file, book, target, commands, env, recorder)
            except MocmError as exc:
                if not get_current_worker().is_cancelled:
                    self.post_message(self.Stopped(exc, checking=False))
                return
            self.post_message(self.Reviewed(shown))

        self.run_worker(
            review_in_thread,
            thread=True,
            exit_on_error=False,
            group="pipeline-review",
            description="reviewing the plan",
        )

    def _check(self, reviewed: ReviewedPlan) -> None:
        wizard, recorder, commands = self.wizard, self.panel.command_recorder(), self.commands
        env, target = wizard.context.env, self.target

        def check_in_thread() -> None:
            try:
                check = check_plan(target, reviewed, commands, env, recorder)
            except MocmError as exc:
                self.post_message(self.Stopped(exc, checking=True))
                return
            self.post_message(self.Checked(check))

        self.run_worker(
            check_in_thread,
            thread=True,
            exit_on_error=False,
            group="pipeline-check",
            description="checking the reviewed plan",
        )

    # -- results back to the core --------------------------------------------------------
    @on(CommandLog.Finished)
    def _command_finished(self, event: CommandLog.Finished) -> None:
        if event.command_log is not self.log_widget:
            return
        event.stop()
        step = self.core.command_finished(event.result)
        if self.core.phase is Phase.APPLIED:
            approved = self.core.approved
            assert approved is not None
            self.post_message(self.Applied(self, approved))
        self.perform(step)

    @on(Reviewed)
    async def _reviewed(self, event: Reviewed) -> None:
        self.core.plan_reviewed(event.shown)
        review = self.core.review
        if review is None:
            return  # a new plan started meanwhile
        self.set_class(True, "-hide-log")
        slot = self.query_one(f"#{self.child_id('review-slot')}")
        await slot.remove_children()
        await slot.mount(
            PlanReviewView(
                review,
                self.wizard.redactor.redact,
                required_phrase=self.target.required_phrase,
                id=self.child_id("review"),
            )
        )
        self.perform(None)  # after the mount: the review took the focus, the next action may

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        self.perform(self.core.checked(event.check))

    @on(Stopped)
    def _stopped(self, event: Stopped) -> None:
        if event.checking:
            self.core.check_stopped(event.error)
        else:
            self.core.plan_stopped(event.error, "The plan cannot be reviewed")
        self.perform(None)

    # -- the operator's actions -----------------------------------------------------------
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A focused action button comes with the line above it that says what it does
        ("Press a to apply it"): at 80×24 the review below would scroll it away.

        Only as far as needed: a line already in view stays where it is, so a button being
        clicked does not move away from under the pointer between press and release.
        """
        parent = event.widget.parent
        if isinstance(parent, Widget) and parent.has_class("flow-buttons"):
            status = self.query_one(f"#{self.child_id('status')}", Static)
            self.call_after_refresh(status.scroll_visible, animate=False)

    @on(Button.Pressed, ".flow-buttons Button")
    async def _pressed(self, event: Button.Pressed) -> None:
        """A button runs its action, as its key does."""
        event.stop()
        for action, _, _ in BUTTONS:
            if event.button.id == self.child_id(f"{action.value}-button"):
                await self.run_action(action.value)

    def action_plan(self) -> None:
        """(Re)start: init, then plan, then show -json; voids any earlier review."""
        step = self.core.start_plan()
        if step is None:
            return
        self.gate_words = ""
        self.query_one(f"#{self.child_id('review-slot')}").remove_children()
        self.set_class(False, "-hide-log")
        self.post_message(self.Reset(self))
        self.perform(step)

    def action_cancel(self) -> None:
        if self._capture is not None:
            self._capture.cancel()
        self.log_widget.cancel()

    def action_gate(self) -> None:
        """The Plan step's gate: approve the reviewed plan for the Apply step."""
        self.questions.gate()

    def action_apply(self) -> None:
        """The gate (a fresh review) or the apply's own confirmation; Cancel has the focus."""
        self.questions.apply()

    def approval_given(self, reviewed: ReviewedPlan, words: str) -> None:
        """Approved at the gate: said in the status, told to the step."""
        self.gate_words = words
        self.post_message(self.Approved(self, reviewed))

    def action_replan(self) -> None:
        if self.core.allowed(Action.REPLAN):
            self.post_message(self.ReplanRequested(self))
