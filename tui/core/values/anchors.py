"""YAML anchors in a values tree: which nodes several key paths share.

ruamel.yaml loads an alias (``*x``) as the very object its anchor (``&x``) names, and a
merge key (``<<: *x``) as a reference to it: a change made at one of those key paths
shows at all of them. ``AnchorIndex`` finds those shared nodes so that the screen can
say so before an edit, and so that replacing a shared node replaces it everywhere
(what changing the anchored value means in YAML), instead of leaving stale aliases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarint import ScalarInt
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, PlainScalarString, ScalarString

from tui.core.records import FrozenRecord
from tui.core.values.doc import KeyPath, dotted
from tui.core.values.scalars import plain_is_safe

# A tuple, not ``CommentedMap | CommentedSeq``: the union is built anew at each call.
_CONTAINERS = (CommentedMap, CommentedSeq)

MERGE_KEY = "<<"


class SharedNode(FrozenRecord):
    """One node reachable at several key paths (its anchor, then each alias)."""

    anchor: str  # the anchor's name, "" when ruamel has none recorded
    paths: tuple[KeyPath, ...]  # where it appears; a merge key shows as ``(..., "<<")``

    @property
    def aliases(self) -> int:
        """How many other places change with it."""
        return len(self.paths) - 1

    def warning(self) -> str:
        """The one line the operator reads before editing at one of these paths."""
        name = f"&{self.anchor}" if self.anchor else "this anchored value"
        where = ", ".join(dotted(p) for p in self.paths[:3])
        more = f", … {len(self.paths) - 3} more" if len(self.paths) > 3 else ""
        share = "1 alias shares" if self.aliases == 1 else f"{self.aliases} aliases share"
        return f"⚠ anchored {name}: {share} it — an edit here changes all of them ({where}{more})"


@dataclass
class AnchorIndex:
    """Shared nodes of one tree, by object identity and by key path."""

    by_id: dict[int, SharedNode] = field(default_factory=dict)
    by_path: dict[KeyPath, SharedNode] = field(default_factory=dict)
    above: set[KeyPath] = field(default_factory=set)  # ancestors of a shared path

    @classmethod
    def build(cls, data: Any) -> AnchorIndex:
        """Walk ``data`` once; nodes met at a single path are not recorded."""
        seen: dict[int, list[KeyPath]] = {}
        nodes: dict[int, Any] = {}
        stack: list[tuple[Any, KeyPath]] = [(data, ())]
        while stack:
            node, path = stack.pop()
            anchored = _anchor_of(node) or isinstance(node, _CONTAINERS)
            if anchored and path:
                first = id(node) not in seen
                seen.setdefault(id(node), []).append(path)
                nodes[id(node)] = node
                if not first:
                    continue  # an alias: its content was walked at the first path
            if isinstance(node, CommentedMap):
                for merged in getattr(node, "merge", None) or []:
                    seen.setdefault(id(merged), []).append((*path, MERGE_KEY))
                    nodes[id(merged)] = merged
                own = getattr(node, "_ok", None)  # keys brought in by ``<<`` are not its own
                for key in reversed(list(node.keys())):
                    if own is None or key in own:
                        stack.append((node[key], (*path, key)))
            elif isinstance(node, CommentedSeq):
                for i in range(len(node) - 1, -1, -1):
                    stack.append((node[i], (*path, i)))
        index = cls()
        for ident, paths in seen.items():
            if len(paths) < 2:
                continue
            shared = SharedNode(_anchor_of(nodes[ident]), tuple(paths))  # document order
            index.by_id[ident] = shared
            for path in paths:
                index.by_path[path] = shared
                index.above.update(path[:i] for i in range(len(path)))
        return index

    def sharing(self, path: KeyPath, below: bool = False) -> SharedNode | None:
        """The shared node an edit at ``path`` goes through (itself or an ancestor).

        With ``below``, a shared node inside the subtree at ``path`` counts too (a port
        of a whole subtree edits there).
        """
        for depth in range(1, len(path) + 1):
            found = self.by_path.get(path[:depth])
            if found is not None:
                return found
        if below and path in self.above:
            return next(s for p, s in self.by_path.items() if p[: len(path)] == path)
        return None

    def shared(self, node: Any) -> SharedNode | None:
        """The sharing of this very object, if several paths hold it."""
        return self.by_id.get(id(node))


def anchored_like(new: Any, old: Any) -> Any:
    """``new`` carrying ``old``'s anchor name, so that the file keeps ``&name``/``*name``."""
    name = _anchor_of(old)
    if not name or _anchor_of(new) == name:
        return new
    if isinstance(new, bool):
        new = ScalarBoolean(new)
    elif isinstance(new, int) and not isinstance(new, ScalarInt):
        new = ScalarInt(new)
    elif isinstance(new, str) and not isinstance(new, ScalarString):
        new = PlainScalarString(new) if plain_is_safe(new) else DoubleQuotedScalarString(new)
    if hasattr(new, "yaml_set_anchor"):
        new.yaml_set_anchor(name, always_dump=True)
    return new


def _anchor_of(node: Any) -> str:
    anchor = getattr(node, "anchor", None)
    value = getattr(anchor, "value", None)
    return value if isinstance(value, str) else ""
