"""Optional pre-upgrade snapshots, taken on request: an ElastiCache cluster or an RDS instance.

Existing manual snapshots are reported first; a snapshot of the same name is
never overwritten. ElastiCache goes through ``cache_snapshot`` (shared with Stage 4).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import error_code, explain_aws_error
from tui.core.stage4.connections import to_utc
from tui.core.stage4.final_snapshot import SnapshotFailed, SnapshotTimedOut, take_final_snapshot

RDS_EXISTS = frozenset({"DBSnapshotAlreadyExists", "DBSnapshotAlreadyExistsFault"})
RDS_IN_PROGRESS = frozenset({"creating", "pending"})


@dataclass(frozen=True)
class ManualSnapshot:
    """A snapshot as AWS describes it."""

    service: str  # "elasticache" | "rds"
    name: str
    source_id: str
    status: str
    created: datetime | None


@dataclass(frozen=True)
class SnapshotTaken:
    """The snapshot taken (or found under that name) and the ones that already existed."""

    snapshot: ManualSnapshot
    already_existed: bool
    earlier: tuple[ManualSnapshot, ...]


def default_snapshot_name(source_id: str, now: datetime) -> str:
    """``<source>-pre-upgrade-YYYYMMDD-HHMM`` (valid for both services)."""
    return f"{source_id}-pre-upgrade-{now:%Y%m%d-%H%M}"


def cache_snapshots(elasticache: Any, cluster_id: str, region: str) -> tuple[ManualSnapshot, ...]:
    """Snapshots of one ElastiCache cluster that exist now."""
    try:
        reply = elasticache.describe_snapshots(CacheClusterId=cluster_id)
    except (ClientError, BotoCoreError) as exc:
        raise explain_aws_error(exc, "elasticache:DescribeSnapshots", region) from exc
    found = []
    for item in reply.get("Snapshots") or []:
        nodes = item.get("NodeSnapshots") or [{}]
        created = nodes[0].get("SnapshotCreateTime")
        found.append(
            ManualSnapshot(
                "elasticache",
                str(item.get("SnapshotName", "")),
                cluster_id,
                str(item.get("SnapshotStatus", "")),
                to_utc(created) if created else None,
            )
        )
    return tuple(found)


def snapshot_cache_cluster(
    elasticache: Any, cluster_id: str, name: str, region: str, timeout_s: float = 1800.0
) -> SnapshotTaken:
    """Report the cluster's snapshots, then take ``name`` (reused if it exists) until available."""
    earlier = cache_snapshots(elasticache, cluster_id, region)
    snap = take_final_snapshot(elasticache, cluster_id, name, region, timeout_seconds=timeout_s)
    taken = ManualSnapshot("elasticache", snap.name, cluster_id, snap.status, snap.created)
    return SnapshotTaken(taken, snap.already_existed, tuple(s for s in earlier if s.name != name))


def _rds(item: Any) -> ManualSnapshot:
    created = item.get("SnapshotCreateTime")
    return ManualSnapshot(
        "rds",
        str(item.get("DBSnapshotIdentifier", "")),
        str(item.get("DBInstanceIdentifier", "")),
        str(item.get("Status", "")),
        to_utc(created) if created else None,
    )


def rds_snapshots(rds: Any, instance_id: str, region: str) -> tuple[ManualSnapshot, ...]:
    """Manual snapshots of one RDS instance that exist now."""
    try:
        reply = rds.describe_db_snapshots(DBInstanceIdentifier=instance_id, SnapshotType="manual")
    except (ClientError, BotoCoreError) as exc:
        raise explain_aws_error(exc, "rds:DescribeDBSnapshots", region) from exc
    return tuple(_rds(item) for item in reply.get("DBSnapshots") or [])


def snapshot_rds_instance(
    rds: Any,
    instance_id: str,
    name: str,
    region: str,
    timeout_s: float = 3600.0,
    poll_s: float = 15.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> SnapshotTaken:
    """Report the instance's manual snapshots, then take ``name`` and wait until available."""
    earlier = rds_snapshots(rds, instance_id, region)
    same = next((s for s in earlier if s.name == name), None)
    if same is not None:
        others = tuple(s for s in earlier if s.name != name)
        return SnapshotTaken(same, True, others)
    try:
        rds.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier=instance_id)
    except (ClientError, BotoCoreError) as exc:
        if isinstance(exc, ClientError) and error_code(exc) in RDS_EXISTS:
            raise SnapshotFailed(
                f"an RDS snapshot named '{name}' exists for another instance",
                "Choose another name.",
                error_code(exc),
            ) from exc
        error = explain_aws_error(exc, "rds:CreateDBSnapshot", region)
        raise SnapshotFailed(error.message, error.hint, error.code) from exc
    began = clock()
    while True:
        try:
            reply = rds.describe_db_snapshots(DBSnapshotIdentifier=name)
        except (ClientError, BotoCoreError) as exc:
            raise explain_aws_error(exc, "rds:DescribeDBSnapshots", region) from exc
        current = _rds((reply.get("DBSnapshots") or [{}])[0])
        if current.status == "available":
            return SnapshotTaken(current, False, earlier)
        if current.status not in RDS_IN_PROGRESS:
            raise SnapshotFailed(f"RDS snapshot '{name}' of '{instance_id}' is '{current.status}'")
        if clock() - began >= timeout_s:
            raise SnapshotTimedOut(
                f"RDS snapshot '{name}' is still '{current.status}' after {timeout_s:g} s",
                "AWS keeps creating it; check again later.",
            )
        sleep(poll_s)
