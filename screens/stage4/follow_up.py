"""Stage 4, section 6: the follow-up check — does the current release still name the old cache?

Checked when the step opens, after each park or unpark, after the teardown's apply and
on request; the section tells the panel each time (``Checked``): once the teardown is
applied and the follow-up is on screen, the step is done.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.stage4.followup import FollowUpCheck, check_follow_up
from tui.screens.error_text import error_text
from tui.screens.stage4.render import follow_up_text
from tui.screens.stage4.sections import Stage4Context
from tui.widgets.worker_events import ReportsWorkers


class FollowUpSection(ReportsWorkers, Vertical):
    """What the follow-up check found, and a button to check again."""

    DEFAULT_CSS = "FollowUpSection { height: auto; }"

    class Found(Message, bubble=False):
        def __init__(self, check: FollowUpCheck) -> None:
            super().__init__()
            self.check = check

    class Unchecked(Message, bubble=False):
        def __init__(self, resource: str, error: MocmError) -> None:
            super().__init__()
            self.resource = resource
            self.error = error

    class Checked(Message):
        """The follow-up check's answer is on screen."""

    def __init__(self) -> None:
        super().__init__(id="s4-followup-section")
        self.context: Stage4Context | None = None

    def compose(self) -> ComposeResult:
        yield Static("Checking…", id="s4-followup", markup=False)
        yield Button("Check again", id="s4-followup-again", compact=True)

    def configure(self, context: Stage4Context) -> None:
        self.context = context
        self.check_again()

    @on(Button.Pressed, "#s4-followup-again")
    def check_again(self) -> None:
        if self.context is not None:
            self.check(self.context)

    @work(
        thread=True,
        exclusive=True,
        group="stage4-followup",
        exit_on_error=False,
        description="Follow-up check",
    )
    def check(self, context: Stage4Context) -> None:
        resource = context.playbook.stage4.follow_up_resource
        try:
            found = check_follow_up(context.target.terraform_dir, resource)
        except MocmError as exc:
            self.post_message(self.Unchecked(resource, exc))
            return
        self.post_message(self.Found(found))

    @on(Found)
    def show_follow_up(self, event: Found) -> None:
        self.query_one("#s4-followup", Static).update(follow_up_text(event.check))
        self.post_message(self.Checked())

    @on(Unchecked)
    def show_failure(self, event: Unchecked) -> None:
        """Read-only: the section says why (nothing else waits on it)."""
        text = error_text(event.error, f"Cannot check {event.resource}")
        self.query_one("#s4-followup", Static).update(text)
