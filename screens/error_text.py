"""The one way a step shows a typed error inline: what failed, why, and what to do."""

from __future__ import annotations

from textual.content import Content

from tui.core.errors import MocmError


def error_text(exc: MocmError, what: str) -> Content:
    """``✗ what: message`` in the bold error colour, the hint on the next line."""
    text = Content.styled(f"✗ {what}: {exc.message}", "bold $error")
    if exc.hint:
        text = text.append_text(f"\n{exc.hint}", "$error")
    return text
