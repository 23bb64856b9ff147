"""Which children of a previous and a new values node pair up, and in which order.

Template order; a key only the previous file has is placed right after its previous
sibling (as it sat in the previous file). Lists of mappings are matched by their
items' ``name`` key when every item of each side has one and the names are unique,
else by position. A side that is absent or empty does not decide: a named list is
labelled ``[name=…]`` whether or not the other file has it, so that values-check and
values-merge label the same item the same way. Segments are escaped for display.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tui.core.printable import printable
from tui.core.values.doc import KeySegment, dotted


def aligned_children(prev: Any, new: Any) -> list[tuple[str, KeySegment | None, KeySegment | None]]:
    """(display segment, previous key, new key) for each child, in merged order."""
    if isinstance(prev, CommentedMap) or isinstance(new, CommentedMap):
        pkeys = list(prev.keys()) if isinstance(prev, CommentedMap) else []
        nkeys = list(new.keys()) if isinstance(new, CommentedMap) else []
        order = merged_order(pkeys, nkeys)
        pset, nset = set(pkeys), set(nkeys)
        return [
            (printable(dotted((k,))), k if k in pset else None, k if k in nset else None)
            for k in order
        ]
    pitems = list(prev) if isinstance(prev, CommentedSeq) else []
    nitems = list(new) if isinstance(new, CommentedSeq) else []
    if (pitems or nitems) and _named_or_empty(pitems) and _named_or_empty(nitems):
        pnames = [str(i["name"]) for i in pitems]
        nnames = [str(i["name"]) for i in nitems]
        order = merged_order(pnames, nnames)
        pidx = {name: i for i, name in enumerate(pnames)}
        nidx = {name: i for i, name in enumerate(nnames)}
        return [(f"[name={printable(name)}]", pidx.get(name), nidx.get(name)) for name in order]
    count = max(len(pitems), len(nitems))
    return [
        (f"[{i}]", i if i < len(pitems) else None, i if i < len(nitems) else None)
        for i in range(count)
    ]


def merged_order(prev_keys: list[Any], new_keys: list[Any]) -> list[Any]:
    """Template order; each previous-only key right after its previous sibling."""
    order = list(new_keys)
    present = set(new_keys)
    for i, key in enumerate(prev_keys):
        if key in present:
            continue
        if i == 0:
            order.insert(0, key)
        else:
            order.insert(order.index(prev_keys[i - 1]) + 1, key)
        present.add(key)
    return order


def _named_or_empty(items: list[Any]) -> bool:
    names = [i.get("name") for i in items if isinstance(i, CommentedMap)]
    return not items or (
        len(names) == len(items)
        and all(isinstance(n, str | int) and not isinstance(n, bool) for n in names)
        and len(set(map(str, names))) == len(names)
    )
