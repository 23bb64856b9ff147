"""Every command a step runs gets a journal record; those it shows get a transcript (0600).

Steps call ``StepPanel.run_logged``; the App finishes the records when the worker ends,
whatever way it ends (success, failure, cancel). Commands run by the cores
(``tofu state pull``, ``tofu version``…) are journaled through ``journal_recorder``,
without a transcript: their output is read, never kept.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState

from tui.core.exec.recorder import CommandRecorder, FinishedCommand, result_outcome
from tui.core.exec.result import CommandResult

if TYPE_CHECKING:  # the journal loads with the first release opened, after the first paint
    from tui.core.journal.transcripts import Transcript
    from tui.session import Session


@dataclass
class CommandRecord:
    argv: tuple[str, ...]
    cwd: Path
    step: str
    transcript: Transcript | None
    started: float = field(default_factory=time.monotonic)
    run_id: str = ""  # its command_started record: a kill before the end leaves it open


class CommandRecords:
    """Open records of running commands, keyed by their worker."""

    def __init__(self) -> None:
        self._open: dict[object, CommandRecord] = {}  # keyed by the worker running the command

    def start(
        self, session: Session | None, argv: list[str], cwd: Path, step: str
    ) -> CommandRecord:
        if session is None:
            return CommandRecord(tuple(argv), cwd, step, None)
        transcript = session.transcripts.open(argv, cwd)
        run_id = session.journal.command_started(argv, cwd, transcript.name, step)
        return CommandRecord(tuple(argv), cwd, step, transcript, run_id=run_id)

    def spawned(self, session: Session | None, record: CommandRecord, pid: int) -> None:
        """Journal the process the command runs as (a restart checks it still runs)."""
        if session is None or not record.run_id:
            return
        from tui.core.exec.child import identify
        from tui.core.journal.records import CommandChild

        child = identify(pid)
        if child is None:  # ended already: its end record follows
            return
        session.journal.append(
            CommandChild(
                record.run_id, child.pid, child.pgid, child.start_ticks, child.boot_id, record.step
            )
        )

    def track(self, worker: Worker[CommandResult], record: CommandRecord) -> None:
        self._open[worker] = record

    def finish(self, worker: Worker[object], session: Session | None) -> None:
        """Close the transcript and journal the command once its worker has ended."""
        if worker.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        record = self._open.pop(worker, None)
        if record is None:
            return
        result = worker.result if worker.state is WorkerState.SUCCESS else None
        if isinstance(result, CommandResult):
            code: int | None = result.exit_code
            duration = result.duration_s
            outcome = result_outcome(result)
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
                record.run_id,
            )


def journal_recorder(session: Session | None, step: str) -> CommandRecorder | None:
    """A recorder that journals each run for ``step``; None without a session.

    Build it on the app's thread: a run that ends on another thread (a thread
    worker) is journaled on the app's thread, in order, like every other record.
    """
    if session is None:
        return None
    journal = session.journal
    loop = asyncio.get_running_loop()
    home = threading.get_ident()

    def write(done: FinishedCommand) -> None:
        try:
            journal.command(
                done.argv, Path(done.cwd), done.exit_code, done.duration_s, None, done.outcome, step
            )
        except Exception:  # the command's caller must not fail because the journal did
            logging.getLogger(__name__).warning("Could not journal %s", done.argv[0], exc_info=True)

    def record(done: FinishedCommand) -> None:
        if threading.get_ident() == home:
            write(done)
            return
        try:
            loop.call_soon_threadsafe(write, done)
        except RuntimeError:  # the app's loop is closed: nothing else writes the journal now
            write(done)

    return record
