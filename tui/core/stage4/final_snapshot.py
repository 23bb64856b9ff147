"""The optional final snapshot of the old cluster, before it is destroyed.

An existing snapshot of that name is reported, never overwritten; a new one is
polled with ``describe_snapshots`` until ``available``, within a timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import AwsCallFailed, error_code, explain_aws_error
from tui.core.stage4.connections import to_utc

AVAILABLE = "available"
IN_PROGRESS = frozenset({"creating", "copying"})
NOT_FOUND_CODES = frozenset({"SnapshotNotFoundFault", "SnapshotNotFound"})
EXISTS_CODES = frozenset({"SnapshotAlreadyExistsFault", "SnapshotAlreadyExists"})
# Plain words for the failures AWS names; the code is always kept in the message.
_WHY = {
    "InvalidCacheClusterState": "the cluster is not in the 'available' state",
    "InvalidCacheClusterStateFault": "the cluster is not in the 'available' state",
    "SnapshotQuotaExceededFault": "the account's snapshot quota is reached",
    "SnapshotQuotaExceeded": "the account's snapshot quota is reached",
    "SnapshotFeatureNotSupportedFault": "this cluster's engine cannot be snapshotted",
    "CacheClusterNotFound": "the cluster does not exist",
    "AccessDenied": "the credentials in use may not call elasticache:CreateSnapshot",
    "AccessDeniedException": "the credentials in use may not call elasticache:CreateSnapshot",
    "CacheClusterNotFoundFault": "the cluster does not exist",
}


class SnapshotFailed(AwsCallFailed):
    """The snapshot could not be created or did not become available."""


class SnapshotTimedOut(SnapshotFailed):
    """The snapshot is still not available after the timeout."""


@dataclass(frozen=True)
class SnapshotProgress:
    """One poll: status and seconds waited so far, against the poll interval and the bound."""

    name: str
    status: str
    waited_seconds: float
    poll_seconds: float = 0.0
    timeout_seconds: float = 0.0
    already_existed: bool = False

    @property
    def sentence(self) -> str:
        """The progress line: where the snapshot stands and how long the wizard waits."""
        whose = "the existing snapshot " if self.already_existed else ""
        text = f"Waiting for {whose}{self.name} to be available: {self.status} after "
        text += f"{self.waited_seconds:.0f} s"
        if self.timeout_seconds:
            text += (
                f" (checked every {self.poll_seconds:g} s; the wizard stops waiting after "
                f"{self.timeout_seconds / 60:g} min, nothing is destroyed meanwhile)"
            )
        return text


@dataclass(frozen=True)
class FinalSnapshot:
    """The snapshot as AWS last described it."""

    name: str
    cluster_id: str
    status: str
    created: datetime | None
    already_existed: bool  # True: found, reported, left untouched
    size: str | None


def _from_description(item: dict[str, Any], already_existed: bool) -> FinalSnapshot:
    nodes = item.get("NodeSnapshots") or [{}]
    created = nodes[0].get("SnapshotCreateTime")
    size = nodes[0].get("CacheSize") or None
    return FinalSnapshot(
        name=str(item.get("SnapshotName", "")),
        cluster_id=str(item.get("CacheClusterId", "")),
        status=str(item.get("SnapshotStatus", "unknown")),
        created=to_utc(created) if created else None,
        already_existed=already_existed,
        size=str(size) if size else None,
    )


def describe_snapshot(
    elasticache: Any, name: str, region: str, already_existed: bool = False
) -> FinalSnapshot | None:
    """The named snapshot, or None when there is none."""
    try:
        reply = elasticache.describe_snapshots(SnapshotName=name)
    except (ClientError, BotoCoreError) as exc:
        if isinstance(exc, ClientError) and error_code(exc) in NOT_FOUND_CODES:
            return None
        raise explain_aws_error(exc, "elasticache:DescribeSnapshots", region) from exc
    items = reply.get("Snapshots") or []
    return _from_description(items[0], already_existed) if items else None


def _create_failed(exc: Exception, cluster_id: str, name: str, region: str) -> AwsCallFailed:
    if isinstance(exc, ClientError):
        code = error_code(exc)
        why = _WHY.get(code, str(exc.response.get("Error", {}).get("Message", "")).strip())
        return SnapshotFailed(
            f"snapshot '{name}' of '{cluster_id}' in {region} was not created [{code}]: {why}",
            "Nothing was destroyed. Fix the cause, or continue without a final snapshot.",
            code,
        )
    return explain_aws_error(exc, "elasticache:CreateSnapshot", region)


def take_final_snapshot(
    elasticache: Any,
    cluster_id: str,
    name: str,
    region: str,
    on_progress: Callable[[SnapshotProgress], None] | None = None,
    timeout_seconds: float = 1800.0,
    poll_seconds: float = 15.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> FinalSnapshot:
    """Create the final snapshot unless one of that name exists, then wait until available.

    An existing one still being made (a restart while AWS was creating it) is waited for
    the same way; an existing one that failed is refused, never counted as the snapshot.
    """
    existing = describe_snapshot(elasticache, name, region, already_existed=True)
    if existing is None:
        try:
            elasticache.create_snapshot(CacheClusterId=cluster_id, SnapshotName=name)
        except (ClientError, BotoCoreError) as exc:
            if not (isinstance(exc, ClientError) and error_code(exc) in EXISTS_CODES):
                raise _create_failed(exc, cluster_id, name, region) from exc
            existing = describe_snapshot(elasticache, name, region, already_existed=True)
            if existing is None:
                raise _create_failed(exc, cluster_id, name, region) from exc
    if existing is not None and existing.status == AVAILABLE:
        return existing
    return _wait_available(
        elasticache,
        cluster_id,
        name,
        region,
        already_existed=existing is not None,
        on_progress=on_progress,
        timeout_seconds=timeout_seconds,
        poll_seconds=poll_seconds,
        clock=clock,
        sleep=sleep,
    )


def _wait_available(
    elasticache: Any,
    cluster_id: str,
    name: str,
    region: str,
    *,
    already_existed: bool,
    on_progress: Callable[[SnapshotProgress], None] | None,
    timeout_seconds: float,
    poll_seconds: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> FinalSnapshot:
    """Poll ``describe_snapshots`` until available, failed, or ``timeout_seconds`` passed."""
    began = clock()
    while True:
        current = describe_snapshot(elasticache, name, region, already_existed)
        status = current.status if current else "not visible yet"
        waited = clock() - began
        if on_progress is not None:
            on_progress(
                SnapshotProgress(
                    name, status, waited, poll_seconds, timeout_seconds, already_existed
                )
            )
        if current is not None and current.status == AVAILABLE:
            return current
        if current is not None and current.status not in IN_PROGRESS:
            raise SnapshotFailed(
                f"snapshot '{name}' of '{cluster_id}' in {region} is '{current.status}', "
                "not becoming available",
                "Look at the snapshot in the ElastiCache console before destroying anything.",
            )
        if waited >= timeout_seconds:
            raise SnapshotTimedOut(
                f"snapshot '{name}' of '{cluster_id}' is still '{status}' after {waited:.0f} s",
                "AWS keeps creating it; take it again (t) later, before the teardown. "
                "Nothing was destroyed.",
            )
        sleep(poll_seconds)
