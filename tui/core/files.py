"""Safe file operations: checksums, atomic writes, backups that never clobber.

An atomic write goes to a temp file beside the target, named
``.<target>.mocm-<pid>-<8 hex>.tmp`` and created 0600, then is fsynced, renamed over
the target and read back. A write killed midway leaves the target whole and at most
that temp file, which ``remove_stale_temp_files`` recognises by name (with the
release lock's ``.lock.json.<pid>.<8 hex>``) and removes once its writer is gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.records import FrozenRecord

_TEMP_NAME = re.compile(r"\..+\.mocm-(?P<pid>\d+)-[0-9a-f]{8}\.tmp")
_LOCK_TEMP_NAME = re.compile(r"\.lock\.json\.(?P<pid>\d+)\.[0-9a-f]{8}")
NAME_MAX = 255  # the longest file name (bytes) of Linux filesystems


class WriteVerifyFailed(MocmError):
    """The bytes on disk after a write are not the bytes we meant to write."""


class FileMode(FrozenRecord):
    """How a written file's permission bits are chosen; an existing file is never widened.

    A new file gets ``new`` less the umask; a file that exists keeps its own bits
    within ``keep`` (``0o600`` narrows a file that holds secrets to its owner).
    """

    new: int
    keep: int


SECRET_FILE = FileMode(new=0o600, keep=0o600)  # values.yaml, states, drafts: owner only
SHARED_FILE = FileMode(new=0o644, keep=0o777)  # configuration without secrets


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def temp_name(target: Path) -> Path:
    """A fresh temp file name beside ``target``, recognisable as ours after a kill.

    A long target name is cut so that the temp name fits in NAME_MAX bytes.
    """
    suffix = f".mocm-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    room = NAME_MAX - len(suffix) - 1  # the leading dot
    stem = target.name.encode()[:room].decode(errors="ignore")
    return target.with_name(f".{stem}{suffix}")


def fsync_directory(directory: Path) -> None:
    """Make the names in ``directory`` durable (a file created, renamed or removed there)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_temp(target: Path, bits: int) -> tuple[Path, int]:
    """Create the temp file exclusively; ``bits`` are filtered by the umask, as for open()."""
    tmp = temp_name(target)
    return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, bits)


def _mode_bits(path: Path) -> int:
    """The permission bits of ``path``: setuid, setgid and sticky are never carried over."""
    return path.stat().st_mode & 0o777


def _mode_bits_if_any(path: Path) -> int | None:
    try:
        return _mode_bits(path)
    except FileNotFoundError:
        return None


def verify_checksum(path: Path, expected: str, action: str) -> str:
    """``expected`` when the file at ``path`` has that sha256; WriteVerifyFailed otherwise."""
    actual = sha256_file(path)
    if actual != expected:
        raise WriteVerifyFailed(
            f"{path}: checksum after {action} {actual[:12]} ≠ {expected[:12]}",
            "The file on disk is not what was meant to be written; nothing was assumed.",
        )
    return actual


def atomic_write(path: Path, data: bytes, mode: FileMode | None = None) -> str:
    """Write ``data`` to ``path`` via temp file + fsync + rename; verify; return sha256.

    ``mode`` is the permission policy (SECRET_FILE when not given): the temp file is
    created with the policy's bits for a new file, then given the target's own bits
    within the policy's ``keep`` when the target exists. Any failure removes the
    temp file and is raised.
    """
    policy = mode or SECRET_FILE
    existing = _mode_bits_if_any(path)
    expected = sha256_bytes(data)
    tmp, fd = _open_temp(path, policy.new)
    try:
        with os.fdopen(fd, "wb") as handle:
            if existing is not None:
                os.fchmod(handle.fileno(), existing & policy.keep)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_directory(path.parent)
    return verify_checksum(path, expected, "write")


def atomic_copy(src: Path, dst: Path) -> str:
    """Copy ``src`` to ``dst`` atomically; verify; return sha256.

    The copy gets ``src``'s permission bits, narrowed to ``dst``'s when ``dst`` exists:
    a copy never makes a file more readable than either was.
    """
    import shutil  # only a copy needs it: the headless checks start ~1.5 ms sooner without

    expected = sha256_file(src)
    bits = _mode_bits(src)
    existing = _mode_bits_if_any(dst)
    if existing is not None:
        bits &= existing
    tmp, fd = _open_temp(dst, SECRET_FILE.new)  # private until the bits are set
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as source:
            shutil.copyfileobj(source, out)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(src, tmp)  # the modification time travels with the content
        os.chmod(tmp, bits)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_directory(dst.parent)
    return verify_checksum(dst, expected, "copy")


def free_backup_name(path: Path, suffix: str) -> Path:
    """``path`` + ``suffix``, or ``…suffix.1``, ``.2`` … — the first name not taken."""
    candidate = path.with_name(path.name + suffix)
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{suffix}.{n}")
        n += 1
    return candidate


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this host (this process included); a zombie
    (killed, not reaped yet: its parent may be an init that never reaps) runs no more."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    return not is_zombie(pid)


def is_zombie(pid: int) -> bool:
    """Whether ``pid`` has exited and waits to be reaped (``Z`` in /proc/<pid>/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2 :].split()[0] == "Z"
    except (OSError, ValueError, IndexError):
        return False


def is_stale_temp_file(name: str) -> bool:
    """True when ``name`` is a temp file of an atomic write or a lock whose process is gone."""
    match = _TEMP_NAME.fullmatch(name) or _LOCK_TEMP_NAME.fullmatch(name)
    return match is not None and not pid_alive(int(match.group("pid")))


def remove_stale_temp_files(directories: Iterable[Path]) -> tuple[Path, ...]:
    """Remove what killed writes left in ``directories`` (not recursive); return the paths."""
    removed: list[Path] = []
    for directory in directories:
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if not entry.is_file(follow_symlinks=False) or not is_stale_temp_file(entry.name):
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return tuple(removed)
