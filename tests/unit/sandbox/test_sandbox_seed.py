"""Seeding the sandbox's AWS endpoint: boto3 reads back what the wizard needs."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.support.sandbox import new_world
from tui.core.playbook.load import load_playbook
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.seed import seed_world
from tui.sandbox.seed_caches import seed_caches
from tui.sandbox.seed_metrics import continue_metrics, seed_metrics
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import STORY_ENV, World, world_env

BOOK = load_playbook()


@pytest.fixture
def seeded(aws: AwsEndpoint, tmp_path: Path) -> tuple[World, SeedReport]:
    world = new_world(tmp_path)
    return world, seed_world(world, aws.env, BOOK)


def maxima(cluster_id: str, hours: int = 24) -> list[float]:
    now = datetime.now(UTC)
    points = boto3.client("cloudwatch").get_metric_statistics(
        Namespace=BOOK.stage4.metric.namespace,
        MetricName=BOOK.stage4.metric.name,
        Dimensions=[{"Name": BOOK.stage4.metric.dimension, "Value": cluster_id}],
        StartTime=now - timedelta(hours=hours),
        EndTime=now,
        Period=BOOK.stage4.metric.period_seconds,
        Statistics=[BOOK.stage4.metric.statistic],
    )["Datapoints"]
    return [p["Maximum"] for p in sorted(points, key=lambda p: p["Timestamp"])]


def test_identity_and_caches(seeded: tuple[World, SeedReport]) -> None:
    world, report = seeded
    assert (
        boto3.client("sts").get_caller_identity()["Account"]
        == report.account_id
        == world.account_id
    )
    cache = boto3.client("elasticache")
    cluster = cache.describe_cache_clusters(CacheClusterId=f"{world.name_prefix}-cache")[
        "CacheClusters"
    ][0]
    assert cluster["Engine"] == "redis"
    group = cache.describe_replication_groups(ReplicationGroupId=f"{world.name_prefix}-valkey")
    assert group["ReplicationGroups"][0]["ReplicationGroupId"] == report.valkey_group_id


def test_old_cache_is_idle_for_a_whole_window_after_the_cutover(
    seeded: tuple[World, SeedReport],
) -> None:
    """The demo starts a business cycle after its cutover (32 h ago): busy before, a 4 h
    drain, then idle for more than Stage 4's 24 h window; the 72 h window sees it busy."""
    world, _ = seeded
    values = maxima(f"{world.name_prefix}-cache", hours=72)
    assert 850 <= len(values) <= 865
    assert min(values[:100]) >= 30 and max(values[:100]) <= 50
    assert values[-12 * 27 :] == [0.0] * (12 * 27)  # idle for more than the 24 h window
    assert values[-12 * 31] > 4  # busy before the cutover, 31 h ago


def test_valkey_connections_rise_at_the_cutover(seeded: tuple[World, SeedReport]) -> None:
    _, report = seeded
    name, value = report.valkey_metric_dimension
    assert name == BOOK.stage4.metric.dimension and value.startswith(report.valkey_group_id)
    values = maxima(value, hours=36)
    assert values[0] == 0.0 and values[-1] > 30 and values[-1] >= max(values[:-1])
    assert min(values[-12 * 27 :]) > 30  # at its peak for more than a business cycle


def test_demo_world_says_what_its_history_shows(seeded: tuple[World, SeedReport]) -> None:
    world, _ = seeded
    story = world_env(world, {}, base={})[STORY_ENV]
    assert "cutover 32 h before the world was built" in story
    assert "a business cycle after the Helm sync" in story and "72h window" in story


def test_valkey_secret(seeded: tuple[World, SeedReport]) -> None:
    world, report = seeded
    assert report.secret_id == f"{world.name_prefix}/valkey/fusion"
    secret = json.loads(
        boto3.client("secretsmanager").get_secret_value(SecretId=report.secret_id)["SecretString"]
    )
    assert set(secret) == {"host", "port", "username", "password"}
    assert secret["username"] == "fusion" and len(secret["password"]) >= 20


def test_buckets_versioned_and_state_backend(seeded: tuple[World, SeedReport]) -> None:
    world, report = seeded
    s3 = boto3.client("s3")
    assert len(report.buckets) == BOOK.expected_buckets
    for bucket in [*report.buckets, report.state_bucket]:
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert report.state_bucket == f"{world.name_prefix}-tfstate"
    table = boto3.client("dynamodb").describe_table(TableName=report.lock_table)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "LockID", "KeyType": "HASH"}]


def test_ecr_has_the_new_images_but_one(seeded: tuple[World, SeedReport]) -> None:
    _, report = seeded
    ecr = boto3.client("ecr")
    assert len(report.images_missing) == 1 and len(report.images_present) >= 6
    for image in report.images_present:
        repo, tag = image.split("/", 1)[1].rsplit(":", 1)
        assert ecr.describe_images(repositoryName=repo, imageIds=[{"imageTag": tag}])[
            "imageDetails"
        ]
    repo, tag = report.images_missing[0].split("/", 1)[1].rsplit(":", 1)
    with pytest.raises(ClientError) as caught:
        ecr.describe_images(repositoryName=repo, imageIds=[{"imageTag": tag}])
    assert caught.value.response["Error"]["Code"] == "ImageNotFoundException"


def test_dlm_snapshots(seeded: tuple[World, SeedReport]) -> None:
    _, report = seeded
    snapshots = boto3.client("ec2").describe_snapshots(SnapshotIds=report.snapshots)["Snapshots"]
    assert len(snapshots) == 3
    for snapshot in snapshots:
        tags = {t["Key"]: t["Value"] for t in snapshot["Tags"]}
        assert tags["aws:dlm:lifecycle-policy-id"].startswith("policy-")
        assert snapshot["StartTime"] > datetime.now(UTC) - timedelta(days=1)
    assert any("DLM" in note for note in report.not_modelled)


def test_seeding_twice_changes_nothing(seeded: tuple[World, SeedReport], aws: AwsEndpoint) -> None:
    world, first = seeded
    manager = boto3.client("secretsmanager")
    secret = manager.get_secret_value(SecretId=first.secret_id)["SecretString"]
    second = seed_world(world, aws.env, BOOK)
    assert second.snapshots == first.snapshots and second.buckets == first.buckets
    assert manager.get_secret_value(SecretId=first.secret_id)["SecretString"] == secret
    assert 280 <= len(maxima(f"{world.name_prefix}-cache")) <= 289


def test_loadimage_pushes_the_missing_image(
    seeded: tuple[World, SeedReport], aws: AwsEndpoint
) -> None:
    world, report = seeded
    env = {**aws.env, "PATH": os.environ["PATH"], "MOCM_PYTHON": str(Path(sys.executable))}
    out = subprocess.run(
        [str(world.current / BOOK.images_loader)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert f"pushed: {report.images_missing[0]}" in out.stdout
    assert out.stdout.count("present: ") == len(report.images_present)
    repo, tag = report.images_missing[0].split("/", 1)[1].rsplit(":", 1)
    assert boto3.client("ecr").describe_images(repositoryName=repo, imageIds=[{"imageTag": tag}])[
        "imageDetails"
    ]


def test_loadimage_without_endpoint_says_so(tmp_path: Path) -> None:
    world = new_world(tmp_path)
    env = {"PATH": os.environ["PATH"], "MOCM_PYTHON": sys.executable}
    out = subprocess.run(
        [str(world.current / BOOK.images_loader)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 1 and "AWS_ENDPOINT_URL is not set" in out.stderr


def series(dimension_value: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    points = boto3.client("cloudwatch").get_metric_statistics(
        Namespace=BOOK.stage4.metric.namespace,
        MetricName=BOOK.stage4.metric.name,
        Dimensions=[{"Name": BOOK.stage4.metric.dimension, "Value": dimension_value}],
        StartTime=start,
        EndTime=end,
        Period=BOOK.stage4.metric.period_seconds,
        Statistics=[BOOK.stage4.metric.statistic],
    )["Datapoints"]
    return sorted((p["Timestamp"], p["Maximum"]) for p in points)


def test_a_world_restored_days_later_publishes_its_series_up_to_now(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    """CloudWatch kept publishing while the demo was stopped: Stage 4's window is never empty,
    and a deleted cluster publishes nothing after its deletion."""
    world = new_world(tmp_path)
    report = SeedReport()
    seeded_at = datetime(2026, 3, 2, 9, 7, tzinfo=UTC)
    seed_caches(world, aws.env, BOOK, report)
    seed_metrics(world, aws.env, BOOK, report, now=seeded_at)
    restored_at = seeded_at + timedelta(days=2, hours=3, minutes=1)
    added = continue_metrics(world, aws.env, BOOK, restored_at)
    cache_id, (_, valkey_member) = report.cache_cluster_id, report.valkey_metric_dimension
    cache = series(cache_id, seeded_at - timedelta(hours=1), restored_at + timedelta(hours=1))
    gap = [b[0] - a[0] for a, b in itertools.pairwise(cache)]
    assert set(gap) == {timedelta(minutes=5)}  # no hole where the demo was stopped
    assert cache[-1] == (datetime(2026, 3, 4, 12, 5, tzinfo=UTC), 0.0)
    peak = float(world.spec["valkey_metric"]["peak"])
    valkey = series(valkey_member, seeded_at + timedelta(minutes=1), restored_at)
    assert valkey and {value for _, value in valkey} == {peak}
    assert added == 2 * len([p for p in cache if p[0] > seeded_at])
    assert continue_metrics(world, aws.env, BOOK, restored_at) == 0  # nothing twice

    boto3.client("elasticache").delete_cache_cluster(CacheClusterId=cache_id)
    later = restored_at + timedelta(hours=1)
    assert continue_metrics(world, aws.env, BOOK, later) == 12  # the Valkey group's hour only
    after = series(cache_id, restored_at + timedelta(minutes=1), later + timedelta(hours=1))
    assert after == []


def test_push_image_pushes_each_in_turn_and_fails_if_one_fails(aws: AwsEndpoint) -> None:
    """loadimage.sh hands every image to one process: a bad one is named, the others pushed."""
    registry = "123456789012.dkr.ecr.eu-central-1.amazonaws.com"
    images = [f"{registry}/mocm/api:1.0", "not-an-image", f"{registry}/mocm/web:2.0"]
    env = {**os.environ, **aws.env}
    out = subprocess.run(
        [sys.executable, "-m", "tui.sandbox.seed", "push-image", *images],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 1
    assert out.stdout.splitlines() == [f"pushed: {images[0]}", f"pushed: {images[2]}"]
    assert out.stderr.splitlines() == [
        "push-image: not an image reference <registry>/<repo>:<tag>: 'not-an-image'"
    ]
    ecr = boto3.client("ecr")
    for repo, tag in (("mocm/api", "1.0"), ("mocm/web", "2.0")):
        assert ecr.describe_images(repositoryName=repo, imageIds=[{"imageTag": tag}])[
            "imageDetails"
        ]
