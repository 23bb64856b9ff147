"""Writing into the working tree of a values merge: one node at a path, aliases followed.

``ValuesMerge`` (values_ops.py) builds commands of edits; this base puts each edit's
node in place, remembers the first value seen at every edited path (the save renders
only those lines) and, where the node is anchored, gives its aliases the same node.
"""

from __future__ import annotations

import copy
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import PlainScalarString, ScalarString

from tui.core.values.alignment import MISSING
from tui.core.values.anchors import MERGE_KEY, AnchorIndex, anchored_like
from tui.core.values.commands import holds
from tui.core.values.doc import KeyPath, ValuesDoc, get_node
from tui.core.values.rows import MergeRows


class TreeWriter(MergeRows):
    """Rows of the merge plus the primitive write of one node into the working tree."""

    def __init__(self, previous: ValuesDoc, template: ValuesDoc, placeholder_pattern: str) -> None:
        super().__init__(previous, template, placeholder_pattern)
        self.touched: dict[KeyPath, Any] = {}  # first value seen at each edited path (for save)

    def _put(self, path: KeyPath, node: Any, index: int) -> None:
        parent = get_node(self.working, path[:-1])
        key = path[-1]
        if path not in self.touched:
            self.touched[path] = copy.deepcopy(parent[key]) if holds(parent, key) else MISSING
        if node is MISSING:
            del parent[key]
            if isinstance(parent, CommentedMap) and not parent:
                parent.fa.set_flow_style()  # back to the template's `{}`
        elif holds(parent, key):
            old = parent[key]
            shared = self.anchors.shared(old)
            value = anchored_like(copy.deepcopy(node), old)
            if type(value) is str and isinstance(old, ScalarString):
                value = PlainScalarString(value)  # ruamel would give it the old quotes
            parent[key] = value
            if shared is not None:
                self._put_at_aliases(shared.paths, path, old, value)
        else:
            if isinstance(parent, CommentedMap):
                if not parent:
                    parent.fa.set_block_style()  # `{}` receiving keys is written as a block
                parent.insert(max(0, min(index, len(parent))), key, copy.deepcopy(node))
            else:
                parent.insert(max(0, min(index, len(parent))), copy.deepcopy(node))

    def _put_at_aliases(
        self, paths: tuple[KeyPath, ...], done: KeyPath, old: Any, value: Any
    ) -> None:
        """An anchored node was replaced: its aliases get the same new node, as YAML means."""
        for alias in paths:
            if alias == done or alias[-1] == MERGE_KEY:
                continue  # a merge key keeps its own reference (rare: whole anchored maps)
            parent = get_node(self.working, alias[:-1])
            if holds(parent, alias[-1]) and parent[alias[-1]] is old:
                self.touched.setdefault(alias, copy.deepcopy(old))
                parent[alias[-1]] = value
        self.anchors = AnchorIndex.build(self.working)
