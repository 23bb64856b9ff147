"""Keys typed the moment a dialog opens are kept, in order (issue 18).

The operator sees the dialog and types at once: Shift+Tab to the phrase box, the phrase,
Enter. The dialog may be on the screen stack without its widgets, or drawn before its
focus is set, when those keys arrive; each of them must still do what it would do a
second later. Here the keys are posted to the App, as the terminal driver posts them,
right after the dialog is pushed, with no pause between them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input

from tests.support.waiting import wait_until
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog

PHRASE = "destroy acme-mocm-prod-cache"


def phrase_dialog() -> TypedPhraseDialog:
    return TypedPhraseDialog(
        "Destroy the old cache: apply this plan?", "1 to destroy.", PHRASE, action="Apply"
    )


def confirm_dialog() -> ConfirmDialog:
    return ConfirmDialog(
        "Upgrade the Helm releases?", "helmfile sync", confirm="Sync", destructive=True, key="y"
    )


class Host(App[None]):
    """Pushes the dialog when asked; keeps what it answered."""

    def __init__(self, make: Callable[[], ModalScreen[object]]) -> None:
        super().__init__()
        self.make = make
        self.answers: list[object] = []
        self.dialog: ModalScreen[object] | None = None

    def compose(self) -> ComposeResult:
        yield Footer()

    def action_ask(self) -> None:
        self.dialog = self.make()
        self.push_screen(self.dialog, self.answers.append)


def burst(app: Host, *keys: str) -> None:
    """Push the dialog, then post ``keys`` to the App at once, as the terminal driver does."""
    app.action_ask()
    for key in keys:
        character = key if len(key) == 1 else {"space": " "}.get(key)
        app.post_message(events.Key(key, character))


def typed(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def test_a_phrase_typed_right_after_the_dialog_opens_is_kept() -> None:
    app = Host(phrase_dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "shift+tab", *typed(PHRASE), "enter")
        await wait_until(app, pilot, lambda: bool(app.answers), "the dialog answered", bound_s=20)
    assert app.answers == [TypedPhrase(PHRASE)]


async def test_the_phrase_box_shows_every_key_typed_before_the_first_layout() -> None:
    app = Host(phrase_dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "shift+tab", *typed(PHRASE))
        await wait_until(
            app,
            pilot,
            lambda: (
                app.dialog is not None
                and app.dialog.is_mounted
                and app.dialog.query_one("#dialog-input", Input).value == PHRASE
            ),
            "the phrase in the box",
            bound_s=20,
        )
        assert app.dialog is not None
        assert app.focused is app.dialog.query_one("#dialog-input", Input)
        await pilot.press("escape")
        await pilot.pause()
    assert app.answers == [None]


async def test_enter_right_after_the_phrase_dialog_opens_cancels() -> None:
    app = Host(phrase_dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "enter")
        await wait_until(app, pilot, lambda: bool(app.answers), "the dialog answered", bound_s=20)
    assert app.answers == [None]


@pytest.mark.parametrize(
    ("keys", "answer"),
    [
        (("enter",), False),  # Cancel has the focus from the start
        (("tab", "enter"), True),  # Tab reaches the action, Enter presses it
        (("y",), True),  # the action's key
        (("tab", "shift+tab", "enter"), False),  # back on Cancel
        (("escape",), False),
    ],
)
async def test_keys_right_after_the_confirm_dialog_opens_are_kept(
    keys: tuple[str, ...], answer: bool
) -> None:
    app = Host(confirm_dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, *keys)
        await wait_until(app, pilot, lambda: bool(app.answers), "the dialog answered", bound_s=20)
    assert app.answers == [answer]


async def test_shift_tab_from_cancel_reaches_the_phrase_box_once_open() -> None:
    app = Host(phrase_dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_ask()
        await wait_until(app, pilot, lambda: isinstance(app.focused, Button), "Cancel focused")
        assert app.dialog is not None
        assert app.focused is app.dialog.query_one("#dialog-cancel", Button)
        await pilot.press("shift+tab")
        assert app.focused is app.dialog.query_one("#dialog-input", Input)
        await pilot.press("tab")
        assert app.focused is app.dialog.query_one("#dialog-cancel", Button)
        await pilot.press("escape")
        await pilot.pause()
    assert app.answers == [None]


async def test_the_focused_button_is_marked_without_colour() -> None:
    app = Host(confirm_dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_ask()
        await wait_until(app, pilot, lambda: app.focused is not None, "the first focus")
        assert app.dialog is not None
        cancel = app.dialog.query_one("#dialog-cancel", Button)
        sync = app.dialog.query_one("#dialog-confirm", Button)

        def drawn(button: Button) -> str:
            return str(button.render())

        assert (drawn(cancel), drawn(sync)) == ("▸Cancel◂", " Sync (y) ")
        await pilot.press("tab")
        await pilot.pause()
        assert (drawn(cancel), drawn(sync)) == (" Cancel ", "▸Sync (y)◂")
        await pilot.press("escape")
        await pilot.pause()
    assert app.answers == [False]
