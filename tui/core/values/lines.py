"""Line numbers of the template as loaded, mapped onto a text saved from it.

After a save the editor goes on from the model in memory, whose line numbers are the
template's; the file on disk may have more lines (carried keys, filled maps). The map
is taken once per save from the two texts, so the panes keep showing where each key
sits in the file as it is on disk.

A save that rewrote values where they stand (no line added or removed) keeps every line
in its place: its final diff is then found in one pass over the lines
(``unified_diff_in_place``), not by difflib's search for the longest matches, which on a
5,000-line file with a thousand values filled costs about half of a bare ruamel dump.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LineMap:
    """1-based lines of one text mapped to another; identity when no line moved (nothing
    saved yet, or values swapped where they stand)."""

    identity: bool = True
    starts: tuple[int, ...] = ()  # 0-based first line of each block of the first text
    blocks: tuple[tuple[int, int, int], ...] = ()  # (first line, end, first line there)

    @classmethod
    def between(cls, before: str, after: str) -> LineMap:
        """Where each line of ``before`` is in ``after`` (lines rewritten keep their place)."""
        matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines())
        # A rewritten line (a value replaced, `key: {}` filled) keeps its place at the top.
        blocks = [
            (i1, i1 + min(i2 - i1, j2 - j1), j1)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag in ("equal", "replace")
        ]
        return cls(False, tuple(b[0] for b in blocks), tuple(blocks))

    def __call__(self, line: int | None) -> int | None:
        if line is None or self.identity:
            return line
        index = bisect.bisect_right(self.starts, line - 1) - 1
        if index < 0:
            return None
        first, end, there = self.blocks[index]
        return there + (line - 1 - first) + 1 if line - 1 < end else None


class _InPlace(difflib.SequenceMatcher[str]):
    """Line i of ``a`` is line i of ``b``: the matching blocks are the runs of equal lines
    at the same place (no search)."""

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, (), ())
        self.a, self.b = a, b
        self.blocks: list[difflib.Match] | None = None

    def get_matching_blocks(self) -> list[difflib.Match]:
        if self.blocks is None:
            blocks, start = [], None
            for i, (old, new) in enumerate(zip(self.a, self.b, strict=True)):
                if old == new:
                    start = i if start is None else start
                elif start is not None:
                    blocks.append(difflib.Match(start, start, i - start))
                    start = None
            if start is not None:
                blocks.append(difflib.Match(start, start, len(self.a) - start))
            blocks.append(difflib.Match(len(self.a), len(self.b), 0))
            self.blocks = blocks
        return self.blocks


def unified_diff_in_place(
    a: Sequence[str], b: Sequence[str], fromfile: str, tofile: str, n: int = 3
) -> Iterator[str]:
    """``difflib.unified_diff(a, b, fromfile, tofile, n=n)`` of two lists of lines of the
    same length whose lines kept their places: each changed line is shown replaced where
    it stands."""
    started = False
    for group in _InPlace(a, b).get_grouped_opcodes(n):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            yield from ("-" + line for line in a[i1:i2])
            yield from ("+" + line for line in b[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it (difflib's ``_format_range_unified``)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return str(beginning)
    return f"{beginning - 1 if not length else beginning},{length}"
