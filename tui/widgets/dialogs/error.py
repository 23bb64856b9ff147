"""The one error dialog: every worker failure and refused action ends here."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.core.printable import printable_lines


class ErrorDialog(ModalScreen[None]):
    """Shows what went wrong and what to do next. Nothing is lost by closing it."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Close")]
    # Close, not the scroll, gets the focus: Enter and Escape close. (AUTO_FOCUS, not a
    # query in on_mount: a dialog pushed while the app shuts down is never composed.)
    AUTO_FOCUS = "#close"

    def __init__(self, title: str, message: str | Text | Content, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        # An error may quote a file or a command's output: control characters escaped.
        self.message = printable_lines(message) if isinstance(message, str) else message
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll():
                yield Static(self.message, id="error-message", markup=False)
                if self.hint:
                    yield Static(self.hint, id="error-hint", markup=False)
            yield Button("Close", variant="primary", id="close")

    def on_button_pressed(self) -> None:
        self.dismiss()
