"""Every command a step runs gets a transcript (0600) and a journal record.

Steps call ``StepPanel.run_logged``; the App finishes the records when the worker ends,
whatever way it ends (success, failure, cancel).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from textual.worker import Worker, WorkerState

from tui.core.command_result import CommandResult
from tui.core.journal_records import accepted_outcome
from tui.core.transcripts import Transcript
from tui.session import Session


@dataclass
class CommandRecord:
    argv: tuple[str, ...]
    cwd: Path
    step: str
    transcript: Transcript | None
    started: float = field(default_factory=time.monotonic)


class CommandRecords:
    """Open records of running commands, keyed by their worker."""

    def __init__(self) -> None:
        self._open: dict[Worker[CommandResult], CommandRecord] = {}

    def start(
        self, session: Session | None, argv: list[str], cwd: Path, step: str
    ) -> CommandRecord:
        transcript = session.transcripts.open(argv, cwd) if session is not None else None
        return CommandRecord(tuple(argv), cwd, step, transcript)

    def track(self, worker: Worker[CommandResult], record: CommandRecord) -> None:
        self._open[worker] = record

    def finish(self, worker: Worker[object], session: Session | None) -> None:
        """Close the transcript and journal the command once its worker has ended."""
        if worker.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        record = self._open.pop(worker, None)  # type: ignore[arg-type]
        if record is None:
            return
        result = worker.result if worker.state is WorkerState.SUCCESS else None
        if isinstance(result, CommandResult):
            code: int | None = result.exit_code
            duration = result.duration_s
            outcome = "timed out" if result.timed_out else "cancelled" if result.cancelled else ""
            outcome = outcome or accepted_outcome(record.argv, code)
        else:
            code, duration = None, time.monotonic() - record.started
            outcome = "cancelled" if worker.state is WorkerState.CANCELLED else str(worker.error)
        if record.transcript is not None:
            record.transcript.close(code, duration, outcome)
        if session is not None:
            session.journal.command(
                record.argv,
                record.cwd,
                code,
                duration,
                record.transcript.name if record.transcript is not None else None,
                outcome,
                record.step,
            )
