"""What the confirm, reason and typed-phrase dialogs share: their CSS, body and buttons."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import RenderResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button, Static

from tui.core.printable import printable_lines
from tui.resources import STYLES
from tui.widgets.theme import rich_text

DIALOG_CSS = (STYLES / "dialogs.tcss").read_text(encoding="utf-8")
# A short body (a sentence, a paragraph) or many lines shown only where visible.
DialogBody = str | Text | Content | Sequence[Content]


class TextLines(ScrollView, can_focus=True):
    """Many lines of styled text, rendered only where visible (a 5,000-line diff opens at once)."""

    def __init__(
        self, lines: Sequence[Content], *, id: str | None = None, classes: str = ""
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.lines = list(lines)
        width = max((line.cell_length for line in self.lines), default=0)
        self.virtual_size = Size(width, len(self.lines))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        line = rich_text(self.lines[index], self.app)
        strip = Strip(list(line.render(self.app.console)))
        left = round(self.scroll_offset.x)
        return strip.crop_extend(left, left + width, self.rich_style).apply_style(self.rich_style)

    def plain(self) -> str:
        return "\n".join(t.plain for t in self.lines)


def body_widget(body: DialogBody) -> Widget:
    """The body as a widget with id ``dialog-body``: a scrolling list of lines, or one Static."""
    if isinstance(body, str):  # may quote a file: control characters shown escaped
        body = printable_lines(body)
    if isinstance(body, str | Text | Content):
        return VerticalScroll(Static(body, id="dialog-body", markup=False), classes="dialog-body")
    return TextLines(body, id="dialog-body", classes="dialog-body")


def action_label(label: str, key: str | None) -> str:
    """A button's label, with the key that presses it from anywhere in the dialog."""
    return f"{label} ({key})" if key else label


class DialogButton(Button):
    """A dialog's button that shows it has the focus without colour: ``▸Cancel◂``.

    A terminal without colours (or a theme the operator cannot tell apart) still shows
    which button Enter presses; the label keeps its width either way.
    """

    def on_mount(self) -> None:
        self.styles.line_pad = 0  # the markers take the padding's place

    def render(self) -> RenderResult:
        left, right = ("▸", "◂") if self.has_focus else (" ", " ")
        assert isinstance(self.label, Content)  # Button's validator made it one
        return Content(left).append(self.label).append(right)

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self.refresh()


def buttons(
    cancel: str, confirm: str, *, destructive: bool, disabled: bool = False
) -> list[Button]:
    """Cancel first, then the action (right-aligned): Tab goes from Cancel to the action."""
    return [
        DialogButton(cancel, id="dialog-cancel", compact=True),
        DialogButton(
            confirm,
            id="dialog-confirm",
            variant="error" if destructive else "primary",
            compact=True,
            disabled=disabled,
        ),
    ]
