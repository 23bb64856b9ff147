"""Rollback from Option B (S3 backend): restore an earlier version of the state object.

1. list the versions of the *exact* state key (``.tflock`` objects, which the
   prefix also matches, and delete markers are ignored; all pages read);
2. pick the pre-upgrade version by time: the newest one older than a moment
   (e.g. when the upgrade's apply started, from the journal);
3. download it to ``terraform.tfstate.rollback`` and compare its lineage and
   serial with the current state: the lineage must match; an older (or equal but
   different) serial means ``tofu state push`` needs ``-force`` — the screen asks
   for a typed confirmation before passing ``force=True``;
4. ``tofu state push [-force] terraform.tfstate.rollback`` — never ``aws s3 cp``,
   which would leave the lock table's digest wrong;
5. the resources of the state after the upgrade that the restored version lacks are
   listed (tofu no longer manages them: they stay in AWS), and the previous release
   is re-converged on the restored state (``rollback.reconverge``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.exec.recorder import CommandRecorder
from tui.core.exec.result import CommandResult
from tui.core.exec.runner import run_sync
from tui.core.files import (
    SECRET_FILE,
    atomic_copy,
    atomic_write,
    free_backup_name,
    sha256_bytes,
    sha256_file,
)
from tui.core.journal.events import (
    UNDONE_BY,
    OverrideTyped,
    RollbackDone,
    RollbackKind,
    StateLeftBehind,
)
from tui.core.tofu.carry_over.apply import FileChange
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.failures import KnownFailure, recognise_failure
from tui.core.tofu.plan.reviewed import StateMark
from tui.core.tofu.rollback.local import RollbackError, addresses
from tui.core.tofu.statefile import StateFile, parse_state

PUSH_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class StateVersion:
    """One version of the state object."""

    version_id: str
    last_modified: datetime
    size: int
    is_latest: bool


def _as_datetime(value: Any) -> datetime:
    """boto3 gives datetimes; the CLI's JSON gives ISO text (``Z`` or an offset) or epochs."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_versions(pages: Iterable[Mapping[str, Any]], key: str) -> tuple[StateVersion, ...]:
    """Versions of exactly ``key`` from ``list_object_versions`` pages, oldest first."""
    found = [
        StateVersion(
            str(item["VersionId"]),
            _as_datetime(item["LastModified"]),
            int(item.get("Size", 0)),
            bool(item.get("IsLatest", False)),
        )
        for page in pages
        for item in page.get("Versions") or ()  # DeleteMarkers are never candidates
        if item.get("Key") == key
    ]
    # S3 lists a key's versions newest first and LastModified has whole seconds:
    # reversing before the (stable) sort keeps versions of the same second in order.
    return tuple(sorted(reversed(found), key=lambda v: v.last_modified))


def _aws_error(exc: Exception, what: str) -> RollbackError:
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "error")
        return RollbackError(f"AWS refused to {what}: {code}.", "Check bucket, key and access.")
    return RollbackError(f"Could not reach AWS to {what}: {exc}.", "Check the network and retry.")


def list_state_versions(
    s3: Any, bucket: str, key: str, page_size: int | None = None
) -> tuple[StateVersion, ...]:
    """Every version of the state key in the bucket (all pages), oldest first."""
    paging = {} if page_size is None else {"PaginationConfig": {"PageSize": page_size}}
    try:
        paginator = s3.get_paginator("list_object_versions")
        pages = paginator.paginate(Bucket=bucket, Prefix=key, **paging)
        return parse_versions(list(pages), key)
    except (ClientError, BotoCoreError) as exc:
        raise _aws_error(exc, f"list the versions of s3://{bucket}/{key}") from exc


def pick_version_before(versions: Iterable[StateVersion], moment: datetime) -> StateVersion | None:
    """The newest version written before ``moment`` (the pre-upgrade state).

    S3's LastModified has whole seconds, so a version stamped in the same second as
    ``moment`` may have been written after it: such versions are not candidates.
    Versions of one second keep their given order (``list_state_versions``: oldest
    first), so the last of them is the newest.
    """
    cutoff = _as_datetime(moment).replace(microsecond=0)
    older = sorted((v for v in versions if v.last_modified < cutoff), key=lambda v: v.last_modified)
    return older[-1] if older else None


class PreselectReason(StrEnum):
    """Why a version is preselected as the pre-upgrade one (or none is)."""

    BEFORE_APPLY = "before-apply"  # the newest version written before the apply started
    CURRENT_PREDATES_APPLY = "current-predates-apply"  # the apply wrote no state
    NONE_BEFORE_APPLY = "none-before-apply"  # every version is newer than the apply start
    NO_APPLY_START = "no-apply-start"  # the journal has none: the newest older than current
    ONLY_CURRENT = "only-current"  # nothing older to restore


@dataclass(frozen=True)
class Preselection:
    """The version the cursor starts on, and why."""

    version: StateVersion | None
    reason: PreselectReason
    apply_started: datetime | None = None


def preselect_version(versions: Sequence[StateVersion], apply_started: str | None) -> Preselection:
    """The pre-upgrade version: the newest before the journal's apply start, if known."""
    if apply_started is not None:
        moment = datetime.fromisoformat(apply_started)
        chosen = pick_version_before(versions, moment)
        if chosen is None:
            return Preselection(None, PreselectReason.NONE_BEFORE_APPLY, moment)
        if chosen.is_latest:
            return Preselection(chosen, PreselectReason.CURRENT_PREDATES_APPLY, moment)
        return Preselection(chosen, PreselectReason.BEFORE_APPLY, moment)
    older = [v for v in versions if not v.is_latest]
    if older:
        return Preselection(older[-1], PreselectReason.NO_APPLY_START)
    return Preselection(None, PreselectReason.ONLY_CURRENT)


def read_current_state(s3: Any, bucket: str, key: str) -> StateFile | None:
    """The state object as it is now (None when absent or empty)."""
    where = f"s3://{bucket}/{key}"
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise _aws_error(exc, f"read {where}") from exc
    except BotoCoreError as exc:
        raise _aws_error(exc, f"read {where}") from exc
    return parse_state(body, where) if body.strip() else None


def _mark(state: StateFile, source: str) -> StateMark:
    return StateMark(state.lineage, state.serial, source)


def current_state_mark(s3: Any, bucket: str, key: str) -> StateMark | None:
    """Lineage and serial of the state object as it is now (None when absent or empty)."""
    state = read_current_state(s3, bucket, key)
    return None if state is None else _mark(state, f"s3://{bucket}/{key}")


@dataclass(frozen=True)
class DownloadedVersion:
    """The chosen version on disk, with what it is compared against."""

    path: Path
    sha256: str
    version: StateVersion
    mark: StateMark
    current: StateMark | None
    changes: tuple[FileChange, ...]  # the file written (and its backup), for the journal
    # In the backend's state now (after the upgrade) but not in this version: after the
    # push tofu no longer manages them, and nothing destroys them (they stay in AWS).
    left_behind: tuple[str, ...] = ()

    @property
    def lineage_matches(self) -> bool:
        """True when both are versions of one state history (or the backend is empty)."""
        return self.current is None or self.current.lineage == self.mark.lineage

    @property
    def needs_force(self) -> bool:
        """tofu refuses a lower (or equal, different) serial without ``-force``."""
        return self.current is not None and self.mark.serial <= self.current.serial

    @property
    def force_phrase(self) -> str:
        """What the operator types before ``tofu state push -force``."""
        return f"push -force serial {self.mark.serial}"

    def describe(self) -> str:
        """Both marks side by side, for the confirmation screen."""
        now = "no state" if self.current is None else self.current.describe()
        return (
            f"Version {self.version.version_id} of {self.version.last_modified:%Y-%m-%d %H:%M:%S} "
            f"UTC: {self.mark.describe()}; the backend now has {now}."
        )


def download_version(
    s3: Any, bucket: str, key: str, version: StateVersion, target: Path
) -> DownloadedVersion:
    """Download ``version`` to ``target`` (an existing file is backed up first) and compare."""
    where = f"s3://{bucket}/{key}?versionId={version.version_id}"
    try:
        body = s3.get_object(Bucket=bucket, Key=key, VersionId=version.version_id)["Body"].read()
    except (ClientError, BotoCoreError) as exc:
        raise _aws_error(exc, f"download {where}") from exc
    if not body.strip():
        raise RollbackError(f"{where} is an empty state; it cannot be restored.")
    restored = parse_state(body, where)
    now = read_current_state(s3, bucket, key)
    current = None if now is None else _mark(now, f"s3://{bucket}/{key}")
    left = sorted(addresses(now) - addresses(restored)) if now is not None else []
    changes: list[FileChange] = []
    before = sha256_file(target) if target.exists() else None
    if before is not None and before != sha256_bytes(body):
        backup = free_backup_name(target, ".old")
        changes.append(FileChange("backup", backup, atomic_copy(target, backup), None, target))
    sha = atomic_write(target, body, SECRET_FILE)
    changes.append(FileChange("write", target, sha, before))
    mark = _mark(restored, where)
    return DownloadedVersion(target, sha, version, mark, current, tuple(changes), tuple(left))


@dataclass(frozen=True)
class PushOutcome:
    """The push's result and, when it failed, the recognised reason."""

    result: CommandResult
    failure: KnownFailure | None

    @property
    def ok(self) -> bool:
        """True when tofu accepted the state."""
        return self.result.ok


def push_rollback(
    commands: TofuCommands,
    workdir: Path,
    env: Mapping[str, str],
    downloaded: DownloadedVersion,
    *,
    force: bool = False,
    timeout_s: float = PUSH_TIMEOUT_S,
    on_finished: CommandRecorder | None = None,
) -> PushOutcome:
    """``tofu state push [-force] FILE`` in ``workdir`` (initialised for the S3 backend).

    ``force`` only after the operator's typed confirmation. Another lineage is refused
    here even with ``force``: it is not a version of this deployment's state.
    ``on_finished`` records the run (argv, exit code, duration) however it ends.
    """
    if not downloaded.lineage_matches:
        assert downloaded.current is not None
        raise RollbackError(
            f"The downloaded state belongs to another state history (lineage "
            f"{downloaded.mark.lineage} ≠ {downloaded.current.lineage}); nothing was pushed.",
            "Pick a version of this deployment's state.",
        )
    if sha256_file(downloaded.path) != downloaded.sha256:
        raise RollbackError(
            f"{downloaded.path} changed since it was downloaded; nothing was pushed.",
            "Download the version again.",
        )
    argv = commands.state_push(str(downloaded.path), force=force)
    result = run_sync(argv, env=env, cwd=workdir, timeout_s=timeout_s, on_finished=on_finished)
    if result.timed_out or result.cancelled:
        result.check()
    failure = None
    if not result.ok:
        failure = recognise_failure("\n".join(result.stderr_tail), commands.binary)
    return PushOutcome(result, failure)


def restored_records(got: DownloadedVersion) -> list[RollbackDone | StateLeftBehind]:
    """The journal's records of a pushed version: the restore, and what it no longer manages
    (tofu will not destroy those: they stay in AWS)."""
    kind = RollbackKind.STATE_VERSION
    said = f"version {got.version.version_id}: {got.mark.describe()}"
    records: list[RollbackDone | StateLeftBehind] = [
        RollbackDone(kind, said, UNDONE_BY[kind], "rollback")
    ]
    if got.left_behind:
        records.append(StateLeftBehind(got.left_behind, f"version {got.version.version_id}"))
    return records


def force_record(got: DownloadedVersion, phrase: str) -> OverrideTyped:
    """The phrase typed to push an older version with ``-force``."""
    return OverrideTyped("tofu state push -force", phrase, got.version.version_id, "rollback")
