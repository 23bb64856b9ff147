"""Archive the previous release after a successful apply: ``<dir>.tar.gz`` beside it.

Like ``tar czf <dir>.tar.gz <dir>/`` but streamed with progress (bytes and files),
written to a temporary name and only then given its final name (never over an
existing archive), verified by listing it back, and the release itself is never
deleted or modified.
"""

from __future__ import annotations

import os
import stat
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tui.core.errors import MocmError
from tui.core.files import sha256_file

CHUNK = 1 << 20
PROGRESS_EVERY = 8 << 20  # bytes between progress reports inside one large file


class ArchiveError(MocmError):
    """The archive could not be written or does not match the release."""


@dataclass(frozen=True)
class ArchiveProgress:
    """How far the archive is: files and bytes done out of the totals."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    current: str


@dataclass(frozen=True)
class ReleaseArchive:
    """The verified archive: where, how many regular files and bytes, its sha256."""

    path: Path
    files: int
    bytes: int
    sha256: str


OnProgress = Callable[[ArchiveProgress], None]


@dataclass(frozen=True)
class _Entry:
    path: Path
    arcname: str
    size: int  # regular files only; 0 otherwise
    regular: bool


def _scan(release: Path) -> list[_Entry]:
    """Every directory, file and symlink under ``release`` (links are not followed)."""
    entries = [_Entry(release, release.name, 0, False)]
    for root, dirs, files in os.walk(release, onerror=_raise):
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            path = Path(root) / name
            info = path.lstat()
            arcname = f"{release.name}/{path.relative_to(release).as_posix()}"
            regular = stat.S_ISREG(info.st_mode)
            entries.append(_Entry(path, arcname, info.st_size if regular else 0, regular))
    return entries


def _raise(exc: OSError) -> None:
    raise ArchiveError(f"Cannot read {exc.filename}: {exc.strerror or exc}.")


def free_archive_name(release: Path) -> Path:
    """``<dir>.tar.gz`` beside the release, or ``<dir>-1.tar.gz``… — never an existing one."""
    candidate = release.with_name(f"{release.name}.tar.gz")
    n = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = release.with_name(f"{release.name}-{n}.tar.gz")
        n += 1
    return candidate


class _CountingReader:
    """A file reader that reports progress as tarfile pulls bytes through it."""

    def __init__(self, handle: BinaryIO, tick: Callable[[int], None]) -> None:
        self._handle = handle
        self._tick = tick

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._tick(len(data))
        return data


class _Writer:
    def __init__(self, entries: list[_Entry], on_progress: OnProgress | None) -> None:
        self.entries = entries
        self.on_progress = on_progress
        self.files_total = sum(1 for e in entries if e.regular)
        self.bytes_total = sum(e.size for e in entries)
        self.files_done = 0
        self.bytes_done = 0
        self.since_report = 0
        self.current = ""

    def report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(
                ArchiveProgress(
                    self.files_done,
                    self.files_total,
                    self.bytes_done,
                    self.bytes_total,
                    self.current,
                )
            )

    def tick(self, count: int) -> None:
        self.bytes_done += count
        self.since_report += count
        if self.since_report >= PROGRESS_EVERY:
            self.since_report = 0
            self.report()

    def write(self, target: Path) -> None:
        with tarfile.open(target, "w:gz", format=tarfile.PAX_FORMAT) as tar:
            for entry in self.entries:
                self.current = entry.arcname
                try:
                    info = tar.gettarinfo(str(entry.path), arcname=entry.arcname)
                    if not entry.regular:
                        tar.addfile(info)
                        continue
                    with entry.path.open("rb") as handle:
                        tar.addfile(info, _CountingReader(handle, self.tick))
                except OSError as exc:
                    raise ArchiveError(
                        f"Cannot archive {entry.path}: {exc.strerror or exc}.",
                        "Nothing was deleted; fix the file's permissions and archive again.",
                    ) from exc
                self.files_done += 1
                self.report()


def verify_archive(archive: Path, release: Path) -> tuple[int, int]:
    """List the archive back: every regular file of the release present with its size.

    Returns (files, bytes); raises ArchiveError naming the first difference.
    """
    expected = {e.arcname: e.size for e in _scan(release) if e.regular}
    found: dict[str, int] = {}
    try:
        with tarfile.open(archive, "r|gz") as tar:
            for member in tar:
                if member.isfile():
                    found[member.name] = member.size
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ArchiveError(f"The archive {archive} cannot be read back: {exc}.") from exc
    missing = sorted(set(expected) - set(found))
    if missing:
        raise ArchiveError(f"The archive lacks {len(missing)} file(s), first {missing[0]}.")
    wrong = sorted(name for name, size in expected.items() if found[name] != size)
    if wrong:
        raise ArchiveError(f"In the archive {wrong[0]} has another size than on disk.")
    return len(expected), sum(expected.values())


def archive_release(release: Path, on_progress: OnProgress | None = None) -> ReleaseArchive:
    """Write and verify ``<release>.tar.gz`` beside ``release``; the release is left as it is.

    Blocking and long for big trees: run it in a thread worker.
    """
    if not release.is_dir() or release.is_symlink():
        raise ArchiveError(f"{release} is not a release directory.")
    entries = _scan(release)
    target = free_archive_name(release)
    partial = target.with_name(f".{target.name}.partial")
    writer = _Writer(entries, on_progress)
    try:
        writer.write(partial)
        files, size = verify_archive(partial, release)
        os.link(partial, target)  # fails rather than replace an archive that appeared meanwhile
    except OSError as exc:
        raise ArchiveError(
            f"Cannot write the archive {target}: {exc.strerror or exc}.",
            "Nothing was deleted. Free some space or fix the folder's permissions.",
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
    return ReleaseArchive(target, files, size, sha256_file(target))
