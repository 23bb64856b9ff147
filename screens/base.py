"""What every wizard step's screen shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.worker import Worker

from tui.command_records import journal_recorder
from tui.widgets.worker_events import ReportsWorkers
from tui.wizard import Wizard

if TYPE_CHECKING:
    # botocore loads with the first AWS step, not with the first screen; the command log
    # (runner, process groups) with the first step that runs a command.
    from tui.core.exec.recorder import CommandRecorder
    from tui.core.exec.result import CommandResult
    from tui.core.exec.runner import Stream
    from tui.core.preflight.aws_checks import AwsIdentity
    from tui.widgets.command_log import CommandLog


class StepPanel(ReportsWorkers, Vertical):
    """One wizard step. Sets ``complete`` when the operator may go on."""

    STEP_ID: ClassVar[str] = ""
    # Where the focus goes after each action: "action" (a binding's action) or
    # "action.outcome" → a selector in the step; "a, b" tries a, then b (the first that
    # can take the focus). The one table per step that focus_after() reads and
    # ARCHITECTURE.md's audit lists; an action missing here is a test failure.
    FOCUS_AFTER: ClassVar[Mapping[str, str]] = {}
    complete: reactive[bool] = reactive(False)

    class Completed(Message):
        """The step's work is done (Next becomes available)."""

        def __init__(self, step_id: str, complete: bool) -> None:
            super().__init__()
            self.step_id = step_id
            self.complete = complete

    class IdentityKnown(Message):
        """STS said who we are in AWS (the banner shows it, the journal keeps it)."""

        def __init__(self, identity: AwsIdentity, step_id: str) -> None:
            super().__init__()
            self.identity = identity
            self.step_id = step_id

    def __init__(self, wizard: Wizard) -> None:
        self.step_id = self.STEP_ID
        self.wizard = wizard
        # An action's focus (focus_after) was given since the step was last shown: the
        # Show that follows must not take it back (Widget.focus takes effect later).
        self.focus_decided = False
        super().__init__(id=f"step-{self.step_id}", classes="step")

    def run_logged(
        self,
        log: CommandLog,
        argv: Sequence[str],
        *,
        cwd: Path,
        timeout_s: float | None,
        stdin: bytes | None = None,
    ) -> Worker[CommandResult]:
        """Run a command in ``log`` with the wizard's explicit environment.

        Its output also goes to a transcript (mode 0600), and the command is journaled
        with its exit code and duration when it ends — however it ends.
        """
        wizard = self.wizard
        record = wizard.commands.start(wizard.session, list(argv), cwd, self.step_id)

        def tee_lines(stream: Stream, lines: Sequence[str]) -> None:
            if record.transcript is not None:  # the log's redactor is the transcript's
                record.transcript.redacted_lines(stream, lines)

        worker = log.run(
            argv,
            env=wizard.context.env,
            cwd=cwd,
            timeout_s=timeout_s,
            stdin=stdin,
            tee_lines=tee_lines,
            on_spawned=lambda pid: wizard.commands.spawned(wizard.session, record, pid),
        )
        wizard.commands.track(worker, record)
        return worker

    def command_recorder(self) -> CommandRecorder | None:
        """Journals a command the step runs through a core (no transcript); None without a session.

        Call it on the app's thread, then hand it to the worker.
        """
        return journal_recorder(self.wizard.session, self.step_id)

    def unsaved_work(self) -> str | None:
        """The sentence to show when leaving the step now would lose work; None: nothing would.

        The app asks Discard / Stay before quitting or showing another step.
        """
        return None

    def watch_complete(self, complete: bool) -> None:
        self.post_message(self.Completed(self.step_id, complete))

    # Not ``on_show``: Textual calls the ``on_show`` of every class in the MRO, so a step's
    # own ``on_show`` calling ``super().on_show()`` ran this twice. Steps define ``on_show``.
    @on(events.Show)
    def _shown(self) -> None:
        if not self.focus_decided:  # a worker that ended before the Show chose already
            self.focus_first_widget()

    @on(events.Hide)
    def _hidden(self) -> None:
        self.focus_decided = False

    def focus_first_widget(self) -> None:
        """Give the step's first focusable widget the focus when it is shown (once per show)."""
        for child in self.query("*"):
            if child.focusable:
                child.focus()
                return
        self.keep_keys()

    # -- the step's keys never go away ------------------------------------------------
    # A focused button disabled (or hidden) while the step works loses the focus: Textual
    # leaves none, or moves it to the step list, and either way the step's keys stop
    # working. The panel then takes the focus itself until one of its widgets has it.
    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        widget = event.widget
        if not widget.focusable or widget not in self.screen.focus_chain:
            self.call_after_refresh(self.keep_keys, True)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.can_focus = False

    def keep_keys(self, lost: bool = False) -> None:
        """Focus the panel when nothing has the focus, or when it was ``lost`` outside it."""
        if not self.is_attached or not self.display or self.app.screen is not self.screen:
            return
        focused = self.screen.focused
        if focused is None or (lost and self not in focused.ancestors_with_self):
            self.keys_home().focus(scroll_visible=False)

    def take_keys_now(self) -> None:
        """A key came while nothing had the focus: the step's home (else the panel) takes it
        at once, before the key's binding is looked up (``WizardApp.on_key``)."""
        self.screen.set_focus(self.keys_home(), scroll_visible=False)

    def keys_home(self) -> Widget:
        """Where the step's keys go when none of its widgets has the focus: its home if that
        can take it, else the panel itself (made focusable for it)."""
        home = self.focus_home()
        if home is not None and home.focusable:
            return home
        self.can_focus = True
        return self

    def focus_home(self) -> Widget | None:
        """Where the step's keys go back when the focus was lost (None: the panel itself)."""
        return None

    def focus_after(self, done: str) -> None:
        """``done`` (an action, or "action.outcome") completed: focus what FOCUS_AFTER says."""
        self.focus_action(self.FOCUS_AFTER[done])

    def focus_action(self, selector: str) -> None:
        """After an action: the next sensible one gets the focus (scrolled into view).

        ``selector`` may name alternatives ("a, b"): the first that can take the focus
        wins. Decided after this refresh, on the step's state then: its buttons are made to
        say what that state allows first (refresh_controls), as the message that would
        have re-enabled one may still be queued (a worker's "idle again" behind its
        result). When none can, the step keeps its keys (keep_keys).
        """

        def focus() -> None:
            if not self.is_attached:
                return
            self.refresh_controls()
            target = self.first_to_focus(selector)
            if target is None:
                self.keep_keys()
                return
            target.focus()
            target.scroll_visible()
            self.focus_decided = True

        self.call_after_refresh(focus)

    def refresh_controls(self) -> None:
        """Enable and disable the step's buttons as its state allows now (a step whose
        buttons follow its state overrides this; called before each focus decision)."""

    def first_to_focus(self, selector: str) -> Widget | None:
        """The first widget of ``selector``'s alternatives that can take the focus now."""
        for alternative in selector.split(","):
            for target in self.query(alternative.strip()):
                # focusable ignores display: a hidden button would still say yes.
                shown = all(
                    node.display for node in target.ancestors_with_self if node is not self.screen
                )
                if target.focusable and shown:
                    return target
        return None


def panel_of(widget: Widget) -> StepPanel:
    """The step panel ``widget`` is mounted in (its wizard, its journal step, its keys)."""
    return next(node for node in widget.ancestors_with_self if isinstance(node, StepPanel))
