"""JSON the way Go's encoding/json writes it (compact, HTML-escaped, integral floats as ints)."""

from __future__ import annotations

import json
from typing import Any


def _normalise(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return value


def _escape_html(text: str) -> str:
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def compact(value: Any) -> str:
    """One line, no spaces, `<>&` escaped as Go's json.Marshal does."""
    text = json.dumps(_normalise(value), separators=(",", ":"), ensure_ascii=False)
    return _escape_html(text)


def indented(value: Any, indent: int = 2) -> str:
    """json.MarshalIndent with the given number of spaces."""
    text = json.dumps(_normalise(value), indent=indent, ensure_ascii=False)
    return _escape_html(text)
