"""The one way a step shows a typed error inline: what failed, why, and what to do."""

from __future__ import annotations

from rich.text import Text

from tui.core.errors import MocmError


def error_text(exc: MocmError, what: str) -> Text:
    """``✗ what: message`` in bold red, the hint on the next line."""
    text = Text(f"✗ {what}: {exc.message}", "bold red")
    if exc.hint:
        text.append(f"\n{exc.hint}", "red")
    return text
