"""CloudWatch series of the demo: the old cache draining, the Valkey group filling up.

- ``AWS/ElastiCache CurrConnections`` with ``CacheClusterId=<name_prefix>-cache``:
  72 h of 5-minute points, ~40 connections until the cutover (32 h ago in
  ``world.json``), falling to 0 over 4 h, idle since.
- Valkey: per-node metrics, as ElastiCache publishes them, so the dimension is
  ``CacheClusterId=<replication group>-001`` (the group's member cluster);
  0 until the cutover, then ramping up to its peak over the same 4 h.

The demo cannot make the operator wait a business cycle between the Helm sync and
Stage 4, so its history starts where that wait ends (``world.demo_story`` says so on screen).

A world restored later (``continue_metrics``) goes on where its series stopped,
as CloudWatch would have: the old cache idle at 0, the Valkey group at its peak,
each only while its cluster still exists (a deleted cluster publishes nothing).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from tui.core.playbook.load import Playbook, fill
from tui.sandbox.seed_client import client, exists
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World

STEP = timedelta(minutes=5)
BATCH = 100
# Stage 4's longest window: older gaps are never looked at.
LONGEST_WINDOW = timedelta(days=7)


def _floor(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def cache_series(now: datetime, spec: dict[str, Any]) -> list[tuple[datetime, float]]:
    """Busy, then a linear fall to zero, then idle (newest point = ``now`` floored)."""
    end = _floor(now)
    points = int(spec["hours"]) * 12
    falls = float(spec["falls_over_hours"]) * 12
    idle = float(spec["zero_for_hours"]) * 12
    baseline = float(spec["baseline"])
    series = []
    for index in range(points):
        age = points - 1 - index  # in 5-minute steps before `end`
        busy = baseline + 3 * math.sin(index / 9) + 2 * math.sin(index / 2.3)
        if age < idle:
            value = 0.0
        elif age < idle + falls:
            value = busy * (age - idle) / falls
        else:
            value = busy
        series.append((end - age * STEP, float(round(max(value, 0.0)))))
    return series


def valkey_series(now: datetime, spec: dict[str, Any]) -> list[tuple[datetime, float]]:
    """Zero until ``rising_since_hours`` ago, then a ramp over ``ramps_over_hours`` (by
    default the whole time since) up to ``peak``, held since."""
    end = _floor(now)
    rising = int(spec["rising_since_hours"]) * 12
    ramp = max(1, int(float(spec.get("ramps_over_hours", spec["rising_since_hours"])) * 12))
    points = rising + 24
    series = []
    for index in range(points):
        age = points - 1 - index
        share = min(1.0, (rising - age) / ramp)
        value = 0.0 if age >= rising else float(spec["peak"]) * share
        series.append((end - age * STEP, float(round(value))))
    return series


def _has_data(
    cloudwatch: Any, playbook: Playbook, dimension: tuple[str, str], now: datetime
) -> bool:
    metric = playbook.stage4.metric
    found = cloudwatch.get_metric_statistics(
        Namespace=metric.namespace,
        MetricName=metric.name,
        Dimensions=[{"Name": dimension[0], "Value": dimension[1]}],
        StartTime=now - timedelta(hours=30),
        EndTime=now + STEP,
        Period=metric.period_seconds,
        Statistics=[metric.statistic],
    )
    return bool(found["Datapoints"])


def _put(
    cloudwatch: Any,
    playbook: Playbook,
    dimension: tuple[str, str],
    series: list[tuple[datetime, float]],
) -> None:
    metric = playbook.stage4.metric
    data = [
        {
            "MetricName": metric.name,
            "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
            "Timestamp": moment,
            "Value": value,
            "Unit": "Count",
        }
        for moment, value in series
    ]
    for start in range(0, len(data), BATCH):
        cloudwatch.put_metric_data(
            Namespace=metric.namespace, MetricData=data[start : start + BATCH]
        )


def seed_metrics(
    world: World, env: dict[str, str], playbook: Playbook, report: SeedReport, now: datetime
) -> None:
    cloudwatch = client("cloudwatch", env)
    cache_dim = (playbook.stage4.metric.dimension, report.cache_cluster_id)
    if not _has_data(cloudwatch, playbook, cache_dim, now):
        _put(cloudwatch, playbook, cache_dim, cache_series(now, world.spec["cache_metric"]))
    if not _has_data(cloudwatch, playbook, report.valkey_metric_dimension, now):
        _put(
            cloudwatch,
            playbook,
            report.valkey_metric_dimension,
            valkey_series(now, world.spec["valkey_metric"]),
        )


def last_point(
    cloudwatch: Any, playbook: Playbook, dimension: tuple[str, str], now: datetime
) -> datetime | None:
    """The newest datapoint of a series within Stage 4's longest window, a day at a time."""
    metric = playbook.stage4.metric
    end = now + STEP
    while end > now - LONGEST_WINDOW:
        found = cloudwatch.get_metric_statistics(
            Namespace=metric.namespace,
            MetricName=metric.name,
            Dimensions=[{"Name": dimension[0], "Value": dimension[1]}],
            StartTime=end - timedelta(days=1),
            EndTime=end,
            Period=metric.period_seconds,
            Statistics=[metric.statistic],
        )["Datapoints"]
        if found:
            newest: datetime = max(point["Timestamp"] for point in found)
            return newest
        end -= timedelta(days=1)
    return None


def continued_series(
    last: datetime | None, now: datetime, value: float
) -> list[tuple[datetime, float]]:
    """Points every 5 minutes after ``last`` (or over the longest window) up to ``now``."""
    end = _floor(now)
    moment = last + STEP if last is not None else end - LONGEST_WINDOW
    series = []
    while moment <= end:
        series.append((moment, value))
        moment += STEP
    return series


def cluster_alive(cache: Any, cluster_id: str) -> bool:
    """Whether the cache cluster exists and is not being deleted (it then publishes nothing)."""
    try:
        found = cache.describe_cache_clusters(CacheClusterId=cluster_id)["CacheClusters"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "CacheClusterNotFound":
            return False
        raise
    return bool(found) and found[0].get("CacheClusterStatus") not in ("deleting", "deleted")


def continue_metrics(world: World, env: dict[str, str], playbook: Playbook, now: datetime) -> int:
    """Publish the series from their last point up to ``now``; the number of points added."""
    cloudwatch = client("cloudwatch", env)
    cache = client("elasticache", env)
    cache_id = fill(playbook.stage4.cluster_id, name_prefix=world.name_prefix)
    group = fill(playbook.stage4.valkey_replication_group, name_prefix=world.name_prefix)
    dimension = playbook.stage4.metric.dimension
    live: list[tuple[tuple[str, str], float]] = []
    if cluster_alive(cache, cache_id):
        live.append(((dimension, cache_id), 0.0))
    if exists(
        cache.describe_replication_groups,
        ("ReplicationGroupNotFoundFault",),
        ReplicationGroupId=group,
    ):
        member = group + str(world.spec["valkey_metric"]["member_suffix"])
        live.append(((dimension, member), float(world.spec["valkey_metric"]["peak"])))
    added = 0
    for series_dimension, value in live:
        last = last_point(cloudwatch, playbook, series_dimension, now)
        series = continued_series(last, now, value)
        _put(cloudwatch, playbook, series_dimension, series)
        added += len(series)
    return added
