"""A values.yaml loaded for round-trip editing: data, line numbers, the file's own indentation.

This module holds the loaded document (``ValuesDoc``) and how to walk, compare and
dump its nodes; reading and parsing a file into one is in tui.core.values.load.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tui.core.records import FrozenRecord, MutableRecord

KeySegment = str | int
KeyPath = tuple[KeySegment, ...]


class Indentation(FrozenRecord):
    """Block indentation as ruamel's ``YAML.indent`` takes it."""

    mapping: int = 2
    sequence: int = 2
    offset: int = 0


class ValuesDoc(MutableRecord):
    """One loaded values file. ``data`` is the ruamel round-trip tree (mutable)."""

    source: str
    text: str
    data: CommentedMap
    indentation: Indentation
    sha256: str

    def yaml(self) -> YAML:
        """A round-trip YAML instance that writes with this file's indentation."""
        return make_yaml(self.indentation)


def make_yaml(indentation: Indentation | None = None) -> YAML:
    """Round-trip loader/dumper: quotes preserved, no line wrapping."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16
    ind = indentation or Indentation()
    yaml.indent(mapping=ind.mapping, sequence=ind.sequence, offset=ind.offset)
    return yaml


def key_line(container: Any, key: KeySegment) -> int | None:
    """1-based line of ``key`` in a mapping (or item in a sequence); None if unknown.

    Keys brought in by a merge key (``<<: *anchor``) have no line of their own.
    """
    try:
        if isinstance(container, CommentedMap):
            return int(container.lc.key(key)[0]) + 1
        if isinstance(container, CommentedSeq):
            return int(container.lc.item(key)[0]) + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return None


def value_position(container: Any, key: KeySegment) -> tuple[int, int] | None:
    """0-based (line, column) where the value of ``key`` starts, if known."""
    try:
        if isinstance(container, CommentedMap):
            pos = container.lc.value(key)
        else:
            pos = container.lc.item(key)
        return int(pos[0]), int(pos[1])
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def load_plain(text: str) -> Any:
    """Plain data of a YAML text (safe loader, faster than round trip; for verification)."""
    return YAML(typ="safe", pure=False).load(text)  # libyaml via ruamel.yaml.clib when present


def dump_text(doc_yaml: YAML, data: Any) -> str:
    """Serialise a ruamel tree with the given YAML instance."""
    buffer = io.StringIO()
    doc_yaml.dump(data, buffer)
    return buffer.getvalue()


def get_node(data: Any, path: KeyPath) -> Any:
    """The node at ``path``; raises ``KeyError`` if any step is missing."""
    cur = data
    for seg in path:
        if isinstance(cur, CommentedMap):
            if seg not in cur:
                raise KeyError(seg)
            cur = cur[seg]
        elif isinstance(cur, CommentedSeq) and isinstance(seg, int) and 0 <= seg < len(cur):
            cur = cur[seg]
        else:
            raise KeyError(seg)
    return cur


def has_node(data: Any, path: KeyPath) -> bool:
    """Whether ``path`` exists in ``data``."""
    try:
        get_node(data, path)
    except KeyError:
        return False
    return True


def dotted(path: KeyPath) -> str:
    """Display form ``a.b[0].c``; a dot inside a key is escaped (``a\\.b``) as Helm's --set does."""
    out = ""
    for seg in path:
        if isinstance(seg, int) and not isinstance(seg, bool) and out:
            out += f"[{seg}]"
            continue
        text = str(seg).replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[")
        out = f"{out}.{text}" if out else text
    return out


def to_plain(node: Any) -> Any:
    """Plain Python data (dict/list/str/int/float/bool/None) for comparisons."""
    if isinstance(node, dict):
        return {k: to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    for kind in (str, int, float):
        if isinstance(node, kind):
            return kind(node)
    return node


def same_value(a: Any, b: Any) -> bool:
    """Deep equality that tells ``1`` from ``true`` and ``"1"`` from ``1``."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return _kind(a) == _kind(b) and a == b


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "list"
    return type(value).__name__
