"""Dependency scan: does a live value under the release's Helm values still name the old cache?

A reference names the OLD cluster: an endpoint address AWS reports for it, a hostname
whose first label (after ``master.``/``replica.``/``clustercfg.``) is its id, or the id
itself as a whole word. Valkey's endpoints never count — they live under the same
domain, so the guide's ``grep`` pattern and ``\\.cache\\.amazonaws\\.com`` match them.
A match in a YAML comment, in a backup file (``*.new``, ``*.bak``…) or in the wizard's
own folder is *not live*: shown and journaled, never blocking. Each blocking reference
carries its ``file:line`` and, in YAML, its key path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from tui.core.errors import LayoutError
from tui.core.journal.writer import WORK_DIR_NAME
from tui.core.stage4.yaml_spans import ScalarSpan, scalar_spans, yaml_comment_start

MAX_FILE_BYTES = 5 * 1024 * 1024
SNIFF_BYTES = 8192
MAX_SHOWN_CHARS = 160
MASK = "••••••"
YAML_SUFFIXES = (".yaml", ".yml", ".tpl", ".gotmpl")
# A key that names a secret, followed by ':' or '=' and its value.
_SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)
    ^(?P<key>\s*[-\s]*["']?[\w.-]*(?:pass(?:word|wd)?|secret|token|api[_-]?key|
        private[_-]?key|product[_-]?key|credential|auth)[\w.-]*["']?\s*[:=]\s*)
    (?P<value>\S.*)$
    """
)
_URL_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<info>[^/@\s]+)@", re.I)
# A word of a hostname or an id: letters, digits, dots and dashes, bounded by anything else.
_WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


class Liveness(StrEnum):
    """Whether a match is a value the applications read, and if not, why not."""

    LIVE = "live"
    COMMENT = "YAML comment"
    BACKUP = "backup file"
    WIZARD = "the wizard's own folder"


@dataclass(frozen=True)
class OldCacheNames:
    """What names the old cluster, and what never counts (Valkey's endpoints)."""

    cluster_id: str
    endpoints: tuple[str, ...]  # as AWS reports them
    endpoint_prefixes: tuple[str, ...]
    excluded: tuple[str, ...] = ()  # Valkey's endpoint addresses

    def named_in(self, word: str) -> str | None:
        """What ``word`` names of the old cluster (the endpoint or the id), or None."""
        lowered = word.lower().rstrip(".")
        if lowered in {e.lower() for e in self.excluded}:
            return None
        if lowered in {e.lower() for e in self.endpoints}:
            return word
        labels = lowered.split(".")
        if len(labels) > 1 and labels[0] in {p.lower() for p in self.endpoint_prefixes}:
            labels = labels[1:]
        return word if labels[0] == self.cluster_id.lower() else None

    def describe(self) -> str:
        """What the scan looks for, in one line for the operator."""
        parts = [f"cluster id {self.cluster_id}"]
        if self.endpoints:
            parts.append("endpoints " + ", ".join(self.endpoints))
        prefixes = "/".join(f"{p}." for p in self.endpoint_prefixes)
        parts.append(f"hostnames starting {self.cluster_id}. (or {prefixes}{self.cluster_id}.)")
        text = "; ".join(parts)
        if self.excluded:
            text += " — never Valkey's " + ", ".join(self.excluded)
        return text


@dataclass(frozen=True)
class Reference:
    """One match; ``path`` is relative to the scanned release directory."""

    path: str
    line: int
    text: str  # the line as shown: secrets masked, long lines shortened
    named: str  # the word that names the old cluster (endpoint, hostname or id)
    key_path: str  # the YAML key path of the value ("" outside YAML)
    liveness: Liveness = Liveness.LIVE

    @property
    def location(self) -> str:
        """``file:line`` as grep prints it."""
        return f"{self.path}:{self.line}"

    @property
    def blocks(self) -> bool:
        """Only a live value blocks the teardown."""
        return self.liveness is Liveness.LIVE

    @property
    def where(self) -> str:
        """``file:line`` and the key path when there is one."""
        return f"{self.location} ({self.key_path})" if self.key_path else self.location


@dataclass(frozen=True)
class SkippedFile:
    """A file the scan did not read, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class DependencyScan:
    """Blocking references, the matches that are not live, and the files left unread."""

    root: Path
    searched: str  # what was looked for (OldCacheNames.describe)
    references: tuple[Reference, ...]  # live: each one blocks until gone or waived
    not_live: tuple[Reference, ...]
    skipped: tuple[SkippedFile, ...]
    files_scanned: int

    @property
    def blocks(self) -> bool:
        """True when a live value still names the old cache."""
        return bool(self.references)


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


def file_liveness(relative: Path, not_live_suffixes: Sequence[str]) -> Liveness:
    """A backup file or the wizard's folder is never live; any other file may be."""
    if WORK_DIR_NAME in relative.parts:
        return Liveness.WIZARD
    if any(relative.name.endswith(suffix) for suffix in not_live_suffixes):
        return Liveness.BACKUP
    return Liveness.LIVE


@dataclass(frozen=True)
class _Match:
    line: int  # 1-based
    column: int
    named: str


def _matches(text: str, names: OldCacheNames) -> list[_Match]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for word in _WORD.finditer(line):
            named = names.named_in(word.group(0))
            if named is not None:
                found.append(_Match(number, word.start(), named))
    return found


def _span_at(spans: Sequence[ScalarSpan], line: int, column: int) -> ScalarSpan | None:
    point = (line - 1, column)
    for span in spans:
        if span.start <= point < span.end:
            return span
    return None


def _classify(
    text: str, relative: Path, matches: Sequence[_Match]
) -> list[tuple[_Match, Liveness, str]]:
    """Each match with its liveness and key path (YAML: from the parse; else by comment)."""
    is_yaml = relative.suffix.lower() in YAML_SUFFIXES
    spans = scalar_spans(text) if is_yaml else None
    lines = text.splitlines()
    out = []
    for match in matches:
        if spans is not None:
            span = _span_at(spans, match.line, match.column)
            if span is not None:
                out.append((match, Liveness.LIVE, span.key_path))
                continue
            out.append((match, Liveness.COMMENT, ""))
            continue
        comment = yaml_comment_start(lines[match.line - 1]) if is_yaml else None
        live = comment is None or match.column < comment
        out.append((match, Liveness.LIVE if live else Liveness.COMMENT, ""))
    return out


def _walk(root: Path) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name


def scan_references(
    release_dir: Path, scan_dir: str, names: OldCacheNames, not_live_suffixes: Sequence[str]
) -> DependencyScan:
    """Scan ``release_dir/scan_dir`` recursively for live values naming the old cluster."""
    root = release_dir / scan_dir
    if not root.is_dir():
        raise LayoutError(
            f"{root} is not a directory",
            f"Pass the current release directory (the one holding {scan_dir}/).",
        )
    live: list[Reference] = []
    not_live: list[Reference] = []
    skipped: list[SkippedFile] = []
    scanned = 0
    for path in _walk(root):
        relative = path.relative_to(release_dir)
        shown_path = relative.as_posix()
        if path.is_symlink():
            skipped.append(SkippedFile(shown_path, "symbolic link, not followed"))
            continue
        text, reason = _read_text(path)
        if text is None:
            skipped.append(SkippedFile(shown_path, reason))
            continue
        scanned += 1
        matches = _matches(text, names)
        if not matches:
            continue
        by_file = file_liveness(relative, not_live_suffixes)
        lines = text.splitlines()
        per_line: dict[int, tuple[_Match, Liveness, str]] = {}
        for match, liveness, key_path in _classify(text, relative, matches):
            if by_file is not Liveness.LIVE:
                liveness = by_file
            kept = per_line.get(match.line)
            # one reference per line: a live value wins over a comment on the same line
            if kept is None or (liveness is Liveness.LIVE and kept[1] is not Liveness.LIVE):
                per_line[match.line] = (match, liveness, key_path)
        for match, liveness, key_path in per_line.values():
            masked = mask_line(lines[match.line - 1].rstrip())
            spot = masked.find(match.named)
            shown = _shorten(masked, max(spot, 0))
            ref = Reference(shown_path, match.line, shown, match.named, key_path, liveness)
            (live if ref.blocks else not_live).append(ref)
    return DependencyScan(
        root, names.describe(), tuple(live), tuple(not_live), tuple(skipped), scanned
    )
