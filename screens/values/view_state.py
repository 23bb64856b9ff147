"""The values step's view state: filtered rows, the cursor, the status and detail lines.

``ValuesPanel`` (screens/values.py) adds loading, the keys and the operations.
"""

from __future__ import annotations

from bisect import bisect_left

from textual import on
from textual.timer import Timer
from textual.widgets import Static

from tui.core.values.alignment import Presence, RowStatus
from tui.core.values.merge import ValuesMerge
from tui.screens.base import StepPanel
from tui.screens.values.files import KEEPABLE, ValuesFiles
from tui.screens.values.view import (
    FILTERS,
    StatusCounts,
    detail_text,
    fillable_count,
    has_children,
    image_tag_warning,
    kept_differences,
    status_text,
    undecided_orphans,
    visible_indices,
)
from tui.widgets.values_panes import PaneRows, ValuesPanes

# Actions that need a loaded merge and no save in flight.
EDITING = {"port", "port_subtree", "edit", "keep", "carry", "drop", "undo", "redo"}
EDITING |= {"auto_fill", "bump_tag", "save"}
MOVING = {"next_difference", "previous_difference", "next_placeholder", "search"}
MOVING |= {"cycle_filter", "reveal"}
FOOTER_SETTLE = 0.12  # seconds without a change of available keys before the footer redraws


class ValuesStepBase(StepPanel):
    """What the values panel shows, and which of its keys can run now."""

    def __init__(self) -> None:
        super().__init__()
        self.files: ValuesFiles | None = None
        self.merge: ValuesMerge | None = None
        self.filter_name = FILTERS[0]
        self.revealed: str | None = None
        self.busy = "loading"
        self.fillable = 0
        self.counts = StatusCounts(0, 0, 0, False)
        self.footer_signature: tuple[bool | None, ...] = ()
        self.footer_timer: Timer | None = None

    # -- the view --------------------------------------------------------------------
    @property
    def panes(self) -> ValuesPanes:
        return self.query_one(ValuesPanes)

    def refresh_view(self, cursor_label: str | None = None) -> None:
        """Re-filter the rows, keep the cursor on ``cursor_label`` (or its position)."""
        merge = self.merge
        if merge is None:
            return
        panes = self.panes
        label = cursor_label or (panes.current.label if panes.current else None)
        visible = visible_indices(merge.rows, self.filter_name)
        position = panes.cursor
        if label is not None:
            wanted = next((i for i, r in enumerate(merge.rows) if r.label == label), None)
            if wanted is not None:
                position = bisect_left(visible, wanted)
        counters = merge.counters()
        kept = kept_differences(merge.rows, merge.decisions)
        self.counts = StatusCounts(
            counters.placeholders,
            counters.differs - kept,
            undecided_orphans(merge.rows, merge.decisions),
            merge.has_unsaved_changes(),  # what the quit guard compares: content, not a count
            kept,
        )
        view = PaneRows(
            merge.rows,
            visible,
            merge.pattern,
            merge.decisions,
            self.revealed,
            full_labels=self.filter_name != "all",
        )
        book = self.wizard.context.playbook
        self.fillable = fillable_count(merge.rows, merge.pattern, book.known_placeholders)
        panes.show(view, min(position, max(0, len(visible) - 1)))
        self.update_lines()

    def update_lines(self) -> None:
        """Status and detail lines (counters come from the last ``refresh_view``)."""
        merge = self.merge
        if merge is None:
            return
        total = len(self.panes.view.visible)
        position = f"{self.panes.cursor + 1 if total else 0}/{total}"
        self.query_one("#values-status", Static).update(
            status_text(self.counts, self.filter_name, position), layout=False
        )
        row = self.panes.current
        decision = merge.decisions.get(row.label) if row is not None else None
        reveal = row is not None and self.revealed == row.label
        self.query_one("#values-detail", Static).update(
            detail_text(row, merge.pattern, reveal, decision), layout=False
        )
        # An anchored value changes at its aliases too: say so before any edit is made.
        shared = merge.shared_at(row.label) if row is not None else None
        anchor = self.query_one("#values-anchor", Static)
        if shared is not None or anchor.display:
            anchor.update(shared or "")
            anchor.display = shared is not None
        self.bindings_changed()

    def bindings_changed(self) -> None:
        """Refresh the footer only when a key became (un)available, and once keys settle.

        Rebuilding the footer costs far more than moving the cursor; whether a key runs
        is decided by ``check_action`` at the key press, never by the footer.
        """
        signature = tuple(self.check_action(a, ()) for a in sorted(EDITING | MOVING))
        if signature == self.footer_signature:
            return
        self.footer_signature = signature
        if self.footer_timer is not None:
            self.footer_timer.stop()
        self.footer_timer = self.set_timer(FOOTER_SETTLE, self.refresh_bindings)

    @on(ValuesPanes.CursorMoved)
    def cursor_moved(self, event: ValuesPanes.CursorMoved) -> None:
        if self.revealed is not None and (event.row is None or event.row.label != self.revealed):
            self.revealed = None  # a revealed secret is hidden again as soon as the cursor leaves
            self.panes.view.revealed = None
            self.panes.refresh()
        self.update_lines()

    def current_index(self) -> int | None:
        view = self.panes.view
        return view.visible[self.panes.cursor] if view.visible else None

    def go_to(self, index: int) -> None:
        """Put the cursor on ``merge.rows[index]``, showing all rows if the filter hides it."""
        assert self.merge is not None
        label = self.merge.rows[index].label
        if index not in self.panes.view.visible:
            self.filter_name = "all"
        self.refresh_view(label)

    # -- availability ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in EDITING | MOVING:
            return True
        merge, index = self.merge, self.current_index()
        if merge is None or self.busy:
            return None
        if action in ("undo", "redo"):
            return (merge.can_undo if action == "undo" else merge.can_redo) or None
        if action == "auto_fill":
            return self.fillable > 0 or None
        if action == "bump_tag":
            return self.tag_to_bump() or None
        if action not in ("port", "port_subtree", "edit", "keep", "carry", "drop", "reveal"):
            return True
        if index is None:
            return None
        row, children = merge.rows[index], has_children(merge.rows, index)
        decided = merge.decisions.get(row.label)
        allowed = {
            "port": row.prev_path is not None
            and (not children or row.presence == Presence.PREV_ONLY),
            "port_subtree": row.prev_path is not None and children,
            "edit": row.new_path is not None and not children,
            # On a placeholder, k runs to say why it is refused (Helm would deploy it literally).
            "keep": row.new_path is not None
            and row.status in (*KEEPABLE, RowStatus.PLACEHOLDER)
            and decided is None,
            "carry": row.presence == Presence.PREV_ONLY,
            "drop": row.presence == Presence.PREV_ONLY and decided is None,
            "reveal": row.secret and not row.container,
        }
        return allowed[action] or None

    def tag_to_bump(self) -> bool:
        """Whether the image tag exists and is not the current build yet."""
        pair, merge = self.wizard.pair, self.merge
        if pair is None or merge is None:
            return False
        key = self.wizard.context.playbook.image_tag_key
        return image_tag_warning(merge.working, key, pair.current.build) is not None
