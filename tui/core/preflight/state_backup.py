"""Backup of the previous release's local state to ``terraform.tfstate.pre-upgrade``.

An existing backup is never overwritten: identical bytes (sha256) mean "already
backed up"; different bytes are refused, with a free name offered instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.files import atomic_copy, free_backup_name, sha256_file
from tui.core.journal.records import FileOp
from tui.core.playbook.load import Playbook
from tui.core.preflight.result import CheckResult, CheckStatus, failed, passed, warned
from tui.core.tofu.statefile import read_state

STEP = "preflight"


class BackupOutcome(StrEnum):
    """What the backup did (or would do)."""

    TO_DO = "to do"
    BACKED_UP = "backed up"
    ALREADY = "already backed up"
    NOT_APPLICABLE = "not applicable"


class BackupConflict(MocmError):
    """A different backup already exists under the backup's name."""

    def __init__(self, message: str, hint: str, existing: Path, free_name: Path) -> None:
        super().__init__(message, hint)
        self.existing = existing
        self.free_name = free_name


class BackupFailed(MocmError):
    """The backup could not be written (permissions, disk) or there is nothing to back up."""


@dataclass(frozen=True)
class StateBackup:
    """The state backup as it stands: the outcome, the files and the journal record."""

    outcome: BackupOutcome
    source: Path
    destination: Path
    sha256: str | None
    message: str
    file_op: FileOp | None = None  # to append to the journal when a file was written


def _paths(terraform_dir: Path, playbook: Playbook) -> tuple[Path, Path, Path]:
    return (
        terraform_dir / playbook.state_file,
        terraform_dir / playbook.state_pre_upgrade,
        terraform_dir / playbook.backend_file,
    )


def inspect_state_backup(terraform_dir: Path, playbook: Playbook) -> StateBackup:
    """What backing up would do, without writing (raises BackupConflict / BackupFailed)."""
    source, destination, backend_tf = _paths(terraform_dir, playbook)
    if not source.exists():
        if backend_tf.exists():
            return StateBackup(
                BackupOutcome.NOT_APPLICABLE,
                source,
                destination,
                None,
                f"Not applicable: the state is in S3, per {backend_tf.name} (its versions are "
                "checked as their own item).",
            )
        raise BackupFailed(
            f"No state to back up: {source} does not exist and there is no {backend_tf.name}.",
            "Check that the previous release is the directory where `tofu apply` was run.",
        )
    state = read_state(source)  # a corrupt state is a ParseError, not a silent backup
    sha = _sha(source)
    if destination.exists():
        if _sha(destination) == sha:
            return StateBackup(
                BackupOutcome.ALREADY,
                source,
                destination,
                sha,
                f"Already backed up: {destination.name} is identical (sha256 {sha[:12]}…).",
            )
        free = free_backup_name(destination, "")
        raise BackupConflict(
            f"{destination} already exists and differs from {source.name}; it is kept as is.",
            f"Move it aside if it is stale, or back up to the free name {free.name} instead.",
            destination,
            free,
        )
    return StateBackup(
        BackupOutcome.TO_DO,
        source,
        destination,
        sha,
        f"{source.name} (serial {state.serial}) will be copied to {destination.name}.",
    )


def backup_local_state(
    terraform_dir: Path, playbook: Playbook, destination: Path | None = None
) -> StateBackup:
    """Copy the local state to its pre-upgrade backup (or ``destination``), verified by sha256.

    ``destination`` lets the operator accept the free name a BackupConflict offered;
    it must not exist.
    """
    planned = inspect_state_backup(terraform_dir, playbook) if destination is None else None
    if planned is not None and planned.outcome is not BackupOutcome.TO_DO:
        return planned
    source = terraform_dir / playbook.state_file
    target = destination if destination is not None else terraform_dir / playbook.state_pre_upgrade
    if destination is not None:
        read_state(source)
        if destination.exists():
            raise BackupFailed(f"{destination} already exists; choose a name that is free.")
    try:
        sha = atomic_copy(source, target)
    except PermissionError as exc:
        raise BackupFailed(
            f"Cannot write {target}: permission denied. Nothing was changed.",
            f"Make {target.parent} writable for this user, or run the wizard as the user "
            "who owns the release.",
        ) from exc
    except OSError as exc:
        raise BackupFailed(
            f"Cannot write {target}: {exc.strerror or exc}. Nothing was changed.",
            "Free disk space or fix the directory, then retry.",
        ) from exc
    return StateBackup(
        BackupOutcome.BACKED_UP,
        source,
        target,
        sha,
        f"Backed up {source.name} to {target.name} (sha256 {sha[:12]}…, verified).",
        FileOp("backup", str(target), sha, None, str(source), STEP),
    )


def _sha(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError as exc:
        raise BackupFailed(f"Cannot read {path}: {exc.strerror or exc}.") from exc


def check_state_backup(terraform_dir: Path, playbook: Playbook) -> CheckResult:
    """The backup as a preflight item: pass when done or not applicable, else what to do."""
    name = "State backup"
    try:
        backup = inspect_state_backup(terraform_dir, playbook)
    except BackupConflict as exc:
        return failed(name, exc.message, exc.hint)
    except MocmError as exc:
        return failed(name, exc.message, exc.hint or "Fix the state file, then re-run.")
    if backup.outcome is BackupOutcome.TO_DO:
        return warned(name, backup.message, "Take the backup (it is verified by checksum).")
    if backup.outcome is BackupOutcome.NOT_APPLICABLE:
        return CheckResult(name, CheckStatus.NOT_APPLICABLE, backup.message)
    return passed(name, backup.message)
