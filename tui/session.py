"""One wizard session on a release pair: the lock, the journal and resume, together.

The App opens a Session once the releases are valid and closes it on exit.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.journal.lock import LockAcquired, ReleaseLock
from tui.core.journal.resume import JournalState, fold
from tui.core.journal.transcripts import Transcripts
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import Playbook
from tui.core.releases.directories import ReleasePair
from tui.core.secrets.redact import Redactor
from tui.core.steps import STEP_IDS


@dataclass
class Session:
    """The open journal and the held lock of the current release."""

    workspace: Workspace
    journal: Journal
    lock: ReleaseLock
    acquired: LockAcquired
    resumed: JournalState
    redactor: Redactor
    transcripts: Transcripts

    @classmethod
    def open(
        cls, pair: ReleasePair, playbook: Playbook, version: str, redactor: Redactor
    ) -> Session:
        """Take the release lock (LockHeld if a live wizard has it) and open the journal."""
        workspace = Workspace(pair.current.path)
        lock = ReleaseLock(workspace)
        acquired = lock.acquire()
        try:
            journal = Journal.open(workspace, redactor.redact)
        except BaseException:
            lock.release()
            raise
        resumed = fold(journal.records, journal.warnings)
        journal.session_started(
            pair.previous.path,
            pair.current.path,
            pair.previous.build,
            pair.current.build,
            playbook.id,
            version,
        )
        if acquired.took_over is not None:
            journal.note(f"Took over a stale lock: {acquired.took_over.describe()}")
        transcripts = Transcripts(workspace, redactor.redact)
        return cls(workspace, journal, lock, acquired, resumed, redactor, transcripts)

    def resume_step(self) -> str:
        """Where a restart lands: the step the operator was on."""
        return self.resumed.resume_step(STEP_IDS)

    def close(self) -> None:
        """Release the lock (the journal needs no closing: every record is fsynced)."""
        self.lock.release()
