"""Focus after each Values action (issue 18's audit): every key works on the panes' cursor,
and each dialog (edit, search) gives the focus back to the panes when it closes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.support.values_screen import open_values, values_app
from tests.support.waiting import dialog_focused, focus_on, wait_until


async def test_the_panes_keep_the_focus_after_each_action(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_values(app, pilot)
        panes = focus_on(app, "ValuesPanes")
        await wait_until(app, pilot, panes, "open: the panes")
        for key in ("p", "n", "N", "o", "f", "f", "f", "f", "k", "u", "ctrl+y"):
            await pilot.press(key)
            await wait_until(app, pilot, panes, f"{key}: the panes")
        await pilot.press("p", "e")
        await wait_until(app, pilot, dialog_focused(app), "the edit field")
        app.screen.query_one(Input).value = "filled-by-hand"
        await pilot.press("enter")
        await wait_until(app, pilot, panes, "edit: the panes")
        await pilot.press("slash")
        await wait_until(app, pilot, dialog_focused(app), "the search field")
        await pilot.press("escape")
        await wait_until(app, pilot, panes, "search cancelled: the panes")
