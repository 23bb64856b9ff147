"""Help for the current step (F1 / ?), from assets/help/<step>.md."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button


class HelpDialog(ModalScreen[None]):
    """Help for the current step, from assets/help/<step>.md."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close")]

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # markdown-it is slow to import: only on F1

        with Vertical(id="help-dialog", classes="dialog"):
            with VerticalScroll():
                yield Markdown(self.markdown)
            yield Button("Close (Esc)", id="close")

    def on_button_pressed(self) -> None:
        self.dismiss()
