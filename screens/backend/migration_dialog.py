"""The B.1 prompt: the tool's own question, answered only with the operator's yes or no."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual.content import Content

from tui.core.exec.prompts import Prompt
from tui.widgets.dialogs.confirm import ConfirmDialog

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


def migration_question(prompt: Prompt) -> ConfirmDialog:
    """The prompt block exactly as the tool printed it (redacted); "Answer no" is focused.

    What each answer does scrolls with the prompt: at 80x24 the buttons stay on screen.
    """
    body = Content(prompt_as_printed(prompt)).append_text("\n\n" + ANSWER_NOTE, "dim")
    return ConfirmDialog(
        "tofu init -migrate-state asks:",
        body,
        confirm="Answer yes",
        cancel="Answer no",
        destructive=True,
        key="y",
        cancel_key="n",
        note="y answers yes, n (or Enter) answers no.",
        dialog_id="migration-dialog",
    )


async def ask_operator(app: App[Any], prompt: Prompt) -> str:
    """Show the dialog and wait for the operator: "yes" or "no" (Escape and No answer "no").

    Cancelled while waiting (the operator stopped the tool, the wizard is closing),
    the dialog is taken down and the cancellation goes on: the driver then sends SIGINT.
    """
    answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def take(yes: bool | None) -> None:
        if not answered.done():
            answered.set_result(bool(yes))

    dialog = migration_question(prompt)
    app.push_screen(dialog, take)
    try:
        return "yes" if await answered else "no"
    finally:
        if not answered.done() and app.screen is dialog:
            app.pop_screen()
