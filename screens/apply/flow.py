"""Apply exactly the reviewed plan (safety rule 3), in one widget.

First the plan file's sha256 and the state's serial are compared with the
review (``check_before_apply``): a changed plan file is refused, a stale plan
is explained and a re-plan offered. Then ``tofu apply -input=false tfplan`` is
streamed and cancellable; a failure is explained with a pointer to Rollback.
The Apply step and Rollback A both use it.
"""

from __future__ import annotations

from enum import Enum

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.exec.recorder import CommandRecorder
from tui.core.journal.events import PlanApplied
from tui.core.tofu.plan.reviewed import (
    ApplyCheck,
    ClearToApply,
    PlanFileChanged,
    ReviewedPlan,
    StalePlan,
    check_before_apply,
)
from tui.resources import STYLES
from tui.screens.base import StepPanel, panel_of
from tui.screens.error_text import error_text
from tui.screens.tofu_flow import (
    TofuTarget,
    commands_for,
    failure_text,
    mark_words,
    short_dir,
    state_mark,
)
from tui.widgets.command_log import CommandLog
from tui.widgets.worker_events import ReportsWorkers
from tui.wizard import Wizard

APPLY_TIMEOUT_S = 4 * 3600.0  # an ElastiCache/Valkey create can take most of an hour


class ApplyPhase(Enum):
    WAITING = "waiting"  # no approved plan
    READY = "ready"
    CHECKING = "checking"
    APPLYING = "applying"
    REFUSED = "refused"  # plan file changed or stale: re-plan
    FAILED = "failed"
    APPLIED = "applied"


class ApplyFlow(ReportsWorkers, Vertical):
    """Check, then apply one reviewed plan in its directory."""

    DEFAULT_CSS = (STYLES / "apply.tcss").read_text(encoding="utf-8")
    SCOPED_CSS = False  # the Apply and Rollback steps both show it

    BINDINGS = [
        Binding("a", "apply", "Apply", tooltip="Check the reviewed plan, then tofu apply it"),
        Binding("x,ctrl+c", "cancel", "Cancel", tooltip="Stop tofu apply (SIGINT)"),
        Binding("r", "replan", "Re-plan", tooltip="Plan and review again"),
    ]

    class Applied(Message):
        def __init__(self, flow: ApplyFlow, reviewed: ReviewedPlan) -> None:
            super().__init__()
            self.flow = flow
            self.reviewed = reviewed

    class ReplanRequested(Message):
        def __init__(self, flow: ApplyFlow) -> None:
            super().__init__()
            self.flow = flow

    class Checked(Message, bubble=False):
        """The plan file and the state, compared with the review."""

        def __init__(self, check: ApplyCheck) -> None:
            super().__init__()
            self.check = check

    class CheckFailed(Message, bubble=False):
        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, target: TofuTarget, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="apply-flow")
        self.target = target
        self.reviewed: ReviewedPlan | None = None
        self.phase = ApplyPhase.WAITING

    @property
    def wizard(self) -> Wizard:
        return panel_of(self).wizard

    @property
    def panel(self) -> StepPanel:
        return panel_of(self)

    def compose(self) -> ComposeResult:
        yield Static("No approved plan yet.", id="apply-status", classes="flow-status")
        yield Static(id="apply-problem", classes="error-box")
        with Horizontal(id="apply-buttons", classes="flow-buttons"):
            yield Button("Apply (a)", id="apply-run", variant="warning", compact=True)
            yield Button("Plan again (r)", id="apply-replan", compact=True)
        yield CommandLog(redactor=self.wizard.redactor, id="apply-log", classes="flow-log")

    def on_mount(self) -> None:
        self.query_one("#apply-problem").display = False
        self._sync_buttons()

    # -- state ------------------------------------------------------------------------
    def use_plan(self, reviewed: ReviewedPlan | None, *, applied: bool = False) -> None:
        """The approved plan to apply (None: nothing approved); ``applied``: done earlier."""
        if self.phase in (ApplyPhase.CHECKING, ApplyPhase.APPLYING):
            return
        self.reviewed = reviewed
        self.show_problem(None)
        if reviewed is None:
            self.set_phase(ApplyPhase.WAITING, "No approved plan: plan, review and approve first.")
        elif applied:
            self.set_phase(ApplyPhase.APPLIED, self._plan_words(reviewed, "Applied earlier."))
        else:
            words = self._plan_words(reviewed, "Press a to check the reviewed plan and apply it.")
            self.set_phase(ApplyPhase.READY, words)

    def _plan_words(self, reviewed: ReviewedPlan, lead: str) -> Content:
        """The lead line in bold, then which plan (by checksum) on which state."""
        at = reviewed.reviewed_at.replace("T", " ").replace("+00:00", " UTC")
        text = Content.styled(lead, "bold")
        path = f"{short_dir(reviewed.plan_path.parent)}/{reviewed.plan_path.name}"
        text = text.append_text("\nplan    ", "dim").append(path)
        text = text.append_text("\nsha256  ", "dim").append(
            f"{reviewed.plan_sha256[:12]}…, reviewed {at}"
        )
        text = text.append_text("\nstate   ", "dim").append(
            mark_words(reviewed.state, self.target.remote)
        )
        return text

    def set_phase(self, phase: ApplyPhase, words: str | Content) -> None:
        self.phase = phase
        self.query_one("#apply-status", Static).update(words)
        self._sync_buttons()
        self.refresh_bindings()

    def _sync_buttons(self) -> None:
        self.query_one("#apply-run", Button).disabled = self.check_action("apply", ()) is not True
        self.query_one("#apply-replan", Button).display = self.phase in (
            ApplyPhase.REFUSED,
            ApplyPhase.FAILED,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return self.phase in (ApplyPhase.READY, ApplyPhase.FAILED) or None
        if action == "cancel":
            return self.phase is ApplyPhase.APPLYING or None
        if action == "replan":
            return self.phase in (ApplyPhase.REFUSED, ApplyPhase.FAILED) or None
        return True

    def show_problem(self, text: Content | None) -> None:
        box = self.query_one("#apply-problem", Static)
        box.display = text is not None
        box.update(text or "")

    # -- actions ------------------------------------------------------------------------
    @on(Button.Pressed, "#apply-run")
    def action_apply(self) -> None:
        if self.reviewed is None or self.check_action("apply", ()) is not True:
            return
        self.show_problem(None)
        self.set_phase(ApplyPhase.CHECKING, "Checking the plan file and the state…")
        reviewed, recorder, wizard = self.reviewed, self.panel.command_recorder(), self.wizard
        self.run_worker(
            lambda: self._check_in_thread(wizard, reviewed, recorder),
            thread=True,
            exit_on_error=False,
            group="apply-check",
            description="checking the reviewed plan",
        )

    def _check_in_thread(
        self, wizard: Wizard, reviewed: ReviewedPlan, recorder: CommandRecorder | None
    ) -> None:
        try:
            mark = state_mark(wizard, self.target, recorder)
            check = check_before_apply(reviewed, mark)
        except MocmError as exc:
            self.post_message(self.CheckFailed(exc))
            return
        self.post_message(self.Checked(check))

    @on(CheckFailed)
    def _check_failed(self, event: CheckFailed) -> None:
        self._refused(error_text(event.error, "Cannot check the plan"))

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        check = event.check
        if isinstance(check, PlanFileChanged | StalePlan):
            text = Content.styled("✗ Apply refused. ", "bold $error")
            text = text.append_text(check.message, "$error")
            text = text.append_text(f"\n{check.hint}")
            if isinstance(check, StalePlan):
                text = text.append_text(
                    " Press r (Plan again) to make and review a new plan.", "bold"
                )
            self._refused(text)
            return
        assert isinstance(check, ClearToApply)
        session = self.wizard.session
        if session is not None:
            session.journal.step_started(self.panel.step_id)  # when the apply began (rollback B)
        self.set_phase(ApplyPhase.APPLYING, "Applying the reviewed plan…  (x cancels with SIGINT)")
        argv = commands_for(self.wizard.context.tofu_bin).apply()
        log = self.query_one("#apply-log", CommandLog)
        self.panel.run_logged(log, argv, cwd=self.target.workdir, timeout_s=APPLY_TIMEOUT_S)

    def _refused(self, text: Content) -> None:
        self.show_problem(text)
        self.set_phase(ApplyPhase.REFUSED, "Nothing was applied.")

    @on(CommandLog.Finished, "#apply-log")
    def _finished(self, event: CommandLog.Finished) -> None:
        event.stop()
        result = event.result
        reviewed = self.reviewed
        assert reviewed is not None
        if result.ok:
            session = self.wizard.session
            if session is not None:
                session.journal.append(
                    PlanApplied(reviewed.plan_sha256, str(self.target.workdir), self.panel.step_id)
                )
            self.set_phase(ApplyPhase.APPLIED, self._plan_words(reviewed, "✔ Applied."))
            self.post_message(self.Applied(self, reviewed))
            return
        text = failure_text(result, self.wizard.context.tofu_bin, "tofu apply")
        text = text.append_text(
            "\nIf the apply left things half-done, Rollback (ctrl+r) restores the "
        )
        text = text.append_text("state from before the upgrade.", "bold")
        self.show_problem(text)
        self.set_phase(ApplyPhase.FAILED, "The apply did not complete.")

    def action_cancel(self) -> None:
        self.query_one("#apply-log", CommandLog).cancel()

    @on(Button.Pressed, "#apply-replan")
    def action_replan(self) -> None:
        self.post_message(self.ReplanRequested(self))
