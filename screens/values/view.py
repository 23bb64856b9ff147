"""What the values step shows around the panes: filters, navigation, status and detail lines."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from textual.content import Content

from tui.core.playbook.load import KnownPlaceholder
from tui.core.values.alignment import Presence, Row, RowStatus
from tui.core.values.commands import MergeDecision
from tui.core.values.doc import get_node, has_node
from tui.core.values.known import known_rows

FILTERS = ("all", "differences", "placeholders", "orphans")
STATUS_WORDS = {
    RowStatus.SAME: "same",
    RowStatus.DIFFERS: "differs from the previous value",
    RowStatus.PLACEHOLDER: "placeholder to fill",
    RowStatus.NEW: "new in this release",
    RowStatus.ORPHAN: "orphan: the new file has no such key",
    RowStatus.OPEN_MAP: "carried into an open map (auto-fill or → carries it)",
}
DECISION_WORDS = {
    MergeDecision.KEPT_TEMPLATE: "decided: keep the new file's value",
    MergeDecision.DROPPED_ORPHAN: "decided: drop it",
}
STATUS_STYLES = {
    RowStatus.SAME: "dim",
    RowStatus.DIFFERS: "$warning",
    RowStatus.PLACEHOLDER: "bold $error",
    RowStatus.NEW: "$success",
    RowStatus.ORPHAN: "$text-primary",
    RowStatus.OPEN_MAP: "$accent",
}


def is_difference(row: Row) -> bool:
    """Rows ``n`` stops on: differing or placeholder values, outermost new keys and orphans."""
    if row.status in (RowStatus.DIFFERS, RowStatus.PLACEHOLDER):
        return True
    return row.status in (RowStatus.NEW, RowStatus.ORPHAN, RowStatus.OPEN_MAP) and row.topmost


def is_orphan(row: Row) -> bool:
    return row.presence == Presence.PREV_ONLY and row.topmost


FILTER_TESTS: dict[str, Callable[[Row], bool]] = {
    "differences": is_difference,
    "placeholders": lambda row: row.status == RowStatus.PLACEHOLDER,
    "orphans": is_orphan,
}


def visible_indices(rows: list[Row], filter_name: str) -> list[int]:
    """Indices of the rows the filter lets through."""
    test = FILTER_TESTS.get(filter_name)
    if test is None:
        return list(range(len(rows)))
    return [i for i, row in enumerate(rows) if test(row)]


def find_row(
    rows: list[Row], start: int, test: Callable[[Row], bool], step: int = 1
) -> tuple[int, bool] | None:
    """(index, wrapped) of the next row after ``start`` passing ``test``, wrapping once."""
    count = len(rows)
    for offset in range(1, count + 1):
        index = (start + offset * step) % count
        if test(rows[index]):
            wrapped = (index < start) if step > 0 else (index > start)
            return index, wrapped
    return None


def has_children(rows: list[Row], index: int) -> bool:
    """Whether the row at ``index`` has rows below it (a mapping or a list of mappings)."""
    return index + 1 < len(rows) and rows[index + 1].depth > rows[index].depth


def fillable_count(
    rows: list[Row], pattern: re.Pattern[str], known: Sequence[KnownPlaceholder] = ()
) -> int:
    """Placeholders auto-fill may fill: from the previous values (as the core's preview counts
    them, but cheaper), or holding a placeholder the wizard knows (its source may fail)."""
    from_previous = {
        row.label
        for row in rows
        if row.status == RowStatus.PLACEHOLDER
        and row.presence == Presence.BOTH
        and not row.container
        and pattern.search(row.prev_text) is None
    }
    others = [row for row in known_rows(rows, pattern, known) if row.label not in from_previous]
    return len(from_previous) + len(others)


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


def kept_differences(rows: list[Row], decisions: Mapping[str, MergeDecision]) -> int:
    """Differing rows the operator decided to keep as the template has them."""
    return sum(
        1
        for row in rows
        if row.status == RowStatus.DIFFERS
        and decisions.get(row.label) == MergeDecision.KEPT_TEMPLATE
    )


def undecided_orphans(rows: list[Row], decisions: Mapping[str, MergeDecision]) -> int:
    """Outermost orphans neither carried over nor knowingly dropped."""
    return sum(1 for row in rows if is_orphan(row) and row.label not in decisions)


@dataclass(frozen=True)
class StatusCounts:
    placeholders: int
    differs: int  # differences left to review: those kept as the template has them are not
    orphans_undecided: int
    unsaved: bool  # the tree or the decisions differ from the saved file
    kept: int = 0


def status_text(counts: StatusCounts, filter_name: str, position: str) -> Content:
    """The status line: the counters the operator works down to zero."""
    text = Content()
    text = text.append_text(
        f"Placeholders left {counts.placeholders}",
        "bold $error" if counts.placeholders else "bold $success",
    )
    text = text.append_text(f" · differ {counts.differs}", "$warning" if counts.differs else "")
    if counts.kept:
        text = text.append_text(f" · kept {counts.kept}", "italic")
    text = text.append_text(
        f" · orphans undecided {counts.orphans_undecided}",
        "$text-primary" if counts.orphans_undecided else "",
    )
    text = text.append_text(
        " · unsaved changes" if counts.unsaved else " · nothing unsaved",
        "bold" if counts.unsaved else "",
    )
    text = text.append_text(f" · filter {filter_name} · {position}", "dim")
    return text


def detail_text(
    row: Row | None,
    pattern: re.Pattern[str],
    reveal: bool,
    decision: MergeDecision | None,
) -> Content:
    """Two lines about the row under the cursor: its whole key path, then both values."""
    if row is None:
        return Content.styled("No row matches this filter (f changes it).")
    text = Content()  # one line each: the Static cuts it with … (values.tcss)
    text = text.append_text(row.label, "bold")
    text = text.append_text(f"  {STATUS_WORDS[row.status]}", STATUS_STYLES[row.status])
    if decision is not None:
        text = text.append_text(f"  ({DECISION_WORDS[decision]})", "italic")
    if row.secret and not row.container:
        text = text.append_text(
            "  secret: r reveals" if not reveal else "  secret shown: r hides", "dim"
        )
    text = text.append_text("\n")
    previous = row.prev_shown(pattern, reveal) if row.prev_path is not None else "—"
    current = row.new_shown(pattern, reveal) if row.new_path is not None else "—"
    text = text.append_text("previous: ", "dim")
    text = text.append_text(previous)
    text = text.append_text("   new: ", "dim")
    text = text.append_text(
        current, STATUS_STYLES[row.status] if row.status != RowStatus.SAME else ""
    )
    return text
