"""Dependency scan: does anything under the release's Helm values still name the old cache?

Like ``grep -RnE`` with the playbook's patterns, plus the cluster's real endpoint
and id (regex-escaped) — the guide's own patterns miss ``….cache.amazonaws.com``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import LayoutError

MAX_FILE_BYTES = 5 * 1024 * 1024
SNIFF_BYTES = 8192
MAX_SHOWN_CHARS = 160
MASK = "••••••"
# A key that names a secret, followed by ':' or '=' and its value.
_SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)
    ^(?P<key>\s*[-\s]*["']?[\w.-]*(?:pass(?:word|wd)?|secret|token|api[_-]?key|
        private[_-]?key|product[_-]?key|credential|auth)[\w.-]*["']?\s*[:=]\s*)
    (?P<value>\S.*)$
    """
)
_URL_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<info>[^/@\s]+)@", re.I)


@dataclass(frozen=True)
class Reference:
    """One matching line; ``path`` is relative to the scanned release directory."""

    path: str
    line: int
    text: str  # the line as shown: secrets masked, long lines shortened
    pattern: str

    @property
    def location(self) -> str:
        """``file:line`` as grep prints it."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class SkippedFile:
    """A file the scan did not read, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class DependencyScan:
    """Every reference found; any reference blocks the teardown."""

    root: Path
    patterns: tuple[str, ...]
    references: tuple[Reference, ...]
    skipped: tuple[SkippedFile, ...]
    files_scanned: int

    @property
    def blocks(self) -> bool:
        """True when something still references the old cache."""
        return bool(self.references)


def scan_patterns(playbook_patterns: Sequence[str], literals: Sequence[str]) -> tuple[str, ...]:
    """The playbook's regexes plus each literal (endpoint, cluster id) regex-escaped."""
    out = list(playbook_patterns)
    for literal in literals:
        escaped = re.escape(literal)
        if literal and escaped not in out:
            out.append(escaped)
    return tuple(out)


def mask_line(line: str) -> str:
    """The line with secret values and URL credentials replaced by a mask."""
    shown = _URL_USERINFO.sub(lambda m: f"{m.group('scheme')}{MASK}@", line)
    match = _SECRET_ASSIGNMENT.match(shown)
    if match:
        shown = match.group("key") + MASK
    return shown


def _shorten(line: str, start: int) -> str:
    if len(line) <= MAX_SHOWN_CHARS:
        return line
    left = max(0, start - MAX_SHOWN_CHARS // 3)
    cut = line[left : left + MAX_SHOWN_CHARS]
    return ("…" if left else "") + cut + ("…" if left + MAX_SHOWN_CHARS < len(line) else "")


def _read_text(path: Path) -> tuple[str | None, str]:
    """The file's text, or None and the reason it was skipped."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, not scanned"
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}"
    if b"\0" in data[:SNIFF_BYTES]:
        return None, "binary file, not scanned"
    return data.decode("utf-8", errors="replace"), ""


def scan_references(release_dir: Path, scan_dir: str, patterns: Sequence[str]) -> DependencyScan:
    """Scan ``release_dir/scan_dir`` recursively for any of the regex ``patterns``."""
    root = release_dir / scan_dir
    compiled = [(pattern, re.compile(pattern, re.IGNORECASE)) for pattern in patterns]
    references: list[Reference] = []
    skipped: list[SkippedFile] = []
    scanned = 0
    if not root.is_dir():
        raise LayoutError(
            f"{root} is not a directory",
            f"Pass the current release directory (the one holding {scan_dir}/).",
        )
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            shown_path = path.relative_to(release_dir).as_posix()
            if path.is_symlink():
                skipped.append(SkippedFile(shown_path, "symbolic link, not followed"))
                continue
            text, reason = _read_text(path)
            if text is None:
                skipped.append(SkippedFile(shown_path, reason))
                continue
            scanned += 1
            for number, line in enumerate(text.splitlines(), start=1):
                for pattern, regex in compiled:
                    if regex.search(line):
                        masked = mask_line(line.rstrip())
                        spot = regex.search(masked)
                        shown = _shorten(masked, spot.start() if spot else 0)
                        references.append(Reference(shown_path, number, shown, pattern))
                        break
    return DependencyScan(root, tuple(patterns), tuple(references), tuple(skipped), scanned)
