"""The App: step order, global keys, palette, error dialog. Steps live in screens/."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.keys import format_key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, OptionList
from textual.worker import Worker, WorkerState

from tui.context import WizardContext
from tui.core.errors import MocmError
from tui.core.steps import FORWARD_STEPS, STEP_IDS, STEPS, StepStatus, step_info
from tui.resources import STYLES, help_text
from tui.screens import build_panel
from tui.screens.base import StepPanel
from tui.widgets.banner import Banner, BannerIdentity
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.key_footer import KeyFooter
from tui.widgets.palette import OrderedCommands
from tui.widgets.step_sidebar import StepSidebar
from tui.widgets.worker_events import ENDED, WorkerEnded
from tui.wizard import Wizard

if TYPE_CHECKING:  # steps' modules load when a step is first shown: a fast first screen
    from tui.screens.apply.flow import ApplyFlow
    from tui.screens.releases.panel import ReleasesPanel
    from tui.screens.restart import RestartQuestions
    from tui.session import Session


class WizardApp(App[int]):
    """The wizard. Holds which step is shown and each step's status."""

    TITLE = "mocm-upgrade"
    CSS_PATH = [STYLES / "app.tcss"]
    # Under 100 columns the step list shrinks to marks and numbers: the step gets the room.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {OrderedCommands}
    BINDINGS = [
        Binding("f3,ctrl+n", "next_step", "Next", id="next", tooltip="Go to the next step"),
        Binding("f2,ctrl+o", "previous_step", "Back", id="back", tooltip="Go to the previous step"),
        Binding(
            "ctrl+r", "goto('rollback')", "Rollback", id="rollback", tooltip="The Rollback step"
        ),
        Binding("f1,question_mark", "help", "Help", id="help", tooltip="Help and every key"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding(
            "ctrl+p", "command_palette", "Palette", id="palette", priority=True, tooltip="Commands"
        ),
    ]
    # The footer always shows these (at 80 columns too); quit and the palette when there is room.
    FOOTER_REQUIRED = ("next_step", "previous_step", "goto('rollback')", "help")
    FOOTER_OPTIONAL = ("quit", "command_palette")

    def __init__(self, context: WizardContext) -> None:
        super().__init__()
        self.context = context
        self.wizard = Wizard(context)
        self.current_step = "releases"
        self.statuses = {step.id: StepStatus.NOT_STARTED for step in STEPS}
        self.restart: RestartQuestions | None = None  # what a restart asks (screens/restart.py)

    @property
    def session(self) -> Session | None:
        """The open release's session (its journal), once step 1 accepted the releases."""
        return self.wizard.session

    # -- layout ------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Banner(self.context.playbook.title)
        self.statuses["releases"] = StepStatus.IN_PROGRESS
        with Horizontal(id="body"):
            yield StepSidebar(self.statuses, self.current_step)
            # Panels are built when first shown: a fast first screen.
            with ContentSwitcher(initial="step-releases", id="content"):
                yield build_panel("releases", self.wizard)
        yield KeyFooter(self.FOOTER_REQUIRED, self.FOOTER_OPTIONAL, help_id="help")

    def on_mount(self) -> None:
        self.call_after_refresh(self.first_paint)

    def first_paint(self) -> None:
        if self.context.exit_after_first_paint:
            # Wall-clock epoch, so a benchmark can measure from process start.
            self.exit(0, message=f"first-paint-at {time.time():.6f}")
            return
        if self.context.startup_tasks:
            self.run_startup_tasks()

    class StartupDone(Message, bubble=False):
        """The startup tasks (e.g. the demo's seeding) have run; ``text`` says how it went."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    @work(thread=True, group="startup", exit_on_error=False, description="preparing")
    def run_startup_tasks(self) -> None:
        results = [task() for task in self.context.startup_tasks]
        # A task may return a sentence to show (the demo: "AWS world restored from …").
        text = " ".join(note for note in results if isinstance(note, str) and note)
        self.post_message(self.StartupDone(text or "Sandbox AWS endpoint ready."))

    def on_wizard_app_startup_done(self, message: StartupDone) -> None:
        self.notify(message.text, timeout=10)

    # -- steps ---------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """A key typed while nothing has the focus goes to the shown step's keys.

        A focused button the step hides by its own work (Backend's B.1 choice once its
        form opens) leaves the focus with nobody until the step gives it again after the
        next refresh: a key typed in that moment met only the App's bindings and was lost
        (seen in tmux under load). The step takes the focus now; the App looks the key's
        binding up after this handler, from there.
        """
        if self.screen.focused is not None:
            return
        shown = self.screen.query(f"#step-{self.current_step}").results(StepPanel)
        panel = next(iter(shown), None)  # none on a dialog's screen
        if panel is not None and panel.display:
            panel.take_keys_now()

    def panel(self, step_id: str) -> StepPanel:
        return self.query_one(f"#step-{step_id}", StepPanel)

    def banner(self) -> Banner | None:
        """The banner; None once the wizard is closing (a late message finds its screen gone)."""
        return next(iter(self.query(Banner)), None)

    def on_releases_panel_opened(self, event: ReleasesPanel.Opened) -> None:
        """Step 1 opened a release's session: the banner, the resumed statuses, where to go."""
        session = event.session
        banner = self.banner()
        if banner is None:
            return
        banner.show(customer=self.wizard.pair.name_prefix if self.wizard.pair else None)
        for step_id in STEP_IDS:
            status = session.resumed.status(step_id)
            if status in (StepStatus.DONE, StepStatus.WAIVED):
                self.statuses[step_id] = status
        for warning in session.resumed.warnings:
            self.notify(warning, severity="warning", timeout=10)
        if session.removed_temp_files:
            count = len(session.removed_temp_files)
            self.notify(f"Removed {count} temp file(s) an interrupted write left (journaled).")
        known = session.resumed.identity
        if known is not None:  # as a step last confirmed it; the steps check it again
            body = known.body
            banner.show(identity=BannerIdentity(body.account, body.principal, body.region))
        resume = session.resume_step()
        if session.still_running or session.interruptions:  # a killed wizard's commands
            from tui.screens.restart import RestartQuestions  # loaded with the session

            # One still running is asked about first; then what was cut off is told.
            self.restart = RestartQuestions(self, self, session, resume)
            self.call_after_refresh(self.restart.start)
        elif resume != "releases":
            self.call_after_refresh(self.resume_at, resume)

    def on_step_panel_identity_known(self, event: StepPanel.IdentityKnown) -> None:
        """A step asked STS who we are in AWS: the banner shows it from now on (journaled)."""
        identity = event.identity
        # The full ARN is on the Preflight screen; the banner has the principal's short form.
        banner = self.banner()
        if banner is not None:
            banner.show(
                identity=BannerIdentity(identity.account, identity.arn, identity.region or "")
            )
        session = self.wizard.session
        from tui.core.journal.events import AwsIdentityConfirmed  # loaded with the session

        confirmed = AwsIdentityConfirmed(
            identity.account, identity.arn, identity.region or "", event.step_id
        )
        if session is not None:
            known = [
                r.body for r in session.journal.records if isinstance(r.body, AwsIdentityConfirmed)
            ]
            if known[-1:] != [confirmed]:
                session.journal.append(confirmed)

    def on_apply_flow_replan_requested(self, event: ApplyFlow.ReplanRequested) -> None:
        """The Apply step found its plan stale: plan again (the old approval is void)."""
        self.plan_again()

    def plan_again(self) -> None:
        """Show the Plan step and plan anew (when the steps before it are done)."""
        from tui.screens.plan.panel import PlanPanel  # loaded with its step: a fast start

        self.show_step("plan")  # says which step to finish first when Plan is not reachable
        panel = next(iter(self.query(PlanPanel)), None)
        if panel is None or self.current_step != "plan":
            return
        if panel.view is not None:
            panel.replan()
        else:  # mounted just now (a restart): plan once its pipeline view is composed
            self.call_after_refresh(panel.replan)

    def resume_at(self, step_id: str) -> None:
        if self.return_code is not None:  # exiting already: don't mount a step on the way out
            return
        self.notify(f"Resumed where you were: {step_info(step_id).title}.", timeout=5)
        self.show_step(step_id)

    def waive_step(self, step_id: str, reason: str) -> None:
        """The operator did a step by hand (or skips it) and says why; journaled."""
        if self.wizard.session is not None:
            self.wizard.session.journal.step_waived(step_id, reason)
        self.statuses[step_id] = StepStatus.WAIVED
        self.refresh_steps()

    def on_unmount(self) -> None:
        self.wizard.close()

    def on_step_panel_completed(self, event: StepPanel.Completed) -> None:
        if event.complete:
            session = self.wizard.session
            if session is not None and self.statuses[event.step_id] is not StepStatus.DONE:
                session.journal.step_completed(event.step_id)
            self.statuses[event.step_id] = StepStatus.DONE
        elif self.statuses[event.step_id] is StepStatus.DONE:
            self.statuses[event.step_id] = StepStatus.IN_PROGRESS
        self.refresh_steps()

    def refresh_steps(self) -> None:
        sidebar = next(iter(self.query(StepSidebar)), None)
        if sidebar is None:  # closing: a step's last message arrived after the screen went
            return
        sidebar.show(self.statuses, self.current_step)
        self.refresh_bindings()

    def step_done(self, step_id: str) -> bool:
        return self.statuses[step_id] in (StepStatus.DONE, StepStatus.WAIVED)

    def reachable(self, step_id: str) -> bool:
        """Done steps, the first unfinished one, and Rollback can be visited."""
        if step_id == "rollback":
            return True
        for forward in FORWARD_STEPS:
            if forward == step_id:
                return True
            if not self.step_done(forward):
                return False
        return False

    def show_step(self, step_id: str) -> None:
        if not self.reachable(step_id):
            first = next(s for s in FORWARD_STEPS if not self.step_done(s))
            self.notify(f"Finish “{step_info(first).title}” first.", severity="warning")
            return
        if step_id != self.current_step:
            self.leave_step(lambda: self.switch_step(step_id))
        else:
            self.switch_step(step_id)

    def leave_step(self, then: Callable[[], object]) -> None:
        """Run ``then`` now, or once the operator discards the shown step's unsaved work."""
        panel = next(iter(self.query(f"#step-{self.current_step}").results(StepPanel)), None)
        sentence = panel.unsaved_work() if panel is not None else None
        if panel is None or sentence is None:
            then()
            return
        title = "Unsaved changes"
        if isinstance(self.screen, ConfirmDialog) and self.screen.title_text == title:
            return  # the question is on screen already (the key pressed twice)

        def answered(discard: bool | None) -> None:
            if discard:
                then()
                if self.return_code is None:
                    panel.remove()  # built again from disk when shown next: the edits are gone
            else:
                self.refresh_steps()  # the sidebar shows the step we stay on

        question = ConfirmDialog(
            title, sentence, confirm="Discard", cancel="Stay", destructive=True
        )
        self.push_screen(question, answered)

    async def action_quit(self) -> None:
        self.leave_step(self.exit)

    def switch_step(self, step_id: str) -> None:
        self.current_step = step_id
        if self.wizard.session is not None:
            self.wizard.session.journal.step_entered(step_id)
        if self.statuses[step_id] is StepStatus.NOT_STARTED:
            self.statuses[step_id] = StepStatus.IN_PROGRESS
        content = self.query_one("#content", ContentSwitcher)
        if not content.query(f"#step-{step_id}"):
            content.mount(build_panel(step_id, self.wizard))
        content.current = f"step-{step_id}"
        self.refresh_steps()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "steps" and event.option.id:
            self.show_step(event.option.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Greyed (None), never hidden: the wizard's keys keep their place in the footer.
        if action == "next_step":
            last = self.current_step not in FORWARD_STEPS[:-1]
            return None if last or not self.step_done(self.current_step) else True
        if action == "previous_step":
            return self.current_step != FORWARD_STEPS[0] or None
        if action == "goto" and parameters == (self.current_step,):
            return None
        return True

    def get_key_display(self, binding: Binding) -> str:
        """F3, ^R, / and ? as an operator reads them (Textual shows f3 and ^r)."""
        if binding.key_display:
            return binding.key_display
        modifiers, key = binding.parse_key()
        shown = format_key(key)
        if len(shown) > 1 and shown[0] == "f" and shown[1:].isdigit():
            shown = shown.upper()
        if "ctrl" in modifiers:
            modifiers.remove("ctrl")
            shown = f"^{shown.upper()}"
        return "+".join([*modifiers, shown])

    def action_next_step(self) -> None:
        if self.current_step in FORWARD_STEPS[:-1] and self.step_done(self.current_step):
            self.show_step(FORWARD_STEPS[FORWARD_STEPS.index(self.current_step) + 1])

    def action_previous_step(self) -> None:
        if self.current_step == "rollback":
            self.show_step(next((s for s in FORWARD_STEPS if not self.step_done(s)), "stage4"))
        elif self.current_step != FORWARD_STEPS[0]:
            self.show_step(FORWARD_STEPS[FORWARD_STEPS.index(self.current_step) - 1])

    def action_goto(self, step_id: str) -> None:
        self.show_step(step_id)

    def action_help(self) -> None:
        # The help dialog loads when first asked for, not before the first paint.
        from tui.widgets.dialogs.help import HelpDialog, key_rows
        from tui.widgets.dialogs.help_text import KeyRow

        if isinstance(self.screen, HelpDialog):
            return
        panel = next(iter(self.query(f"#step-{self.current_step}").results(StepPanel)), None)
        step_keys = key_rows(self, panel.walk_children(with_self=True)) if panel else []
        wizard_keys = [
            *key_rows(self, [self]),
            KeyRow("Tab / Shift+Tab", "move the focus (each step focuses its next action)"),
        ]
        self.push_screen(HelpDialog(help_text(self.current_step), step_keys, wizard_keys))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # In this order in the palette (OrderedCommands keeps it): the steps 1 … 10 first.
        for step in STEPS:
            yield SystemCommand(
                f"Go to: {step.number}. {step.title}",
                f"Show the {step.title} step",
                lambda step_id=step.id: self.show_step(step_id),
            )
        yield SystemCommand("Help: this step", "Show help for the current step", self.action_help)
        yield from super().get_system_commands(screen)

    # -- errors --------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state in ENDED:
            self.post_message(WorkerEnded(event.worker))

    def on_worker_ended(self, event: WorkerEnded) -> None:
        """The one place a worker's end is handled: its command record, its failure."""
        worker = event.worker
        self.wizard.commands.finish(worker, self.wizard.session)
        if worker.state is not WorkerState.ERROR:
            return
        error = worker.error
        what = worker.description or worker.name or "background work"
        if isinstance(error, MocmError):
            self.push_screen(ErrorDialog(f"{what} failed", error.message, error.hint))
        else:
            self.push_screen(ErrorDialog(f"{what} failed", f"{type(error).__name__}: {error}"))


def make_app(context: WizardContext) -> WizardApp:
    """The one factory: the CLI, the demo and every test build the App here."""
    return WizardApp(context)
