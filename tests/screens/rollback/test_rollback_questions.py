"""Rollback A's restore and B's push ask through one pair of dialogs (issue 18).

Every one of the four opens on Cancel: Enter cancels and nothing is written; the
confirmation takes ``y``, the typed phrase takes the phrase (then Enter in its box).
"""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Button, Input

from tests.support.waiting import screen_is, wait_until
from tui.screens.rollback.questions import Question, ask_before_write
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog

# The four questions as the views ask them (phrase None: a confirmation is enough).
QUESTIONS: dict[str, tuple[Question, str | None]] = {
    "restore (A)": (
        Question("Restore the pre-upgrade state?", "serial 7", "Restore", "rb-restore-dialog"),
        None,
    ),
    "restore older (A)": (
        Question("Restore an older state?", "back in time", "Restore", "rb-older-dialog"),
        "restore serial 3",
    ),
    "push (B)": (Question("Push this state?", "v2", "Push state", "rb-push-dialog"), None),
    "push -force (B)": (
        Question("Push with -force?", "not newer", "Push state", "rb-force-dialog"),
        "push -force serial 41",
    ),
}


class Asker(App[None]):
    """Asks one rollback question at start; keeps every answer handed on."""

    def __init__(self, question: Question, phrase: str | None) -> None:
        super().__init__()
        self.question = question
        self.phrase = phrase
        self.answers: list[TypedPhrase | None] = []

    def on_mount(self) -> None:
        ask_before_write(self, self.question, self.answers.append, phrase=self.phrase)


def dialog_kind(phrase: str | None) -> type[object]:
    return ConfirmDialog if phrase is None else TypedPhraseDialog


@pytest.mark.parametrize("name", list(QUESTIONS))
async def test_enter_on_each_rollback_question_cancels(name: str) -> None:
    question, phrase = QUESTIONS[name]
    app = Asker(question, phrase)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(app, pilot, screen_is(app, dialog_kind(phrase)), "the question")
        dialog = app.screen
        assert dialog.query_one(f"#{question.dialog_id}")  # the view's id, for its tests
        await wait_until(app, pilot, lambda: app.focused is not None, "the first focus")
        assert app.focused is dialog.query_one("#dialog-cancel", Button)
        await pilot.press("enter")
        await wait_until(app, pilot, lambda: app.screen is not dialog, "the dialog closed")
    assert app.answers == []  # nothing handed on: nothing written


@pytest.mark.parametrize("name", ["restore (A)", "push (B)"])
async def test_y_confirms_a_forward_write(name: str) -> None:
    question, phrase = QUESTIONS[name]
    app = Asker(question, phrase)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(app, pilot, screen_is(app, ConfirmDialog), "the question")
        await pilot.press("y")
        await wait_until(app, pilot, lambda: bool(app.answers), "the answer")
    assert app.answers == [None]  # confirmed, no phrase to journal


@pytest.mark.parametrize("name", ["restore older (A)", "push -force (B)"])
async def test_a_write_back_in_time_needs_its_phrase(name: str) -> None:
    question, phrase = QUESTIONS[name]
    assert phrase is not None
    app = Asker(question, phrase)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(app, pilot, screen_is(app, TypedPhraseDialog), "the question")
        await pilot.press("y")  # a confirmation's key does nothing here
        assert isinstance(app.screen, TypedPhraseDialog) and not app.answers
        await pilot.press("shift+tab", *["space" if c == " " else c for c in phrase])
        await wait_until(
            app,
            pilot,
            lambda: app.screen.query_one("#dialog-input", Input).value == phrase,
            "the phrase typed",
        )
        await pilot.press("enter")
        await wait_until(app, pilot, lambda: bool(app.answers), "the answer")
    assert app.answers == [TypedPhrase(phrase)]
