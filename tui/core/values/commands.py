"""The command objects of a values merge (undo/redo units) and tree-editing helpers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tui.core.records import FrozenRecord
from tui.core.values.doc import KeyPath
from tui.core.values.pairing import merged_order


class MergeDecision(StrEnum):
    """What the operator decided about a row (journaled)."""

    KEPT_TEMPLATE = "kept-template"
    DROPPED_ORPHAN = "dropped-orphan"


# (row label, decision before, decision after): one undoable change of a decision
DecisionChange = tuple[str, MergeDecision | None, MergeDecision | None]


class Edit(FrozenRecord):
    """Put ``after`` at ``path`` in the working tree (``MISSING``: absent); ``index``: inserts."""

    path: KeyPath
    before: Any
    after: Any
    index: int


@dataclass
class Command:
    """One undoable step as the operator named it."""

    title: str
    edits: list[Edit] = field(default_factory=list)
    decisions: list[DecisionChange] = field(default_factory=list)


class AutoFillItem(FrozenRecord):
    """One value auto-fill would change (values as the screen may show them): a placeholder
    given its previous value, or a previous value carried into an open map (``carried``)."""

    label: str
    previous_shown: str
    template_shown: str
    carried: bool = False


def same_node(a: Any, b: Any) -> bool:
    """Same value written the same way (a change of quotes is a change)."""
    if isinstance(a, CommentedMap | CommentedSeq) or isinstance(b, CommentedMap | CommentedSeq):
        return False
    return type(a) is type(b) and a == b


def holds(parent: Any, key: Any) -> bool:
    if isinstance(parent, CommentedMap):
        return key in parent
    return isinstance(key, int) and 0 <= key < len(parent)


def insert_position(
    parent_prev: Any, parent_new: Any, key: Any, scheduled: Collection[Any] = ()
) -> int:
    """Where ``key`` goes in ``parent_new``: right after its previous sibling, else first.

    ``scheduled``: keys the same command inserts into ``parent_new`` before this one, so
    that several carried keys keep the previous file's order.
    """
    if isinstance(parent_new, CommentedSeq):
        return len(parent_new) + len(scheduled)
    order = merged_order(list(parent_prev.keys()), list(parent_new.keys()))
    present = set(parent_new.keys()) | set(scheduled)
    position = 0
    for k in order:
        if k == key:
            return position
        if k in present:
            position += 1
    return position
