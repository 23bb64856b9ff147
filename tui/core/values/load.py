"""Reading a values file into a ``ValuesDoc``: checks, parse errors, indentation, child loads.

Loading uses ruamel.yaml's round-trip mode with quotes preserved (YAML 1.2: ``yes``,
``on`` stay strings; ``0755`` stays written as ``0755``). Every refusal is a
``ParseError`` naming the file, the line and, where known, the column.
Files above ``MAX_VALUES_BYTES`` are refused: a real values file is a few hundred
KB (kube-prometheus-stack's, among the largest, is 200 KB) and ruamel's pure-Python
round trip takes seconds per MB. Before that round trip, one pass of libyaml's event
parser walks each node once: nesting deeper than ``MAX_DEPTH`` or aliases expanding
to more than ``MAX_EXPANDED_NODES`` values (a "billion laughs" alias bomb) are refused
in milliseconds, before anything walks the expanded tree.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)

from tui.core.errors import ParseError
from tui.core.files import sha256_bytes
from tui.core.values.doc import Indentation, ValuesDoc, key_line, make_yaml

# A tuple, not ``CommentedMap | CommentedSeq``: the union is built anew at each call.
_CONTAINERS = (CommentedMap, CommentedSeq)

MAX_VALUES_BYTES = 1024 * 1024
MAX_DEPTH = 64  # levels of nesting; real charts use about ten
MAX_EXPANDED_NODES = 100_000  # values once aliases are expanded; a 6,000-line chart has 4,000


def load_values(path: Path, comments: bool = True) -> ValuesDoc:
    """Read and parse a values file; every failure is a ``ParseError`` with a reason.

    ``comments=False``: a file read only for its values (the previous release's in a
    headless merge, both files of a check): keys, values, quoting, anchors and line
    numbers as the round trip gives them, without its comments — libyaml parses it,
    about five times faster than ruamel's pure-Python round-trip scanner.
    """
    try:
        size = path.stat().st_size
        if size > MAX_VALUES_BYTES:
            raise ParseError(
                str(path),
                f"is {size / 1048576:.1f} MiB; values files above "
                f"{MAX_VALUES_BYTES // 1048576} MiB are refused (a real one is a few hundred KB)",
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_VALUES_BYTES + 1)
    except IsADirectoryError as exc:
        raise ParseError(str(path), "is a directory, not a values file") from exc
    except OSError as exc:
        raise ParseError(str(path), f"cannot be read: {exc.strerror or exc}") from exc
    return parse_values(raw, str(path), comments)


def parse_values(raw: bytes, source: str, comments: bool = True) -> ValuesDoc:
    """Parse the bytes of a values file (see ``load_values``)."""
    if len(raw) > MAX_VALUES_BYTES:
        raise ParseError(source, f"is larger than {MAX_VALUES_BYTES // 1048576} MiB")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise ParseError(source, f"is binary (a NUL byte at offset {offset}), not YAML")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParseError(source, "is not UTF-8 text (binary content?)", line) from exc
    text = text.removeprefix("\ufeff")
    try:
        check_shape(text, source)
        data = make_yaml().load(text) if comments else _load_without_comments(text)
    except MarkedYAMLError as exc:
        raise _parse_error(source, text, exc) from exc
    except YAMLError as exc:
        raise ParseError(source, f"is not valid YAML: {exc}") from exc
    except RecursionError as exc:
        raise ParseError(source, "is nested too deeply to read") from exc
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        if "integer string conversion" in str(exc):
            raise ParseError(source, "holds a number with more than 4,300 digits") from exc
        raise ParseError(source, f"holds a value that cannot be read: {str(exc)[:80]}") from exc
    if data is None:
        raise ParseError(source, "is empty: it holds no values (only comments or nothing)")
    if not isinstance(data, CommentedMap):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        raise ParseError(source, f"must hold a mapping of keys at the top, not {kind}", 1)
    _check_keys(source, data)
    return ValuesDoc(source, text, data, detect_indentation(text, data), sha256_bytes(raw))


def _load_without_comments(text: str) -> Any:
    """libyaml composes the nodes, ruamel's round-trip constructor builds the tree.

    A syntax error is left to the round-trip parser, whose message names it better.
    """
    try:
        root = YAML(typ="safe", pure=False).compose(text)
    except YAMLError:
        return make_yaml().load(text)  # raises the round-trip parser's own error
    return None if root is None else make_yaml().constructor.construct_document(root)


def check_shape(text: str, source: str) -> None:
    """One pass over the YAML events: refuse deep nesting and alias bombs early.

    Each node is visited once; an alias counts the size its anchor expands to, so the
    expanded size is known without expanding anything.
    """
    try:
        _walk_events(text, source)
    except YAMLError:
        return  # a syntax error: the round-trip parser reports it in its own words


def _walk_events(text: str, source: str) -> None:
    sizes: dict[str, int] = {}  # anchor -> values it expands to
    frames: list[list[Any]] = [[None, 0]]  # [anchor, size] of each open collection
    total = 0  # the sizes of every open collection, added up (the document so far)
    for event in YAML(typ="safe", pure=False).parse(text):
        if isinstance(event, CollectionStartEvent):
            if len(frames) > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise ParseError(source, f"is nested deeper than {MAX_DEPTH} levels", line)
            frames.append([event.anchor, 1])
            total += 1
            continue
        if isinstance(event, CollectionEndEvent):
            anchor, size = frames.pop()
            total -= size  # added back below, to its parent
            if anchor:
                sizes[anchor] = size
        elif isinstance(event, AliasEvent):
            size = sizes.get(str(event.anchor), 1)
        elif isinstance(event, ScalarEvent):
            size = 1
            if event.anchor:
                sizes[event.anchor] = 1
        else:
            continue
        frames[-1][1] += size
        total += size
        if frames[-1][1] > MAX_EXPANDED_NODES or (
            isinstance(event, NodeEvent) and total > MAX_EXPANDED_NODES
        ):
            line = event.start_mark.line + 1 if event.start_mark else None
            raise ParseError(
                source,
                f"its aliases expand to more than {MAX_EXPANDED_NODES:,} values "
                "(an alias bomb?); refused",
                line,
            )


def _parse_error(source: str, text: str, exc: MarkedYAMLError) -> ParseError:
    mark = exc.problem_mark or exc.context_mark
    problem = str(exc.problem or exc.context or "invalid YAML")
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    if "duplicate key" in problem:
        problem = problem.split("\n")[0]
    if line is not None:
        source_line = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
        if (
            "\t" in source_line[: len(source_line) - len(source_line.lstrip())]
            or "'\\t'" in problem
        ):
            problem = "a tab is used for indentation; YAML allows only spaces there"
    return ParseError(source, problem, line, column)


def _check_keys(source: str, node: Any) -> None:
    """Keys must be strings or integers so that every value has a key path."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, CommentedMap):
            for key, value in cur.items():
                if isinstance(key, bool) or not isinstance(key, (str, int)):
                    line = key_line(cur, key)
                    raise ParseError(source, f"key {key!r} is not a string", line)
                stack.append(value)
        elif isinstance(cur, CommentedSeq):
            stack.extend(cur)


def detect_indentation(text: str, data: CommentedMap) -> Indentation:
    """The indentation this file mostly uses (block mappings and sequences)."""
    lines = text.splitlines()
    mapping: Counter[int] = Counter()
    sequence: Counter[tuple[int, int]] = Counter()
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, col = stack.pop()
        if isinstance(node, CommentedMap):
            for key in list(node.keys())[:50]:
                pos = _lc_key(node, key)
                if pos is not None and not node.fa.flow_style() and node is not data:
                    mapping[pos[1] - col] += 1
                child = node[key]
                if pos is not None and isinstance(child, _CONTAINERS):
                    stack.append((child, pos[1]))
        elif isinstance(node, CommentedSeq) and len(node) and not node.fa.flow_style():
            pos = _lc_item(node, 0)
            if pos is not None and pos[0] < len(lines):
                dash = lines[pos[0]].rfind("-", 0, pos[1])
                if dash >= col:
                    sequence[(pos[1] - col, dash - col)] += 1
            for i, child in enumerate(node[:50]):
                item = _lc_item(node, i)
                if item is not None and isinstance(child, _CONTAINERS):
                    stack.append((child, item[1]))
    map_indent = mapping.most_common(1)[0][0] if mapping else 2
    seq, offset = sequence.most_common(1)[0][0] if sequence else (map_indent, 0)
    if map_indent < 1:
        map_indent = 2
    if offset < 0 or seq < offset + 2:
        seq, offset = max(2, offset + 2), max(0, offset)
    return Indentation(map_indent, seq, offset)


def _lc_key(node: CommentedMap, key: Any) -> tuple[int, int] | None:
    try:
        pos = node.lc.key(key)
        return int(pos[0]), int(pos[1])
    except (KeyError, TypeError):
        return None


def _lc_item(node: CommentedSeq, index: int) -> tuple[int, int] | None:
    try:
        pos = node.lc.item(index)
        return int(pos[0]), int(pos[1])
    except (KeyError, IndexError, TypeError):
        return None


def _load_pickled(path: str) -> bytes:
    """Child-process side of ``load_values_pair``: the parsed document, pickled."""
    import pickle  # only the pair's children pickle: not on values-check's start-up path

    return pickle.dumps(load_values(Path(path)))


_CHILD = (
    "import sys\n"
    "from tui.core.values.load import _load_pickled\n"
    "sys.stdout.buffer.write(_load_pickled(sys.argv[1]))\n"
)


def load_values_pair(first: Path, second: Path) -> tuple[ValuesDoc, ValuesDoc]:
    """Load two values files at once, each parsed in a child process.

    ruamel's round-trip parser is pure Python (~0.5 s per 5,000 lines): two children use
    both cores and leave the GIL to the screen. A child that fails for any reason (a parse
    error included) makes that file load here, so errors keep their exact type and text.
    """
    # subprocess and pickle cost values-check ~4 ms of start-up: imported only for a pair.
    from tui.core.exec.child_python import collect_child, start_child

    children = [start_child(_CHILD, [str(path)]) for path in (first, second)]
    docs: list[ValuesDoc] = []
    for path, child in zip((first, second), children, strict=True):
        loaded = collect_child(child)
        docs.append(loaded if isinstance(loaded, ValuesDoc) else load_values(path))
    return docs[0], docs[1]
