"""What widgets show, as plain text: the assertions of the pilot tests read this."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.app import App
from textual.widget import Widget
from textual.widgets import Input


def widget_text(widget: Widget) -> str:
    """What one widget renders, as plain text (inputs: their value)."""
    if isinstance(widget, Input):
        return widget.value
    try:
        renderable = widget.render()
    except Exception:
        return ""
    if isinstance(renderable, str):
        return renderable
    plain = getattr(renderable, "plain", None)  # Content / Text: the whole text, unwrapped
    if isinstance(plain, str):
        return plain
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def all_text(app: App[Any]) -> str:
    """Every widget's rendered text on the current screen, shown or not."""
    return "\n".join(widget_text(w) for w in app.screen.query("*"))


def text_of(app: App[Any], selector: str) -> str:
    """One widget's rendered text."""
    return widget_text(app.screen.query_one(selector))
