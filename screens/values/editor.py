"""What the save and auto-fill flows use of the values panel that runs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from textual.app import App
from textual.message import Message

from tui.core.values.commands import Command
from tui.core.values.merge import ValuesMerge
from tui.screens.values.files import ValuesFiles
from tui.widgets.values_panes import ValuesPanes
from tui.wizard import Wizard


class ValuesEditor(Protocol):
    """The values panel, as its flows see it (``ValuesPanel`` is the one)."""

    wizard: Wizard
    merge: ValuesMerge | None
    files: ValuesFiles | None
    busy: str  # what runs ("saving", "auto-fill"), or "" when the keys are free
    complete: bool

    @property
    def app(self) -> App[object]: ...

    @property
    def panes(self) -> ValuesPanes: ...

    def bindings_changed(self) -> None: ...

    def refresh_view(self, cursor_label: str | None = None) -> None: ...

    def install(self, files: ValuesFiles, merge: ValuesMerge, cursor_label: str | None) -> None: ...

    def run(self, operation: Callable[[ValuesMerge], Command | None], secret: bool = False) -> bool:
        """Apply one operation to the merge (a refusal is told, nothing changes)."""
        ...

    def run_in_thread(self, work: Callable[[], None], *, group: str, description: str) -> None:
        """Run ``work`` in the panel's thread worker shape (exclusive per group)."""
        ...

    def post_message(self, message: Message) -> bool: ...
