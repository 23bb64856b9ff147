"""Safe file operations: checksums, atomic writes, backups that never clobber."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from tui.core.errors import MocmError

CHUNK = 1 << 20


class WriteVerifyFailed(MocmError):
    """The bytes on disk after a write are not the bytes we meant to write."""


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> str:
    """Write ``data`` to ``path`` via temp file + fsync + rename; verify; return sha256.

    The file keeps its previous permission bits unless ``mode`` is given.
    """
    if mode is None:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    expected = sha256_bytes(data)
    actual = sha256_file(path)
    if actual != expected:
        raise WriteVerifyFailed(f"{path}: checksum after write {actual[:12]} ≠ {expected[:12]}")
    return expected


def atomic_copy(src: Path, dst: Path) -> str:
    """Copy ``src`` to ``dst`` atomically, keeping ``src``'s mode; verify; return sha256."""
    expected = sha256_file(src)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copy2(src, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(dst.parent)
    actual = sha256_file(dst)
    if actual != expected:
        raise WriteVerifyFailed(f"{dst}: checksum after copy {actual[:12]} ≠ {expected[:12]}")
    return expected


def free_backup_name(path: Path, suffix: str) -> Path:
    """``path`` + ``suffix``, or ``…suffix.1``, ``.2`` … — the first name not taken."""
    candidate = path.with_name(path.name + suffix)
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{suffix}.{n}")
        n += 1
    return candidate
