"""Rollback from Option A (local backend), as the guide does it, with the checks it lacks.

1. keep the failed state of the current release as ``terraform.tfstate.failed``
   (a free name: an earlier ``.failed`` is never overwritten);
2. restore ``<previous>/terraform/aws/terraform.tfstate.pre-upgrade`` as the
   previous release's state (backed up first when it differs);
3. the caller then runs ``init -upgrade``, plan and apply in the previous
   release through the same review as the upgrade.

The three states must share one lineage. Resources the failed apply created are
not in the pre-upgrade state: tofu will not manage (or destroy) them after the
rollback, so they are listed for the operator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.files import atomic_copy, free_backup_name, sha256_file
from tui.core.journal.events import UNDONE_BY, RollbackChosen, RollbackDone, RollbackKind
from tui.core.playbook.load import Playbook
from tui.core.tofu.carry_over.apply import FileChange
from tui.core.tofu.statefile import StateFile, read_state

BACKUP_SUFFIX = ".pre-rollback"


class RollbackError(MocmError):
    """The rollback cannot be done safely; nothing was written."""


@dataclass(frozen=True)
class LocalRollbackPlan:
    """What the local rollback will write, and what the operator must know first."""

    workdir: Path  # <previous>/terraform/aws: where init -upgrade / plan / apply run next
    failed_state: Path | None  # the current release's state, None when it has none
    failed_copy: Path | None
    pre_upgrade: Path
    target: Path  # <previous>/terraform/aws/terraform.tfstate
    target_backup: Path | None  # planned backup when the target exists and differs
    restored_serial: int
    failed_serial: int | None
    target_serial: int | None
    lineage: str
    left_behind: tuple[str, ...]  # addresses only in the failed state

    @property
    def target_is_newer(self) -> bool:
        """The previous release's state moved on since the backup: restoring goes back."""
        return self.target_serial is not None and self.target_serial > self.restored_serial

    @property
    def older_phrase(self) -> str:
        """What the operator types to restore a backup older than the state it replaces."""
        return f"restore serial {self.restored_serial}"

    def chosen_record(self, typed_phrase: str | None) -> RollbackChosen:
        """The restore as the journal records it (and the phrase typed, if one was)."""
        source = f"{self.pre_upgrade} (serial {self.restored_serial})"
        kind = RollbackKind.LOCAL_STATE
        return RollbackChosen(kind, source, str(self.target), typed_phrase or "", "rollback")

    def done_record(self) -> RollbackDone:
        """The restore made: what the change record counts as rolled back."""
        said = f"{self.pre_upgrade.name} (serial {self.restored_serial}) to {self.target}"
        kind = RollbackKind.LOCAL_STATE
        return RollbackDone(kind, said, UNDONE_BY[kind], "rollback")


def _state(path: Path) -> StateFile | None:
    return read_state(path) if path.exists() else None


def addresses(state: StateFile) -> set[str]:
    """Every resource instance's address in ``state``."""
    return {r.instance_address(i) for r in state.resources for i in r.instances}


def plan_local_rollback(
    previous_tf: Path, current_tf: Path, playbook: Playbook
) -> LocalRollbackPlan:
    """Check the three states and plan the writes; raises RollbackError when unsafe."""
    pre_upgrade = previous_tf / playbook.state_pre_upgrade
    if not pre_upgrade.is_file():
        raise RollbackError(
            f"There is no {playbook.state_pre_upgrade} in {previous_tf}.",
            "Without the backup taken before the upgrade there is nothing to roll back to.",
        )
    restored = read_state(pre_upgrade)
    failed_path = current_tf / playbook.state_file
    failed = _state(failed_path)
    target = previous_tf / playbook.state_file
    current_target = _state(target)
    for other, what in ((failed, "failed state"), (current_target, "previous release's state")):
        if other is not None and other.lineage != restored.lineage:
            raise RollbackError(
                f"The {what} {other.path} belongs to another state history "
                f"(lineage {other.lineage} ≠ {restored.lineage} of the backup).",
                "These are not versions of the same deployment's state; nothing was written.",
            )
    backup = None
    if current_target is not None and sha256_file(target) != sha256_file(pre_upgrade):
        backup = free_backup_name(target, BACKUP_SUFFIX)
    left = sorted(addresses(failed) - addresses(restored)) if failed is not None else []
    return LocalRollbackPlan(
        workdir=previous_tf,
        failed_state=failed_path if failed is not None else None,
        failed_copy=free_backup_name(current_tf / playbook.state_failed, "")
        if failed is not None
        else None,
        pre_upgrade=pre_upgrade,
        target=target,
        target_backup=backup,
        restored_serial=restored.serial,
        failed_serial=None if failed is None else failed.serial,
        target_serial=None if current_target is None else current_target.serial,
        lineage=restored.lineage,
        left_behind=tuple(left),
    )


def apply_local_rollback(
    plan: LocalRollbackPlan,
    *,
    confirmed_older: bool = False,
    on_change: Callable[[FileChange], None] | None = None,
) -> tuple[FileChange, ...]:
    """Keep the failed state, back up and restore the pre-upgrade state; return the writes.

    When the previous release's state is newer than the backup the caller must
    pass ``confirmed_older`` (the operator typed a confirmation).
    """
    if plan.target_is_newer and not confirmed_older:
        raise RollbackError(
            f"{plan.target} (serial {plan.target_serial}) is newer than the backup "
            f"(serial {plan.restored_serial}).",
            "Restoring goes back in time; confirm it explicitly to continue.",
        )
    done: list[FileChange] = []

    def record(change: FileChange) -> None:
        done.append(change)
        if on_change is not None:
            on_change(change)

    try:
        if plan.failed_state is not None and plan.failed_copy is not None:
            copy = plan.failed_copy
            if copy.exists():
                copy = free_backup_name(copy, "")
            record(
                FileChange(
                    "copy", copy, atomic_copy(plan.failed_state, copy), None, plan.failed_state
                )
            )
        before = sha256_file(plan.target) if plan.target.exists() else None
        if before == sha256_file(plan.pre_upgrade):
            return tuple(done)
        if before is not None:
            backup = free_backup_name(plan.target, BACKUP_SUFFIX)
            record(
                FileChange("backup", backup, atomic_copy(plan.target, backup), None, plan.target)
            )
        sha = atomic_copy(plan.pre_upgrade, plan.target)
        record(FileChange("copy", plan.target, sha, before, plan.pre_upgrade))
    except OSError as exc:
        why = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
        raise RollbackError(
            f"Rollback stopped: cannot write {exc.filename or plan.target}: {why or exc}.",
            "Files written before this point are listed in the journal with their backups.",
        ) from exc
    return tuple(done)
