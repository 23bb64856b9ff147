"""The old ElastiCache cluster and the Valkey group as AWS describes them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import AwsCallFailed, error_code, explain_aws_error

GROUP_MISSING_CODES = frozenset({"ReplicationGroupNotFoundFault", "ReplicationGroupNotFound"})


class CacheClusterMissing(AwsCallFailed):
    """No cache cluster (or replication group) of that id in that region."""


@dataclass(frozen=True)
class CacheClusterInfo:
    """What ``describe_cache_clusters`` says about one cluster."""

    cluster_id: str
    region: str
    status: str
    engine: str
    # configuration, primary/reader (when in a group) and node endpoints, as AWS reports them
    endpoint_addresses: tuple[str, ...]
    replication_group_id: str | None


@dataclass(frozen=True)
class ReplicationGroupInfo:
    """A replication group's member clusters and every endpoint address AWS reports for it."""

    group_id: str
    members: tuple[str, ...]
    endpoint_addresses: tuple[str, ...]


def _address(endpoint: Any) -> str | None:
    if isinstance(endpoint, Mapping) and endpoint.get("Address"):
        return str(endpoint["Address"])
    return None


def _unique(addresses: Iterable[str | None]) -> tuple[str, ...]:
    out: list[str] = []
    for address in addresses:
        if address and address not in out:
            out.append(address)
    return tuple(out)


def describe_cache_cluster(elasticache: Any, cluster_id: str, region: str) -> CacheClusterInfo:
    """Confirm a cluster exists and read its endpoints; a missing one names id and region.

    A cluster inside a replication group also gets the group's primary, reader and
    configuration endpoints (``DescribeCacheClusters`` does not report those).
    """
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
    addresses = [_address(cluster.get("ConfigurationEndpoint"))]
    addresses += [_address(node.get("Endpoint")) for node in cluster.get("CacheNodes") or []]
    group_id = cluster.get("ReplicationGroupId")
    if group_id:
        group = describe_replication_group(elasticache, str(group_id), region)
        addresses += group.endpoint_addresses
    return CacheClusterInfo(
        cluster_id=cluster_id,
        region=region,
        status=str(cluster.get("CacheClusterStatus", "unknown")),
        engine=str(cluster.get("Engine", "")),
        endpoint_addresses=_unique(addresses),
        replication_group_id=str(group_id) if group_id else None,
    )


def describe_replication_group(
    elasticache: Any, group_id: str, region: str
) -> ReplicationGroupInfo:
    """A replication group's members and endpoints; a missing group is ``CacheClusterMissing``."""
    try:
        reply = elasticache.describe_replication_groups(ReplicationGroupId=group_id)
    except (ClientError, BotoCoreError) as exc:
        if isinstance(exc, ClientError) and error_code(exc) in GROUP_MISSING_CODES:
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
    group = groups[0]
    addresses = [_address(group.get("ConfigurationEndpoint"))]
    for node_group in group.get("NodeGroups") or []:
        addresses.append(_address(node_group.get("PrimaryEndpoint")))
        addresses.append(_address(node_group.get("ReaderEndpoint")))
        for member in node_group.get("NodeGroupMembers") or []:
            addresses.append(_address(member.get("ReadEndpoint")))
    members = tuple(str(member) for member in group.get("MemberClusters") or [])
    return ReplicationGroupInfo(group_id, members, _unique(addresses))


def replication_group_members(elasticache: Any, group_id: str, region: str) -> tuple[str, ...]:
    """The member cache cluster ids of a replication group (CloudWatch's per-node ids)."""
    return describe_replication_group(elasticache, group_id, region).members
