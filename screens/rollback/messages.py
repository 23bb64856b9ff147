"""The message both rollback views post when the state is back where it was."""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget


class RollbackDone(Message):
    """The rollback finished (state restored, and for A re-applied)."""

    def __init__(self, view: Widget) -> None:
        super().__init__()
        self.view = view
