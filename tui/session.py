"""One wizard session on a release pair: the lock, the journal and resume, together.

The App opens a Session once the releases are valid and closes it on exit. Opening
it, in this order: the secrets of the values files are registered with the
redactor (before anything is shown or logged); the lock is taken; the journal is
opened; temp files left by killed writes are removed (journaled); commands a
killed wizard started and never saw end are journaled as interrupted — unless their
process still runs (``still_running``): the App asks the operator first (wait, stop,
or quit leaving it), and ``child_chosen`` / ``child_gone`` journal the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.exec.child import stop_group
from tui.core.exec.left_running import StillRunning, still_running
from tui.core.journal.interrupted import Interruption, explain, last_line
from tui.core.journal.lock import LockAcquired, ReleaseLock
from tui.core.journal.records import ChildChoice, CommandInterrupted
from tui.core.journal.resume import JournalState, fold
from tui.core.journal.transcripts import Transcripts
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import Playbook
from tui.core.releases.directories import ReleasePair
from tui.core.secrets.harvest import secrets_in_tree
from tui.core.secrets.redact import Redactor
from tui.core.steps import STEP_IDS
from tui.core.values.load import load_values


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
    interruptions: tuple[Interruption, ...] = ()  # commands a killed wizard cut off
    removed_temp_files: tuple[Path, ...] = ()
    still_running: tuple[StillRunning, ...] = ()  # … whose process runs on: ask first

    @classmethod
    def open(
        cls, pair: ReleasePair, playbook: Playbook, version: str, redactor: Redactor
    ) -> Session:
        """Take the release lock (LockHeld if a live wizard has it) and open the journal."""
        register_values_secrets(redactor, values_files(pair, playbook), playbook)
        workspace = Workspace(pair.current.path)
        lock = ReleaseLock(workspace)
        acquired = lock.acquire()
        try:
            journal = Journal.open(workspace, redactor.redact)
        except BaseException:
            lock.release()
            raise
        values_dir = (pair.current.path / playbook.values_file).parent
        removed = journal.remove_stale_temp_files([pair.current.terraform, values_dir])
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
        cut_off, running = [], []
        for started in fold(journal.records).unfinished:
            command = started.body
            alive = still_running(journal.records, command, started.ts)
            if alive is not None:
                running.append(alive)
                continue
            cut = CommandInterrupted(
                command.run_id, command.argv, command.cwd, started.ts, command.step
            )
            journal.append(cut)
            cut_off.append(told(cut, transcripts, command.transcript))
        resumed = fold(journal.records, journal.warnings)
        return cls(
            workspace,
            journal,
            lock,
            acquired,
            resumed,
            redactor,
            transcripts,
            tuple(cut_off),
            removed,
            tuple(running),
        )

    def child_chosen(self, running: StillRunning, choice: ChildChoice) -> bool:
        """Journal the operator's choice about a command still running; STOPPED sends
        SIGTERM to its process group. False: it had ended already (nothing sent)."""
        self.journal.append(running.handled(choice))
        if choice is ChildChoice.STOPPED:
            return stop_group(running.child)
        return True

    def child_gone(self, running: StillRunning) -> Interruption:
        """The command's process has ended: journaled as interrupted, and what to do next."""
        cut = running.interrupted()
        self.journal.append(cut)
        self.still_running = tuple(r for r in self.still_running if r is not running)
        self.resumed = fold(self.journal.records, self.journal.warnings)
        said = told(cut, self.transcripts, running.started.transcript)
        self.interruptions += (said,)
        return said

    def resume_step(self) -> str:
        """Where a restart lands: the step the operator was on."""
        return self.resumed.resume_step(STEP_IDS)

    def close(self) -> None:
        """Release the lock (the journal needs no closing: every record is fsynced).

        A command still running that the operator did not see end is journaled as left
        running: the next start asks about it again.
        """
        try:
            for running in self.still_running:
                self.journal.append(running.handled(ChildChoice.LEFT_RUNNING))
            self.still_running = ()
        finally:
            self.lock.release()


def told(cut: CommandInterrupted, transcripts: Transcripts, name: str | None) -> Interruption:
    """``explain(cut)`` with the last line its transcript holds."""
    said = explain(cut)
    end = last_line(transcripts.output(name or ""))
    return Interruption(said.command, said.consequence, said.next_action, said.replan, end)


def values_files(pair: ReleasePair, playbook: Playbook) -> list[Path]:
    """The values files the wizard reads: both releases', and the template kept at a save."""
    return [
        pair.previous.path / playbook.values_file,
        pair.current.path / playbook.values_file,
        pair.current.path / playbook.values_template_backup,
    ]


def register_values_secrets(redactor: Redactor, paths: list[Path], playbook: Playbook) -> int:
    """Register every secret value of these values files (by key meaning); returns how many.

    A file that is missing or does not parse is skipped: the Values step says why.
    """
    pattern = re.compile(playbook.placeholder_pattern)
    count = 0
    for path in paths:
        if not path.is_file():
            continue
        try:
            tree = load_values(path, comments=False).data
        except MocmError:
            continue
        for secret in secrets_in_tree(tree, pattern):
            redactor.add_secret(secret)
            count += 1
    return count
