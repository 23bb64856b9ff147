"""What the restart asks about the commands a killed wizard left behind.

A killed wizard's command runs on in its own session (its process journaled when it
started). When the release's session opens, one still running is asked about first: wait
for it, or stop it (k: SIGTERM to its process group). While it runs a dialog stays up
(stop it, or quit leaving it: journaled by the session); nothing behind it can plan or
apply. Once it is gone — and for each command that was cut off — it is told as
interrupted, with the safe next action (an upgrade apply cut off: plan again).

Loaded with the session (never before the first paint). The App owns one per session
opened with something to ask, and keeps the steps: ``StepRoute`` is what this uses of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from textual.app import App
from textual.worker import get_current_worker

from tui.core.exec.child import wait_gone
from tui.core.exec.left_running import StillRunning
from tui.core.journal.records import ChildChoice
from tui.core.steps import STEP_IDS, STEPS, step_info
from tui.widgets.dialogs.confirm import ConfirmDialog

if TYPE_CHECKING:
    from tui.core.journal.interrupted import Interruption
    from tui.session import Session

UPGRADE_PLAN_STEPS = ("plan", "apply")  # the steps whose approved plan the Plan step makes
WAITING_DIALOG = "still-running-wait"


class StepRoute(Protocol):
    """Where the App goes once the operator has answered (``WizardApp`` is the one)."""

    def show_step(self, step_id: str) -> None: ...

    def resume_at(self, step_id: str) -> None: ...

    def plan_again(self) -> None: ...


class RestartQuestions:
    """The questions about one session's left-behind commands, one after the other."""

    def __init__(self, app: App[int], steps: StepRoute, session: Session, resume: str) -> None:
        self.app = app
        self.steps = steps
        self.session = session
        self.resume = resume  # the step the journal says the operator was on

    def start(self) -> None:
        """A command still running is asked about first; else the interruptions are told."""
        if self.session.still_running:
            self.ask_still_running()
        else:
            self.tell_interruptions(self.session.interruptions)

    def tell_interruptions(self, cut_off: tuple[Interruption, ...]) -> None:
        """Commands a killed wizard left running: what each may have left, the safe next step."""
        resume, steps = self.resume, self.steps
        titles = {step.id: step.title for step in STEPS}
        said = "\n\n".join(cut.sentence(titles.get(cut.command.step or "", "")) for cut in cut_off)
        # An upgrade apply cut off voids its approval: the Plan step plans again. A Stage-4 or
        # rollback apply is planned again by its own view, on the step where it ran.
        replan = any(cut.replan and cut.command.step in UPGRADE_PLAN_STEPS for cut in cut_off)
        where = next((c.command.step for c in reversed(cut_off) if c.command.step), resume)

        def answered(go_on: bool | None) -> None:
            if go_on and replan:
                steps.plan_again()
            elif go_on and where in STEP_IDS and where != "releases":
                steps.resume_at(where)
            elif resume != "releases":
                steps.resume_at(resume)

        confirm = "Plan again" if replan else "Continue"
        if where in STEP_IDS and where != "releases":
            steps.show_step(where)  # behind the question: the step the command ran on
        question = ConfirmDialog("Interrupted while a command ran", said, confirm=confirm)
        self.app.push_screen(question, answered)

    def ask_still_running(self) -> None:
        """A command the killed wizard started still runs: wait for it, or stop it (k).

        While it runs a dialog stays up (stop it, or quit leaving it: journaled by the
        session); nothing behind it can plan or apply. Once it is gone it is told as
        interrupted, with the safe next action (an apply: plan again).
        """
        session = self.session
        running = session.still_running[0]
        step = running.started.step
        # The step it ran on is shown once it is gone (behind the interruption): a step
        # shown now would read the journal before the command's end is in it.
        title = step_info(step).title if step in STEP_IDS else ""

        def answered(stop: bool | None) -> None:
            choice = ChildChoice.STOPPED if stop else ChildChoice.WAITED
            session.child_chosen(running, choice)
            self.show_waiting(running, stopped=bool(stop))
            self.wait_for_child(running)

        question = ConfirmDialog(
            "Still running: a command the stopped wizard started",
            running.sentence(title),
            confirm="Stop it",
            key="k",
            cancel="Wait",
            cancel_key="w",
            destructive=True,  # Enter waits: stopping is the operator's explicit k
        )
        self.app.push_screen(question, answered)

    def show_waiting(self, running: StillRunning, *, stopped: bool) -> None:
        """Up until the command has ended: stop it (k) or quit leaving it (q)."""
        how = "SIGTERM sent to its process group" if stopped else "waiting for it to end"
        body = (
            f"Waiting for {running.what} (pid {running.child.pid}) to end: {how}. "
            "The wizard goes on by itself once it has ended.\n\n"
            "Stop it (k): SIGTERM to its process group. Quit (q): leave it running; the next "
            "start asks again."
        )

        def answered(stop: bool | None) -> None:
            if stop is None:  # it ended: the dialog was closed for it
                return
            if stop:
                self.session.child_chosen(running, ChildChoice.STOPPED)
                self.show_waiting(running, stopped=True)
            else:
                self.app.exit()  # the session journals it as left running

        dialog = ConfirmDialog(
            "Still running: waiting for it to end",
            body,
            confirm="Stop it",
            key="k",
            cancel="Quit",
            cancel_key="q",
            destructive=True,
            dialog_id=WAITING_DIALOG,
        )
        self.app.push_screen(dialog, answered)

    def wait_for_child(self, running: StillRunning) -> None:
        """Wait in a thread (the App's worker) until the command's process is gone."""

        def wait() -> None:
            worker = get_current_worker()
            if wait_gone(running.child, given_up=lambda: worker.is_cancelled):
                self.app.call_from_thread(self.child_ended, running)

        self.app.run_worker(
            wait,
            name="wait_for_child",
            group="still-running",
            description="waiting",
            exit_on_error=False,
            thread=True,
        )

    def child_ended(self, running: StillRunning) -> None:
        app, session = self.app, self.session
        if app.return_code is not None:  # quitting: the session journals it as left running
            return
        waiting = app.screen
        if isinstance(waiting, ConfirmDialog) and waiting.dialog_id == WAITING_DIALOG:
            waiting.dismiss(None)
        session.child_gone(running)
        if session.still_running:
            self.ask_still_running()
        else:
            self.tell_interruptions(session.interruptions)
