"""One wizard per release: ``.mocm-upgrade/lock.json`` names the owner.

The lock file is written complete to a private temp file (O_EXCL) and
published with ``os.link``, which fails if a lock exists: exclusive, and never
seen half-written. Checking and taking over a stale lock happens under an
``flock`` on the work folder so two starting wizards can't both take it over.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType

from tui.core.errors import LockHeld, MocmError
from tui.core.files import pid_alive
from tui.core.journal.writer import PRIVATE_FILE, Workspace, login_name, utc_now


class LockError(MocmError):
    """The lock file could not be written or removed."""


@dataclass(frozen=True)
class LockOwner:
    """Who holds the lock. ``proc_start`` and ``boot_id`` tell a reused pid apart."""

    pid: int
    host: str
    user: str
    started: str
    proc_start: int | None = None
    boot_id: str | None = None

    def describe(self) -> str:
        """``pid 123, user alice on host jump1, since 2026-…``."""
        return f"pid {self.pid}, user {self.user} on host {self.host}, since {self.started}"


@dataclass(frozen=True)
class LockAcquired:
    """The lock is ours; ``took_over`` is the stale owner we replaced, if any."""

    owner: LockOwner
    took_over: LockOwner | None = None


def process_start_ticks(pid: int) -> int | None:
    """Field 22 of ``/proc/<pid>/stat`` (start time since boot), None if unavailable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        # the command name (field 2) may hold spaces and parentheses
        return int(stat[stat.rindex(")") + 2 :].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def boot_id() -> str | None:
    """This boot's id (a pid from another boot is never alive now)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def this_process() -> LockOwner:
    """The lock owner describing the current process."""
    pid = os.getpid()
    return LockOwner(
        pid, socket.gethostname(), login_name(), utc_now(), process_start_ticks(pid), boot_id()
    )


def is_stale(owner: LockOwner, host: str) -> bool:
    """True when ``owner`` is on ``host`` and its process is gone (or the pid was reused)."""
    if owner.host != host:
        return False
    if owner.boot_id is not None and boot_id() not in (None, owner.boot_id):
        return True
    if not pid_alive(owner.pid):  # gone, or a zombie: a killed wizard holds nothing
        return True
    now_start = process_start_ticks(owner.pid)
    return owner.proc_start is not None and now_start is not None and now_start != owner.proc_start


class ReleaseLock:
    """The release lock of one workspace; a context manager that releases on exit."""

    def __init__(self, workspace: Workspace, owner: LockOwner | None = None) -> None:
        self.workspace = workspace
        self.path = workspace.lock_path
        self.owner = owner if owner is not None else this_process()
        self.held = False

    def __enter__(self) -> LockAcquired:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def read_owner(self) -> LockOwner | None:
        """The owner named by the lock file, None if there is none; LockHeld if unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return LockOwner(
                pid=int(data["pid"]),
                host=str(data["host"]),
                user=str(data["user"]),
                started=str(data["started"]),
                proc_start=None if data.get("proc_start") is None else int(data["proc_start"]),
                boot_id=None if data.get("boot_id") is None else str(data["boot_id"]),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise LockHeld(
                f"The release lock {self.path} is unreadable ({exc}); "
                "the wizard cannot tell whether another one is running.",
                hint=f"If no other mocm-upgrade works on this release, remove it: rm {self.path}",
            ) from exc

    def acquire(self) -> LockAcquired:
        """Take the lock, or take over a stale one; LockHeld if a live wizard holds it."""
        root = self.workspace.ensure()
        dir_fd = os.open(root, os.O_DIRECTORY)
        try:
            fcntl.flock(dir_fd, fcntl.LOCK_EX)  # two starting wizards never both take over
            took_over: LockOwner | None = None
            while not self._publish():
                holder = self.read_owner()
                if holder is None:  # gone between our link and our read: a wizard just quit
                    raise LockHeld(
                        f"The release lock {self.path} changed while this wizard was taking it.",
                        hint="Start the wizard again.",
                    )
                if took_over is not None or not is_stale(holder, self.owner.host):
                    raise self._held(holder)
                self.path.unlink()
                took_over = holder
            return LockAcquired(self.owner, took_over)
        finally:
            os.close(dir_fd)  # also drops the flock

    def release(self) -> bool:
        """Remove the lock if it is still ours; return whether it was removed."""
        if not self.held:
            return False
        self.held = False
        try:
            holder = self.read_owner()
        except LockHeld:
            return False
        if holder is None or not _same_process(holder, self.owner):
            return False
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        return True

    def _publish(self) -> bool:
        """Publish our owner record as the lock; False when a lock file is already there."""
        tmp = self.path.with_name(f".{self.path.name}.{self.owner.pid}.{os.urandom(4).hex()}")
        data = (json.dumps(asdict(self.owner)) + "\n").encode("utf-8")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
            with os.fdopen(fd, "wb", buffering=0) as handle:
                handle.write(data)
                os.fsync(fd)
            try:
                os.link(tmp, self.path)
                published = True
            except FileExistsError:
                published = False
        except OSError as exc:
            raise LockError(f"Cannot write the release lock {self.path}: {exc.strerror}.") from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.held = self.held or published
        return published

    def _held(self, holder: LockOwner) -> LockHeld:
        if holder.host != self.owner.host:
            return LockHeld(
                f"Another mocm-upgrade holds this release from another host: {holder.describe()}. "
                "A lock from another host is never broken automatically.",
                hint=f"Stop the wizard on {holder.host}; if none runs there, "
                f"remove the lock by hand: rm {self.path}",
            )
        return LockHeld(
            f"Another mocm-upgrade is working on this release: {holder.describe()}.",
            hint=f"Finish or quit that wizard first. If it is certainly gone, rm {self.path}",
        )


def _same_process(a: LockOwner, b: LockOwner) -> bool:
    return (a.pid, a.host, a.proc_start, a.boot_id) == (b.pid, b.host, b.proc_start, b.boot_id)
