"""What the save, auto-fill and draft flows and the cursor moves use of the values panel
that runs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from textual.app import App
from textual.message import Message
from textual.screen import Screen

from tui.core.journal.writer import Journal
from tui.core.values.draft import Operation
from tui.core.values.editing import ValuesEditing
from tui.core.values.progress import RowFilter
from tui.widgets.values_panes import ValuesPanes
from tui.wizard import Wizard


class ValuesEditor(Protocol):
    """The values panel, as its flows see it (``ValuesPanel`` is the one)."""

    wizard: Wizard
    editing: ValuesEditing | None
    row_filter: RowFilter  # the rows the panes show
    busy: str  # what runs ("saving", "auto-fill"), or "" when the keys are free
    complete: bool

    @property
    def app(self) -> App[object]: ...

    @property
    def screen(self) -> Screen[object]: ...

    @property
    def panes(self) -> ValuesPanes: ...

    def bindings_changed(self) -> None: ...

    def show_title(self) -> None: ...

    def refresh_view(self, cursor_label: str | None = None) -> None: ...

    def apply(self, op: Operation) -> bool:
        """Run one operation (a refusal is told, nothing changes), then keep the draft."""
        ...

    def journal(self) -> Journal | None:
        """The session's journal (None before the release's session is open)."""
        ...

    def keep_draft(self) -> None:
        """Write the unsaved work as the draft (or remove it), off the event loop."""
        ...

    def run_in_thread(self, work: Callable[[], None], *, group: str, description: str) -> None:
        """Run ``work`` in the panel's thread worker shape (exclusive per group)."""
        ...

    def post_message(self, message: Message) -> bool: ...
