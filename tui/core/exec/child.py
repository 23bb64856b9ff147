"""A command's process as the journal names it: pid, process group, and when it started.

A command runs in its own session (``start_new_session``), so a killed wizard leaves it
running. The restart must tell "still running" from "gone", and a pid the system reused
for another program from the command: the identity is the pid with the process's start
time (``/proc/<pid>/stat`` field 22, clock ticks since boot) and the boot's id. The same
pid, started at another tick or in another boot, is another process.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
STAT_STATE, STAT_PGRP, STAT_START = 0, 2, 19  # fields 3, 5 and 22, counted after ``comm)``


@dataclass(frozen=True)
class ChildIdentity:
    """One process, unmistakably: a reused pid has another start time (or boot)."""

    pid: int
    pgid: int
    start_ticks: int  # clock ticks after boot when it started
    boot_id: str


def boot_id(root: Path = PROC) -> str:
    """This boot's id ("" where the system does not say)."""
    try:
        return (root / "sys" / "kernel" / "random" / "boot_id").read_text().strip()
    except OSError:
        return ""


def _stat_fields(pid: int, root: Path) -> list[str] | None:
    try:
        stat = (root / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces or ')'
    return stat.rsplit(")", 1)[1].split()


def identify(pid: int, root: Path = PROC) -> ChildIdentity | None:
    """The identity of the running process ``pid``; None if it is gone already."""
    fields = _stat_fields(pid, root)
    if fields is None or fields[STAT_STATE] == "Z":
        return None
    return ChildIdentity(pid, int(fields[STAT_PGRP]), int(fields[STAT_START]), boot_id(root))


def is_running(child: ChildIdentity, root: Path = PROC) -> bool:
    """Whether ``child`` itself still runs (not a zombie, not a later process on its pid)."""
    now = identify(child.pid, root)
    if now is None:
        return False
    same_boot = not child.boot_id or not now.boot_id or child.boot_id == now.boot_id
    return same_boot and now.start_ticks == child.start_ticks


def stop_group(child: ChildIdentity, signum: int = signal.SIGTERM, root: Path = PROC) -> bool:
    """Send ``signum`` to ``child``'s process group if the child still runs; True if sent."""
    if not is_running(child, root):
        return False
    try:
        os.killpg(child.pgid, signum)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def wait_gone(
    child: ChildIdentity,
    timeout_s: float | None = None,
    *,
    poll_s: float = 0.1,
    given_up: Callable[[], bool] = lambda: False,
) -> bool:
    """Block until ``child`` has ended (True), or ``timeout_s`` passed or ``given_up()``
    (False: the caller stopped waiting, e.g. the wizard quits).

    Not a child of this process: nothing to ``wait()`` for, so its /proc entry is read
    every ``poll_s`` (a pidfd would need the same start-time check first).
    """
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while is_running(child):
        if given_up() or (deadline is not None and time.monotonic() >= deadline):
            return False
        time.sleep(poll_s)
    return True
