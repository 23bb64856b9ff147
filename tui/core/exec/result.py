"""What a finished command did (``CommandResult``) and the typed errors saying why it failed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from tui.core.errors import CommandFailed


class CommandNotFound(CommandFailed):
    """The program is not on the PATH the command was given."""


class CommandNotStarted(CommandFailed):
    """The program exists but could not be started (permissions, missing cwd)."""


class CommandExitedNonZero(CommandFailed):
    """The command ran and exited with a code the caller does not accept."""


class CommandTimedOut(CommandFailed):
    """The command ran past its timeout and was stopped."""


class CommandCancelled(CommandFailed):
    """The operator cancelled the command."""


@dataclass(frozen=True)
class CommandResult:
    """What one finished command did. Tails hold redacted lines only."""

    argv: tuple[str, ...]
    exit_code: int
    started_at: datetime
    duration_s: float
    timed_out: bool = False
    cancelled: bool = False
    stdout_tail: tuple[str, ...] = ()
    stderr_tail: tuple[str, ...] = ()
    signals_sent: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the command ran to completion with exit code 0."""
        return self.exit_code == 0 and not (self.timed_out or self.cancelled)

    def check(self, ok_codes: Iterable[int] = (0,)) -> CommandResult:
        """Return self, or raise the typed error that tells the operator what went wrong."""
        name = self.argv[0] if self.argv else "?"
        if self.timed_out:
            raise CommandTimedOut(
                f"{name} did not finish within its time limit and was stopped "
                f"({', '.join(self.signals_sent) or 'no signal needed'}).",
                "Look at the end of its output for what it was waiting for.",
            )
        if self.cancelled:
            raise CommandCancelled(f"{name} was cancelled.")
        if self.exit_code not in set(ok_codes):
            last = self.stderr_tail[-1] if self.stderr_tail else ""
            raise CommandExitedNonZero(
                f"{name} exited with code {self.exit_code}."
                + (f" Last error: {last}" if last else ""),
                "Its full output is in the command log and the transcript.",
            )
        return self
