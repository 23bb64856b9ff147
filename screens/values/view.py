"""What the values step shows around the panes: the status line and the detail lines."""

from __future__ import annotations

import re

from textual.content import Content

from tui.core.printable import printable
from tui.core.values.alignment import Row, RowStatus
from tui.core.values.commands import MergeDecision
from tui.core.values.progress import Progress, RowFilter

STATUS_WORDS = {
    RowStatus.SAME: "same",
    RowStatus.DIFFERS: "differs from the previous value",
    RowStatus.PLACEHOLDER: "placeholder to fill",
    RowStatus.NEW: "new in this release",
    RowStatus.ORPHAN: "orphan: the new file has no such key (c carries, x drops)",
    RowStatus.OPEN_MAP: "carried into an open map (a or c carries it, x drops it)",
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


def status_text(progress: Progress, row_filter: RowFilter, position: str) -> Content:
    """The status line: the counters the operator works down to zero."""
    text = Content()
    text = text.append_text(
        f"Placeholders left {progress.placeholders}",
        "bold $error" if progress.placeholders else "bold $success",
    )
    text = text.append_text(f" · differ {progress.differs}", "$warning" if progress.differs else "")
    if progress.kept:
        text = text.append_text(f" · kept {progress.kept}", "italic")
    text = text.append_text(
        f" · orphans undecided {progress.orphans_undecided}",
        "$text-primary" if progress.orphans_undecided else "",
    )
    if progress.open_map_pending:
        text = text.append_text(f" · open maps to carry {progress.open_map_pending}", "$accent")
    text = text.append_text(
        " · unsaved changes" if progress.unsaved else " · nothing unsaved",
        "bold" if progress.unsaved else "",
    )
    text = text.append_text(f" · filter {row_filter.value} · {position}", "dim")
    return text


def detail_text(
    row: Row | None,
    pattern: re.Pattern[str],
    reveal: bool,
    decision: MergeDecision | None,
    row_filter: RowFilter,
) -> Content:
    """Three lines about the row under the cursor: its whole key path, then each value."""
    if row is None:
        return Content.styled(f"No row matches the filter “{row_filter.value}” (f changes it).")
    text = Content()  # one line each: the Static cuts it with … (values.tcss)
    text = text.append_text(printable(row.label), "bold")
    text = text.append_text(f"  {STATUS_WORDS[row.status]}", STATUS_STYLES[row.status])
    if decision is not None:
        text = text.append_text(f"  ({DECISION_WORDS[decision]})", "italic")
    if row.secret and not row.container:
        text = text.append_text(
            "  secret: r reveals" if not reveal else "  secret shown: r hides", "dim"
        )
    previous = row.prev_shown(pattern, reveal) if row.prev_path is not None else "—"
    current = row.new_shown(pattern, reveal) if row.new_path is not None else "—"
    if row.prev_line or row.new_line:
        text = text.append_text(f"  lines {_line(row.prev_line)} → {_line(row.new_line)}", "dim")
    text = text.append_text("\nprevious: ", "dim").append_text(previous)
    text = text.append_text("\n     new: ", "dim")
    style = STATUS_STYLES[row.status] if row.status != RowStatus.SAME else ""
    return text.append_text(current, style)


def _line(number: int | None) -> str:
    return str(number) if number else "—"
