"""The Preflight step's state backup: taken in a worker, a clash offered a free name, journaled."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
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


class BackupLine(ReportsWorkers, Static):
    """One line saying what the state backup did; takes the backup in a thread worker."""

    class RunningChanged(Message):
        """A backup started or stopped (taken, refused or failed): the panel's controls change."""

    class Taken(Message):
        """The backup was taken and checked again: ``item`` is the new state backup item."""

        def __init__(self, item: CheckResult) -> None:
            super().__init__()
            self.item = item

    def __init__(self) -> None:
        super().__init__(id="pf-backup", markup=False)
        self.running = False

    def start(
        self, where: Path, book: Playbook, journal: Journal | None, destination: Path | None
    ) -> None:
        """Copy the state to its .pre-upgrade file (or to ``destination``)."""
        self.running = True
        self.post_message(self.RunningChanged())
        self.take(where, book, journal, destination)

    @work(thread=True, group="preflight-backup", exit_on_error=False, description="State backup")
    def take(
        self, where: Path, book: Playbook, journal: Journal | None, destination: Path | None
    ) -> None:
        try:
            backup = backup_local_state(where, book, destination)
        except BackupConflict as conflict:
            self.app.call_from_thread(self.offer_free_name, conflict, where, book, journal)
            return
        finally:
            self.app.call_from_thread(self.ended)
        item = check_state_backup(where, book)
        self.app.call_from_thread(self.done, backup, item, journal)

    def ended(self) -> None:
        self.running = False
        self.post_message(self.RunningChanged())

    def offer_free_name(
        self, conflict: BackupConflict, where: Path, book: Playbook, journal: Journal | None
    ) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.start(where, book, journal, conflict.free_name)

        self.app.push_screen(
            ConfirmDialog(
                "A different backup already exists",
                f"{conflict.message}\n\nBack up the current state to {conflict.free_name.name} "
                "instead? The existing file is left untouched.",
                confirm=f"Back up to {conflict.free_name.name}",
            ),
            answer,
        )

    def done(self, backup: StateBackup, item: CheckResult, journal: Journal | None) -> None:
        if backup.file_op is not None and journal is not None:
            journal.append(backup.file_op)
        style = "green" if backup.outcome is not BackupOutcome.TO_DO else "yellow"
        self.update(Text(backup.message, style))
        self.display = True
        self.post_message(self.Taken(item))
