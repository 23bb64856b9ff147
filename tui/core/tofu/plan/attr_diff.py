"""Before/after attribute diff of one plan change, safe to show on screen.

Sensitive leaves (``before_sensitive``/``after_sensitive`` trees) are never
rendered: they read ``(sensitive value)``. Unknown leaves (``after_unknown``)
read ``(known after apply)``. Computed on demand, one change at a time. Values
nested deeper than ``MAX_DEPTH`` are one leaf (a hostile plan cannot exhaust the
stack); a multi-line string that changed also gets a line-by-line diff.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from tui.core.printable import printable
from tui.core.tofu.plan.model import ChangeValues, ResourceChange, marks_anything
from tui.core.tofu.plan.vocabulary import render_path

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SENSITIVE = "(sensitive value)"
UNKNOWN = "(known after apply)"
ROOT = "(value)"  # path shown when the whole value is one leaf (e.g. an output)
MAX_DEPTH = 48  # deeper values are one leaf; real provider schemas nest a dozen levels
TOO_DEEP = f"(nested deeper than {MAX_DEPTH} levels: not shown)"


class _Absent:
    """A side where the attribute does not exist (create, delete, new or dropped key)."""


ABSENT = _Absent()


class AttrStatus(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class AttrChange:
    """One attribute leaf: rendered sides (None = absent), never a secret in clear."""

    path: str
    before: str | None
    after: str | None
    status: AttrStatus
    sensitive: bool = False
    unknown: bool = False
    forces_replacement: bool = False
    # A changed multi-line string: its unified line diff (``-``/``+``/`` `` prefixed, escaped).
    text_lines: tuple[str, ...] = ()


def diff_resource(change: ResourceChange, include_unchanged: bool = False) -> list[AttrChange]:
    """Attribute diff of a resource change, marking the paths that force replacement."""
    return diff_values(change.values, include_unchanged, change.replace_paths)


def diff_values(
    values: ChangeValues,
    include_unchanged: bool = False,
    replace_paths: tuple[str, ...] = (),
) -> list[AttrChange]:
    """Diff ``before`` and ``after`` leaf by leaf, in path order."""
    before = values.before
    after = values.after
    out: list[AttrChange] = []
    _walk(
        [],
        ABSENT if before is None else before,
        ABSENT if after is None else after,
        _Marks(values.before_sensitive, values.after_sensitive, values.after_unknown),
        out,
    )
    forcing = set(replace_paths)
    result = []
    for item in out:
        if item.status is AttrStatus.UNCHANGED and not include_unchanged:
            continue
        if forcing and _forces(item.path, forcing):
            item = AttrChange(
                item.path,
                item.before,
                item.after,
                item.status,
                item.sensitive,
                item.unknown,
                True,
                item.text_lines,
            )
        result.append(item)
    return result


def changed_attributes(change: ResourceChange) -> tuple[str, ...]:
    """The top-level attribute names a change alters (what an operator names to confirm it)."""
    names: list[str] = []
    for item in diff_resource(change):
        head = item.path.split(".", 1)[0].split("[", 1)[0] or item.path
        if head != ROOT and head not in names:
            names.append(head)
    return tuple(sorted(names))


def text_diff(before: str, after: str) -> tuple[str, ...]:
    """Line-by-line diff of two multi-line texts (unified, no headers, lines escaped)."""
    import difflib  # only for multi-line texts: not on the start-up path of plan-review

    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=2)
    return tuple(printable(line) for line in lines if not line.startswith(("---", "+++")))


@dataclass(frozen=True, slots=True)
class _Marks:
    before_sensitive: Any
    after_sensitive: Any
    after_unknown: Any

    def child(self, step: str | int) -> _Marks:
        return _Marks(
            _sub(self.before_sensitive, step),
            _sub(self.after_sensitive, step),
            _sub(self.after_unknown, step),
        )

    @property
    def leaf(self) -> bool:
        return (
            self.before_sensitive is True
            or self.after_sensitive is True
            or self.after_unknown is True
        )


def _sub(tree: Any, step: str | int) -> Any:
    if isinstance(tree, dict):
        return tree.get(step, False) if isinstance(step, str) else _any_true(tree)
    if isinstance(tree, list):
        if isinstance(step, int):
            return tree[step] if step < len(tree) else False
        return _any_true(tree)
    return False


def _any_true(tree: Any) -> bool:
    """A mark tree whose shape does not fit the value: mask if it marks anything."""
    return marks_anything(tree)


def _forces(path: str, forcing: set[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[")) for p in forcing)


def _walk(
    steps: list[str | int], before: Any, after: Any, marks: _Marks, out: list[AttrChange]
) -> None:
    if len(steps) >= MAX_DEPTH:
        out.append(_too_deep(steps, before, after, marks))
        return
    if not marks.leaf:
        if _container(before, after, dict):
            keys = set(_keys(before)) | set(_keys(after)) | set(_keys(marks.after_unknown))
            for key in sorted(keys):
                _walk(
                    [*steps, key],
                    _item(before, key),
                    _item(after, key),
                    marks.child(key),
                    out,
                )
            return
        if _container(before, after, list):
            size = max(_len(before), _len(after), _len(marks.after_unknown))
            for index in range(size):
                _walk(
                    [*steps, index],
                    _item(before, index),
                    _item(after, index),
                    marks.child(index),
                    out,
                )
            return
    out.append(_leaf(steps, before, after, marks))


def _too_deep(steps: list[str | int], before: Any, after: Any, marks: _Marks) -> AttrChange:
    """A subtree below MAX_DEPTH: shown as present or absent, never walked or printed."""
    before_text = None if before is ABSENT or before is None else TOO_DEEP
    after_text = None if after is ABSENT or after is None else TOO_DEEP
    same = before_text == after_text and _shallow_equal(before, after)
    status = AttrStatus.UNCHANGED if same else AttrStatus.CHANGED
    if before_text is None and after_text is not None:
        status = AttrStatus.ADDED
    elif after_text is None and before_text is not None:
        status = AttrStatus.REMOVED
    return AttrChange(render_path(steps), before_text, after_text, status, marks.leaf)


def _shallow_equal(before: Any, after: Any) -> bool:
    try:
        return bool(before == after)
    except RecursionError:
        return False


def _leaf(steps: list[str | int], before: Any, after: Any, marks: _Marks) -> AttrChange:
    unknown = marks.after_unknown is True
    if unknown:
        after_text: str | None = SENSITIVE if marks.after_sensitive is True else UNKNOWN
    else:
        after_text = _render(after, marks.after_sensitive)
    before_text = _render(before, marks.before_sensitive)
    if before_text is None and after_text is None:
        status = AttrStatus.UNCHANGED
    elif before_text is None:
        status = AttrStatus.ADDED
    elif after_text is None:
        status = AttrStatus.REMOVED
    elif unknown or before != after or before_text != after_text:
        status = AttrStatus.CHANGED
    else:
        status = AttrStatus.UNCHANGED
    sensitive = marks.before_sensitive is True or marks.after_sensitive is True
    lines: tuple[str, ...] = ()
    multi_line = isinstance(before, str) and isinstance(after, str) and "\n" in before + after
    if multi_line and status is AttrStatus.CHANGED and not sensitive and not unknown:
        lines = text_diff(before, after)
    return AttrChange(
        render_path(steps) or ROOT,
        before_text,
        after_text,
        status,
        sensitive,
        unknown,
        False,
        lines,
    )


def _render(value: Any, sensitive: Any) -> str | None:
    # A null attribute is shown as absent: plans list every schema attribute, mostly null.
    if value is ABSENT or value is None:
        return None
    if sensitive is True:
        return SENSITIVE
    if _deeper_than(value, MAX_DEPTH):
        return TOO_DEEP
    try:
        return printable(json.dumps(_mask(value, sensitive), ensure_ascii=False, sort_keys=True))
    except (RecursionError, ValueError):
        return TOO_DEEP


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether a value nests more than ``limit`` levels (iterative: no recursion to exhaust)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False


def _mask(value: Any, sensitive: Any) -> Any:
    """``value`` with every subtree its sensitivity tree marks replaced by the mask."""
    if sensitive is True:
        return SENSITIVE
    if isinstance(value, dict) and isinstance(sensitive, dict):
        return {k: _mask(v, sensitive.get(k, False)) for k, v in value.items()}
    if isinstance(value, list) and isinstance(sensitive, list):
        return [
            _mask(v, sensitive[i] if i < len(sensitive) else False) for i, v in enumerate(value)
        ]
    return value


def _container(before: Any, after: Any, kind: type) -> bool:
    sides = [side for side in (before, after) if side is not ABSENT and side is not None]
    return bool(sides) and all(isinstance(side, kind) for side in sides)


def _keys(value: Any) -> list[str]:
    return list(value) if isinstance(value, dict) else []


def _len(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def _item(value: Any, step: str | int) -> Any:
    if isinstance(value, dict) and isinstance(step, str):
        return value.get(step, ABSENT)
    if isinstance(value, list) and isinstance(step, int) and step < len(value):
        return value[step]
    return ABSENT
