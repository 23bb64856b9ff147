"""The old ElastiCache cluster and the Valkey group as AWS describes them.

Also the one place where AWS error codes become typed errors with plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.errors import MocmError

THROTTLE_CODES = frozenset({"Throttling", "ThrottlingException", "RequestLimitExceeded"})
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


class AwsCallFailed(MocmError):
    """An AWS call failed; ``code`` is the AWS error code (empty when none)."""

    def __init__(self, message: str, hint: str = "", code: str = "") -> None:
        super().__init__(message, hint)
        self.code = code


class AwsThrottled(AwsCallFailed):
    """AWS refused the call because of its rate limit."""


class AwsAccessDenied(AwsCallFailed):
    """The credentials in use may not make this call."""


class CacheClusterMissing(AwsCallFailed):
    """No cache cluster (or replication group) of that id in that region."""


def error_code(exc: ClientError) -> str:
    """The AWS error code of a botocore ``ClientError``."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def explain_aws_error(exc: Exception, operation: str, region: str) -> AwsCallFailed:
    """Turn a botocore failure into a typed error naming the call, region and code."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        detail = str(exc.response.get("Error", {}).get("Message", "")).strip()
        said = f" ({detail})" if detail else ""
        if code in THROTTLE_CODES:
            return AwsThrottled(
                f"AWS is throttling {operation} in {region} [{code}]{said}",
                "Wait a minute and run the check again; nothing was changed.",
                code,
            )
        if code in DENIED_CODES:
            return AwsAccessDenied(
                f"access denied to {operation} in {region} [{code}]{said}",
                "Use credentials allowed to make this call (check AWS_PROFILE and the IAM "
                "policy), then run the check again.",
                code,
            )
        return AwsCallFailed(f"{operation} failed in {region} [{code}]{said}", "", code)
    if isinstance(exc, BotoCoreError):
        return AwsCallFailed(
            f"{operation} could not reach AWS in {region}: {exc}",
            "Check the network, AWS_ENDPOINT_URL and the credentials.",
        )
    return AwsCallFailed(f"{operation} failed in {region}: {exc}")


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
