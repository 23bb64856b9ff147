"""Moving the values panel's cursor: to the next difference, placeholder or undecided
value (wrapping around, and saying so), to a key path searched for, and through the row
filters; a row the filter hides is shown by going back to all rows."""

from __future__ import annotations

from collections.abc import Callable

from tui.core.values.alignment import Row
from tui.core.values.progress import (
    RowFilter,
    find_label,
    find_row,
    is_difference,
    is_placeholder,
    undecided_test,
)
from tui.screens.values.dialogs import EnteredText, search_dialog
from tui.screens.values.editor import ValuesEditor


class CursorMoves:
    """One values panel's cursor moves: jumps, the search, the filter, going to a row."""

    def __init__(self, panel: ValuesEditor) -> None:
        self.panel = panel

    def current_index(self) -> int | None:
        """The index in ``merge.rows`` of the row under the cursor (None if none is shown)."""
        view = self.panel.panes.view
        return view.visible[self.panel.panes.cursor] if view.visible else None

    def go_to(self, index: int) -> None:
        """Put the cursor on ``merge.rows[index]``, showing all rows if the filter hides it."""
        panel = self.panel
        assert panel.editing is not None
        label = panel.editing.merge.rows[index].label
        if index not in panel.panes.view.visible:
            panel.row_filter = RowFilter.ALL
        panel.refresh_view(label)

    def go_to_label(self, label: str) -> None:
        editing = self.panel.editing
        if editing is not None and editing.merge.has_row(label):
            self.go_to(editing.merge.index_of(label))

    def jump(self, test: Callable[[Row], bool], step: int, what: str) -> bool:
        """To the next row (``step`` 1) or the previous (-1) that passes ``test``."""
        editing, app = self.panel.editing, self.panel.app
        index = self.current_index()
        if editing is None or not editing.merge.rows:
            return False
        found = find_row(editing.merge.rows, index if index is not None else -1, test, step)
        if found is None:
            app.notify(f"No {what} left.", timeout=3)
            return False
        target, wrapped = found
        if wrapped:
            app.notify(
                f"Wrapped around to the {'first' if step > 0 else 'last'} {what}.", timeout=2
            )
        self.go_to(target)
        return True

    def next_difference(self) -> None:
        self.jump(is_difference, 1, "difference")

    def previous_difference(self) -> None:
        self.jump(is_difference, -1, "difference")

    def next_placeholder(self) -> bool:
        return self.jump(is_placeholder, 1, "placeholder")

    def next_undecided(self) -> None:
        if self.panel.editing is not None:
            self.jump(undecided_test(self.panel.editing.merge), 1, "undecided value")

    def cycle_filter(self) -> None:
        self.panel.row_filter = self.panel.row_filter.next()
        self.panel.refresh_view()

    def search(self) -> None:
        """Ask for part of a key path, then go to the next row whose path holds it."""
        panel = self.panel

        def found(entered: EnteredText | None) -> None:
            if entered is None or not entered.value or panel.editing is None:
                return
            start = self.current_index()
            rows = panel.editing.merge.rows
            hit = find_label(rows, -1 if start is None else start, entered.value)
            if hit is None:
                panel.app.notify(
                    f"No key path contains “{entered.value.strip()}”.", severity="warning"
                )
                return
            self.go_to(hit)

        panel.app.push_screen(search_dialog(), found)
