"""The stand-in's apply changes the local AWS world as the provider would (ElastiCache)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.tofu_standin import tofu, write
from tui.sandbox.aws_endpoint import AwsEndpoint

OLD = (
    'resource "aws_elasticache_cluster" "old" {\n'
    '  cluster_id = "acme-old-cache"\n  engine = "redis"\n'
    '  node_type = "cache.t3.medium"\n  num_cache_nodes = 1\n}\n'
)
GROUP = (
    'resource "aws_elasticache_replication_group" "valkey" {\n'
    '  replication_group_id = "acme-valkey"\n  description = "cache"\n'
    '  engine = "valkey"\n  node_type = "cache.t3.micro"\n  num_cache_clusters = 1\n}\n'
)


def elasticache() -> Any:
    return boto3.client("elasticache", region_name="eu-central-1")


def clusters() -> dict[str, str]:
    """Cluster id → status, as describe_cache_clusters lists them."""
    listed = elasticache().describe_cache_clusters()["CacheClusters"]
    return {c["CacheClusterId"]: c["CacheClusterStatus"] for c in listed}


def groups() -> dict[str, str]:
    listed = elasticache().describe_replication_groups()["ReplicationGroups"]
    return {g["ReplicationGroupId"]: g["Status"] for g in listed}


def apply(cwd: Path, **env: str) -> Any:
    assert tofu(cwd, "init").code == 0
    assert tofu(cwd, "plan", "-out", "tfplan", **env).code == 0
    return tofu(cwd, "apply", "tfplan", **env)


def test_apply_creates_then_teardown_deletes_the_cluster(aws: AwsEndpoint, tmp_path: Path) -> None:
    write(tmp_path / "cache.tf", OLD)
    assert apply(tmp_path).code == 0
    assert clusters() == {"acme-old-cache": "available"}
    (tmp_path / "cache.tf").rename(tmp_path / "cache.tf.2603")  # parked, as Stage 4 does
    result = apply(tmp_path)
    assert result.code == 0, result.stderr
    assert "aws_elasticache_cluster.old: Destruction complete" in result.stdout
    assert clusters().get("acme-old-cache") in (None, "deleting")


def test_replication_group_created_and_deleted(aws: AwsEndpoint, tmp_path: Path) -> None:
    write(tmp_path / "valkey.tf", GROUP)
    assert apply(tmp_path).code == 0
    assert groups() == {"acme-valkey": "available"}
    (tmp_path / "valkey.tf").unlink()
    assert apply(tmp_path).code == 0
    assert groups().get("acme-valkey") in (None, "deleting")


def test_a_cluster_seeded_before_is_adopted_and_one_already_gone_is_no_error(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    elasticache().create_cache_cluster(
        CacheClusterId="acme-old-cache",
        Engine="redis",
        CacheNodeType="cache.t3.medium",
        NumCacheNodes=1,
    )
    write(tmp_path / "cache.tf", OLD)
    assert apply(tmp_path).code == 0  # AlreadyExists: the world held it before the state did
    elasticache().delete_cache_cluster(CacheClusterId="acme-old-cache")
    (tmp_path / "cache.tf").unlink()
    result = apply(tmp_path)
    assert result.code == 0, result.stderr


def test_a_refused_delete_stops_the_apply_before_the_state_moves(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    write(tmp_path / "cache.tf", OLD)
    assert apply(tmp_path).code == 0
    before = (tmp_path / "terraform.tfstate").read_text()
    (tmp_path / "cache.tf").unlink()
    assert tofu(tmp_path, "plan", "-out", "tfplan").code == 0
    # Nothing listens on port 9: the provider's call fails, as on a network cut.
    result = tofu(tmp_path, "apply", "tfplan", AWS_ENDPOINT_URL="http://127.0.0.1:9")
    assert result.code == 1
    assert "deleting ElastiCache Cache Cluster (acme-old-cache)" in result.stderr
    assert (tmp_path / "terraform.tfstate").read_text() == before
    assert clusters() == {"acme-old-cache": "available"}


@pytest.mark.parametrize("endpoint", ["", "https://elasticache.example.com"])
def test_no_cloud_call_without_a_loopback_endpoint(
    aws: AwsEndpoint, tmp_path: Path, endpoint: str
) -> None:
    write(tmp_path / "cache.tf", OLD)
    result = apply(tmp_path, AWS_ENDPOINT_URL=endpoint)
    assert result.code == 0, result.stderr
    assert clusters() == {}
