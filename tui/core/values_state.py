"""What a values merge holds, in a comparable form: to tell unsaved work from saved.

A fingerprint of the working tree (keys in order, each scalar's type — its quoting —
and value, flow or block style) and the operator's decisions. Two equal states
write the same file; a count of operations could not tell an undo back to the
saved state from new work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import PlainScalarString


@dataclass(frozen=True)
class SavedState:
    """The tree's fingerprint and the decisions, as they were at one moment."""

    tree: Any
    decisions: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, working: Any, decisions: Mapping[str, str]) -> SavedState:
        """The state of ``working`` and ``decisions`` now (copies nothing mutable)."""
        return cls(fingerprint(working), tuple(sorted((k, str(v)) for k, v in decisions.items())))


def fingerprint(node: Any) -> Any:
    """A hashable picture of a ruamel tree; equal pictures dump to the same YAML values."""
    if isinstance(node, CommentedMap):
        flow = bool(node.fa.flow_style())
        return ("map", flow, tuple((key, fingerprint(node[key])) for key in node))
    if isinstance(node, CommentedSeq):
        return ("seq", bool(node.fa.flow_style()), tuple(fingerprint(item) for item in node))
    anchor = getattr(getattr(node, "anchor", None), "value", None)
    kind = "str" if isinstance(node, PlainScalarString) else type(node).__name__  # both plain
    return (kind, repr(node), anchor)
