"""A step's sections, one shown at a time, changed only when asked."""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane


class SectionTabs(TabbedContent):
    """Tabbed sections whose shown section changes only when the step or the operator
    asks (a section's key, a click on its tab, ``active`` set) — never because a widget
    in another section took the focus.

    Textual's TabbedContent shows the pane of any widget that gets the focus. A focus
    Textual moves by itself arrives as a message after the step has moved on: a focused
    button hidden while a command ran handed the focus to its sibling in the teardown
    section, the step showed the follow-up section once the teardown was applied, and then
    the late message switched it back to the teardown (Stage 4 under load). A step moves
    the focus into the section it shows, so nothing is lost by not following it.
    """

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        event.prevent_default()  # not TabbedContent's own switch to that pane
        event.stop()
