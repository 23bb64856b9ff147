"""Write the merged tree back as text, touching only the lines that changed.

Two ways, tried in order; the caller verifies the result by parsing it:

* **in place**: every change is one scalar replaced by another; the old scalar's text
  on its line is swapped for the new one (quotes, comments, spacing around it kept);
* **splice**: ruamel dumps the template as loaded (D0) and as merged (D1); lines where
  D0 and D1 agree are taken from the template's own text, the others from D1.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tui.core.records import FrozenRecord
from tui.core.secrets.mask import MASK, path_is_secret, value_can_be_secret
from tui.core.values.alignment import MISSING
from tui.core.values.doc import KeyPath, ValuesDoc, dump_text, get_node, value_position
from tui.core.values.scalars import render_scalar

# A tuple, not ``CommentedMap | CommentedSeq``: the union is built anew at each call.
_CONTAINERS = (CommentedMap, CommentedSeq)

_NOT_TEXT = (":null", ":bool", ":int", ":float")  # resolved tags of non-text scalars
_PLAIN_END_BLOCK = re.compile(r"\s+#|\s*$")
_PLAIN_END_FLOW = re.compile(r"\s*(?:[,\]}]|\s#|$)")


class ScalarChange(FrozenRecord):
    """One value replaced in place: a scalar by a scalar, or an empty value (``{}``,
    ``[]``, ``null``, ``""``) written on its key's line by whatever now fills it."""

    path: KeyPath
    before: Any
    after: Any
    fill: bool = False  # the empty value's line is rewritten, the filling written below it
    insert: bool = False  # a key new to a block mapping: its lines go after its previous sibling

    @property
    def adds_lines(self) -> bool:
        return self.fill or self.insert


def net_changes(
    working: Any, touched: dict[KeyPath, Any], open_maps: frozenset[KeyPath] = frozenset()
) -> list[ScalarChange] | None:
    """Changes since load that can be written in place, or None when keys or containers
    were added or removed elsewhere than into an empty value of the template or a block
    mapping of it.

    ``open_maps``: the template's empty maps (keys carried into them fill them).
    """
    out: list[ScalarChange] = []
    filled: set[KeyPath] = set()
    inserted: list[KeyPath] = []
    containers = (CommentedMap, CommentedSeq)
    for path, before in touched.items():
        try:
            after = get_node(working, path)
        except KeyError:
            after = MISSING
        if before is MISSING and after is MISSING:
            continue
        if before is MISSING and path[:-1] in open_maps:
            filled.add(path[:-1])  # a key carried into an open map: the map is rewritten
            continue
        if before is MISSING and _block_map(get_node(working, path[:-1])):
            inserted.append(path)  # a carried orphan: its lines are added, nothing else moves
            continue
        if before is MISSING or after is MISSING:
            return None
        if _empty(before) and isinstance(after, containers):
            filled.add(path)
            continue
        if isinstance(before, containers) or isinstance(after, containers):
            return None
        if type(before) is type(after) and before == after:
            continue
        out.append(ScalarChange(path, before, after))
    added = filled | set(inserted)
    for change in out:
        if any(_under(change.path, path) for path in added):
            return None  # a value changed inside added lines: their positions are not the text's
    for path in added:
        if any(_under(path, other) for other in added if other != path):
            return None  # nested fills: leave it to the splice
    for path in filled:
        out.append(ScalarChange(path, None, get_node(working, path), fill=True))
    for path in inserted:
        out.append(ScalarChange(path, MISSING, get_node(working, path), insert=True))
    return out


def _under(path: KeyPath, other: KeyPath) -> bool:
    """``path`` is ``other`` or lies below it."""
    return path[: len(other)] == other


def _block_map(node: Any) -> bool:
    return isinstance(node, CommentedMap) and bool(node) and not node.fa.flow_style()


def _empty(node: Any) -> bool:
    if node is None or (isinstance(node, str) and node == ""):
        return True
    return isinstance(node, CommentedMap | CommentedSeq) and not node


# `key: {}  # comment` — an empty value alone on its key's line (key plain or quoted).
_EMPTY_ON_LINE = re.compile(
    r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}\[\]][^#]*?)"""
    r"""[ \t]*:(?P<gap>[ \t]*)(?:\{\}|\[\]|null|Null|NULL|~|""|'')?"""
    r"""(?P<comment>[ \t]*#.*)?$"""
)


def render_in_place(
    text: str, working: Any, changes: list[ScalarChange], dumper: YAML | None = None
) -> str | None:
    """The template text with each change made on its own line(s); None if unsure.

    A scalar is swapped where it stands. A fill (needs ``dumper``, the file's own
    indentation) rewrites ``key: {}`` as ``key:`` and writes the new block below it.
    """
    lines = text.splitlines(keepends=True)
    # (line, column, end, new lines): a column of INSERT puts the lines before that line.
    edits: list[tuple[int, int, int, list[str]]] = []
    for change in changes:
        parent = get_node(working, change.path[:-1])
        if change.insert:
            insert = _insert_edit(lines, working, change, dumper)
            if insert is None:
                return None
            edits.append(insert)
            continue
        if change.fill:
            edit = _fill_edit(lines, parent, change, dumper)
            if edit is None:
                return None
            edits.append(edit)
            continue
        pos = value_position(parent, change.path[-1])
        new_text = render_scalar(change.after)
        if pos is None or new_text is None or pos[0] >= len(lines):
            return None
        line, col = pos
        end = _scalar_end(lines[line], col, bool(parent.fa.flow_style()))
        if end is None:
            return None
        edits.append((line, col, end, [new_text]))
    # Bottom up and right to left: earlier positions stay valid as lines are replaced. Keys
    # inserted before the same line go in last-first, so they end up in the tree's order.
    order = sorted(range(len(edits)), key=lambda i: (edits[i][0], edits[i][1], i), reverse=True)
    for line, col, end, new in (edits[i] for i in order):
        if col == INSERT:
            lines[line:line] = new
            continue
        current = lines[line]
        if len(new) == 1:
            lines[line] = current[:col] + new[0] + current[end:]
        else:
            lines[line : line + 1] = new
    return "".join(lines)


INSERT = -1


def _insert_edit(
    lines: list[str], working: Any, change: ScalarChange, dumper: YAML | None
) -> tuple[int, int, int, list[str]] | None:
    """The lines of a key carried into a block mapping, right after its previous sibling's
    block (and its deeper comments), before the comments that introduce the next key."""
    parent_path, key = change.path[:-1], change.path[-1]
    parent = get_node(working, parent_path)
    if dumper is None:
        return None
    keys = list(parent.keys())
    placed = {k: pos for k in keys if (pos := _key_position(parent, k)) is not None}
    earlier = [placed[k] for k in keys[: keys.index(key)] if k in placed]
    if not earlier or len({column for _, column in placed.values()}) != 1:
        return None  # first in its map, or keys not in one column: leave it to the splice
    column = earlier[0][1]
    following = next((placed[k][0] for k in keys[keys.index(key) + 1 :] if k in placed), None)
    anchor = following if following is not None else _block_end(working, parent_path, len(lines))
    line = _before_comments(lines, anchor, column, max(line for line, _ in earlier) + 1)
    ending = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    dumped = dump_text(dumper, {key: change.after}).splitlines()
    return line, INSERT, 0, [f"{' ' * column}{text}{ending}" if text else ending for text in dumped]


def _key_position(node: CommentedMap, key: Any) -> tuple[int, int] | None:
    try:
        line, column = node.lc.key(key)
        return int(line), int(column)
    except (KeyError, TypeError, AttributeError):
        return None


def _block_end(working: Any, path: KeyPath, line_count: int) -> int:
    """The line of the first node after the block at ``path`` (the text's end if none)."""
    for depth in range(len(path), 0, -1):
        container, child = get_node(working, path[: depth - 1]), path[depth - 1]
        if isinstance(container, CommentedMap):
            later = list(container.keys())
            positions = [_key_position(container, k) for k in later[later.index(child) + 1 :]]
        else:
            positions = [
                _item_position(container, i) for i in range(int(child) + 1, len(container))
            ]
        found = next((pos for pos in positions if pos is not None), None)
        if found is not None:
            return found[0]
    return line_count


def _item_position(node: CommentedSeq, index: int) -> tuple[int, int] | None:
    try:
        line, column = node.lc.item(index)
        return int(line), int(column)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def _before_comments(lines: list[str], line: int, column: int, floor: int) -> int:
    """Up from ``line`` over blank lines and comments at most ``column`` deep (they belong
    to what follows), never above ``floor``."""
    while line - 1 >= floor:
        text = lines[line - 1]
        stripped = text.strip()
        if stripped and not (stripped.startswith("#") and len(text) - len(text.lstrip()) <= column):
            break
        line -= 1
    return line


def _fill_edit(
    lines: list[str], parent: Any, change: ScalarChange, dumper: YAML | None
) -> tuple[int, int, int, list[str]] | None:
    """Replace the line ``key: {}`` by ``key:`` and the new value's block, or None."""
    key = change.path[-1]
    if dumper is None or not isinstance(parent, CommentedMap) or parent.fa.flow_style():
        return None
    try:
        line, col = (int(n) for n in parent.lc.key(key))
    except (KeyError, TypeError, AttributeError):
        return None
    if line >= len(lines):
        return None
    body = lines[line].rstrip("\r\n")
    ending = lines[line][len(body) :] or "\n"
    match = _EMPTY_ON_LINE.fullmatch(body, col)
    if match is None or body[:col].strip():
        return None
    dumped = dump_text(dumper, {"k": change.after}).splitlines()
    if not dumped or not dumped[0].startswith("k:"):
        return None
    rest = dumped[0][2:]
    comment = match.group("comment") or ""
    first = f"{body[: match.end('key')]}:{rest}{comment}{ending}"
    indent = " " * col
    block = [f"{indent}{extra}{ending}" if extra else ending for extra in dumped[1:]]
    return line, 0, len(lines[line]), [first, *block]


def _scalar_end(line: str, col: int, flow: bool) -> int | None:
    """Column just after the scalar starting at ``col`` on ``line``; None for multi-line forms."""
    body = line.rstrip("\r\n")
    if col >= len(body):
        return None
    first = body[col]
    if first == '"':
        i = col + 1
        while i < len(body):
            if body[i] == "\\":
                i += 2
                continue
            if body[i] == '"':
                return i + 1
            i += 1
        return None
    if first == "'":
        i = col + 1
        while i < len(body):
            if body[i] == "'":
                if i + 1 < len(body) and body[i + 1] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return None
    if first in "|>&!*[{":
        return None
    match = (_PLAIN_END_FLOW if flow else _PLAIN_END_BLOCK).search(body, col)
    return match.start() if match else None


class TemplateLayout(FrozenRecord):
    """What a splice needs of the untouched template; depends on the template alone."""

    dump: list[str]  # ruamel's dump of the pristine template, as lines
    to_orig: Sequence[tuple[str, int, int, int, int]]  # opcodes: dump -> the template's text
    secret_lines: dict[int, int]


def template_layout(template: ValuesDoc, pristine: Any, pattern: re.Pattern[str]) -> TemplateLayout:
    """Dump the pristine template once and map it onto the template's own lines."""
    original = template.text.splitlines(keepends=True)
    d0 = dump_text(template.yaml(), pristine).splitlines(keepends=True)
    to_orig = difflib.SequenceMatcher(None, d0, original).get_opcodes()
    return TemplateLayout(d0, to_orig, secret_value_lines(pristine, pattern))


def render_spliced(template: ValuesDoc, layout: TemplateLayout, working: Any) -> str:
    """Template lines where the merged dump agrees with the template's dump, else dump lines."""
    original = template.text.splitlines(keepends=True)
    d0, to_orig = layout.dump, layout.to_orig
    d1 = dump_text(template.yaml(), working).splitlines(keepends=True)
    to_new = difflib.SequenceMatcher(None, d0, d1).get_opcodes()
    out: list[str] = []
    emitted_inserts: set[int] = set()
    for tag, i1, i2, j1, j2 in to_new:
        if tag != "equal":
            out.extend(_orig_inserts_at(to_orig, original, i1, i1, emitted_inserts))
            out.extend(d1[j1:j2])
            continue
        for k, (otag, a1, a2, o1, o2) in enumerate(to_orig):
            if a1 == a2:  # lines only the template has (a comment ruamel moved, a marker)
                if i1 <= a1 <= i2 and k not in emitted_inserts:
                    emitted_inserts.add(k)
                    out.extend(original[o1:o2])
                continue
            x, y = max(a1, i1), min(a2, i2)
            if x >= y:
                continue
            if otag == "equal":
                out.extend(original[o1 + (x - a1) : o1 + (y - a1)])
            elif x == a1 and y == a2:
                out.extend(original[o1:o2])
            else:
                out.extend(d1[j1 + (x - i1) : j1 + (y - i1)])
    return "".join(out)


def _orig_inserts_at(
    ops: Sequence[tuple[str, int, int, int, int]],
    original: list[str],
    lo: int,
    hi: int,
    done: set[int],
) -> Iterator[str]:
    for k, (_, a1, a2, o1, o2) in enumerate(ops):
        if a1 == a2 and lo <= a1 <= hi and k not in done:
            done.add(k)
            yield from original[o1:o2]


def secret_value_lines(
    data: Any,
    pattern: re.Pattern[str],
    originals: dict[KeyPath, Any] | None = None,
    skip: Collection[KeyPath] = (),
) -> dict[int, int]:
    """{0-based line: column} where a secret value starts in the text ``data`` was read from.

    Empty values and values that are only a placeholder are not secret. ``originals``
    gives, by key path, the value the text held before in-place edits; ``skip``: paths
    whose nodes the text does not hold (values carried in since it was read).
    """
    found: dict[int, int] = {}
    stack: list[tuple[Any, KeyPath]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if path in skip:
            continue
        items: list[tuple[Any, Any]] = []
        if isinstance(node, CommentedMap):
            items = list(node.items())
        elif isinstance(node, CommentedSeq):
            items = list(enumerate(node))
        for key, child in items:
            child_path = (*path, key)
            if isinstance(child, _CONTAINERS):
                stack.append((child, child_path))
                continue
            if not path_is_secret(k for k in child_path if isinstance(k, str)):
                continue
            shown_value = originals.get(child_path, child) if originals else child
            if not value_can_be_secret(shown_value) or not pattern.sub("", shown_value).strip():
                continue  # a boolean, number or null is never secret; nor is a bare placeholder
            pos = value_position(node, key)
            if pos is not None:
                found[pos[0]] = pos[1]
    return found


def read_plain_and_secrets(text: str, pattern: re.Pattern[str]) -> tuple[Any, dict[int, int]]:
    """One libyaml pass over ``text``: its plain values, and ``secret_value_lines`` for it.

    The secret lines come from the node marks, so no round-trip parse is needed.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    yaml = YAML(typ="safe", pure=False)
    root = yaml.compose(text)
    found: dict[int, int] = {}
    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            items = [(k.value if isinstance(k, ScalarNode) else None, v) for k, v in node.value]
        elif isinstance(node, SequenceNode):
            items = list(enumerate(node.value))
        else:
            continue
        for key, child in items:
            child_path = (*path, key)
            if not isinstance(child, ScalarNode):
                stack.append((child, child_path))
                continue
            if not path_is_secret(k for k in child_path if isinstance(k, str)):
                continue
            if str(child.tag).endswith(_NOT_TEXT) or not pattern.sub("", child.value).strip():
                continue  # a boolean, number or null is never secret; nor is a bare placeholder
            found[child.start_mark.line] = child.start_mark.column
    return yaml.constructor.construct_document(root), found


def mask_lines(text: str, secret_lines: dict[int, int]) -> list[str]:
    """Lines of ``text`` with secret values (and their continuation lines) replaced by a mask."""
    lines = text.splitlines(keepends=True)
    for line, col in secret_lines.items():
        if line >= len(lines):
            continue
        ending = "\n" if lines[line].endswith("\n") else ""
        lines[line] = lines[line][:col] + MASK + ending
        indent = len(lines[line]) - len(lines[line].lstrip(" "))
        nxt = line + 1
        while nxt < len(lines) and lines[nxt].strip():
            if len(lines[nxt]) - len(lines[nxt].lstrip(" ")) <= indent:
                break
            lines[nxt] = " " * (indent + 2) + MASK + "\n"
            nxt += 1
    return lines
