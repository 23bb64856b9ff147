"""Applying a carry-over preview: backup first, atomic writes, checksums verified.

Every file written is reported as a ``FileChange`` — to ``on_change`` as soon as
it is on disk (so the caller journals it even if a later step fails) and in the
returned tuple. Before writing, each file is checked to still be what the
operator saw in the preview; anything changed since stops the carry-over.
"""

from __future__ import annotations

import errno
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.files import atomic_copy, atomic_write, free_backup_name, sha256_file
from tui.core.journal.records import FileOpKind
from tui.core.journal.writer import Journal
from tui.core.playbook.load import Playbook
from tui.core.tofu.carry_over.model import (
    BACKUP_SUFFIX,
    CarryOperation,
    CarryOverError,
    CarryOverPreview,
)
from tui.core.tofu.carry_over.model import CarryStatus as Status
from tui.core.tofu.carry_over.tfvars_block import verify_appended
from tui.core.tofu.parked_file import unpark


@dataclass(frozen=True)
class FileChange:
    """One file written, as the journal records it (``sha256_before`` None: it was new)."""

    op: FileOpKind
    path: Path
    sha256_after: str | None
    sha256_before: str | None = None
    source: Path | None = None


OnChange = Callable[[FileChange], None]


class CarryOverFailed(CarryOverError):
    """A write failed part-way; ``done`` lists what was written (and journaled) before."""

    def __init__(self, message: str, hint: str, done: tuple[FileChange, ...]) -> None:
        super().__init__(message, hint)
        self.done = done


def journal_change(journal: Journal, change: FileChange, step: str | None = None) -> None:
    """Record one FileChange in the journal."""
    journal.file_op(
        change.op, change.path, change.sha256_after, change.sha256_before, change.source, step
    )


def _sha_or_none(path: Path) -> str | None:
    return sha256_file(path) if path.exists() else None


def check_writable(directory: Path) -> None:
    """Raise CarryOverError when no file can be created in ``directory``; leaves nothing."""
    try:
        with tempfile.TemporaryFile(dir=directory):  # unnamed where the kernel allows
            pass
    except OSError as exc:
        reason = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else exc.strerror
        raise CarryOverError(
            f"Cannot write in {directory}: {reason}.",
            "Nothing was written. Fix the directory's owner or permissions, then apply again.",
        ) from exc


class _Applier:
    def __init__(self, preview: CarryOverPreview, playbook: Playbook, on_change: OnChange | None):
        self.preview = preview
        self.playbook = playbook
        self.on_change = on_change
        self.done: list[FileChange] = []

    def record(self, change: FileChange) -> None:
        self.done.append(change)
        if self.on_change is not None:
            self.on_change(change)

    def expect(self, path: Path, sha: str | None, what: str) -> None:
        if _sha_or_none(path) != sha:
            raise CarryOverError(
                f"{path} changed since the preview ({what}).",
                "Nothing more was written. Look at the preview again and re-apply.",
            )

    def backup(self, target: Path, planned: Path | None) -> Path:
        backup = planned if planned is not None and not planned.exists() else None
        backup = backup or free_backup_name(target, BACKUP_SUFFIX)
        sha = atomic_copy(target, backup)
        self.record(FileChange("backup", backup, sha, None, target))
        return backup

    def copy(self, op: CarryOperation) -> None:
        assert op.source is not None
        self.expect(op.source, op.source_sha256, "source")
        self.expect(op.destination, op.destination_sha256, "destination")
        if op.status is Status.OVERWRITE:
            self.backup(op.destination, op.backup)
        sha = atomic_copy(op.source, op.destination)
        if sha != op.source_sha256:
            raise CarryOverError(f"{op.source} changed while it was copied.")
        self.record(FileChange("copy", op.destination, sha, op.destination_sha256, op.source))

    def append(self, op: CarryOperation) -> None:
        decision = self.preview.tfvars_append
        assert decision is not None and decision.new_bytes is not None
        self.expect(op.destination, op.destination_sha256, "before the append")
        backup = self.backup(op.destination, op.backup)
        sha = atomic_write(op.destination, decision.new_bytes)
        try:
            verify_appended(op.destination.read_bytes(), op.destination, decision)
        except MocmError:
            atomic_copy(backup, op.destination)  # put the file back as it was
            self.record(FileChange("copy", op.destination, op.destination_sha256, sha, backup))
            raise
        self.record(FileChange("append", op.destination, sha, op.destination_sha256))

    def activate(self, op: CarryOperation) -> None:
        rename = unpark(self.preview.destination_dir, self.playbook)
        if rename.changed:
            source = rename.directory / rename.source
            self.record(FileChange("rename", op.destination, rename.sha256, None, source))

    def run(self) -> tuple[FileChange, ...]:
        actions = {"copy": self.copy, "append": self.append, "activate": self.activate}
        for op in self.preview.changes:
            try:
                actions[op.action](op)
            except MocmError as exc:
                raise CarryOverFailed(exc.message, exc.hint, tuple(self.done)) from exc
            except OSError as exc:
                why = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
                raise CarryOverFailed(
                    f"Cannot write {op.destination}: {why or exc}.",
                    "The temporary file was removed; files written before are listed "
                    "in the journal with their backups.",
                    tuple(self.done),
                ) from exc
        return tuple(self.done)


def apply_carry_over(
    preview: CarryOverPreview, playbook: Playbook, on_change: OnChange | None = None
) -> tuple[FileChange, ...]:
    """Apply every writing operation of ``preview`` in order; return the files written."""
    if preview.blocked:
        names = "; ".join(f"{op.name}: {op.reason}" for op in preview.blockers)
        raise CarryOverError(f"The carry-over is blocked: {names}.", "Fix these first.")
    check_writable(preview.destination_dir)
    return _Applier(preview, playbook, on_change).run()
