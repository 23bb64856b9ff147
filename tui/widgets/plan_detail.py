"""The detail pane of the plan review: one change in words, and its attribute diff.

Computed for the highlighted row only. Sensitive values come masked from
``attr_diff``; every rendered value also goes through the redactor, so a secret
the plan forgot to mark sensitive is not shown either.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.tofu.plan.attr_diff import AttrChange, AttrStatus, diff_resource
from tui.core.tofu.plan.review import describe_actions
from tui.core.tofu.plan.rows import PlanRow
from tui.core.tofu.plan.vocabulary import explain_reason

MAX_ATTRIBUTES = 300  # a huge resource would otherwise cost seconds to lay out
MAX_VALUE = 400  # characters of one value; the rest is summarised

_MARK = {
    AttrStatus.ADDED: ("+", "green"),
    AttrStatus.REMOVED: ("-", "red"),
    AttrStatus.CHANGED: ("~", "yellow"),
    AttrStatus.UNCHANGED: (" ", "dim"),
}


def _field(grid: Table, label: str, value: str | Text, style: str = "") -> None:
    grid.add_row(label, value if isinstance(value, Text) else Text(value, style))


def _clip(value: str) -> str:
    if len(value) <= MAX_VALUE:
        return value
    return f"{value[:MAX_VALUE]}… ({len(value) - MAX_VALUE} more characters)"


def _safe(path: str, value: str | None, redact: Callable[[str], str]) -> str | None:
    """The value as shown: redacted with its attribute name, so key rules apply."""
    if value is None:
        return None
    prefix = f"{path} = "
    masked = redact(prefix + value)
    return _clip(masked[len(prefix) :] if masked.startswith(prefix) else masked)


def attribute_lines(changes: list[AttrChange], redact: Callable[[str], str]) -> Text:
    """``~ path: before → after`` lines; ``# forces replacement`` marks replace paths."""
    text = Text()
    for item in changes[:MAX_ATTRIBUTES]:
        mark, style = _MARK[item.status]
        before = _safe(item.path, item.before, redact)
        after = _safe(item.path, item.after, redact)
        text.append(f"  {mark} ", style)
        text.append(item.path, "bold")
        text.append(": ")
        if item.status is AttrStatus.ADDED:
            text.append(after or "", "green")
        elif item.status is AttrStatus.REMOVED:
            text.append(before or "", "red")
        else:
            text.append(before or "", "red" if item.status is AttrStatus.CHANGED else "")
            if item.status is AttrStatus.CHANGED:
                text.append(" → ")
                text.append(after or "", "green")
        if item.forces_replacement:
            text.append("  # forces replacement", "bold magenta")
        text.append("\n")
    hidden = len(changes) - MAX_ATTRIBUTES
    if hidden > 0:
        text.append(f"  … {hidden} more attribute changes not shown\n", "dim")
    return text


def detail_renderable(row: PlanRow, redact: Callable[[str], str]) -> Group:
    """Everything the pane shows about one row: fields with a hanging indent, then the diff."""
    title = Text(row.address, f"bold {row.group.style.replace('bold ', '')}")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    change = row.change
    if change is None:
        _field(grid, "Action", "missing destroy (the plan does not destroy it)", "bold red")
        _field(grid, "Review", "unexpected (blocks the apply)", "bold red")
        _field(grid, "Why", row.why, "red")
        return Group(title, Text(), grid)
    _field(grid, "Action", f"{describe_actions(change)}  {list(change.actions)}", row.group.style)
    review = Text(row.review_word, row.review_style)
    if row.expected is False:
        review.append(" (blocks the apply)" if row.blocking else " (does not block the apply)")
    _field(grid, "Review", review)
    if row.why:
        _field(grid, "Why", row.why, "" if row.expected else row.review_style)
    _field(grid, "Reason", explain_reason(change.action_reason) or "the plan gives no reason")
    if change.replace_paths:
        _field(grid, "Replaced by", ", ".join(change.replace_paths), "magenta")
    if change.is_import:
        _field(grid, "Import", f"existing object id {change.importing_id}")
    if change.is_move:
        _field(grid, "Moved from", change.previous_address or "")
    if change.deposed:
        _field(grid, "Deposed", f"object {change.deposed} from an earlier create-before-destroy")
    if change.leaves_state:
        _field(grid, "Forget", "removed from the state only: the real object keeps running")
    attributes = diff_resource(change)
    heading = Text(f"\nAttribute changes ({len(attributes)})", "bold")
    body = attribute_lines(attributes, redact) if attributes else Text("  none", "dim")
    return Group(title, Text(), grid, heading, body)


class PlanDetail(VerticalScroll):
    """Scrollable pane showing the highlighted change (focusable to scroll by keys)."""

    def __init__(self, redact: Callable[[str], str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.redact = redact
        self.shown_key: str | None = None
        self.shown: Group | Text = Text("No change selected.")

    def compose(self) -> ComposeResult:
        yield Static(self.shown, id="plan-detail-body")

    def show_row(self, row: PlanRow | None) -> None:
        """Render ``row`` (skipped when it is already shown)."""
        key = None if row is None else row.key
        if key == self.shown_key and row is not None:
            return
        self.shown_key = key
        if row is None:
            self.shown = Text("No change matches the filter.")
        else:
            self.shown = detail_renderable(row, self.redact)
        self.query_one("#plan-detail-body", Static).update(self.shown)
        self.scroll_home(animate=False)

    def plain_text(self, width: int = 100) -> str:
        """What the pane shows, as plain text (tests and screen readers read this)."""
        console = Console(width=width, no_color=True, record=True, file=io.StringIO())
        console.print(self.shown)
        return console.export_text()
