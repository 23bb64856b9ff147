"""Where the operator stands in a values merge: filters, jumps, counters, and which key
may run on which row. The screen shows these; it decides none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tui.core.playbook.model import KnownPlaceholder
from tui.core.values.alignment import Presence, Row, RowStatus
from tui.core.values.commands import MergeDecision
from tui.core.values.doc import get_node, has_node
from tui.core.values.known import placeholder_names
from tui.core.values.merge import ValuesMerge


class RowFilter(StrEnum):
    """What the panes list (``f`` cycles through them in this order)."""

    ALL = "all"
    DIFFERENCES = "differences"
    PLACEHOLDERS = "placeholders"
    PREVIOUS_ONLY = "orphans and open maps"

    def next(self) -> RowFilter:
        members = list(RowFilter)
        return members[(members.index(self) + 1) % len(members)]


class RowAction(StrEnum):
    """The operations that depend on the row under the cursor (named as the screen's actions)."""

    PORT = "port"
    PORT_SUBTREE = "port_subtree"
    EDIT = "edit"
    KEEP = "keep"
    CARRY = "carry"
    DROP = "drop"
    REVEAL = "reveal"


def is_difference(row: Row) -> bool:
    """Rows ``n`` stops on: differing or placeholder values, outermost new keys and orphans."""
    if row.status in (RowStatus.DIFFERS, RowStatus.PLACEHOLDER):
        return True
    return row.status in (RowStatus.NEW, RowStatus.ORPHAN, RowStatus.OPEN_MAP) and row.topmost


def is_previous_only(row: Row) -> bool:
    """An outermost value the template has no key for: an orphan, or one an open map takes."""
    return row.topmost and row.status in (RowStatus.ORPHAN, RowStatus.OPEN_MAP)


def is_placeholder(row: Row) -> bool:
    return row.status == RowStatus.PLACEHOLDER


FILTER_TESTS: dict[RowFilter, Callable[[Row], bool]] = {
    RowFilter.DIFFERENCES: is_difference,
    RowFilter.PLACEHOLDERS: is_placeholder,
    RowFilter.PREVIOUS_ONLY: is_previous_only,
}


def visible_indices(rows: Sequence[Row], row_filter: RowFilter) -> list[int]:
    """Indices of the rows the filter lets through."""
    test = FILTER_TESTS.get(row_filter)
    if test is None:
        return list(range(len(rows)))
    return [i for i, row in enumerate(rows) if test(row)]


def undecided_test(merge: ValuesMerge) -> Callable[[Row], bool]:
    """Whether a row is undecided (``o`` stops on it): the undecided labels are listed once,
    so a jump over every row stays one pass (listing them per row made it quadratic)."""
    labels = frozenset(row.label for row in merge.undecided())
    return lambda row: row.label in labels


def find_row(
    rows: Sequence[Row], start: int, test: Callable[[Row], bool], step: int = 1
) -> tuple[int, bool] | None:
    """(index, wrapped) of the next row after ``start`` passing ``test``, wrapping once."""
    count = len(rows)
    for offset in range(1, count + 1):
        index = (start + offset * step) % count
        if test(rows[index]):
            wrapped = (index < start) if step > 0 else (index > start)
            return index, wrapped
    return None


def find_label(rows: Sequence[Row], start: int, text: str) -> int | None:
    """The next row after ``start`` whose key path contains ``text`` (case ignored)."""
    needle = text.strip().lower()
    if not needle:
        return None
    found = find_row(rows, start, lambda row: needle in row.label.lower())
    return None if found is None else found[0]


def has_children(rows: Sequence[Row], index: int) -> bool:
    """Whether the row at ``index`` has rows below it (a mapping or a list of mappings)."""
    return index + 1 < len(rows) and rows[index + 1].depth > rows[index].depth


def image_tag_warning(working: Any, dotted_key: str, build: str) -> str | None:
    """Why the merged file would deploy other images than this release's; None when right."""
    path = tuple(dotted_key.split("."))
    if not has_node(working, path):
        return None
    tag = str(get_node(working, path))
    if tag == build:
        return None
    return (
        f"⚠ {dotted_key} is {tag}, not this release's build {build}: Helm would deploy "
        "those images with the new charts. Esc, then t sets it."
    )


@dataclass(frozen=True)
class Progress:
    """The counters the operator works down to zero."""

    placeholders: int
    differs: int  # differences left to review: those kept as the template has them are not
    kept: int
    orphans_undecided: int  # keys a closed map of the template no longer has
    open_map_pending: int  # values an open map takes, neither carried yet nor dropped
    unsaved: bool  # the tree or the decisions differ from the saved file
    fillable: int  # what auto-fill may change (placeholders and open-map values)

    @classmethod
    def of(cls, merge: ValuesMerge, known: Sequence[KnownPlaceholder] = ()) -> Progress:
        """Counted in one pass over the rows, most of which (the same in both files) are
        passed at once: it runs after every operation key.

        Placeholders and differences as ``merge.counters()`` counts them; undecided as
        ``merge.undecided()`` lists them; fillable as auto-fill's preview finds them
        (cheaper), or holding a placeholder the wizard knows (its source may fail).
        """
        decisions, pattern = merge.decisions, merge.pattern
        names = {k.name for k in known}
        placeholders = differs = kept = orphans = carryable = fillable = 0
        same, placeholder, differing = RowStatus.SAME, RowStatus.PLACEHOLDER, RowStatus.DIFFERS
        for row in merge.rows:
            status = row.status
            if status is same:
                continue
            if status is placeholder:
                placeholders += 1
                if not row.container and (
                    (row.presence is Presence.BOTH and pattern.search(row.prev_text) is None)
                    or (
                        row.new_path is not None
                        and names
                        and names.intersection(placeholder_names(row.new_text, pattern))
                    )
                ):
                    fillable += 1
            elif status is differing:
                differs += 1
                kept += decisions.get(row.label) == MergeDecision.KEPT_TEMPLATE
            elif (
                status in (RowStatus.ORPHAN, RowStatus.OPEN_MAP)
                and row.topmost
                and row.prev_path is not None
                and row.label not in decisions
            ):
                if status is RowStatus.ORPHAN:
                    orphans += 1
                else:
                    carryable += 1
        return cls(
            placeholders=placeholders,
            differs=differs - kept,
            kept=kept,
            orphans_undecided=orphans,
            open_map_pending=carryable,
            unsaved=merge.has_unsaved_changes(),
            fillable=fillable + carryable,
        )

    @property
    def undecided(self) -> int:
        return self.orphans_undecided + self.open_map_pending


KEEPABLE = (RowStatus.DIFFERS,)  # rows where `k` means something (never a placeholder)


def row_actions(merge: ValuesMerge, index: int | None) -> frozenset[RowAction]:
    """The row operations that can run on ``merge.rows[index]`` (none without a row)."""
    if index is None:
        return frozenset()
    rows = merge.rows
    row, children = rows[index], has_children(rows, index)
    decided = merge.decisions.get(row.label)
    leaves_behind = row.topmost and row.status in (RowStatus.ORPHAN, RowStatus.OPEN_MAP)
    allowed = {
        RowAction.PORT: row.prev_path is not None
        and (not children or row.presence == Presence.PREV_ONLY),
        RowAction.PORT_SUBTREE: row.prev_path is not None and children,
        RowAction.EDIT: row.new_path is not None and not children,
        # On a placeholder, k runs to say why it is refused (Helm would deploy it literally).
        RowAction.KEEP: row.new_path is not None
        and row.status in (*KEEPABLE, RowStatus.PLACEHOLDER)
        and decided is None,
        RowAction.CARRY: row.presence == Presence.PREV_ONLY
        or (row.status == RowStatus.OPEN_MAP and row.prev_path is not None),
        RowAction.DROP: decided is None
        and (row.presence == Presence.PREV_ONLY or (leaves_behind and row.prev_path is not None)),
        RowAction.REVEAL: row.secret and not row.container,
    }
    return frozenset(action for action, ok in allowed.items() if ok)
