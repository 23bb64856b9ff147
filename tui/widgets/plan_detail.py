"""The detail pane of the plan review: one change in words, and its attribute diff.

Computed for the highlighted row only. Sensitive values come masked from
``attr_diff``; every rendered value also goes through the redactor, so a secret
the plan forgot to mark sensitive is not shown either.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console, Group
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.printable import printable, printable_lines
from tui.core.tofu.plan.attr_diff import AttrChange, AttrStatus, diff_resource
from tui.core.tofu.plan.review import describe_actions
from tui.core.tofu.plan.rows import PlanRow
from tui.core.tofu.plan.vocabulary import explain_reason
from tui.widgets.theme import rich_text

MAX_ATTRIBUTES = 300  # a huge resource would otherwise cost seconds to lay out
MAX_VALUE = 400  # characters of one value; the rest is summarised

_MARK = {
    AttrStatus.ADDED: ("+", "$success"),
    AttrStatus.REMOVED: ("-", "$error"),
    AttrStatus.CHANGED: ("~", "$warning"),
    AttrStatus.UNCHANGED: (" ", "dim"),
}
MISSING_DESTROY = "missing destroy (the plan does not destroy it)"
# What a row's action means, in the theme: destroy error, create success, update warning,
# replace a colour of its own; the others (read, forget, no-op…) stay dim.
GROUP_STYLES = {
    "missing": "bold $error",
    "destroy": "bold $error",
    "replace": "bold $text-primary",
    "update": "$warning",
    "create": "$success",
}


def group_style(row: PlanRow) -> str:
    """The style of a row's action group."""
    return GROUP_STYLES.get(row.group.label, "dim")


def review_style(row: PlanRow) -> str:
    """Expected: success; unexpected and blocking: bold error; else warning; no change: dim."""
    if row.expected is None:
        return "dim"
    if row.expected:
        return "$success"
    return "bold $error" if row.blocking else "$warning"


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


def attribute_lines(changes: list[AttrChange], redact: Callable[[str], str]) -> Content:
    """``~ path: before → after`` lines; ``# forces replacement`` marks replace paths."""
    text = Content()
    for item in changes[:MAX_ATTRIBUTES]:
        mark, style = _MARK[item.status]
        before = _safe(item.path, item.before, redact)
        after = _safe(item.path, item.after, redact)
        text = (
            text.append_text(f"  {mark} ", style)
            .append_text(printable(item.path), "bold")
            .append(": ")
        )
        if item.status is AttrStatus.ADDED:
            text = text.append_text(after or "", "$success")
        elif item.status is AttrStatus.REMOVED:
            text = text.append_text(before or "", "$error")
        else:
            changed = item.status is AttrStatus.CHANGED
            text = text.append_text(before or "", "$error" if changed else "")
            if changed:
                text = text.append(" → ").append_text(after or "", "$success")
        if item.forces_replacement:
            text = text.append_text("  # forces replacement", "bold $text-primary")
        text = text.append("\n")
    hidden = len(changes) - MAX_ATTRIBUTES
    if hidden > 0:
        text = text.append_text(f"  … {hidden} more attribute changes not shown\n", "dim")
    return text


def detail_fields(row: PlanRow) -> list[tuple[str, Content]]:
    """The fields of the detail, label and value, in the order shown."""
    change = row.change
    if change is None:
        return [
            (
                "Action",
                Content.styled("missing destroy (the plan does not destroy it)", "bold $error"),
            ),
            ("Review", Content.styled("unexpected (blocks the apply)", "bold $error")),
            ("Why", Content.styled(printable_lines(row.why), "$error")),
        ]
    action = describe_actions(change)  # words, with the order of a replace
    fields = [("Action", Content.styled(action, group_style(row)))]
    review = Content.styled(row.review_word, review_style(row))
    if row.expected is False:
        review = review.append(
            " (blocks the apply)" if row.blocking else " (does not block the apply)"
        )
    fields.append(("Review", review))
    if row.why:
        fields.append(
            (
                "Why",
                Content.styled(printable_lines(row.why), "" if row.expected else review_style(row)),
            )
        )
    reason = explain_reason(change.action_reason) or "the plan gives no reason"
    fields.append(("Reason", Content(reason)))
    if change.replace_paths:
        replaced = printable(", ".join(change.replace_paths))
        fields.append(("Replaced by", Content.styled(replaced, "$text-primary")))
    if change.is_import:
        fields.append(
            ("Import", Content(f"existing object id {printable(str(change.importing_id))}"))
        )
    if change.is_move:
        fields.append(("Moved from", Content(printable(change.previous_address or ""))))
    if change.deposed:
        deposed = f"object {printable(change.deposed)} from an earlier create-before-destroy"
        fields.append(("Deposed", Content(deposed)))
    if change.leaves_state:
        forget = "removed from the state only: the real object keeps running"
        fields.append(("Forget", Content(forget)))
    return fields


def detail_renderable(row: PlanRow, redact: Callable[[str], str], app: App[object]) -> Group:
    """Everything the pane shows about one row: fields with a hanging indent, then the diff."""
    title = rich_text(Content.styled(printable(row.address), f"bold {group_style(row)}"), app)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    for label, value in detail_fields(row):
        grid.add_row(label, rich_text(value, app))
    if row.change is None:
        return Group(title, Text(), grid)
    attributes = diff_resource(row.change)
    heading = Text(f"\nAttribute changes ({len(attributes)})", "bold")
    lines = attribute_lines(attributes, redact) if attributes else Content.styled("  none", "dim")
    return Group(title, Text(), grid, heading, rich_text(lines, app))


class PlanDetail(ScrollView):
    """Scrollable pane showing the highlighted change (focusable to scroll by keys).

    Its own lines (a line-API view): a cursor move renders the new change into the pane
    and repaints it; the screen is laid out again only when its scrollbar comes or goes.
    """

    def __init__(self, redact: Callable[[str], str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.redact = redact
        self.shown_key: str | None = None
        self.shown: Group | Text = Text("No change selected.")
        self._lines: list[Strip] = []
        self._base_style = Style()

    def show_row(self, row: PlanRow | None, empty: str = "No change selected.") -> None:
        """Render ``row`` (skipped when it is already shown); ``empty`` when there is none."""
        key = None if row is None else row.key
        if key == self.shown_key and row is not None:
            return
        self.shown_key = key
        if row is None:
            self.shown = Text(empty)
        else:
            self.shown = detail_renderable(row, self.redact, self.app)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._render_lines()

    def on_resize(self) -> None:
        self._render_lines()

    def _render_lines(self) -> None:
        """The lines of the shown text, then the pane's scroll size and a repaint."""
        width = self._build_lines()
        if width <= 0:
            return
        size = Size(width, len(self._lines))
        scrolled = size.height > self.container_size.height
        if scrolled == self.show_vertical_scrollbar and self.virtual_size.width == width:
            # The same scrollbar: the pane keeps its layout; only its lines and bar change.
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size  # the scrollbar comes or goes: lay the pane out
        self.refresh()

    def _build_lines(self) -> int:
        """The shown text as the pane's lines (wrapped beside the scrollbar when it needs one);
        their width (0: the pane is not laid out yet)."""
        width, height = self.container_size
        if width <= 0:
            return 0
        lines = self._wrapped(width)
        if len(lines) > height and self.styles.overflow_y != "hidden":
            width = max(1, width - self.styles.scrollbar_size_vertical)
            lines = self._wrapped(width)
        base = self._base_style = self.rich_style  # the pane's colours under the text's own
        self._lines = [Strip(line).apply_style(base).simplify() for line in lines]
        return width

    def _wrapped(self, width: int) -> list[list[Segment]]:
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        return console.render_lines(self.shown, options, pad=False, new_lines=False)

    def render_line(self, y: int) -> Strip:
        if self.rich_style != self._base_style:  # another theme: the lines again in its colours
            self._build_lines()
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        line = self._lines[index] if index < len(self._lines) else Strip.blank(width)
        return line.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def plain_text(self, width: int = 100) -> str:
        """What the pane shows, as plain text (tests and screen readers read this)."""
        console = Console(width=width, no_color=True, record=True, file=io.StringIO())
        console.print(self.shown)
        return console.export_text()
