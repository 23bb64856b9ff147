"""The Preflight step's state backup: taken in a worker, a clash offered a free name, journaled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.core.journal.writer import Journal
from tui.core.playbook.load import Playbook
from tui.core.preflight.result import CheckResult
from tui.core.preflight.state_backup import (
    BackupConflict,
    BackupOutcome,
    StateBackup,
    backup_local_state,
    check_state_backup,
)
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.worker_events import ReportsWorkers


@dataclass(frozen=True)
class BackupRequest:
    """Where the backup is taken, by which playbook, and the journal it goes into."""

    where: Path
    book: Playbook
    journal: Journal | None


@dataclass(frozen=True)
class BackupDone:
    """The backup taken, and the state backup item checked again after it."""

    backup: StateBackup
    item: CheckResult


class BackupLine(ReportsWorkers, Static):
    """One line saying what the state backup did; takes the backup in a thread worker."""

    class RunningChanged(Message):
        """A backup started or stopped (taken, refused or failed): the panel's controls change."""

    class Taken(Message):
        """The backup was taken and checked again: ``item`` is the new state backup item."""

        def __init__(self, item: CheckResult) -> None:
            super().__init__()
            self.item = item

    class BackedUp(Message, bubble=False):
        def __init__(self, done: BackupDone) -> None:
            super().__init__()
            self.done = done

    class Conflicted(Message, bubble=False):
        """Another backup is in the way: a free name is offered."""

        def __init__(self, conflict: BackupConflict) -> None:
            super().__init__()
            self.conflict = conflict

    class Ended(Message, bubble=False):
        """The backup worker ended, however it ended."""

    def __init__(self) -> None:
        super().__init__(id="pf-backup", markup=False)
        self.running = False
        self.request: BackupRequest | None = None

    def start(
        self, where: Path, book: Playbook, journal: Journal | None, destination: Path | None
    ) -> None:
        """Copy the state to its .pre-upgrade file (or to ``destination``)."""
        self.running = True
        self.request = BackupRequest(where, book, journal)
        self.post_message(self.RunningChanged())
        self.take(where, book, destination)

    @work(thread=True, group="preflight-backup", exit_on_error=False, description="State backup")
    def take(self, where: Path, book: Playbook, destination: Path | None) -> None:
        try:
            backup = backup_local_state(where, book, destination)
        except BackupConflict as conflict:
            self.post_message(self.Conflicted(conflict))
            return
        finally:
            self.post_message(self.Ended())
        item = check_state_backup(where, book)
        self.post_message(self.BackedUp(BackupDone(backup, item)))

    @on(Ended)
    def ended(self) -> None:
        self.running = False
        self.post_message(self.RunningChanged())

    @on(Conflicted)
    def offer_free_name(self, event: Conflicted) -> None:
        conflict, request = event.conflict, self.request
        assert request is not None  # set by start(), before the worker

        def answer(yes: bool | None) -> None:
            if yes:
                self.start(request.where, request.book, request.journal, conflict.free_name)

        self.app.push_screen(
            ConfirmDialog(
                "A different backup already exists",
                f"{conflict.message}\n\nBack up the current state to {conflict.free_name.name} "
                "instead? The existing file is left untouched.",
                confirm=f"Back up to {conflict.free_name.name}",
            ),
            answer,
        )

    @on(BackedUp)
    def done(self, event: BackedUp) -> None:
        backup, item = event.done.backup, event.done.item
        journal = self.request.journal if self.request is not None else None
        if backup.file_op is not None and journal is not None:
            journal.append(backup.file_op)
        style = "$success" if backup.outcome is not BackupOutcome.TO_DO else "$warning"
        self.update(Content.styled(backup.message, style))
        self.display = True
        self.post_message(self.Taken(item))
