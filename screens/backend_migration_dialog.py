"""The B.1 prompt: the tool's own question, answered only with the operator's yes or no."""

from __future__ import annotations

from concurrent.futures import Future, TimeoutError
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static
from textual.worker import get_current_worker

from screens.step_dialogs import DIALOG_CSS
from tui.core.migration_prompt import MigrationPrompt

if TYPE_CHECKING:
    from textual.app import App

ANSWER_NOTE = (
    "The wizard types your answer into the tool, nothing else.\n"
    "yes — the tool copies the local state to S3; the wizard then reads the object back and "
    "compares it with the local state before renaming the local file.\n"
    "no — the tool still configures the S3 backend (with its own empty state); nothing is "
    "renamed, and the local state is restored if the tool emptied it."
)


class MigrationPromptDialog(ModalScreen[bool]):
    """Shows the prompt block exactly as the tool printed it (redacted); No is focused."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "answer(False)", "Answer no")]

    def __init__(self, prompt: MigrationPrompt) -> None:
        super().__init__(classes="step-dialog")
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="migration-dialog"):
            yield Label("tofu init -migrate-state asks:", classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(self.prompt.text, id="migration-prompt", markup=False)
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


def ask_operator_from_thread(app: App[object], prompt: MigrationPrompt) -> str:
    """From a thread worker: show the dialog and block until the operator answers.

    A cancelled worker (the wizard is closing) answers "no": the core then restores
    the local state and renames nothing.
    """
    answer: Future[str] = Future()

    def show() -> None:
        app.push_screen(
            MigrationPromptDialog(prompt),
            lambda yes: answer.set_result("yes" if yes else "no"),
        )

    app.call_from_thread(show)
    worker = get_current_worker()
    while True:
        try:
            return answer.result(timeout=0.5)
        except TimeoutError:
            if worker.is_cancelled:
                return "no"
