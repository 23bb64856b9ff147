"""The aligned rows of a values merge, kept up to date as the working tree is edited.

``ValuesMerge`` (values_ops.py) edits the tree; this base keeps its rows: after each
command only the rows under the edited paths are aligned again, unless a shared
(anchored) node was edited, whose change shows at every alias: then all rows are.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap

from tui.core.values.alignment import MISSING, Aligner, Counters, Presence, Row, RowStatus, counters
from tui.core.values.anchors import AnchorIndex
from tui.core.values.commands import Command
from tui.core.values.doc import KeyPath, ValuesDoc, get_node


class MergeRows:
    """Rows of (previous, working) and the anchors of the working tree."""

    def __init__(self, previous: ValuesDoc, template: ValuesDoc, placeholder_pattern: str) -> None:
        self.previous = previous
        self.template = template
        self.pattern = re.compile(placeholder_pattern)
        self.working: CommentedMap = template.data
        self.rows: list[Row] = Aligner(self.pattern).run(previous.data, self.working)
        self._index: dict[str, int] = {}
        self._reindex()
        # Aliases need both an anchor and a star: most files have none and skip the walk.
        self._has_anchors = "&" in template.text and "*" in template.text
        self.anchors = AnchorIndex.build(self.working) if self._has_anchors else AnchorIndex()

    # -- reading -------------------------------------------------------------
    def row(self, label: str) -> Row:
        """The row with this label (``KeyError`` if none)."""
        return self.rows[self._index[label]]

    def counters(self) -> Counters:
        """Placeholders left, differences, new keys and orphans (topmost)."""
        return counters(self.rows)

    def placeholders_left(self) -> list[str]:
        """Labels of rows whose new value still holds a placeholder."""
        return [r.label for r in self.rows if r.status == RowStatus.PLACEHOLDER]

    def shared_at(self, label: str) -> str | None:
        """The warning to show before editing this row, when anchors make it change elsewhere."""
        row = self.row(label)
        if row.new_path is None:
            return None
        shared = self.anchors.sharing(row.new_path, below=row.container)
        return shared.warning() if shared is not None else None

    # -- keeping rows current ------------------------------------------------
    def _refresh(self, command: Command) -> None:
        """Re-align and re-classify only the rows under the edited paths."""
        through_alias = any(self.anchors.sharing(e.path) for e in command.edits)
        if self._has_anchors and command.edits:
            self.anchors = AnchorIndex.build(self.working)
        rows_by_path = {r.new_path: r for r in self.rows if r.new_path is not None}
        parents = set()
        for edit in command.edits:
            replaced = edit.before is not MISSING and edit.after is not MISSING
            parents.add(edit.path if replaced and edit.path in rows_by_path else edit.path[:-1])
        if not parents:
            return
        if through_alias or any(len(p) == 0 for p in parents) or len(parents) > 64:
            self._realign_all()
            return
        for parent in sorted(parents, key=len):
            if any(parent[: len(q)] == q for q in parents if len(q) < len(parent)):
                continue
            self._realign(parent)

    def _realign_all(self) -> None:
        self.rows = Aligner(self.pattern).run(self.previous.data, self.working)
        self._reindex()

    def _realign(self, new_path: KeyPath) -> None:
        start = next((i for i, r in enumerate(self.rows) if r.new_path == new_path), None)
        if start is None:
            self._realign_all()
            return
        row = self.rows[start]
        end = start + 1
        while end < len(self.rows) and self.rows[end].depth > row.depth:
            end += 1
        parent_presence = Presence.BOTH
        for i in range(start - 1, -1, -1):
            if self.rows[i].depth < row.depth:
                parent_presence = self.rows[i].presence
                break
        prev: Any = MISSING
        if row.prev_path is not None:
            prev = get_node(self.previous.data, row.prev_path)
        new = get_node(self.working, new_path)
        fresh = Aligner(self.pattern).subtree(row, prev, new, parent_presence)
        self.rows[start:end] = fresh
        self._refresh_ancestors(start)
        self._reindex()

    def _refresh_ancestors(self, index: int) -> None:
        depth = self.rows[index].depth
        for i in range(index - 1, -1, -1):
            ancestor = self.rows[i]
            if ancestor.depth >= depth:
                continue
            depth = ancestor.depth
            j = i + 1
            changed = False
            while j < len(self.rows) and self.rows[j].depth > depth:
                child = self.rows[j]
                changed = changed or child.status != RowStatus.SAME or child.changed_below
                j += 1
            ancestor.changed_below = changed
            if depth == 0:
                break

    def _reindex(self) -> None:
        self._index = {r.label: i for i, r in enumerate(self.rows)}
