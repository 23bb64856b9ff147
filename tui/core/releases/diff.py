"""What's new between two releases: file-level diff of a tree, unified diff of a file."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from tui.core.files import sha256_file

SKIP_DIRS = frozenset({".terraform", ".mocm-upgrade", ".git"})
MAX_DIFF_BYTES = 2_000_000


class Change(Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class FileChange:
    """One file that differs between the previous and the current tree."""

    rel: str
    change: Change


def _files(root: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    if not root.is_dir():
        return out
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS for part in rel.parts) or not path.is_file():
            continue
        out[rel.as_posix()] = path
    return out


def diff_trees(previous: Path, current: Path) -> list[FileChange]:
    """Files added, removed or changed (by content) from ``previous`` to ``current``."""
    old, new = _files(previous), _files(current)
    changes = [FileChange(rel, Change.ADDED) for rel in new.keys() - old.keys()]
    changes += [FileChange(rel, Change.REMOVED) for rel in old.keys() - new.keys()]
    for rel in old.keys() & new.keys():
        a, b = old[rel], new[rel]
        try:
            differs = a.stat().st_size != b.stat().st_size or sha256_file(a) != sha256_file(b)
        except OSError:
            differs = True
        if differs:
            changes.append(FileChange(rel, Change.CHANGED))
    return sorted(changes, key=lambda c: c.rel)


def _lines(path: Path) -> list[str] | str:
    """The file's lines, or a sentence saying why they can't be shown."""
    if not path.exists():
        return []
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read {path.name}: {exc.strerror}"
    if len(data) > MAX_DIFF_BYTES:
        return f"{path.name} is {len(data):,} bytes; too large to show a diff"
    if b"\0" in data[:8192]:
        return f"{path.name} is a binary file"
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)


def unified_diff(previous: Path, current: Path, label: str) -> str:
    """``diff -u`` of two files (either may be absent); a sentence for binary/huge files."""
    old, new = _lines(previous), _lines(current)
    for side in (old, new):
        if isinstance(side, str):
            return side + "\n"
    assert isinstance(old, list) and isinstance(new, list)
    text = "".join(difflib.unified_diff(old, new, f"previous/{label}", f"current/{label}", n=3))
    return text or "(no differences)\n"
