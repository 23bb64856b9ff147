"""Scroll sections that keep the focused widget in view while their content grows.

A step moves the focus to what comes next after a refresh (``focus_action``) and scrolls
it into view then. A table above it (``height: auto``) takes its rows' height only on its
own idle, which may come after that: at 80×24 the focused button then sat below the fold,
out of sight with the keys going to it (one Helm snapshot in three, on an idle machine).
A section whose content grows or shrinks scrolls its focused descendant back into view, to
the centre as Textual's own focus does (so the screen is the same whichever came first).
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.geometry import Size


class FocusInViewScroll(VerticalScroll):
    """A VerticalScroll that centres its focused descendant when its content size changes."""

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        focused = self.screen.focused if self.is_attached else None
        if focused is not None and focused is not self and self in focused.ancestors:
            self.screen.scroll_to_center(focused, animate=False, origin_visible=True)
