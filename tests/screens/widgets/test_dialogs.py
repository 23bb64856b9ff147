"""The one confirm, reason and typed-phrase dialog: focus, keys and typed answers.

Every destructive question of the wizard opens with Cancel focused, so Enter (the key
an operator presses without reading) cancels; the action needs its button or its key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input

from tui.core.exec.prompts import Prompt
from tui.core.playbook.load import load_playbook
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import review
from tui.core.values.draft import DraftStale
from tui.screens.backend.migration_dialog import migration_question
from tui.screens.helm.support import helm_question
from tui.screens.helm.values import waiver_question
from tui.screens.values.dialogs import drop_all_dialog, stale_draft_dialog
from tui.widgets.apply_gate import ApplyGate
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.dialogs.reason import GivenReason, ReasonDialog
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog

BOOK = load_playbook()


class DialogHost(App[None]):
    """Pushes one dialog at start and keeps what it answered."""

    def __init__(self, dialog: ModalScreen[object]) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[object] = []

    def compose(self) -> ComposeResult:
        yield Footer()

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


def discard_question() -> ConfirmDialog:
    """The question the App asks before leaving a step with unsaved work."""
    return ConfirmDialog(
        "Unsaved changes",
        "Leaving now discards them.",
        confirm="Discard",
        cancel="Stay",
        destructive=True,
    )


# Every destructive question the wizard asks, built as the steps build it.
DESTRUCTIVE: dict[str, Callable[[], ModalScreen[object]]] = {
    "unsaved work (leave the step)": discard_question,
    "helm sync": lambda: helm_question("Upgrade the Helm releases?", Text("sync"), "Sync"),
    "helm rollback": lambda: helm_question(
        "Roll back mocm-service?", Text("rollback"), "Roll back"
    ),
    "migration prompt": lambda: migration_question(
        Prompt("Do you want to copy existing state to the new backend?", "  Enter a value: ")
    ),
    "restore an older state": lambda: TypedPhraseDialog(
        "Restore an older state?", "It goes back in time.", "restore serial 3", action="Restore"
    ),
    "push -force": lambda: TypedPhraseDialog(
        "Push with -force?", "Not newer.", "push -force serial 41", action="Push state"
    ),
    "values: a stale draft (discard it)": lambda: stale_draft_dialog(
        DraftStale(Path("values.yaml.draft.json"), "values.yaml changed since")
    ),
    "values: drop every undecided value": lambda: drop_all_dialog([], re.compile("secret")),
}


@pytest.mark.parametrize("name", list(DESTRUCTIVE))
async def test_destructive_dialogs_open_on_cancel_and_enter_cancels(name: str) -> None:
    dialog = DESTRUCTIVE[name]()
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen is dialog
        assert app.focused is dialog.query_one("#dialog-cancel", Button)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
    assert app.answers in ([False], [None])


async def test_the_apply_gate_for_an_unexpected_destroy_opens_on_cancel(samples: Path) -> None:
    plan = review(load_plan(str(samples / "plan_upgrade.json")), BOOK, "upgrade")
    decisions: list[bool] = []

    class GateHost(App[None]):
        def on_mount(self) -> None:
            ApplyGate(plan).ask(self, lambda decision: decisions.append(decision.confirmed))

    app = GateHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TypedPhraseDialog)
        assert app.focused is app.screen.query_one("#dialog-cancel", Button)
        await pilot.press("enter")
        await pilot.pause()
    assert decisions == [False]


async def test_the_migration_prompt_keeps_its_buttons_on_screen_at_80x24() -> None:
    question = (
        "Do you want to copy existing state to the new backend?\n"
        '  Pre-existing state was found while migrating the previous "local" backend to the\n'
        '  newly configured "s3" backend. No existing state was found in the newly\n'
        '  configured "s3" backend. Do you want to copy this state to the new "s3"\n'
        '  backend? Enter "yes" to copy and "no" to start with an empty state.'
    )
    dialog = migration_question(Prompt(question, "  Enter a value: "))
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        inside = dialog.query_one(".dialog-frame").content_region  # not clipped by the frame
        for button in dialog.query(Button):
            assert inside.contains_region(button.region), button.id
        assert app.focused is dialog.query_one("#dialog-cancel", Button)
        await pilot.press("n")
        await pilot.pause()
    assert app.answers == [False]


async def test_the_action_key_confirms_a_destructive_question() -> None:
    dialog = helm_question("Upgrade the Helm releases?", Text("helmfile sync"), "Sync")
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert str(dialog.query_one("#dialog-confirm", Button).label) == "Sync (y)"
        await pilot.press("y")
        await pilot.pause()
    assert app.answers == [True]


async def test_tab_then_enter_runs_the_destructive_action() -> None:
    dialog = discard_question()
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("tab", "enter")
        await pilot.pause()
    assert app.answers == [True]


async def test_a_plain_question_has_its_action_focused() -> None:
    dialog = ConfirmDialog(
        "Back up to the free name?", "The existing file is kept.", confirm="Back up"
    )
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is dialog.query_one("#dialog-confirm", Button)
        await pilot.press("escape")
        await pilot.pause()
    assert app.answers == [False]


async def test_a_reason_is_required_and_comes_back_typed() -> None:
    dialog = waiver_question_body()
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = dialog.query_one("#dialog-input", Input)
        assert app.focused is field  # typing the reason is the deliberate act
        assert dialog.query_one("#dialog-confirm", Button).disabled
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "Type why" in str(
            dialog.query_one("#dialog-problem").render()
        )
        await pilot.press("space", "space")  # spaces are not a reason
        assert dialog.query_one("#dialog-confirm", Button).disabled
        await pilot.press(*"demo cluster", "enter")
        await pilot.pause()
    assert app.answers == [GivenReason("demo cluster")]


def waiver_question_body() -> ReasonDialog:
    return waiver_question(Text("3 placeholders left"))


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("restore serial 4", "That is not the phrase. Type exactly: restore serial 3"),
        ("restore serial 3 ", "check the spaces"),
        ("", "Type the phrase first"),
    ],
)
async def test_a_wrong_phrase_is_refused_with_its_reason(typed: str, said: str) -> None:
    dialog = TypedPhraseDialog("Restore?", "Back in time.", "restore serial 3", action="Restore")
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog.query_one("#dialog-input", Input).value = typed
        await pilot.pause()
        assert dialog.query_one("#dialog-confirm", Button).disabled
        dialog.query_one("#dialog-input", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and said in str(dialog.query_one("#dialog-problem").render())
        dialog.query_one("#dialog-input", Input).value = "restore serial 3"
        await pilot.pause()
        assert not dialog.query_one("#dialog-confirm", Button).disabled
        await pilot.press("enter")
        await pilot.pause()
    assert app.answers == [TypedPhrase("restore serial 3")]


async def test_the_error_dialog_opens_on_close_and_enter_closes_it() -> None:
    dialog = ErrorDialog("Opening the values files failed", "values.yaml:3:6: expected ']'")
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is dialog.query_one("#close", Button)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
    assert app.answers == [None]


async def test_an_error_dialog_pushed_while_the_app_exits_raises_nothing() -> None:
    class ExitingHost(App[None]):
        def on_mount(self) -> None:
            self.exit()
            self.push_screen(ErrorDialog("Late failure", "the worker ended after quit"))

    app = ExitingHost()
    async with app.run_test(size=(80, 24)):
        pass
    assert app.return_value is None
