"""One error path for every worker: when a worker ends, the App hears it as a typed message.

Textual's ``Worker.StateChanged`` goes only to the widget that ran the worker. Widgets
that run workers are ``ReportsWorkers``: they post :class:`WorkerEnded` to the App, whose
one handler finishes the command's journal record and shows a failure in the error
dialog. Results travel the other way, as each widget's own typed messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message
from textual.worker import Worker, WorkerState

from tui.core.errors import MocmError

ENDED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class WorkerEnded(Message, bubble=False):
    """A worker succeeded, failed or was cancelled (posted to the App)."""

    def __init__(self, worker: Worker[object]) -> None:
        super().__init__()
        self.worker = worker


@dataclass(frozen=True)
class WorkFailure:
    """An expected failure a step shows in place: what could not be done, and why."""

    what: str
    error: MocmError


class ReportsWorkers:
    """Mixin for a widget that runs workers: each one's end goes to the App.

    Not a Widget itself: Textual copies ``can_focus`` into every Widget subclass, so a
    Widget mixin placed first would make a focusable widget (a log, a table) unfocusable.
    """

    if TYPE_CHECKING:
        app: App[object]  # the Widget this is mixed into provides it

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state in ENDED:
            self.app.post_message(WorkerEnded(event.worker))
