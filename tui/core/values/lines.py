"""Line numbers of the template as loaded, mapped onto a text saved from it.

After a save the editor goes on from the model in memory, whose line numbers are the
template's; the file on disk may have more lines (carried keys, filled maps). The map
is taken once per save from the two texts, so the panes keep showing where each key
sits in the file as it is on disk.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class LineMap:
    """1-based lines of one text mapped to another; identity when nothing was saved."""

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
