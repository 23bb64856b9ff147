"""What the stand-in's `tofu apply` does to the local AWS world.

The real provider deletes and creates ElastiCache through the AWS API, so after a real
teardown `describe_cache_clusters` no longer lists the old cache. The stand-in does the same
for the two ElastiCache types the upgrade touches (`aws_elasticache_cluster`,
`aws_elasticache_replication_group`), through boto3 — and only when `AWS_ENDPOINT_URL` is a
loopback address (moto's server in the demo and the tests), never against a real account.
Deletes run first, then creates, as Terraform orders a replacement without
`create_before_destroy`. A delete of something already gone and a create of something
already there are what the demo world's seeding leaves behind, not errors; any other answer
stops the apply before the state is written, as the provider's error would.
Every other resource type stays in the state only (the demo world holds no such objects).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from tui.sandbox.tofu.expr import UNKNOWN
from tui.sandbox.tofu.planmodel import Plan

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class CloudError(Exception):
    """The local AWS world refused a change: (summary, detail) as the provider words it."""

    def __init__(self, summary: str, detail: str) -> None:
        super().__init__(summary)
        self.summary, self.detail = summary, detail


def local_endpoint() -> str | None:
    """`AWS_ENDPOINT_URL` when it points at this machine's loopback, else None."""
    url = os.environ.get("AWS_ENDPOINT_URL", "")
    host = urlparse(url).hostname if url else None
    return url if host in LOOPBACK_HOSTS else None


def _known(values: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """API parameters from the planned object, leaving out what is unknown or unset."""
    return {
        param: values[attr]
        for attr, param in mapping.items()
        if values.get(attr) not in (None, UNKNOWN, "")
    }


_CLUSTER_PARAMS = {
    "cluster_id": "CacheClusterId",
    "engine": "Engine",
    "engine_version": "EngineVersion",
    "node_type": "CacheNodeType",
    "num_cache_nodes": "NumCacheNodes",
}
_GROUP_PARAMS = {
    "replication_group_id": "ReplicationGroupId",
    "description": "ReplicationGroupDescription",
    "engine": "Engine",
    "engine_version": "EngineVersion",
    "node_type": "CacheNodeType",
    "num_cache_clusters": "NumCacheClusters",
}


@dataclass(frozen=True)
class _Kind:
    """How one resource type is deleted and created, and the answers that are no error."""

    words: str  # as the provider names it in its errors
    id_attr: str
    id_param: str
    delete: str
    create: str
    params: dict[str, str]
    already_gone: str
    already_there: str


_KINDS = {
    "aws_elasticache_cluster": _Kind(
        "ElastiCache Cache Cluster",
        "cluster_id",
        "CacheClusterId",
        "delete_cache_cluster",
        "create_cache_cluster",
        _CLUSTER_PARAMS,
        "CacheClusterNotFound",
        "CacheClusterAlreadyExists",
    ),
    "aws_elasticache_replication_group": _Kind(
        "ElastiCache Replication Group",
        "replication_group_id",
        "ReplicationGroupId",
        "delete_replication_group",
        "create_replication_group",
        _GROUP_PARAMS,
        "ReplicationGroupNotFoundFault",
        "ReplicationGroupAlreadyExists",
    ),
}


def apply_to_cloud(plan: Plan, region: str) -> None:
    """Delete, then create, the plan's ElastiCache objects in the local AWS world."""
    if local_endpoint() is None:
        return
    changes = [c for c in plan.changes if c.type in _KINDS and c.mode == "managed"]
    if not changes:
        return
    from tui.sandbox.tofu.aws import client as aws_client

    client = aws_client("elasticache", region)
    for change in changes:
        kind = _KINDS[change.type]
        rid = (change.before or {}).get(kind.id_attr)
        if "delete" in change.actions and rid:
            args = {kind.id_param: rid}
            _call(
                getattr(client, kind.delete),
                args,
                kind.already_gone,
                f"deleting {kind.words} ({rid})",
            )
    for change in changes:
        kind = _KINDS[change.type]
        rid = (change.after or {}).get(kind.id_attr)
        if "create" in change.actions and change.after and rid not in (None, UNKNOWN):
            args = _known(change.after, kind.params)
            _call(
                getattr(client, kind.create),
                args,
                kind.already_there,
                f"creating {kind.words} ({rid})",
            )


def _call(call: Callable[..., Any], args: dict[str, Any], tolerated: str, doing: str) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        call(**args)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        if error.get("Code") == tolerated:
            return
        raise CloudError(
            f"{doing}: operation error ElastiCache",
            f"{error.get('Code', 'Error')}: {error.get('Message', '')}",
        ) from exc
    except BotoCoreError as exc:
        raise CloudError(doing, str(exc)) from exc
