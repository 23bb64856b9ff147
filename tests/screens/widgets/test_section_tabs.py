"""A step's sections change only when asked, never because of a late focus message.

Stage 4 under load: the teardown's focused button was hidden while the apply ran, Textual
handed the focus to its sibling in the teardown section, the step then showed the
follow-up section (the teardown applied), and the late TabPane.Focused message switched it
back to the teardown. Here the same order is made on purpose: the focus moves into the
teardown section and, in the same turn, the step shows the follow-up section.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Button, TabbedContent, TabPane

from tests.support.waiting import wait_until
from tui.widgets.section_tabs import SectionTabs


class CountingSections(SectionTabs):
    """SectionTabs that counts the focus messages it was sent (to wait for them)."""

    focus_messages = 0

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        type(self).focus_messages += 1
        super().on_tab_pane_focused(event)


class Step(App[None]):
    def __init__(self, tabs: type[TabbedContent]) -> None:
        super().__init__()
        self.tabs = tabs

    def compose(self) -> ComposeResult:
        with self.tabs(id="tabs"):
            with TabPane("Teardown", id="teardown"):
                yield Button("Plan", id="plan")
                yield Button("Apply", id="apply")
            with TabPane("Follow-up", id="followup"):
                yield Button("Check again", id="again")


async def test_a_late_focus_message_does_not_switch_back() -> None:
    CountingSections.focus_messages = 0
    app = Step(CountingSections)
    async with app.run_test() as pilot:
        tabs = app.query_one("#tabs", TabbedContent)
        app.query_one("#apply", Button).focus()
        await wait_until(app, pilot, lambda: CountingSections.focus_messages == 1, "focused")
        app.query_one("#plan", Button).focus()  # Textual moving the focus by itself
        tabs.active = "followup"  # the step moved on in the same turn
        await wait_until(app, pilot, lambda: CountingSections.focus_messages >= 2, "the late one")
        await pilot.pause()
        assert tabs.active == "followup"
        again = app.query_one("#again", Button)
        again.focus()  # the step focuses the section it shows
        await wait_until(app, pilot, lambda: app.focused is again, "Check again focused")
        assert tabs.active == "followup"
        app.query_one("#tabs Tabs").focus()  # keys on the tab row still switch (and clicks)
        await pilot.press("left")
        await wait_until(app, pilot, lambda: tabs.active == "teardown", "the teardown shown")


async def test_textuals_own_tabs_do_switch_back() -> None:
    """Why SectionTabs exists: the same order with a plain TabbedContent loses the switch."""
    app = Step(TabbedContent)
    async with app.run_test() as pilot:
        tabs = app.query_one("#tabs", TabbedContent)
        app.query_one("#plan", Button).focus()
        tabs.active = "followup"
        await wait_until(app, pilot, lambda: tabs.active == "teardown", "switched back")
