"""The old ElastiCache cluster and the Valkey group as AWS describes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import AwsCallFailed, error_code, explain_aws_error


class CacheClusterMissing(AwsCallFailed):
    """No cache cluster (or replication group) of that id in that region."""


@dataclass(frozen=True)
class CacheClusterInfo:
    """What ``describe_cache_clusters`` says about one cluster."""

    cluster_id: str
    region: str
    status: str
    engine: str
    endpoint_addresses: tuple[str, ...]  # node and configuration endpoints, when AWS gives them
    replication_group_id: str | None


def describe_cache_cluster(elasticache: Any, cluster_id: str, region: str) -> CacheClusterInfo:
    """Confirm a cluster exists and read its endpoints; a missing one names id and region."""
    try:
        reply = elasticache.describe_cache_clusters(
            CacheClusterId=cluster_id, ShowCacheNodeInfo=True
        )
    except (ClientError, BotoCoreError) as exc:
        if isinstance(exc, ClientError) and error_code(exc) in {
            "CacheClusterNotFound",
            "CacheClusterNotFoundFault",
        }:
            raise CacheClusterMissing(
                f"no ElastiCache cluster '{cluster_id}' in region {region}",
                "Check name_prefix and aws_region in terraform.tfvars, and the AWS account "
                "of the credentials in use.",
                error_code(exc),
            ) from exc
        raise explain_aws_error(exc, "elasticache:DescribeCacheClusters", region) from exc
    clusters = reply.get("CacheClusters") or []
    if not clusters:
        raise CacheClusterMissing(f"no ElastiCache cluster '{cluster_id}' in region {region}")
    cluster = clusters[0]
    addresses: list[str] = []
    config = cluster.get("ConfigurationEndpoint") or {}
    if config.get("Address"):
        addresses.append(str(config["Address"]))
    for node in cluster.get("CacheNodes") or []:
        address = (node.get("Endpoint") or {}).get("Address")
        if address and address not in addresses:
            addresses.append(str(address))
    return CacheClusterInfo(
        cluster_id=cluster_id,
        region=region,
        status=str(cluster.get("CacheClusterStatus", "unknown")),
        engine=str(cluster.get("Engine", "")),
        endpoint_addresses=tuple(addresses),
        replication_group_id=cluster.get("ReplicationGroupId"),
    )


def replication_group_members(elasticache: Any, group_id: str, region: str) -> tuple[str, ...]:
    """The member cache cluster ids of a replication group (CloudWatch's per-node ids)."""
    try:
        reply = elasticache.describe_replication_groups(ReplicationGroupId=group_id)
    except (ClientError, BotoCoreError) as exc:
        if isinstance(exc, ClientError) and error_code(exc) in {
            "ReplicationGroupNotFoundFault",
            "ReplicationGroupNotFound",
        }:
            raise CacheClusterMissing(
                f"no ElastiCache replication group '{group_id}' in region {region}",
                "Has the upgrade apply created it? Check name_prefix and aws_region.",
                error_code(exc),
            ) from exc
        raise explain_aws_error(exc, "elasticache:DescribeReplicationGroups", region) from exc
    groups = reply.get("ReplicationGroups") or []
    if not groups:
        raise CacheClusterMissing(
            f"no ElastiCache replication group '{group_id}' in region {region}"
        )
    return tuple(str(member) for member in groups[0].get("MemberClusters") or [])
