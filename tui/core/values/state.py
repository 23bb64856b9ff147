"""What a values merge holds, in a comparable form: to tell unsaved work from saved.

A fingerprint of the working tree (keys in order, each scalar's type — its quoting —
and value, flow or block style) and the operator's decisions. Two equal states
write the same file; a count of operations could not tell an undo back to the
saved state from new work. The fingerprint of every path is indexed, so that only
the paths edited since the load are compared after each operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import PlainScalarString

from tui.core.values.doc import KeyPath, get_node

ABSENT = ("absent",)  # the fingerprint of a path the tree does not hold


@dataclass(frozen=True)
class SavedState:
    """The tree's fingerprint and the decisions, as they were at one moment."""

    tree: Any
    decisions: tuple[tuple[str, str], ...]
    by_path: Mapping[KeyPath, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, working: Any, decisions: Mapping[str, str]) -> SavedState:
        """The state of ``working`` and ``decisions`` now (copies nothing mutable)."""
        by_path: dict[KeyPath, Any] = {}
        tree = fingerprint(working, (), by_path)
        return cls(tree, _decided(decisions), by_path)

    def differs(
        self, working: Any, decisions: Mapping[str, str], edited: Iterable[KeyPath]
    ) -> bool:
        """Whether ``working`` differs from this state at any ``edited`` path (every path an
        edit wrote since this state was taken must be among them), or the decisions do."""
        if _decided(decisions) != self.decisions:
            return True
        for path in edited:
            try:
                now = fingerprint(get_node(working, path))
            except KeyError:
                now = ABSENT
            if self.by_path.get(path, ABSENT) != now:
                return True
        return False


def _decided(decisions: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in decisions.items()))


def fingerprint(node: Any, path: KeyPath = (), index: dict[KeyPath, Any] | None = None) -> Any:
    """A hashable picture of a ruamel tree; equal pictures dump to the same YAML values.

    With ``index``, the picture of every path below ``path`` is recorded there too.
    """
    if isinstance(node, CommentedMap):
        items = tuple((key, fingerprint(node[key], (*path, key), index)) for key in node)
        out: Any = ("map", _flow(node), items)
    elif isinstance(node, CommentedSeq):
        items = tuple(fingerprint(item, (*path, i), index) for i, item in enumerate(node))
        out = ("seq", _flow(node), items)
    else:
        anchor = getattr(getattr(node, "anchor", None), "value", None)
        kind = "str" if isinstance(node, PlainScalarString) else type(node).__name__  # both plain
        out = (kind, repr(node), anchor)
    if index is not None:
        index[path] = out
    return out


def _flow(node: CommentedMap | CommentedSeq) -> bool:
    # An empty map or list is written `{}` / `[]` whatever its style says.
    return bool(node.fa.flow_style()) if len(node) else True
