"""How a command the wizard runs is recorded: argv, cwd, exit code, duration, outcome.

The runner tells an optional ``CommandRecorder`` about every run however it ends;
the wizard's recorder writes it to the journal. The recorder never sees the
command's output: some print secrets (``tofu state pull`` prints the whole state).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.core.errors import MocmError
from tui.core.exec.result import CommandResult

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FinishedCommand:
    """One run as the journal keeps it (no output)."""

    argv: tuple[str, ...]
    cwd: str
    exit_code: int | None  # None: it never started, or ended without an exit code
    duration_s: float
    outcome: str = ""  # "", "ok: …" (an accepted exit code), "timed out", "cancelled" or why


CommandRecorder = Callable[[FinishedCommand], None]


def result_outcome(result: CommandResult) -> str:
    """A returned run's outcome: timed out, cancelled, an accepted exit code, or ``""``."""
    if result.timed_out:
        return "timed out"
    if result.cancelled:
        return "cancelled"
    from tui.core.journal.records import accepted_outcome  # the journal loads after first paint

    return accepted_outcome(result.argv, result.exit_code)


def error_outcome(error: BaseException) -> str:
    """The outcome of a run that raised instead of returning a result."""
    if isinstance(error, asyncio.CancelledError | KeyboardInterrupt):
        return "cancelled"
    if isinstance(error, MocmError):
        return error.message
    return str(error) or type(error).__name__


def tell_recorder(
    recorder: CommandRecorder | None,
    argv: Sequence[str],
    cwd: str,
    exit_code: int | None,
    duration_s: float,
    outcome: str,
) -> None:
    """Hand one run to ``recorder``; its failure is logged, never raised to the command's caller."""
    if recorder is None:
        return
    try:
        recorder(FinishedCommand(tuple(argv), cwd, exit_code, duration_s, outcome))
    except Exception:  # a journal that cannot be written must not fail the command itself
        _log.warning("Could not record the run of %s", argv[0] if argv else "?", exc_info=True)
