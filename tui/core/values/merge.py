"""The values merge session: the aligned rows, the working tree, and undoable operations.

``ValuesMerge`` holds the previous values and the new template; the template's tree is
edited in place (the working tree). A screen drives it by row label; nothing here
depends on a cursor. Every operation is one ``Command`` (a list of primitive edits of
the working tree plus operator decisions) so that undo and redo replay exactly,
auto-fill included. After each command only the rows under the edited paths are
aligned again, unless a shared (anchored) node was edited, whose change shows at every
alias: then all rows are. Each edit's node is put in place by ``_put``, which
remembers the first value seen at every edited path (the save renders only those
lines) and, where the node is anchored, gives its aliases the same node.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import PlainScalarString, ScalarString

from tui.core.values.alignment import (
    MISSING,
    Aligner,
    Counters,
    Presence,
    Row,
    RowStatus,
    counters,
    open_maps,
)
from tui.core.values.anchors import MERGE_KEY, AnchorIndex, anchored_like
from tui.core.values.commands import (
    AutoFillItem,
    Command,
    DecisionChange,
    Edit,
    MergeDecision,
    holds,
    insert_position,
    same_node,
)
from tui.core.values.doc import KeyPath, ValuesDoc, get_node, has_node
from tui.core.values.pairing import aligned_children
from tui.core.values.scalars import ValueEditRefused, parse_typed_value, styled_for_target
from tui.core.values.state import SavedState

OPEN_MAP_SHOWN = "(carried into an open map)"  # what auto-fill's preview says of a carry


class ValuesMerge:
    """Previous values vs a new template; the template's tree is edited in place."""

    def __init__(self, previous: ValuesDoc, template: ValuesDoc, placeholder_pattern: str) -> None:
        self.previous = previous
        self.template = template
        self.pattern = re.compile(placeholder_pattern)
        self.working: CommentedMap = template.data
        # Taken before any edit: a `{}` stays open after it received carried keys.
        self.open_maps = open_maps(template.data)
        self.rows: list[Row] = self._aligner().run(previous.data, self.working)
        self._index: dict[str, int] = {}  # row label -> where it is in ``rows``
        self._at_path: dict[KeyPath, int] = {}  # new path -> its first row in ``rows``
        self._reindex()
        # Aliases need both an anchor and a star: most files have none and skip the walk.
        self._has_anchors = "&" in template.text and "*" in template.text
        self.anchors = AnchorIndex.build(self.working) if self._has_anchors else AnchorIndex()
        self.touched: dict[KeyPath, Any] = {}  # first value seen at each edited path (for save)
        self.decisions: dict[str, MergeDecision] = {}
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._saved: SavedState | None = None  # taken before the first change

    # -- reading -------------------------------------------------------------
    def row(self, label: str) -> Row:
        """The row with this label (``KeyError`` if none)."""
        return self.rows[self._index[label]]

    def index_of(self, label: str) -> int:
        """Where the row with this label is in ``rows`` (``KeyError`` if none)."""
        return self._index[label]

    def has_row(self, label: str) -> bool:
        return label in self._index

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

    def undecided(self) -> list[Row]:
        """Outermost previous values the save would leave behind without a word: orphans
        neither carried nor dropped, and values an open map takes that are not carried yet."""
        return [
            r
            for r in self.rows
            if r.topmost
            and r.status in (RowStatus.ORPHAN, RowStatus.OPEN_MAP)
            and r.prev_path is not None
            and r.label not in self.decisions
        ]

    def dropped_orphans(self) -> list[str]:
        """Orphans the operator chose not to carry (for the journal)."""
        return [k for k, v in self.decisions.items() if v == MergeDecision.DROPPED_ORPHAN]

    def kept_template(self) -> list[str]:
        """Rows where the operator chose the template's value (for the journal)."""
        return [k for k, v in self.decisions.items() if v == MergeDecision.KEPT_TEMPLATE]

    def mark_saved(self) -> None:
        """What the tree and the decisions hold now is what is on disk."""
        self._saved = SavedState.of(self.working, self.decisions)

    def has_unsaved_changes(self) -> bool:
        """Whether the tree or the decisions differ from the last save (or the load).

        Compares contents, not a count of operations: undoing back to the saved state,
        or editing a value back to what it was, leaves nothing unsaved.
        """
        if self._saved is None:
            return False
        # Every write goes through _put, which records its path in `touched`.
        return self._saved.differs(self.working, self.decisions, self.touched)

    def clear_history(self) -> None:
        """Forget undo and redo (after a save: the saved file is where undo stops)."""
        self._undo.clear()
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # -- operations ----------------------------------------------------------
    def port(self, label: str) -> Command:
        """Copy the previous value of one leaf row into the new file."""
        row = self.row(label)
        if row.prev_path is None:
            raise ValueEditRefused(f"{label}: the previous file has no value here")
        if row.new_path is None:
            return self.carry_orphan(label)
        prev = get_node(self.previous.data, row.prev_path)
        target = get_node(self.working, row.new_path)
        return self._run(Command(f"port {label}", [self._replace(row.new_path, prev, target)]))

    def port_subtree(self, label: str) -> Command:
        """Port every previous value under a row; template-only keys stay, orphans are carried."""
        row = self.row(label)
        if row.prev_path is None:
            raise ValueEditRefused(f"{label}: the previous file has nothing here")
        if row.new_path is None:
            return self.carry_orphan(label)
        edits: list[Edit] = []
        prev = get_node(self.previous.data, row.prev_path)
        self._merge_edits(prev, get_node(self.working, row.new_path), row.new_path, edits)
        return self._run(Command(f"port subtree {label}", edits))

    def edit(self, label: str, typed: str) -> Command:
        """Set a value to what the operator typed (one YAML scalar; see parse_typed_value)."""
        row = self.row(label)
        if row.new_path is None:
            raise ValueEditRefused(f"{label}: carry it over first, then edit it")
        target = get_node(self.working, row.new_path)
        if isinstance(target, CommentedMap | CommentedSeq) and row.container:
            raise ValueEditRefused(f"{label} holds several values: edit them one by one")
        value = parse_typed_value(typed, target)
        edit = Edit(row.new_path, copy.deepcopy(target), value, -1)
        return self._run(Command(f"edit {label}", [edit]))

    def keep_template(self, label: str) -> Command:
        """Keep the template's value here (a recorded decision; a later port or edit undoes it).

        Refused on a placeholder: keeping it would have Helm deploy it literally.
        """
        row = self.row(label)
        if row.new_path is None:
            raise ValueEditRefused(f"{label}: the new file has no value here to keep")
        if row.status == RowStatus.PLACEHOLDER:
            raise ValueEditRefused(
                f"{label} holds a placeholder: keeping it means Helm deploys it literally",
                "Fill it (→ ports the previous value, a auto-fills) or edit it (e).",
            )
        before = self.decisions.get(label)
        return self._run(
            Command(f"keep {label}", [], [(label, before, MergeDecision.KEPT_TEMPLATE)])
        )

    def drop_orphan(self, label: str) -> Command:
        """Knowingly leave a previous value behind (recorded so the journal can say so).

        An orphan, or a value an open map would take; where the template holds an empty
        value (``null``, ``[]``) the decision is to keep the template's.
        """
        return self._run(Command(f"drop {label}", [], [self._drop(label)]))

    def drop_undecided(self, labels: Sequence[str]) -> Command:
        """Drop every one of ``labels`` (each undecided) as one step: the typed "drop all"."""
        undecided = {row.label for row in self.undecided()}
        stray = [label for label in labels if label not in undecided]
        if stray or not labels:
            raise ValueEditRefused(f"{stray[0] if stray else 'nothing'} is not undecided")
        return self._run(Command(f"drop {len(labels)} undecided", [], [*map(self._drop, labels)]))

    def _drop(self, label: str) -> DecisionChange:
        row = self.row(label)
        before = self.decisions.get(label)
        if row.presence == Presence.PREV_ONLY:
            return (label, before, MergeDecision.DROPPED_ORPHAN)
        if row.status == RowStatus.OPEN_MAP:
            return (label, before, MergeDecision.KEPT_TEMPLATE)
        raise ValueEditRefused(f"{label} is not an orphan")

    def carry_orphan(self, label: str) -> Command:
        """Insert an orphan (and any missing parents) where it belongs in the new file."""
        row = self.row(label)
        if row.status == RowStatus.OPEN_MAP and row.presence == Presence.BOTH:
            return self.port(label)  # the template's empty value takes the previous one
        if row.presence != Presence.PREV_ONLY or row.prev_path is None:
            raise ValueEditRefused(f"{label} is not an orphan")
        edits = self._insert_edits(row)
        decisions: list[DecisionChange] = []
        if label in self.decisions:
            decisions.append((label, self.decisions[label], None))
        return self._run(Command(f"carry {label}", edits, decisions))

    def auto_fill_preview(self) -> list[AutoFillItem]:
        """Placeholders whose key has a value in the previous file, then the previous values
        an open map of the template takes (nothing is changed)."""
        out = []
        for row in self._fillable():
            out.append(
                AutoFillItem(row.label, row.prev_shown(self.pattern), row.new_shown(self.pattern))
            )
        for row in self.carryable():
            shown = row.new_shown(self.pattern) if row.new_path is not None else OPEN_MAP_SHOWN
            out.append(AutoFillItem(row.label, row.prev_shown(self.pattern), shown, carried=True))
        return out

    def auto_fill(self, known: Sequence[Edit] = ()) -> Command:
        """Port every fillable placeholder, carry every open-map value, then ``known`` edits
        (values_known), as one step."""
        edits = []
        for row in self._fillable():
            assert row.prev_path is not None and row.new_path is not None
            prev = get_node(self.previous.data, row.prev_path)
            edits.append(self._replace(row.new_path, prev, get_node(self.working, row.new_path)))
        scheduled: dict[KeyPath, list[Any]] = {}  # keys inserted so far, by parent path
        for row in self.carryable():
            assert row.prev_path is not None
            if row.new_path is None:
                edits += self._insert_edits(row, scheduled)
            else:
                prev = get_node(self.previous.data, row.prev_path)
                target = get_node(self.working, row.new_path)
                edits.append(self._replace(row.new_path, prev, target))
        edits += known
        return self._run(Command(f"auto-fill {len(edits)} values", edits))

    def carryable(self) -> list[Row]:
        """Outermost previous values an open map (or a null/[] value) of the template takes,
        except those the operator chose to leave behind."""
        return [
            r
            for r in self.rows
            if r.status == RowStatus.OPEN_MAP
            and r.topmost
            and r.prev_path is not None
            and r.label not in self.decisions
        ]

    def set_image_tag(self, dotted_key: str, build: str) -> Command | None:
        """Set the image tag (playbook key, dotted) to ``build``, keeping its quotes.

        Returns None when the tag already reads ``build``.
        """
        path: KeyPath = tuple(dotted_key.split("."))
        if not has_node(self.working, path):
            raise ValueEditRefused(f"the new file has no {dotted_key} to set")
        target = get_node(self.working, path)
        value = styled_for_target(build, target)
        if same_node(target, value):
            return None
        edit = Edit(path, copy.deepcopy(target), value, -1)
        return self._run(Command(f"image tag {build}", [edit]))

    def undo(self) -> Command | None:
        """Revert the last command; None when there is nothing to undo."""
        if not self._undo:
            return None
        command = self._undo.pop()
        for edit in reversed(command.edits):
            self._put(edit.path, edit.before, edit.index)
        for label, before, _ in command.decisions:
            self._decide(label, before)
        self._redo.append(command)
        self._refresh(command)
        return command

    def redo(self) -> Command | None:
        """Re-apply the last undone command."""
        if not self._redo:
            return None
        command = self._redo.pop()
        self._apply(command)
        self._undo.append(command)
        return command

    # -- internals -----------------------------------------------------------
    def _fillable(self) -> list[Row]:
        return [
            r
            for r in self.rows
            if r.status == RowStatus.PLACEHOLDER
            and r.presence == Presence.BOTH
            and not r.container
            and r.prev_path is not None
            and not self._has_placeholder(get_node(self.previous.data, r.prev_path))
        ]

    def _has_placeholder(self, node: Any) -> bool:
        return isinstance(node, str) and self.pattern.search(node) is not None

    def _replace(self, path: KeyPath, prev: Any, target: Any) -> Edit:
        return Edit(path, copy.deepcopy(target), styled_for_target(prev, target), -1)

    def _merge_edits(self, prev: Any, new: Any, new_path: KeyPath, edits: list[Edit]) -> None:
        same_shape = type(prev) is type(new) and isinstance(new, CommentedMap | CommentedSeq)
        if not same_shape or not aligned_children(prev, new):
            edits.append(self._replace(new_path, prev, new))
            return
        for _, pkey, nkey in aligned_children(prev, new):
            if pkey is None:
                continue
            if nkey is None:
                position = insert_position(prev, new, pkey)
                edits.append(Edit((*new_path, pkey), MISSING, copy.deepcopy(prev[pkey]), position))
            else:
                self._merge_edits(prev[pkey], new[nkey], (*new_path, nkey), edits)

    def _insert_edits(
        self, row: Row, scheduled: dict[KeyPath, list[Any]] | None = None
    ) -> list[Edit]:
        """The edit that puts a previous-only row (with its outermost previous-only ancestor,
        when it has one) into the working tree, under its parent's place there.

        Paths go through the parent row: an item of a list matched by name may sit at
        another index in the template than in the previous file.
        """
        index = self._index[row.label]
        while self.rows[index].depth > 0 and not self.rows[index].topmost:
            index = self._parent_index(index)
        row = self.rows[index]
        assert row.prev_path is not None
        parent_new_path: KeyPath | None = ()
        if row.depth > 0:
            parent_new_path = self.rows[self._parent_index(index)].new_path
        if parent_new_path is None:
            raise ValueEditRefused(f"{row.label}: its parent is not in the new file")
        parent_prev = get_node(self.previous.data, row.prev_path[:-1])
        parent_new = get_node(self.working, parent_new_path)
        key = row.prev_path[-1]
        value = copy.deepcopy(parent_prev[key])
        earlier = scheduled.setdefault(parent_new_path, []) if scheduled is not None else []
        position = insert_position(parent_prev, parent_new, key, earlier)
        slot = key if isinstance(parent_new, CommentedMap) else len(parent_new) + len(earlier)
        earlier.append(key)
        return [Edit((*parent_new_path, slot), MISSING, value, position)]

    def _parent_index(self, index: int) -> int:
        depth = self.rows[index].depth
        while self.rows[index].depth >= depth:
            index -= 1
        return index

    def _run(self, command: Command) -> Command:
        command.edits = [e for e in command.edits if not same_node(e.before, e.after)]
        if not command.edits and not command.decisions:
            raise ValueEditRefused(f"{command.title}: nothing to change")
        command.decisions += self._kept_undone_by(command)
        if self._saved is None:
            self.mark_saved()  # nothing changed since the load: the load is the saved state
        self._apply(command)
        self._undo.append(command)
        self._redo.clear()
        return command

    def _apply(self, command: Command) -> None:
        for edit in command.edits:
            self._put(edit.path, edit.after, edit.index)
        for label, _, after in command.decisions:
            self._decide(label, after)
        self._refresh(command)

    def _kept_undone_by(self, command: Command) -> list[tuple[str, MergeDecision | None, None]]:
        """A row changed by this command is no longer "kept as the template has it"."""
        out: list[tuple[str, MergeDecision | None, None]] = []
        decided = {label for label, _, _ in command.decisions}
        for label in self.kept_template():
            path = self.row(label).new_path if label in self._index else None
            if label in decided or path is None:
                continue
            if any(_overlaps(e.path, path) for e in command.edits):
                out.append((label, MergeDecision.KEPT_TEMPLATE, None))
        return out

    def _decide(self, label: str, decision: MergeDecision | None) -> None:
        if decision is None:
            self.decisions.pop(label, None)
        else:
            self.decisions[label] = decision

    # -- the working tree and its rows ----------------------------------------
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

    def _refresh(self, command: Command) -> None:
        """Re-align and re-classify only the rows under the edited paths."""
        through_alias = any(self.anchors.sharing(e.path) for e in command.edits)
        if self._has_anchors and command.edits:
            self.anchors = AnchorIndex.build(self.working)
        parents = set()
        for edit in command.edits:
            replaced = edit.before is not MISSING and edit.after is not MISSING
            parents.add(edit.path if replaced and edit.path in self._at_path else edit.path[:-1])
        if not parents:
            return
        if through_alias or any(len(p) == 0 for p in parents) or len(parents) > 64:
            self._realign_all()
            return
        for parent in sorted(parents, key=len):
            if any(parent[: len(q)] == q for q in parents if len(q) < len(parent)):
                continue
            self._realign(parent)

    def _aligner(self) -> Aligner:
        return Aligner(self.pattern, self.open_maps)

    def _realign_all(self) -> None:
        self.rows = self._aligner().run(self.previous.data, self.working)
        self._reindex()

    def _realign(self, new_path: KeyPath) -> None:
        start = self._at_path.get(new_path)
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
        into_open = any(new_path[:depth] in self.open_maps for depth in range(1, len(new_path)))
        prev: Any = MISSING
        if row.prev_path is not None:
            prev = get_node(self.previous.data, row.prev_path)
        new = get_node(self.working, new_path)
        fresh = self._aligner().subtree(row, prev, new, parent_presence, into_open)
        stale = self.rows[start:end]
        self.rows[start:end] = fresh
        self._refresh_ancestors(start)
        if len(fresh) == len(stale):  # the rows after them did not move
            self._reindex_rows(start, stale, fresh)
        else:
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
        self._at_path = {}
        for i, row in enumerate(self.rows):
            if row.new_path is not None:
                self._at_path.setdefault(row.new_path, i)

    def _reindex_rows(self, start: int, stale: list[Row], fresh: list[Row]) -> None:
        """``stale`` rows at ``start`` were replaced by as many ``fresh`` ones: only theirs
        change in the indexes (a port costs its subtree, not the file)."""
        for row in stale:
            self._index.pop(row.label, None)
            if row.new_path is not None and self._at_path.get(row.new_path) in range(
                start, start + len(stale)
            ):
                del self._at_path[row.new_path]
        for i, row in enumerate(fresh, start):
            self._index[row.label] = i
            if row.new_path is not None:
                self._at_path.setdefault(row.new_path, i)


def _overlaps(a: KeyPath, b: KeyPath) -> bool:
    """One path is the other or lies under it."""
    return a[: len(b)] == b or b[: len(a)] == a
