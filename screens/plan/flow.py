"""Init → plan → show -json → review → gate, in one widget.

The Plan step runs it in the current release; Rollback A runs it again in the
previous release (same review, same gate). Each command streams in the log and
is cancellable (``x``, SIGINT); a known failure is explained inline with the
next action. ``plan_show`` captures the JSON and reviews it; the gate's answer
is journaled.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState, get_current_worker

from tui.core.errors import MocmError
from tui.core.exec.recorder import CommandRecorder
from tui.core.exec.result import CommandResult
from tui.core.exec.runner import RunningCommand
from tui.core.journal.events import GateAnswered, PlanApproved, PlanReviewed
from tui.core.tofu.commands import PlanOutcome, plan_outcome
from tui.core.tofu.plan.review import PlanReview
from tui.core.tofu.plan.reviewed import ReviewedPlan
from tui.resources import STYLES
from tui.screens.base import StepPanel, panel_of
from tui.screens.error_text import error_text
from tui.screens.plan.show import (
    RUNNING,
    Phase,
    ShownPlan,
    approved_words,
    idle_words,
    log_json_head,
    review_plan_file,
    reviewed_words,
    start_show,
)
from tui.screens.tofu_flow import (
    TofuTarget,
    commands_for,
    failure_text,
    gate_record,
    plan_file,
    review_record,
    short_dir,
)
from tui.widgets.apply_gate import ApplyGate, GateDecision
from tui.widgets.command_log import CommandLog
from tui.widgets.plan_review_view import PlanReviewView
from tui.widgets.worker_events import ReportsWorkers
from tui.wizard import Wizard

INIT_TIMEOUT_S = 900.0
PLAN_TIMEOUT_S = 3600.0


class PlanFlow(ReportsWorkers, Vertical):
    """Plan one target directory and review it; post Approved when the gate says yes."""

    DEFAULT_CSS = (STYLES / "plan.tcss").read_text(encoding="utf-8")
    SCOPED_CSS = False  # the Plan and Rollback steps both show it

    BINDINGS = [
        Binding("p", "plan", "Plan", tooltip="Run init, plan and show -json (again)"),
        Binding("x,ctrl+c", "cancel", "Cancel", tooltip="Stop the running command (SIGINT)"),
        Binding("g", "gate", "Approve…", tooltip="Open the apply gate for this reviewed plan"),
        Binding("l", "toggle_log", "Log", tooltip="Show or hide the command log"),
    ]

    class Approved(Message):
        """The operator confirmed the reviewed plan at the gate."""

        def __init__(self, flow: PlanFlow, reviewed: ReviewedPlan) -> None:
            super().__init__()
            self.flow = flow
            self.reviewed = reviewed

    class Reset(Message):
        """A new plan started: any earlier approval is void."""

        def __init__(self, flow: PlanFlow) -> None:
            super().__init__()
            self.flow = flow

    class Reviewed(Message, bubble=False):
        """The plan JSON is parsed and reviewed, the plan file and the state recorded."""

        def __init__(self, shown: ShownPlan) -> None:
            super().__init__()
            self.shown = shown

    class ReviewFailed(Message, bubble=False):
        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, target: TofuTarget, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="plan-flow")
        self.target = target
        self.phase = Phase.IDLE
        self.review: PlanReview | None = None
        self.reviewed: ReviewedPlan | None = None
        self.outcome: PlanOutcome | None = None
        self._capture: RunningCommand | None = None

    @property
    def wizard(self) -> Wizard:
        return panel_of(self).wizard

    @property
    def panel(self) -> StepPanel:
        return panel_of(self)

    def compose(self) -> ComposeResult:
        yield Static(idle_words(self.target), id="plan-status", classes="flow-status")
        yield Static(id="plan-problem", classes="error-box")
        with Horizontal(id="plan-buttons", classes="flow-buttons"):
            yield Button("Plan (p)", id="plan-run", variant="primary", compact=True)
            yield Button("Approve… (g)", id="plan-approve", variant="success", compact=True)
            yield Button("Cancel (x)", id="plan-cancel", compact=True)
        yield CommandLog(redactor=self.wizard.redactor, id="plan-log", classes="flow-log")
        yield Vertical(id="plan-review-slot")

    def on_mount(self) -> None:
        self.query_one("#plan-problem").display = False
        self._sync_buttons()
        self.query_one("#plan-run", Button).focus()

    # -- state ------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.phase in RUNNING

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "plan":
            return not self.running or None
        if action == "cancel":
            return (self.phase in (Phase.INIT, Phase.PLAN, Phase.SHOW)) or None
        if action == "gate":
            return self.phase in (Phase.REVIEWED, Phase.APPROVED) or None
        return True

    def set_phase(self, phase: Phase, words: str | Content) -> None:
        self.phase = phase
        self.query_one("#plan-status", Static).update(words)
        self.set_class(phase in (Phase.REVIEWED, Phase.APPROVED), "-reviewed")
        self._sync_buttons()
        self.refresh_bindings()
        self.panel.refresh_bindings()

    def _sync_buttons(self) -> None:
        run = self.query_one("#plan-run", Button)
        run.label = "Plan again (p)" if self.phase is not Phase.IDLE else "Plan (p)"
        run.disabled = self.check_action("plan", ()) is not True
        self.query_one("#plan-approve", Button).display = self.check_action("gate", ()) is True
        self.query_one("#plan-cancel", Button).display = self.check_action("cancel", ()) is True

    def show_problem(self, text: Content | None) -> None:
        box = self.query_one("#plan-problem", Static)
        box.display = text is not None
        box.update(text or "")

    def journal_decision(self, record: PlanReviewed | GateAnswered | PlanApproved) -> None:
        session = self.wizard.session
        if session is not None:
            session.journal.append(record)

    # -- the commands -------------------------------------------------------------
    @on(Button.Pressed, "#plan-run")
    def action_plan(self) -> None:
        """(Re)start: init, then plan, then show -json; voids any earlier review."""
        if self.running:
            return
        self.review = self.reviewed = self.outcome = None
        self.query_one("#plan-review-slot").remove_children()
        self.set_class(False, "-hide-log")
        self.show_problem(None)
        self.post_message(self.Reset(self))
        commands = commands_for(self.wizard.context.tofu_bin)
        where = short_dir(self.target.workdir)
        self.set_phase(Phase.INIT, f"Initialising in {where}…  (x cancels)")
        self._run(commands.init(upgrade=not self.target.remote), INIT_TIMEOUT_S)

    def _run(self, argv: tuple[str, ...], timeout_s: float) -> None:
        log = self.query_one("#plan-log", CommandLog)
        self.panel.run_logged(log, argv, cwd=self.target.workdir, timeout_s=timeout_s)

    @on(Button.Pressed, "#plan-cancel")
    def action_cancel(self) -> None:
        if self._capture is not None:
            self._capture.cancel()
        self.query_one("#plan-log", CommandLog).cancel()

    def action_toggle_log(self) -> None:
        self.toggle_class("-hide-log")

    @on(CommandLog.Finished, "#plan-log")
    def _command_finished(self, event: CommandLog.Finished) -> None:
        event.stop()
        result = event.result
        binary = self.wizard.context.tofu_bin
        commands = commands_for(binary)
        if self.phase is Phase.INIT:
            if not result.ok:
                self._failed(failure_text(result, binary, "tofu init"))
                return
            self.set_phase(Phase.PLAN, "Planning…  (x cancels)")
            self._run(commands.plan(), PLAN_TIMEOUT_S)
        elif self.phase is Phase.PLAN:
            outcome = plan_outcome(result.exit_code)
            if outcome is PlanOutcome.FAILED or result.cancelled or result.timed_out:
                self._failed(failure_text(result, binary, "tofu plan"))
                return
            self.outcome = outcome
            self.set_phase(Phase.SHOW, "Reading the plan (tofu show -json)…")
            self._show_json()

    def _failed(self, text: Content) -> None:
        self.show_problem(text)
        self.set_phase(Phase.FAILED, "Stopped. Fix what the message says, then press p.")

    def _show_json(self) -> None:
        log = self.query_one("#plan-log", CommandLog)
        capture, record = start_show(self.wizard, self.target, log, self.panel.step_id)
        self._capture = capture
        worker = self.run_worker(
            capture.run(), group="plan-show", exit_on_error=False, description="tofu show -json"
        )
        self.wizard.commands.track(worker, record)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The show -json worker's result is the command's; its end also goes to the App."""
        super().on_worker_state_changed(event)
        worker = event.worker
        if worker.group != "plan-show" or self._capture is None:
            return
        if worker.state is WorkerState.ERROR:
            self._capture = None
            self._failed(
                Content.styled(f"✗ tofu show -json could not run: {worker.error}", "bold $error")
            )
        elif worker.state is WorkerState.SUCCESS:
            capture, self._capture = self._capture, None
            result = worker.result
            assert isinstance(result, CommandResult)
            self._shown(capture, result)

    def _shown(self, capture: RunningCommand, result: CommandResult) -> None:
        json_file = capture.stdout_to
        assert json_file is not None
        log = self.query_one("#plan-log", CommandLog)
        if not result.ok:
            log.append_line("stdout", f"── exit {result.exit_code}")
            self._failed(failure_text(result, self.wizard.context.tofu_bin, "tofu show -json"))
            return
        log_json_head(self.wizard, log, json_file)
        self.set_phase(Phase.REVIEWING, "Reviewing the plan against the playbook…")
        wizard, recorder = self.wizard, self.panel.command_recorder()
        self.run_worker(
            lambda: self._review_in_thread(wizard, json_file, recorder),
            thread=True,
            exit_on_error=False,
            group="plan-review",
            description="reviewing the plan",
        )

    def _review_in_thread(
        self, wizard: Wizard, json_file: Path, recorder: CommandRecorder | None
    ) -> None:
        try:
            shown = review_plan_file(wizard, self.target, json_file, recorder)
        except MocmError as exc:
            if not get_current_worker().is_cancelled:
                self.post_message(self.ReviewFailed(exc))
            return
        self.post_message(self.Reviewed(shown))

    @on(ReviewFailed)
    def _review_failed(self, event: ReviewFailed) -> None:
        self._failed(error_text(event.error, "The plan cannot be reviewed"))

    @on(Reviewed)
    def _show_review(self, event: Reviewed) -> None:
        shown = event.shown
        result, reviewed = shown.review, shown.reviewed
        self.review, self.reviewed = result, reviewed
        self.journal_decision(
            review_record(result, reviewed, self.target.workdir, self.target.step)
        )
        self.set_class(True, "-hide-log")
        slot = self.query_one("#plan-review-slot")
        slot.mount(PlanReviewView(result, self.wizard.redactor.redact, id="plan-review"))
        self.set_phase(Phase.REVIEWED, reviewed_words(reviewed, self.target.remote))

    # -- the gate -------------------------------------------------------------------
    @on(Button.Pressed, "#plan-approve")
    def action_gate(self) -> None:
        if self.review is None or self.reviewed is None:
            return
        reviewed = self.reviewed

        def decided(decision: GateDecision) -> None:
            target = self.target
            self.journal_decision(gate_record(decision, reviewed, target.step))
            if not decision.confirmed or self.reviewed is not reviewed:
                return
            approved = PlanApproved(
                str(target.workdir), plan_file(reviewed), decision.typed_phrase, target.step
            )
            self.journal_decision(approved)
            self.set_phase(Phase.APPROVED, approved_words(decision, reviewed, target.remote))
            self.post_message(self.Approved(self, reviewed))

        ApplyGate(self.review, apply_label="Approve").ask(self.app, decided)
