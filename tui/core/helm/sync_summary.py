"""The summary tables that end `helmfile sync`, in both styles (formats.md §5.2).

helmfile ≤ 1.6 heads each table ``UPDATED RELEASES:`` (``DELETED``, ``FAILED``);
1.7 prints a centred divider ``=====  Updated Releases  =====`` instead. The
table below is the same: ``NAME NAMESPACE CHART VERSION DURATION``, cells
separated by spaces, VERSION empty for a failed release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.core.helm.output import strip_ansi

_CLASSIC = re.compile(r"^(?P<section>UPDATED|DELETED|FAILED) RELEASES:$")
_DIVIDER = re.compile(r"^=+\s*(?P<section>Updated|Deleted|Failed) Releases\s*=+$")


@dataclass(frozen=True)
class SummaryRow:
    release: str
    namespace: str
    chart: str
    version: str
    duration: str


@dataclass(frozen=True)
class SyncSummary:
    """The final tables; empty when the run ended before printing them."""

    updated: tuple[SummaryRow, ...] = ()
    deleted: tuple[SummaryRow, ...] = ()
    failed: tuple[SummaryRow, ...] = ()

    @property
    def printed(self) -> bool:
        return bool(self.updated or self.deleted or self.failed)


def summary_section(line: str) -> str | None:
    """``updated``/``deleted``/``failed`` when ``line`` heads a summary table (either style)."""
    stripped = line.strip()
    found = _CLASSIC.match(stripped) or _DIVIDER.match(stripped)
    return found["section"].lower() if found else None


def _row(columns: list[str], cells: list[str]) -> SummaryRow:
    """Cells to columns; names, charts and versions hold no spaces, VERSION may be empty."""
    if len(cells) == len(columns) - 1 and "VERSION" in columns:
        cells = [*cells[: columns.index("VERSION")], "", *cells[columns.index("VERSION") :]]
    values = dict(zip(columns, cells, strict=False))
    return SummaryRow(
        release=values.get("NAME", cells[0]),
        namespace=values.get("NAMESPACE", ""),
        chart=values.get("CHART", ""),
        version=values.get("VERSION", ""),
        duration=values.get("DURATION", ""),
    )


@dataclass
class SummaryTableReader:
    """Reads summary tables line by line; ``active`` while inside one."""

    section: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: dict[str, list[SummaryRow]] = field(
        default_factory=lambda: {"updated": [], "deleted": [], "failed": []}
    )

    @property
    def active(self) -> bool:
        return self.section is not None

    def feed(self, line: str) -> tuple[bool, tuple[str, SummaryRow] | None]:
        """(whether the line belonged to a table, the row it held if any)."""
        text = strip_ansi(line).rstrip("\r\n")
        heading = summary_section(text)
        if heading:
            self.section, self.columns = heading, []
            return True, None
        if self.section is None:
            return False, None
        cells = text.split()
        if not cells:
            self.section = None  # a blank line ends the table
            return True, None
        if not self.columns:
            if cells[0] != "NAME":
                self.section = None
                return False, None
            self.columns = cells
            return True, None
        if len(cells) < 2:
            self.section = None
            return False, None
        row = _row(self.columns, cells)
        self.rows[self.section].append(row)
        return True, (self.section, row)

    def summary(self) -> SyncSummary:
        return SyncSummary(
            tuple(self.rows["updated"]), tuple(self.rows["deleted"]), tuple(self.rows["failed"])
        )


def parse_sync_summary(lines: Iterable[str]) -> SyncSummary:
    """Only the summary tables of a sync log, whichever helmfile printed them."""
    reader = SummaryTableReader()
    for line in lines:
        reader.feed(line)
    return reader.summary()
