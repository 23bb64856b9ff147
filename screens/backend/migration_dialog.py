"""The B.1 prompt: the tool's own question, answered only with the operator's yes or no."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.core.exec.prompts import Prompt
from tui.screens.step_dialogs import DIALOG_CSS

if TYPE_CHECKING:
    from textual.app import App

ANSWER_NOTE = (
    "The wizard types your answer into the tool, nothing else.\n"
    "yes — the tool copies the local state to S3; the wizard then reads the object back and "
    "compares it with the local state (its resources and outputs, and its lineage and serial "
    "unless the tool gave the copy new ones) before renaming the local file.\n"
    "no — the tool still configures the S3 backend (with its own empty state); nothing is "
    "renamed, and the local state is restored if the tool emptied it."
)


def prompt_as_printed(prompt: Prompt) -> str:
    """The question block and the prompt line, laid out as the tool printed them."""
    return f"{prompt.question}\n\n{prompt.prompt.rstrip()}"


class MigrationPromptDialog(ModalScreen[bool]):
    """Shows the prompt block exactly as the tool printed it (redacted); No is focused."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "answer(False)", "Answer no")]

    def __init__(self, prompt: Prompt) -> None:
        super().__init__(classes="step-dialog")
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="migration-dialog"):
            yield Label("tofu init -migrate-state asks:", classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(prompt_as_printed(self.prompt), id="migration-prompt", markup=False)
                yield Static(ANSWER_NOTE, id="migration-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Answer no", id="answer-no", compact=True)
                yield Button("Answer yes", id="answer-yes", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#answer-no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "answer-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


async def ask_operator(app: App[Any], prompt: Prompt) -> str:
    """Show the dialog and wait for the operator: "yes" or "no" (Escape and No answer "no").

    Cancelled while waiting (the operator stopped the tool, the wizard is closing),
    the dialog is taken down and the cancellation goes on: the driver then sends SIGINT.
    """
    answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def take(yes: bool | None) -> None:
        if not answered.done():
            answered.set_result(bool(yes))

    dialog = MigrationPromptDialog(prompt)
    app.push_screen(dialog, take)
    try:
        return "yes" if await answered else "no"
    finally:
        if not answered.done() and app.screen is dialog:
            app.pop_screen()
