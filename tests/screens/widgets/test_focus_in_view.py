"""A section keeps its focused button in sight when a table above it fills after the focus.

What the Helm step met at 80×24: the focus moved to "Run loadimage.sh" while the image
table above it was still one line high; the table took its rows' height on its own idle
and pushed the focused button below the fold.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Button, DataTable

from tests.support.waiting import wait_until
from tui.widgets.focus_in_view import FocusInViewScroll

ROWS = 30


class Section(App[None]):
    CSS = "#section { height: 10; } DataTable { height: auto; }"

    def __init__(self, container: type[VerticalScroll]) -> None:
        super().__init__()
        self.container = container

    def compose(self) -> ComposeResult:
        with self.container(id="section"):
            yield DataTable()
            yield Button("Run loadimage.sh", id="next")


def button_in_sight(app: Section) -> bool:
    section = app.query_one("#section")
    button = app.query_one("#next", Button)
    return section.region.contains_region(button.region)


async def fill_the_table_after_the_focus(app: Section, pilot: Pilot[None]) -> None:
    table = app.query_one(DataTable)
    table.add_column("image")
    app.query_one("#next", Button).focus()
    await pilot.pause()
    assert button_in_sight(app)  # an empty table: the button is near the top
    table.add_rows([f"mocm/image-{n}"] for n in range(ROWS))
    section = app.query_one("#section")
    await wait_until(app, pilot, lambda: section.max_scroll_y > 0, "the section grown")
    await pilot.pause()
    assert app.focused is app.query_one("#next", Button)


async def test_the_focused_button_stays_in_sight_when_the_table_above_fills() -> None:
    app = Section(FocusInViewScroll)
    async with app.run_test(size=(60, 20)) as pilot:
        await fill_the_table_after_the_focus(app, pilot)
        await wait_until(app, pilot, lambda: button_in_sight(app), "the focused button in sight")
        section = app.query_one("#section")
        assert 0 < section.scroll_y <= section.max_scroll_y


async def test_a_plain_scroll_leaves_it_below_the_fold() -> None:
    """The control: what the Helm step did before (Textual scrolls only when focusing)."""
    app = Section(VerticalScroll)
    async with app.run_test(size=(60, 20)) as pilot:
        await fill_the_table_after_the_focus(app, pilot)
        assert not button_in_sight(app)
        assert app.query_one("#section").scroll_y == 0
