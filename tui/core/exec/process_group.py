"""Stopping a command's process group gently: SIGINT, then SIGTERM, SIGKILL only last.

Cancelling (or a timeout) escalates, always to the whole process group: SIGINT
first, SIGTERM after ``CancelGrace.interrupt_s``, SIGKILL only after a further
``CancelGrace.terminate_s``. ``tofu`` must never get SIGKILL first: on SIGINT it
stops cleanly, releases the state lock and persists the state it has; a SIGKILL
can leave a held lock and a half-written state behind.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CancelGrace:
    """Seconds to wait after SIGINT before SIGTERM, and after SIGTERM before SIGKILL."""

    interrupt_s: float = 30.0
    terminate_s: float = 15.0
    kill_s: float = 5.0  # how long to wait for the group to vanish after SIGKILL


DEFAULT_GRACE = CancelGrace()


class CancelRequest:
    """A stop asked for from any thread, before or while the command runs."""

    def __init__(self) -> None:
        self.requested = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def request(self) -> None:
        """Ask for the stop; thread-safe. A request made before ``bind`` is kept."""
        self.requested = True
        loop, event = self._loop, self._event
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    def bind(self) -> asyncio.Event:
        """The event the running command waits on, in the running loop (set if asked already)."""
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        if self.requested:
            self._event.set()
        return self._event


CANCEL_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def default_cancel_signals() -> None:
    """In a new child, before exec: SIGINT and SIGTERM back to their default action.

    An ignored signal stays ignored across exec: a wizard started with SIGINT ignored
    (``nohup``, a background job) would pass that on, and cancelling tofu would do nothing.
    """
    for signum in CANCEL_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)


def signal_group(pid: int, signum: int) -> bool:
    """Send ``signum`` to the process group led by ``pid``; False if it is already gone."""
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        return False
    return True


async def stop_process_group(
    pid: int,
    grace: CancelGrace,
    signals_sent: list[str],
    *,
    has_exited: Callable[[], bool],
    wait_exit: Callable[[float], Awaitable[bool]],
) -> None:
    """SIGINT, then SIGTERM, then (last resort) SIGKILL to the group, each after a grace.

    ``wait_exit(seconds)`` waits up to that long and says whether the command exited;
    each signal sent is appended to ``signals_sent`` by name.
    """
    steps = (
        (signal.SIGINT, grace.interrupt_s),
        (signal.SIGTERM, grace.terminate_s),
        (signal.SIGKILL, grace.kill_s),
    )
    for signum, seconds in steps:
        if has_exited() or not signal_group(pid, signum):
            return
        signals_sent.append(signum.name)
        if await wait_exit(seconds):
            return
