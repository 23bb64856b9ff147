"""Seed ElastiCache (the old cache cluster, the Valkey replication group) and the
Secrets Manager secret holding the Valkey user's connection settings."""

from __future__ import annotations

import json
import re
import secrets

from tui.core.playbook.load import Playbook, fill
from tui.sandbox.seed_client import client, exists
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World


def valkey_username(playbook: Playbook) -> str:
    match = re.search(
        rf'^{playbook.tfvars_username_var}\s*=\s*"([^"]+)"', playbook.tfvars_block, re.M
    )
    return match.group(1) if match else "app"


def seed_caches(world: World, env: dict[str, str], playbook: Playbook, report: SeedReport) -> None:
    cache = client("elasticache", env)
    report.cache_cluster_id = fill(playbook.stage4.cluster_id, name_prefix=world.name_prefix)
    if not exists(
        cache.describe_cache_clusters,
        ("CacheClusterNotFound",),
        CacheClusterId=report.cache_cluster_id,
    ):
        cache.create_cache_cluster(
            CacheClusterId=report.cache_cluster_id,
            Engine="redis",
            EngineVersion="7.1",
            CacheNodeType="cache.t3.medium",
            NumCacheNodes=1,
        )
    group = fill(playbook.stage4.valkey_replication_group, name_prefix=world.name_prefix)
    report.valkey_group_id = group
    if not exists(
        cache.describe_replication_groups,
        ("ReplicationGroupNotFoundFault",),
        ReplicationGroupId=group,
    ):
        cache.create_replication_group(
            ReplicationGroupId=group,
            ReplicationGroupDescription="Application cache (Valkey)",
            Engine="valkey",
            CacheNodeType="cache.t3.micro",
            NumCacheClusters=1,
        )
    report.valkey_metric_dimension = (
        playbook.stage4.metric.dimension,
        group + str(world.spec["valkey_metric"]["member_suffix"]),
    )


def seed_secret(world: World, env: dict[str, str], playbook: Playbook, report: SeedReport) -> None:
    username = valkey_username(playbook)
    secret_id = fill(
        playbook.stage4.valkey_secret_id, name_prefix=world.name_prefix, valkey_username=username
    )
    report.secret_id = secret_id
    manager = client("secretsmanager", env)
    if exists(manager.describe_secret, ("ResourceNotFoundException",), SecretId=secret_id):
        return
    host = (
        f"master.{report.valkey_group_id}.x7p2lm.{world.spec['region_short']}.cache.amazonaws.com"
    )
    value = {
        "host": host,
        "port": 6379,
        "username": username,
        "password": secrets.token_urlsafe(24),
    }
    manager.create_secret(
        Name=secret_id,
        Description="Connection settings of the Valkey application user",
        SecretString=json.dumps(value),
    )
