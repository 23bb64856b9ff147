"""Rows of the plan review table: grouping, order, colours and filters (no Textual here).

One ``PlanRow`` per reviewed change (plus plain no-ops, shown only on request,
and the required destroys a stage-4 plan lacks). Rows are built once per review;
filtering and searching only pick from them, so a 10,000-change plan is cheap to
re-filter while the operator types.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tui.core.tofu.plan.model import ResourceChange
from tui.core.tofu.plan.review import PlanReview, ReviewedChange, ReviewIssue
from tui.core.tofu.plan.vocabulary import ActionKind, explain_reason


class RowFilter(StrEnum):
    """What the table shows (keys ``a``, ``d``, ``u``; ``o`` adds no-ops to any of them)."""

    ALL = "all changes"
    DESTRUCTIVE = "only destroys & replaces"
    UNEXPECTED = "only unexpected"


@dataclass(frozen=True, slots=True)
class Group:
    """An action group of the table, in display order."""

    order: int
    label: str
    style: str


MISSING = Group(0, "missing", "bold red")
DESTROY = Group(1, "destroy", "bold red")
REPLACE = Group(2, "replace", "bold magenta")
UPDATE = Group(3, "update", "yellow")
CREATE = Group(4, "create", "green")
FORGET = Group(5, "forget", "dim")
IMPORT = Group(6, "import", "dim")
MOVE = Group(7, "move", "dim")
READ = Group(8, "read", "dim")
NO_OP = Group(9, "no-op", "dim")

_KIND_GROUP = {
    ActionKind.DELETE: DESTROY,
    ActionKind.REPLACE: REPLACE,
    ActionKind.UPDATE: UPDATE,
    ActionKind.CREATE: CREATE,
    ActionKind.FORGET: FORGET,
    ActionKind.READ: READ,
    ActionKind.NO_OP: NO_OP,
}


def group_of(change: ResourceChange) -> Group:
    """The table group of a change: by action kind, imports and moves apart from no-ops."""
    if change.kind is ActionKind.NO_OP:
        if change.is_import:
            return IMPORT
        if change.is_move:
            return MOVE
    return _KIND_GROUP[change.kind]


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One line of the table; ``change`` is None for a required destroy the plan lacks."""

    key: str
    group: Group
    address: str
    expected: bool | None  # None: a plain no-op, not classified
    blocking: bool
    protected: bool
    why: str  # the full sentence (detail pane)
    short_why: str  # what the table's "why" column shows
    change: ResourceChange | None
    reviewed: ReviewedChange | None = None
    issue: ReviewIssue | None = None

    @property
    def destructive(self) -> bool:
        return self.group in (MISSING, DESTROY, REPLACE)

    @property
    def review_word(self) -> str:
        if self.expected is None:
            return "no change"
        if self.protected:
            return "protected"
        return "expected" if self.expected else "unexpected"

    @property
    def review_style(self) -> str:
        if self.expected is None:
            return "dim"
        if self.expected:
            return "green"
        return "bold red" if self.blocking else "yellow"


def short_reason(item: ReviewedChange) -> str:
    """The rule's why, or in a few words why the change is unexpected."""
    if item.expected:
        return item.reason
    if item.protected:
        return "touches a protected resource: no override"
    because = explain_reason(item.change.action_reason)
    return "no rule expects it" + (f": {because}" if because else "")


def _row_key(change: ResourceChange) -> str:
    return f"{change.address}\x00{change.deposed}" if change.deposed else change.address


def build_rows(review: PlanReview) -> tuple[list[PlanRow], list[PlanRow]]:
    """The changes (grouped, unexpected first in each group) and the plain no-ops apart."""
    rows: list[PlanRow] = [
        PlanRow(
            key=f"missing\x00{issue.address}",
            group=MISSING,
            address=issue.display_address,
            expected=False,
            blocking=True,
            protected=False,
            why=issue.reason,
            short_why="required destroy missing from the plan",
            change=None,
            issue=issue,
        )
        for issue in review.issues
        if issue.address in review.missing_destroys and not issue.deposed
    ]
    for item in review.reviewed:
        change = item.change
        rows.append(
            PlanRow(
                key=_row_key(change),
                group=group_of(change),
                address=change.display_address,
                expected=item.expected,
                blocking=item.blocking,
                protected=item.protected,
                why=item.reason,
                short_why=short_reason(item),
                change=change,
                reviewed=item,
            )
        )
    # A stable sort keeps the plan's own (address) order inside each group.
    rows.sort(key=lambda row: (row.group.order, bool(row.expected)))
    no_ops = [
        PlanRow(
            key=_row_key(change),
            group=NO_OP,
            address=change.display_address,
            expected=None,
            blocking=False,
            protected=False,
            why="",
            short_why="",
            change=change,
        )
        for change in review.plan.resource_changes
        if not change.is_change
    ]
    return rows, no_ops


def select_rows(
    rows: Iterable[PlanRow],
    no_ops: Iterable[PlanRow],
    row_filter: RowFilter,
    include_no_ops: bool,
    search: str = "",
) -> list[PlanRow]:
    """The rows a filter and an address search (case-insensitive substring) leave."""
    needle = search.strip().lower()
    chosen = list(rows)
    if include_no_ops and row_filter is RowFilter.ALL:
        chosen.extend(no_ops)
    if row_filter is RowFilter.DESTRUCTIVE:
        chosen = [row for row in chosen if row.destructive]
    elif row_filter is RowFilter.UNEXPECTED:
        chosen = [row for row in chosen if row.expected is False]
    if needle:
        chosen = [row for row in chosen if needle in row.address.lower()]
    return chosen
