"""Aligned rows of a previous values file and a new template, each row classified.

Rows follow the order of tui.core.values.pairing (template order, previous-only keys after
their previous sibling, lists of mappings matched by ``name``); lists of plain values
are compared as one value. Containers present on both sides with the same shape are
``same`` and say ``changed_below`` when a descendant is not.

An **open map** is a template mapping written empty (``resources: {}``,
``nodeSelector: {}``): the chart reads whatever the operator puts there. The
operator's keys under it are carried (``RowStatus.OPEN_MAP``), never called orphans;
so is an operator's value where the template leaves the value unset (``null``, ``""``
or ``[]``). An **orphan** is only a key whose template parent is a closed map with
other keys.
"""

from __future__ import annotations

import base64
import re
from enum import StrEnum
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tui.core.printable import printable
from tui.core.records import FrozenRecord, MutableRecord
from tui.core.secrets.mask import shown, value_is_secret
from tui.core.values.doc import KeyPath, key_line, same_value, to_plain
from tui.core.values.pairing import aligned_children
from tui.core.values.scalars import render_scalar, resolves_to_str

# A tuple, not ``CommentedMap | CommentedSeq``: the union is built anew at each call.
_CONTAINERS = (CommentedMap, CommentedSeq)


class RowStatus(StrEnum):
    SAME = "same"
    DIFFERS = "differs"
    PLACEHOLDER = "placeholder"
    NEW = "new"
    ORPHAN = "orphan"
    OPEN_MAP = "open-map"  # the operator's value under an open map: carried (see module doc)


class Presence(StrEnum):
    BOTH = "both"
    NEW_ONLY = "new-only"
    PREV_ONLY = "previous-only"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
EMPTY_TEXT = '""'  # an empty string as rows show it: nothing to mask


class Row(MutableRecord):
    """One aligned key path. Text fields hold clear values: show them through ``prev_shown``."""

    label: str
    segments: tuple[str, ...]
    depth: int
    prev_path: KeyPath | None
    new_path: KeyPath | None
    prev_line: int | None
    new_line: int | None
    container: bool
    presence: Presence
    status: RowStatus
    secret: bool
    prev_text: str
    new_text: str
    topmost: bool = True
    changed_below: bool = False

    def prev_shown(self, pattern: re.Pattern[str] | None = None, reveal: bool = False) -> str:
        """Previous value as the screen may show it (masked unless revealed)."""
        if reveal or self.container or self.prev_text == EMPTY_TEXT:
            return self.prev_text
        return shown(self.prev_text, self.secret, pattern)

    def new_shown(self, pattern: re.Pattern[str] | None = None, reveal: bool = False) -> str:
        """New value as the screen may show it (masked unless revealed; placeholders shown)."""
        if reveal or self.container or self.new_text == EMPTY_TEXT:
            return self.new_text
        return shown(self.new_text, self.secret, pattern)


class Counters(FrozenRecord):
    """What an operator needs at a glance."""

    placeholders: int
    differs: int
    new_keys: int
    orphans: int
    rows: int
    open_map: int = 0  # topmost keys carried into an open map (or into a null/[] value)


class Aligner:
    """Builds rows for a (previous, new) pair of trees.

    ``open_maps``: the key paths of the template's open maps, when the new tree has been
    edited since it was loaded (a map that received carried keys is still open); None:
    read them from the new tree itself.
    """

    def __init__(self, pattern: re.Pattern[str], open_maps: frozenset[KeyPath] | None = None):
        self.pattern = pattern
        self.open_maps = open_maps
        self.rows: list[Row] = []

    def run(self, prev: Any, new: Any) -> list[Row]:
        """Rows for two whole documents (the roots themselves get no row)."""
        self.rows = []
        self._children(prev, new, (), (), (), 0, Presence.BOTH)
        return self.rows

    def subtree(
        self, row: Row, prev: Any, new: Any, parent_presence: Presence, into_open: bool = False
    ) -> list[Row]:
        """Rows for one row's subtree, given its current nodes (``MISSING`` when absent).

        ``into_open``: an ancestor of the row is an open map of the template.
        """
        self.rows = []
        self._visit(
            prev,
            new,
            row.segments,
            row.prev_path,
            row.new_path,
            row.prev_line,
            row.new_line,
            row.depth,
            parent_presence,
            into_open,
        )
        return self.rows

    def _visit(
        self,
        prev: Any,
        new: Any,
        segments: tuple[str, ...],
        prev_path: KeyPath | None,
        new_path: KeyPath | None,
        prev_line: int | None,
        new_line: int | None,
        depth: int,
        parent_presence: Presence,
        into_open: bool = False,
    ) -> RowStatus:
        if prev is MISSING:
            presence, prev_path = Presence.NEW_ONLY, None
        elif new is MISSING:
            presence, new_path = Presence.PREV_ONLY, None
        else:
            presence = Presence.BOTH
        label = _label(segments)
        row = Row(
            label=label,
            segments=segments,
            depth=depth,
            prev_path=prev_path,
            new_path=new_path,
            prev_line=prev_line,
            new_line=new_line,
            container=_expandable(prev) or _expandable(new),
            presence=presence,
            status=RowStatus.SAME,
            secret=value_is_secret((s for s in segments if not s.startswith("[")), prev, new),
            prev_text=_text(prev),
            new_text=_text(new),
            topmost=presence != parent_presence or presence == Presence.BOTH,
        )
        self.rows.append(row)
        same_shape = _shape(prev) == _shape(new) and _expandable(new)
        if presence == Presence.BOTH and not same_shape and row.container:
            row.status = self._leaf_status(prev, new, presence, into_open)
            return row.status
        if row.container:
            below = self._children(
                prev,
                new,
                segments,
                prev_path,
                new_path,
                depth + 1,
                presence,
                into_open or self._is_open(new, new_path),
            )
            row.changed_below = below
            if presence == Presence.NEW_ONLY:
                row.status = RowStatus.NEW
            elif presence == Presence.PREV_ONLY:
                row.status = RowStatus.OPEN_MAP if into_open else RowStatus.ORPHAN
            return row.status
        row.status = self._leaf_status(prev, new, presence, into_open)
        return row.status

    def _is_open(self, new: Any, new_path: KeyPath | None) -> bool:
        """Whether the template's node here is an open map (see the module doc)."""
        if not isinstance(new, CommentedMap) or new_path is None:
            return False
        if self.open_maps is not None:
            return new_path in self.open_maps
        return not new

    def _leaf_status(
        self, prev: Any, new: Any, presence: Presence, into_open: bool = False
    ) -> RowStatus:
        if new is not MISSING and _has_placeholder(new, self.pattern):
            return RowStatus.PLACEHOLDER
        if presence == Presence.NEW_ONLY:
            return RowStatus.NEW
        if presence == Presence.PREV_ONLY:
            return RowStatus.OPEN_MAP if into_open else RowStatus.ORPHAN
        if same_value(to_plain(prev), to_plain(new)):
            return RowStatus.SAME
        return RowStatus.OPEN_MAP if _fills_open_value(prev, new) else RowStatus.DIFFERS

    def _children(
        self,
        prev: Any,
        new: Any,
        segments: tuple[str, ...],
        prev_path: KeyPath | None,
        new_path: KeyPath | None,
        depth: int,
        presence: Presence,
        into_open: bool = False,
    ) -> bool:
        """Visit aligned children; True when any of them is not ``same`` (or changed below)."""
        changed = False
        for seg, pkey, nkey in aligned_children(prev, new):
            p = prev[pkey] if pkey is not None else MISSING
            n = new[nkey] if nkey is not None else MISSING
            child = len(self.rows)  # the child's row; its descendants' come after it
            status = self._visit(
                p,
                n,
                (*segments, seg),
                (*prev_path, pkey) if prev_path is not None and pkey is not None else None,
                (*new_path, nkey) if new_path is not None and nkey is not None else None,
                key_line(prev, pkey) if pkey is not None else None,
                key_line(new, nkey) if nkey is not None else None,
                depth,
                presence,
                into_open,
            )
            changed = changed or status != RowStatus.SAME or self.rows[child].changed_below
        return changed


def _fills_open_value(prev: Any, new: Any) -> bool:
    """The template leaves the value unset and the operator set it: a ``null`` or ``""``
    taking a value, a ``[]`` taking items (a ``{}`` is an open map: its keys are rows)."""
    if new is None:
        return prev is not None and prev != ""
    if isinstance(new, str) and new == "":
        return not isinstance(prev, _CONTAINERS) and prev is not None
    if isinstance(new, CommentedSeq) and not new:
        return isinstance(prev, CommentedSeq) and len(prev) > 0
    return False


def open_maps(data: Any) -> frozenset[KeyPath]:
    """Key paths of every empty mapping (``{}``) in a tree: the template's open maps."""
    found: set[KeyPath] = set()
    stack: list[tuple[Any, KeyPath]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, CommentedMap):
            if not node and path:
                found.add(path)
            stack.extend((child, (*path, key)) for key, child in node.items())
        elif isinstance(node, CommentedSeq):
            stack.extend((child, (*path, i)) for i, child in enumerate(node))
    return frozenset(found)


def _expandable(node: Any) -> bool:
    """Mappings and lists of mappings get child rows; lists of plain values are one value."""
    if isinstance(node, CommentedMap):
        return True
    return isinstance(node, CommentedSeq) and any(isinstance(i, CommentedMap) for i in node)


def _shape(node: Any) -> str:
    if isinstance(node, CommentedMap):
        return "map"
    if isinstance(node, CommentedSeq):
        return "list"
    return "scalar"


def _has_placeholder(node: Any, pattern: re.Pattern[str]) -> bool:
    if isinstance(node, str):
        return pattern.search(node) is not None
    if isinstance(node, dict):
        return any(_has_placeholder(v, pattern) for v in node.values())
    if isinstance(node, list):
        return any(_has_placeholder(v, pattern) for v in node)
    return False


def _label(segments: tuple[str, ...]) -> str:
    out = ""
    for seg in segments:
        out = out + seg if seg.startswith("[") or not out else f"{out}.{seg}"
    return out


def _text(node: Any) -> str:
    """One-line display text of a value (containers summarised, control characters escaped)."""
    return printable(yaml_text(node))


# Characters that make a plain YAML scalar mean something else when they start it.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_SPECIAL = frozenset(",[]{}")


def yaml_text(node: Any, in_flow: bool = False) -> str:
    """A value as YAML writes it on one line: ``[a, "b, c", 1]``, ``""``, ``"true"``, ``null``.

    A string is quoted only where plain text would read back as something else (empty,
    ``true``, ``3``, a leading indicator, ``: `` or `` #``); mappings and lists of
    mappings are summarised (their keys are rows of their own). Never a Python repr.
    """
    if node is MISSING:
        return ""
    if isinstance(node, CommentedMap):
        return f"{{{len(node)} keys}}" if node else "{}"
    if isinstance(node, CommentedSeq):
        if not _expandable(node):
            return "[" + ", ".join(yaml_text(item, in_flow=True) for item in node) + "]"
        return f"[{len(node)} items]"
    if node is None:
        return "null"
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, str):
        text = str(node)
        return text if _reads_as_written(text, in_flow) else _double_quoted(text)
    if isinstance(node, (int, float)):
        return str(node)
    if isinstance(node, bytes):
        return "!!binary " + base64.b64encode(node).decode("ascii")
    return render_scalar(node) or _double_quoted(str(node))  # a date, a tagged scalar


def _reads_as_written(text: str, in_flow: bool) -> bool:
    if not text or text != text.strip() or text[0] in _INDICATORS or not text.isprintable():
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if in_flow and not _FLOW_SPECIAL.isdisjoint(text):
        return False
    return resolves_to_str(text, yaml11=False)  # `yes` is shown as the file has it


def _double_quoted(text: str) -> str:
    # Control characters are left to printable(), the one escaping function.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def counters(rows: list[Row]) -> Counters:
    """Counts of placeholder, differing, new (topmost), orphan and open-map (topmost) rows."""
    placeholders = differs = new_keys = orphans = carried = 0
    for row in rows:
        if row.status == RowStatus.PLACEHOLDER:
            placeholders += 1
        elif row.status == RowStatus.DIFFERS:
            differs += 1
        if row.status == RowStatus.OPEN_MAP and row.topmost:
            carried += 1
        elif row.topmost and row.presence == Presence.NEW_ONLY:
            new_keys += 1
        elif row.topmost and row.presence == Presence.PREV_ONLY:
            orphans += 1
    return Counters(placeholders, differs, new_keys, orphans, len(rows), carried)


def topmost_labels(rows: list[Row], presence: Presence) -> list[str]:
    """Labels of the outermost rows with this presence (``cache``, not ``cache.backend``)."""
    return [r.label for r in rows if r.presence == presence and r.topmost]


def orphan_labels(rows: list[Row]) -> list[str]:
    """Labels of the outermost orphans (keys a closed template map does not have)."""
    return [r.label for r in rows if r.status == RowStatus.ORPHAN and r.topmost]


def open_map_labels(rows: list[Row]) -> list[str]:
    """Labels of the outermost values carried into an open map (or a null/[] template value)."""
    return [r.label for r in rows if r.status == RowStatus.OPEN_MAP and r.topmost]


def labels_with(rows: list[Row], status: RowStatus) -> list[str]:
    """Labels of every row with this status."""
    return [r.label for r in rows if r.status == status]
