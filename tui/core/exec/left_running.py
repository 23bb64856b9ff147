"""A command a killed wizard started whose process still runs: found, told, and settled.

The journal names each command's process when it starts (``command_child``). At the
next start, a command with no end whose process still runs (the same pid, started
at the same tick of the same boot) is not journaled as interrupted yet: the operator
waits for it, stops it (SIGTERM to its process group) or quits leaving it; the
choice is journaled (``child_handled``), and once it is gone it is interrupted.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tui.core.exec.child import ChildIdentity, is_running
from tui.core.journal.records import (
    ChildChoice,
    ChildHandled,
    CommandChild,
    CommandInterrupted,
    CommandStarted,
    JournalRecord,
)


@dataclass(frozen=True)
class StillRunning:
    """A command a killed wizard started whose process still runs (checked by identity)."""

    started: CommandStarted
    started_at: str
    child: ChildIdentity

    @property
    def what(self) -> str:
        return shlex.join(self.started.argv)

    def sentence(self, step_title: str = "") -> str:
        """What runs, and the three choices, for the operator."""
        where = f" ({step_title} step)" if step_title else ""
        return (
            f"{self.what}{where}, started {self.started_at}, is still running as pid "
            f"{self.child.pid} (process group {self.child.pgid}): the wizard was stopped, "
            "the command was not. Nothing is planned or applied while it runs.\n\n"
            "Wait (w): the wizard waits for it to end, then reads how far it got from its "
            "transcript.\nStop it (k): SIGTERM to its process group (it stops cleanly and "
            "releases the state lock); journaled.\nQuit (^Q): leave it running; the next "
            "start asks again."
        )

    def handled(self, choice: ChildChoice) -> ChildHandled:
        """The journal record of the operator's choice."""
        body = self.started
        return ChildHandled(
            body.run_id, body.argv, self.child.pid, self.child.pgid, choice, body.step
        )

    def interrupted(self) -> CommandInterrupted:
        """The journal record once it is gone: cut off, its outcome unknown."""
        body = self.started
        return CommandInterrupted(body.run_id, body.argv, body.cwd, self.started_at, body.step)


def child_of(records: Iterable[JournalRecord], run_id: str) -> ChildIdentity | None:
    """The process the journal says ``run_id`` ran as (None: never journaled)."""
    found = None
    for record in records:
        body = record.body
        if isinstance(body, CommandChild) and body.run_id == run_id:
            found = ChildIdentity(body.pid, body.pgid, body.start_ticks, body.boot_id)
    return found


def still_running(
    records: Sequence[JournalRecord],
    started: CommandStarted,
    started_at: str,
    running: Callable[[ChildIdentity], bool] = is_running,
) -> StillRunning | None:
    """``started``'s process if it still runs, else None (gone, or never journaled)."""
    child = child_of(records, started.run_id)
    if child is None or not running(child):
        return None
    return StillRunning(started, started_at, child)
