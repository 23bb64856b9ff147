"""Where the values of a YAML file are: every scalar's span and key path, from the parser.

A position inside no scalar is syntax or a comment, so this tells a live value from a
comment exactly (block scalars and quoted ``#`` included). A file the parser refuses
(a Helm template, say) falls back to :func:`yaml_comment_start`, line by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

Position = tuple[int, int]  # 0-based line, column


@dataclass(frozen=True)
class ScalarSpan:
    """One scalar (a key or a value): from ``start`` up to, not including, ``end``."""

    start: Position
    end: Position
    key_path: str  # ``credentials.redis.host``, ``releases[0].name``


@dataclass
class _Level:
    mapping: bool
    path: tuple[str, ...]
    key: str | None = None  # in a mapping: the key whose value comes next
    index: int = 0  # in a sequence: the next item's index
    expecting_key: bool = field(default=True)
    is_key: bool = False  # a complex key (a mapping or sequence used as a key)


def _part(key: str) -> str:
    return f'["{key}"]' if "." in key or not key else key


def _join(path: tuple[str, ...]) -> str:
    out = ""
    for part in path:
        out += part if part.startswith("[") or not out else f".{part}"
    return out


class _Walker:
    def __init__(self) -> None:
        self.stack: list[_Level] = []
        self.spans: list[ScalarSpan] = []

    def _child_path(self) -> tuple[tuple[str, ...], bool]:
        """The path of the next node, and whether it is a mapping key."""
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if not top.mapping:
            return (*top.path, f"[{top.index}]"), False
        if top.expecting_key:
            return top.path, True
        return (*top.path, _part(top.key or "")), False

    def _done_with_value(self) -> None:
        if not self.stack:
            return
        top = self.stack[-1]
        if top.mapping:
            top.expecting_key, top.key = True, None
        else:
            top.index += 1

    def feed(self, event: Event) -> None:
        if isinstance(event, DocumentStartEvent):
            self.stack = []
        elif isinstance(event, ScalarEvent):
            path, is_key = self._child_path()
            start = (event.start_mark.line, event.start_mark.column)
            end = (event.end_mark.line, event.end_mark.column)
            value = str(event.value)
            shown = _join((*path, _part(value))) if is_key else _join(path)
            self.spans.append(ScalarSpan(start, end, shown))
            if is_key:
                top = self.stack[-1]
                top.key, top.expecting_key = value, False
            else:
                self._done_with_value()
        elif isinstance(event, MappingStartEvent | SequenceStartEvent):
            path, is_key = self._child_path()
            if is_key:  # a complex key: its contents are not a value path
                path = (*path, "?")
            self.stack.append(_Level(isinstance(event, MappingStartEvent), path, is_key=is_key))
        elif isinstance(event, MappingEndEvent | SequenceEndEvent):
            level = self.stack.pop()
            if level.is_key and self.stack:
                self.stack[-1].key, self.stack[-1].expecting_key = "?", False
            else:
                self._done_with_value()
        elif isinstance(event, AliasEvent):
            self._done_with_value()


def scalar_spans(text: str) -> list[ScalarSpan] | None:
    """Every scalar of ``text`` with its key path; None when it is not valid YAML."""
    walker = _Walker()
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            walker.feed(event)
    except (YAMLError, ValueError):
        return None
    return walker.spans


def yaml_comment_start(line: str) -> int | None:
    """Where a ``#`` comment starts on one YAML line (quotes respected), else None."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'" and (index == 0 or line[index - 1] in " \t:[{,-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None
