"""Two aligned panes of a values merge: previous on the left, the new file on the right.

One virtual list (Textual's line API): only the rows on screen are rendered, so a
5,000-line file scrolls and repaints as fast as a 50-line one. Both panes share the
row, hence they always scroll together. Each pane shows the row's line number in its
own file (when the pane is wide enough: the detail lines always say it), the key
(indented by depth) and the value. When both do not fit, the value keeps the room it
needs before the key does, and a placeholder is shortened on its left, keeping the
part of its name that says which one it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.printable import printable
from tui.core.values.alignment import Presence, Row, RowStatus
from tui.core.values.commands import MergeDecision

# One character between the panes says what the row is, for those who cannot see colour.
MARKERS = {
    RowStatus.SAME: "│",
    RowStatus.DIFFERS: "≠",
    RowStatus.PLACEHOLDER: "!",
    RowStatus.NEW: "+",
    RowStatus.ORPHAN: "-",
    RowStatus.OPEN_MAP: ">",
}
DECISION_MARKERS = {MergeDecision.KEPT_TEMPLATE: "=", MergeDecision.DROPPED_ORPHAN: "×"}
DIVIDER_WIDTH = 3
NUMBERED_WIDTH = 44  # a pane narrower than this shows no line numbers (80 columns: 35)
MIN_KEY = 8  # the key keeps at least this much of a narrow pane
MIN_PLACEHOLDER_NAME = 10
ELLIPSIS = "…"


def same_line(line: int | None) -> int | None:
    return line


@dataclass
class PaneRows:
    """What the panes show: all rows, the indices visible under the filter, and flags."""

    rows: list[Row] = field(default_factory=list)
    visible: list[int] = field(default_factory=list)
    pattern: re.Pattern[str] | None = None
    decisions: Mapping[str, MergeDecision] = field(default_factory=dict)
    revealed: str | None = None  # label of the one row shown in clear
    full_labels: bool = False  # filtered views show whole key paths instead of a tree
    new_line: Callable[[int | None], int | None] = same_line  # the new file's line on disk


def key_text(row: Row, full: bool, indent: int = 2) -> str:
    """The key as a pane shows it: the last segment indented by depth, or the whole path."""
    if full:
        return row.label
    seg = row.segments[-1] if row.segments else ""
    path = row.new_path if row.new_path is not None else row.prev_path
    if seg.startswith("[name="):
        seg = "- " + seg[1:-1]
    elif seg.startswith("["):
        seg = "- " + seg
    elif path:
        seg = printable(str(path[-1]))  # the key as written in the file, escaped once
    return " " * (indent * row.depth) + seg


def fit(text: Text, width: int) -> Text:
    """Exactly ``width`` cells: cut with … when too long, padded when short."""
    if width <= 0:
        return Text()
    if cell_len(text.plain) > width:
        text.truncate(width, overflow="ellipsis")
    else:
        text.pad_right(width - cell_len(text.plain))
    return text


def shorten_placeholders(value: str, pattern: re.Pattern[str] | None, room: int) -> str:
    """``value`` with its placeholders shortened on the left, a word at a time, until it fits
    ``room`` (``< REPLACE_VALUE_MONGODB_STORAGE_CLASS >`` → ``<…MONGODB_STORAGE_CLASS>``):
    the end of a placeholder's name says which one it is."""
    if pattern is None or cell_len(value) <= room:
        return value
    matches = list(pattern.finditer(value))
    if not matches:
        return value
    forms = [_shorter_forms(m.group(0).strip("<> \t")) for m in matches]
    chosen = [0] * len(matches)

    def rendered() -> str:
        out, start = [], 0
        for match, names, index in zip(matches, forms, chosen, strict=True):
            out += [value[start : match.start()], f"<{names[index]}>"]
            start = match.end()
        return "".join([*out, value[start:]])

    text = rendered()
    while cell_len(text) > room:
        shorter = [i for i in range(len(forms)) if chosen[i] + 1 < len(forms[i])]
        if not shorter:
            break
        longest = max(shorter, key=lambda i: len(forms[i][chosen[i]]))
        chosen[longest] += 1
        text = rendered()
    return text


def _shorter_forms(name: str) -> list[str]:
    """``NAME`` then … and each tail of it starting at a word, down to a few characters."""
    forms = [name]
    cut = name.find("_")
    while cut != -1 and len(name) - cut - 1 >= MIN_PLACEHOLDER_NAME:
        forms.append(ELLIPSIS + name[cut + 1 :])
        cut = name.find("_", cut + 1)
    return forms


def fit_key_value(
    key: str, value: str, width: int, pattern: re.Pattern[str] | None
) -> tuple[str, str]:
    """(key, value) to write as ``key: value`` in ``width`` cells where possible: the value
    keeps what it needs first (placeholders shortened), the key gives way (cut with …)."""
    room = width - 2  # ": "
    if cell_len(key) + cell_len(value) <= room:
        return key, value
    value = shorten_placeholders(value, pattern, room - cell_len(key))
    if cell_len(key) + cell_len(value) <= room:
        return key, value
    if room - cell_len(value) >= min(cell_len(key), room // 3):
        key_room = room - cell_len(value)  # the key gives way to a value that then fits whole
    else:  # the value is cut anyway: the key keeps up to half the room
        key_room = max(MIN_KEY, min(cell_len(key), room // 2))
    if cell_len(key) > key_room:
        indent = min(len(key) - len(key.lstrip(" ")), key_room // 2)
        key = key[: key_room - 1].rstrip() if indent >= key_room - 1 else key[: key_room - 1]
        key = key + ELLIPSIS
    return key, value


class ValuesPanes(ScrollView, can_focus=True, inherit_bindings=False):
    """The aligned previous/new panes with a row cursor."""

    COMPONENT_CLASSES = {
        "values-panes--same",
        "values-panes--differs",
        "values-panes--placeholder",
        "values-panes--new",
        "values-panes--orphan",
        "values-panes--open-map",
        "values-panes--container",
        "values-panes--lineno",
        "values-panes--cursor",
        "values-panes--decided",
    }
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First row", show=False),
        Binding("end", "jump(-1)", "Last row", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class CursorMoved(Message):
        """The cursor is on another row (None: nothing shown)."""

        def __init__(self, row: Row | None) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = PaneRows()
        self.number_width = 3
        self._styles: dict[str, Style] = {}

    # -- data ----------------------------------------------------------------
    def show(self, view: PaneRows, cursor: int) -> None:
        """Show these rows with the cursor on visible position ``cursor``."""
        self.view = view
        lines = [r.prev_line or 0 for r in view.rows] + [r.new_line or 0 for r in view.rows]
        self.number_width = max(3, len(str(max(lines, default=0) + 99)))
        self.virtual_size = Size(0, len(view.visible))
        self.cursor = max(0, min(cursor, len(view.visible) - 1))
        self.refresh()

    @property
    def current(self) -> Row | None:
        """The row under the cursor."""
        if not self.view.visible:
            return None
        return self.view.rows[self.view.visible[self.cursor]]

    def watch_cursor(self, old: int, new: int) -> None:
        height = self.scrollable_content_region.height or 1
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.CursorMoved(self.current))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(0, len(self.view.visible))

    # -- keys and mouse ----------------------------------------------------------
    def action_move(self, delta: int) -> None:
        if self.view.visible:
            self.cursor = max(0, min(self.cursor + delta, len(self.view.visible) - 1))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, position: int) -> None:
        if self.view.visible:
            self.cursor = position % len(self.view.visible)

    def on_click(self, event: events.Click) -> None:
        target = round(self.scroll_offset.y) + event.y
        if 0 <= target < len(self.view.visible):
            self.cursor = target

    # -- rendering ---------------------------------------------------------------
    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    def style_of(self, name: str) -> Style:
        if name not in self._styles:
            self._styles[name] = self.get_component_rich_style(f"values-panes--{name}")
        return self._styles[name]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        if index >= len(self.view.visible):
            return Strip.blank(width, self.rich_style)
        row = self.view.rows[self.view.visible[index]]
        line = self.row_text(row, width)
        if index == self.cursor:
            # Only the background: each value keeps the colour of its class under the cursor.
            line.stylize(Style.from_color(bgcolor=self.style_of("cursor").bgcolor))
        segments = list(line.render(self.app.console))
        return Strip(segments, width).apply_style(self.rich_style)

    def row_text(self, row: Row, width: int) -> Text:
        """One row: left pane, the marker between, right pane."""
        left_width = (width - DIVIDER_WIDTH) // 2
        right_width = width - DIVIDER_WIDTH - left_width
        view = self.view
        reveal = view.revealed == row.label
        status_style = self.style_of(row.status.value)
        value_style = status_style
        if row.container and row.status == RowStatus.SAME:
            value_style = self.style_of("container")
        numbered = left_width >= NUMBERED_WIDTH
        key = key_text(row, view.full_labels, 2 if numbered else 1)
        left = self.pane_text(
            row.prev_line if numbered else None,
            key if row.presence != Presence.NEW_ONLY else "",
            row.prev_shown(view.pattern, reveal) if row.presence != Presence.NEW_ONLY else "",
            row,
            value_style if row.status != RowStatus.PLACEHOLDER else Style(),
            left_width,
        )
        right = self.pane_text(
            view.new_line(row.new_line) if numbered else None,
            key if row.presence != Presence.PREV_ONLY else "",
            row.new_shown(view.pattern, reveal) if row.presence != Presence.PREV_ONLY else "",
            row,
            value_style,
            right_width,
        )
        decision = view.decisions.get(row.label)
        if decision is not None:
            marker = Text(f" {DECISION_MARKERS[decision]} ", self.style_of("decided"))
        elif row.container and row.status == RowStatus.SAME:
            marker = Text(" │ ", self.style_of("lineno"))
        else:
            marker = Text(f" {MARKERS[row.status]} ", status_style)
        return Text.assemble(fit(left, left_width), marker, fit(right, right_width))

    def pane_text(
        self,
        line: int | None,
        key: str,
        value: str,
        row: Row,
        value_style: Style,
        width: int,
    ) -> Text:
        numbered = width >= NUMBERED_WIDTH
        number = ""
        if numbered:
            number = (
                f"{line:>{self.number_width}} " if line and key else " " * (self.number_width + 1)
            )
        text = Text(number, self.style_of("lineno"), no_wrap=True, end="")
        if not key:
            return text
        key_style = self.style_of("same") if row.status == RowStatus.SAME else Style()
        if row.container and row.status == RowStatus.SAME:
            text.append(key + ":", key_style)
            return text
        shown_key, shown_value = fit_key_value(key, value, width - len(number), self.view.pattern)
        text.append(shown_key + ": ", key_style)
        text.append(shown_value, value_style)
        return text

    def visible_text(self) -> str:
        """The plain text of the rows on screen (what the operator reads; for tests)."""
        width = self.scrollable_content_region.width
        top = round(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        out = []
        for index in range(top, min(top + height, len(self.view.visible))):
            out.append(self.row_text(self.view.rows[self.view.visible[index]], width).plain)
        return "\n".join(out)
