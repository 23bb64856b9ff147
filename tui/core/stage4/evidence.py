"""All the evidence Stage 4 needs before the teardown, gathered in one call.

Shared by the headless ``stage4-check`` and the Stage-4 screen (in a thread worker).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tui.core.errors import MocmError
from tui.core.playbook.load import Playbook
from tui.core.stage4.cache_cluster import (
    CacheClusterInfo,
    CacheClusterMissing,
    ReplicationGroupInfo,
    describe_cache_cluster,
    describe_replication_group,
)
from tui.core.stage4.connections import (
    IdleEvidence,
    ServingEvidence,
    fetch_series,
    judge_idleness,
    judge_serving_since,
    merged_series,
    metric_window,
)
from tui.core.stage4.scan import DependencyScan, OldCacheNames, scan_references
from tui.core.stage4.targets import Stage4Target

ENV_REGION_KEYS = ("AWS_REGION", "AWS_DEFAULT_REGION")
# Dimension tried when the group's member clusters report nothing (some sandboxes seed it).
GROUP_DIMENSION = "ReplicationGroupId"


@dataclass(frozen=True)
class RegionChoice:
    """The region used, and a note when the environment names another one."""

    region: str
    note: str | None


@dataclass(frozen=True)
class Stage4Evidence:
    """Idleness of the old cluster, Valkey's traffic, and the references left."""

    target: Stage4Target
    region: str
    cluster: CacheClusterInfo
    idleness: IdleEvidence
    valkey: ServingEvidence | None
    valkey_note: str | None  # why there is no Valkey evidence
    scan: DependencyScan

    @property
    def blocked(self) -> bool:
        """True when the teardown must wait: busy, no data, or references left."""
        return self.idleness.verdict != "idle" or self.scan.blocks


def choose_region(tfvars_region: str | None, env: Mapping[str, str]) -> RegionChoice:
    """The tfvars region wins (it is where the release lives); a differing env is noted."""
    env_region = next((env[key] for key in ENV_REGION_KEYS if env.get(key)), None)
    if tfvars_region:
        note = None
        if env_region and env_region != tfvars_region:
            note = (
                f"using region {tfvars_region} from terraform.tfvars, not {env_region} "
                "from the environment"
            )
        return RegionChoice(tfvars_region, note)
    if env_region:
        return RegionChoice(env_region, f"terraform.tfvars sets no region; using {env_region}")
    raise MocmError(
        "no AWS region: terraform.tfvars sets none and AWS_REGION is not set",
        "Set aws_region in terraform.tfvars or export AWS_REGION.",
    )


def valkey_serving(
    cloudwatch: Any,
    elasticache: Any,
    playbook: Playbook,
    target: Stage4Target,
    region: str,
    threshold: float,
    now: datetime,
    window_hours: float,
    group: ReplicationGroupInfo | None = None,
) -> ServingEvidence:
    """Since when the Valkey group has carried traffic (its members' series merged)."""
    facts = playbook.stage4
    hours = max(window_hours, 2 * facts.business_cycle_hours)
    window = metric_window(timedelta(hours=hours), facts.metric.period_seconds, now)
    if group is None:
        group = describe_replication_group(elasticache, target.valkey_group_id, region)
    members = group.members
    parts = [fetch_series(cloudwatch, facts.metric, member, window, region) for member in members]
    if not any(part.points for part in parts):
        parts.append(
            fetch_series(
                cloudwatch, facts.metric, target.valkey_group_id, window, region, GROUP_DIMENSION
            )
        )
    series = merged_series(target.valkey_group_id, parts)
    return judge_serving_since(series, threshold, facts.business_cycle_hours, now)


def gather_stage4_evidence(
    session: Any,
    playbook: Playbook,
    target: Stage4Target,
    region: str,
    window: timedelta,
    threshold: float,
    now: datetime,
) -> Stage4Evidence:
    """Confirm the cluster, judge its connections and Valkey's, scan for references."""
    cloudwatch = session.client("cloudwatch", region_name=region)
    elasticache = session.client("elasticache", region_name=region)
    facts = playbook.stage4
    cluster = describe_cache_cluster(elasticache, target.cluster_id, region)
    span = metric_window(window, facts.metric.period_seconds, now)
    series = fetch_series(cloudwatch, facts.metric, target.cluster_id, span, region)
    idleness = judge_idleness(series, threshold)
    valkey: ServingEvidence | None = None
    note: str | None = None
    valkey_endpoints: tuple[str, ...] = ()
    try:
        group = describe_replication_group(elasticache, target.valkey_group_id, region)
        valkey_endpoints = group.endpoint_addresses
        valkey = valkey_serving(
            cloudwatch, elasticache, playbook, target, region, threshold, now, span.hours, group
        )
    except CacheClusterMissing as exc:
        note = exc.message
    names = old_cache_names(playbook, cluster, valkey_endpoints)
    scan = scan_references(target.release_dir, facts.scan.dir, names, facts.scan.not_live_suffixes)
    return Stage4Evidence(target, region, cluster, idleness, valkey, note, scan)


def old_cache_names(
    playbook: Playbook, cluster: CacheClusterInfo, valkey_endpoints: tuple[str, ...]
) -> OldCacheNames:
    """What names the old cluster (its id, its endpoints) and what never counts (Valkey's)."""
    return OldCacheNames(
        cluster.cluster_id,
        cluster.endpoint_addresses,
        playbook.stage4.scan.endpoint_prefixes,
        valkey_endpoints,
    )
