"""Colours from the running app's theme, for what is drawn with Rich instead of Textual.

Screens style Textual ``Content`` with theme variables (``$error``, ``$success``…), which
Textual resolves when it draws. A few things are drawn with Rich — a DataTable cell, a
line of a long diff, the plan detail's table, the chart — and get the same colours here,
resolved from the app's theme variables: one place, never a colour name in a widget.

What each colour means, everywhere: destroy and failure ``$error``; create and success
``$success``; update and warning ``$warning``; replace ``$text-primary`` (distinct from
the three); secondary facts ``$text-secondary``; less important text ``dim``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style as RichStyle
from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.markup import parse_style
from textual.style import Style


@dataclass(frozen=True)
class Palette:
    """The theme's colours as Rich can use them (``#rrggbb``)."""

    error: str
    success: str
    warning: str
    replace: str
    secondary: str

    @classmethod
    def of(cls, app: App[object]) -> Palette:
        variables = app.theme_variables or app.get_css_variables()

        def colour(name: str) -> str:
            resolved = parse_style(f"${name}", variables).rich_style.color
            if resolved is None:
                raise ValueError(f"the theme has no colour ${name}")
            return resolved.name

        return cls(
            error=colour("error"),
            success=colour("success"),
            warning=colour("warning"),
            replace=colour("text-primary"),
            secondary=colour("text-secondary"),
        )


# Resolved styles by (theme variables, style): parsing one tokenizes every variable of
# the theme (~4 ms), and the same few styles come back for every cell and detail line.
_RESOLVED: dict[tuple[int, str], Style] = {}
_MAX_RESOLVED = 512


def _resolved(fingerprint: int, style: str, variables: dict[str, str]) -> Style:
    key = (fingerprint, style)
    found = _RESOLVED.get(key)
    if found is None:
        if len(_RESOLVED) >= _MAX_RESOLVED:
            _RESOLVED.clear()
        found = _RESOLVED[key] = parse_style(style, variables)
    return found


def rich_text(content: Content, app: App[object]) -> Text:
    """``content`` as Rich Text, its ``$variables`` resolved from ``app``'s theme."""
    variables = app.theme_variables or app.get_css_variables()
    fingerprint = hash(tuple(variables.items()))
    cache: dict[str, Style] = {}

    def resolve(style: str | Style) -> Style:
        if isinstance(style, Style):
            return style
        found = cache.get(style)
        if found is None:
            found = cache[style] = _resolved(fingerprint, style, variables)
        return found

    text = Text(end="")
    for piece, style in content.render(Style.null(), end="", parse_style=resolve):
        text.append(piece, style.rich_style if style else RichStyle.null())
    return text
