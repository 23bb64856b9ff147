"""The footer over a values save: never rebuilt behind the diff dialog, never for the short
saving state (its keys are refused meanwhile), once the file is written the keys of the
saved step (issue 19: the save's cost was the footer rebuilt behind the dialog)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input

from tests.support.values_screen import auto_fill, flush_footer, open_values, values_app
from tests.support.waiting import settle, wait_until
from tui.core.steps import StepStatus
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.key_footer import FooterLayout, KeyFooter


def recording(footer: KeyFooter) -> list[FooterLayout]:
    """Every layout the footer is built with from now on."""
    built: list[FooterLayout] = []
    compose = footer.compose

    def recorded() -> Iterator[Widget]:
        if footer.layout_shown is not None:
            built.append(footer.layout_shown)
        yield from compose()

    footer.compose = recorded  # type: ignore[method-assign]  # Textual's recompose calls it
    return built


def shown(layout: FooterLayout) -> dict[str, bool]:
    """Each key's description, and whether it shows enabled."""
    return {e.description: e.enabled for e in (*layout.step, *layout.wizard)}


async def test_the_footer_is_not_rebuilt_behind_the_diff_nor_for_the_write(
    tmp_path: Path,
) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await auto_fill(app, pilot)
        await flush_footer(panel, pilot)
        footer = app.screen.query_one(KeyFooter)
        before = footer.layout_shown
        assert before is not None and all(e.enabled for e in before.step)
        built = recording(footer)
        await pilot.press("s")
        app.screen.query_one(Input).value = "valkey not provisioned yet"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        # Behind the dialog, dimmed: the keys as they were when s was pressed.
        assert built == [] and footer.layout_shown == before
        await pilot.press("y")
        await wait_until(
            app,
            pilot,
            lambda: footer.layout_shown is not None and shown(footer.layout_shown)["Next"],
            "the footer of the saved step (F3 Next enabled)",
        )
        assert app.statuses["values"] is StepStatus.DONE
        # Built once, for the saved step: never with the keys greyed for the write.
        assert len(built) == 1, [shown(layout) for layout in built]
        assert all(e.enabled for e in built[0].step) and shown(built[0])["Next"]
