"""The question before a rollback writes state: Rollback A's restore and B's push.

Both ask the same pair: a confirmation when the write goes forward (Cancel focused,
``y`` confirms, ``n`` or Enter cancels), or the typed phrase when it goes back in time
(restore an older state, push with ``-force``). ``answered`` is called only when the
operator said yes: with the typed phrase, or None when a confirmation was enough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import App

from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.frame import DialogBody
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog


@dataclass(frozen=True, slots=True)
class Question:
    """One dialog of the pair: its title, what it says, the action's label, its id."""

    title: str
    body: DialogBody
    action: str
    dialog_id: str


def ask_before_write(
    app: App[object],
    question: Question,
    answered: Callable[[TypedPhrase | None], None],
    *,
    phrase: str | None = None,
) -> None:
    """Ask ``question``: confirmed with ``y`` when ``phrase`` is None, else typed."""
    if phrase is None:
        confirm = ConfirmDialog(
            question.title,
            question.body,
            confirm=question.action,
            key="y",
            cancel_key="n",
            destructive=True,
            dialog_id=question.dialog_id,
        )
        app.push_screen(confirm, lambda yes: answered(None) if yes else None)
        return
    typed = TypedPhraseDialog(
        question.title,
        question.body,
        phrase,
        action=question.action,
        dialog_id=question.dialog_id,
    )
    app.push_screen(typed, lambda said: answered(said) if said is not None else None)
