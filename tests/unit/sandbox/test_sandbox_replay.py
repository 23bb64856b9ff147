"""The demo's AWS world survives a restart: moto's recording, replayed by the sandbox's server.

Every test runs the real server (``start_endpoint(recording=...)``), writes through
boto3, stops or kills it, starts a new one on the same recording (another port)
and reads the world back through boto3.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.sandbox import new_world
from tui.core.playbook.load import load_playbook
from tui.sandbox.aws_endpoint import AwsEndpoint, EndpointError, free_port, start_endpoint
from tui.sandbox.aws_recording import RecordingError, prepare_recording
from tui.sandbox.seed import seed_world
from tui.sandbox.seed_client import client
from tui.sandbox.seed_images import image_lines, push_image
from tui.sandbox.world import World

BOOK = load_playbook()
STATE_KEY = "mocm/terraform.tfstate"
# Recorded by the endpoint of an earlier version (tests/data/README.md, recordings/).
BEFORE_AMIS_STAMP = (
    Path(__file__).resolve().parents[2] / "data" / "recordings" / "ec2-before-amis-stamp.jsonl"
)
BUCKET = "replay-test-state"


def restart(recording: Path) -> AwsEndpoint:
    prepared = prepare_recording(recording)
    return start_endpoint(recording=recording, timeout=60 + 0.25 * prepared.requests)


def world_view(env: dict[str, str], world: World) -> dict[str, Any]:
    """Everything the wizard reads from AWS, with the ids and dates AWS would show."""
    view: dict[str, Any] = {}
    s3 = client("s3", env)
    for bucket in sorted(b["Name"] for b in s3.list_buckets()["Buckets"]):
        versions = s3.list_object_versions(Bucket=bucket).get("Versions", [])
        view[f"s3 {bucket}"] = [
            (v["Key"], v["VersionId"], v["LastModified"], v["ETag"], v["IsLatest"])
            for v in versions
        ]
    ecr = client("ecr", env)
    for repo in ecr.describe_repositories()["repositories"]:
        images = ecr.describe_images(repositoryName=repo["repositoryName"])["imageDetails"]
        view[f"ecr {repo['repositoryName']}"] = sorted(
            (tuple(i.get("imageTags", [])), i["imageDigest"], i["imagePushedAt"]) for i in images
        )
    ec2 = client("ec2", env)
    view["snapshots"] = sorted(
        (s["SnapshotId"], s["VolumeId"], s["StartTime"], s["Description"])
        for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    )
    view["volumes"] = sorted(
        (v["VolumeId"], v["CreateTime"]) for v in ec2.describe_volumes()["Volumes"]
    )
    cache = client("elasticache", env)
    view["cache clusters"] = sorted(
        (c["CacheClusterId"], c["CacheClusterCreateTime"], c["CacheClusterStatus"])
        for c in cache.describe_cache_clusters()["CacheClusters"]
    )
    view["replication groups"] = sorted(
        (g["ReplicationGroupId"], g["ReplicationGroupCreateTime"])
        for g in cache.describe_replication_groups()["ReplicationGroups"]
    )
    secrets = client("secretsmanager", env)
    for secret in secrets.list_secrets()["SecretList"]:
        value = secrets.get_secret_value(SecretId=secret["ARN"])
        view[f"secret {secret['Name']}"] = (
            secret["ARN"],
            secret["CreatedDate"],
            value["VersionId"],
            value["SecretString"],
        )
    cloudwatch = client("cloudwatch", env)
    for metric in cloudwatch.list_metrics(Namespace=BOOK.stage4.metric.namespace)["Metrics"]:
        points = cloudwatch.get_metric_statistics(
            Namespace=metric["Namespace"],
            MetricName=metric["MetricName"],
            Dimensions=metric["Dimensions"],
            StartTime="2000-01-01T00:00:00Z",
            EndTime="2100-01-01T00:00:00Z",
            Period=300,
            Statistics=["Maximum"],
        )["Datapoints"]
        view[f"metric {metric['Dimensions']}"] = sorted(
            (p["Timestamp"], p["Maximum"]) for p in points
        )
    view["tables"] = client("dynamodb", env).list_tables()["TableNames"]
    return view


@pytest.fixture
def recorded(tmp_path: Path) -> Iterator[tuple[World, Path, AwsEndpoint]]:
    """A seeded world whose endpoint records into ``aws-recording.jsonl``; stopped after."""
    world = new_world(tmp_path)
    recording = tmp_path / "aws-recording.jsonl"
    prepare_recording(recording)
    endpoint = start_endpoint(recording=recording, timeout=60)
    seed_world(world, endpoint.env, BOOK)
    yield world, recording, endpoint
    endpoint.stop()


def loaded_images(world: World) -> list[str]:
    return image_lines(world.current / BOOK.images_list)


def operator_session(env: dict[str, str], world: World) -> None:
    """What a demo run does to AWS: state versions in S3, an image loaded, a cluster deleted."""
    s3 = client("s3", env)
    bucket = world.fill("@@NAME_PREFIX@@-tfstate")
    for serial in (1, 2, 3):
        s3.put_object(Bucket=bucket, Key=STATE_KEY, Body=f'{{"serial": {serial}}}'.encode())
    s3.put_object(Bucket=bucket, Key="odd key/with%2Fslash+plus", Body=b"\x00\xffbinary")
    for image in loaded_images(world):  # what loadimage.sh does: the missing one pushed
        push_image(client("ecr", env), image)
    client("elasticache", env).delete_cache_cluster(
        CacheClusterId=world.fill("@@NAME_PREFIX@@-cache")
    )


def test_restarts_restore_the_same_world_ids_and_dates_included(
    recorded: tuple[World, Path, AwsEndpoint],
) -> None:
    world, recording, endpoint = recorded
    operator_session(endpoint.env, world)
    before = world_view(endpoint.env, world)
    endpoint.stop()
    second = restart(recording)
    try:
        after = world_view(second.env, world)
        bucket = world.fill("@@NAME_PREFIX@@-tfstate")
        client("s3", second.env).put_object(Bucket=bucket, Key=STATE_KEY, Body=b"after restart")
        before_third = world_view(second.env, world)
    finally:
        second.stop()
    assert after == before
    # What the comparison covers, so an empty view cannot pass it:
    versions = after[f"s3 {bucket}"]
    assert [v[0] for v in versions].count(STATE_KEY) == 3
    assert len({v[1] for v in versions}) == 4  # four distinct version ids, the same ones
    assert len([s for s in after["snapshots"] if "policy" in s[3]]) == 3
    # The deleted cluster stays deleted (moto keeps it listed as "deleting").
    assert [c[2] for c in after["cache clusters"]] == ["deleting"]
    loaded = [i for k, images in after.items() if k.startswith("ecr ") for i in images]
    assert sum(BOOK.to_build in tags for tags, _, _ in loaded) == len(loaded_images(world))
    assert any(len(points) > 280 for key, points in after.items() if key.startswith("metric "))
    third = restart(recording)  # replays the replayed requests and what came after them
    try:
        assert world_view(third.env, world) == before_third
        body = client("s3", third.env).get_object(Bucket=bucket, Key=STATE_KEY)["Body"].read()
    finally:
        third.stop()
    assert body == b"after restart"


@pytest.fixture
def small(tmp_path: Path) -> Iterator[tuple[Path, AwsEndpoint]]:
    """A recording endpoint holding one versioned bucket with an object; stopped after."""
    recording = tmp_path / "aws-recording.jsonl"
    prepare_recording(recording)
    endpoint = start_endpoint(recording=recording, timeout=60)
    s3 = client("s3", endpoint.env)
    s3.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"first")
    yield recording, endpoint
    endpoint.stop()


def test_a_killed_endpoint_loses_no_answered_request(small: tuple[Path, AwsEndpoint]) -> None:
    recording, endpoint = small
    put = client("s3", endpoint.env).put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"kept")
    os.kill(endpoint.process.pid, signal.SIGKILL)  # no chance to flush anything
    endpoint.process.wait()
    again = restart(recording)
    try:
        got = client("s3", again.env).get_object(Bucket=BUCKET, Key=STATE_KEY)
        body = got["Body"].read()  # streamed: read before the endpoint stops
    finally:
        again.stop()
    assert body == b"kept" and got["VersionId"] == put["VersionId"]


def test_a_line_torn_by_a_kill_is_dropped_and_said(small: tuple[Path, AwsEndpoint]) -> None:
    recording, endpoint = small
    endpoint.stop()
    prepare_recording(recording)
    whole = recording.read_bytes()
    with recording.open("ab") as handle:
        handle.write(b'{"headers": {"Host": "127.0.0.1"}, "method": "PUT", "url": "http://12')
    prepared = prepare_recording(recording)
    assert prepared.torn_line_dropped
    assert recording.read_bytes() == whole  # the torn request gone, every whole one kept
    again = start_endpoint(recording=recording, timeout=60)
    try:
        body = client("s3", again.env).get_object(Bucket=BUCKET, Key=STATE_KEY)["Body"].read()
    finally:
        again.stop()
    assert body == b"first"


def test_a_bad_line_inside_the_recording_is_refused_by_number(tmp_path: Path) -> None:
    recording = tmp_path / "aws-recording.jsonl"
    recording.write_text('{"method": "GET", "url": "http://127.0.0.1:1/"}\nnot json\n{}\n')
    with pytest.raises(RecordingError) as caught:
        prepare_recording(recording)
    assert f"{recording}: line 2 is not a recorded request" in caught.value.message
    assert "--fresh" in (caught.value.hint or "")
    assert recording.read_text().splitlines()[1] == "not json"  # nothing changed


def test_the_recording_is_private(tmp_path: Path) -> None:
    """It holds the Valkey password sent to Secrets Manager: 0600 whatever the umask."""
    old = os.umask(0o022)
    try:
        created = prepare_recording(tmp_path / "new.jsonl")
        existing = tmp_path / "old.jsonl"
        existing.write_text("")
        existing.chmod(0o644)
        prepare_recording(existing)
    finally:
        os.umask(old)
    assert stat.S_IMODE(created.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600


def test_nothing_is_answered_before_the_replay_ends(small: tuple[Path, AwsEndpoint]) -> None:
    """The endpoint answers its first request with the whole world; the readiness probes of
    each start are left out of the next replay."""
    recording, endpoint = small
    endpoint.stop()
    first = prepare_recording(recording)
    assert first.probes_dropped >= 1 and first.requests == 3  # bucket, versioning, put
    again = start_endpoint(recording=recording, timeout=60)
    try:
        versions = client("s3", again.env).list_object_versions(Bucket=BUCKET)["Versions"]
    finally:
        again.stop()
    assert [v["Key"] for v in versions] == [STATE_KEY]
    second = prepare_recording(recording)
    assert second.probes_dropped >= 1 and second.requests == 4  # + the list; no replayed one


def test_moto_replay_alone_draws_new_ids_and_loses_a_snapshot(tmp_path: Path) -> None:
    """Why the sandbox's server exists: moto's own server replays a recording with new random
    ids, so a request naming an id from an earlier answer fails."""
    recording = tmp_path / "plain.jsonl"
    first, env = plain_moto(recording)
    try:
        ec2 = client("ec2", env)
        volume = ec2.create_volume(AvailabilityZone="eu-central-1a", Size=1)["VolumeId"]
        ec2.create_snapshot(VolumeId=volume, Description="mine")
    finally:
        first.kill()
        first.wait()
    second, env = plain_moto(recording)
    try:
        replay = f"{env['AWS_ENDPOINT_URL']}/moto-api/recorder/replay-recording"
        urllib.request.urlopen(urllib.request.Request(replay, method="POST"), timeout=60).close()
        ec2 = client("ec2", env)
        volumes = [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]
        snapshots = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    finally:
        second.kill()
        second.wait()
    assert volume not in volumes and len(volumes) == 1  # the replayed volume got a new id
    assert [s for s in snapshots if s["Description"] == "mine"] == []  # it named the old id


def plain_moto(recording: Path) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """moto's own server (``python -m moto.server``) recording into ``recording``."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, "MOTO_ENABLE_RECORDING": "1", "MOTO_RECORDER_FILEPATH": str(recording)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "moto's server exited"
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)  # polling interval
    env = {
        "AWS_ENDPOINT_URL": url,
        "AWS_REGION": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    return server, env


def test_recorded_requests_carry_their_seed_and_time(small: tuple[Path, AwsEndpoint]) -> None:
    recording, endpoint = small
    endpoint.stop()
    entries = [json.loads(line) for line in recording.read_text().splitlines()]
    assert entries
    for entry in entries:
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        assert int(headers["x-mocm-seed"]) >= 0 and float(headers["x-mocm-clock"]) > 1.7e9
        assert headers["x-mocm-amis"] == "none"  # made without moto's default AMIs


def test_a_world_has_no_default_amis_before_or_after_a_restart(
    small: tuple[Path, AwsEndpoint],
) -> None:
    """EC2 comes up without moto's ~1,350 default AMIs (and their snapshots): nothing of the
    demo reads them, and every start paid for them."""
    recording, endpoint = small
    ec2 = client("ec2", endpoint.env)
    volume = ec2.create_volume(AvailabilityZone="eu-central-1a", Size=8)["VolumeId"]
    first = ec2.describe_images()["Images"], ec2.describe_snapshots(OwnerIds=["self"])
    endpoint.stop()
    again = restart(recording)
    try:
        ec2 = client("ec2", again.env)
        images = ec2.describe_images()["Images"]
        snapshots = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
        volumes = [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]
    finally:
        again.stop()
    assert first[0] == [] and first[1]["Snapshots"] == []
    assert images == [] and snapshots == [] and volumes == [volume]


def test_a_recording_made_with_default_amis_restores_its_ids(tmp_path: Path) -> None:
    """A world recorded before the stamp (EC2 with moto's default AMIs, whose volumes and
    snapshots drew ids in the request that first reached EC2) is replayed with them: the
    volume keeps its id and the snapshot naming it is still there."""
    recording = tmp_path / "aws-recording.jsonl"
    shutil.copy(BEFORE_AMIS_STAMP, recording)
    again = restart(recording)
    try:
        ec2 = client("ec2", again.env)
        volumes = ec2.describe_volumes(Filters=[{"Name": "size", "Values": ["8"]}])["Volumes"]
        [snapshot] = ec2.describe_snapshots(SnapshotIds=["snap-dc53fe57308249475"])["Snapshots"]
        images = ec2.describe_images(Owners=["amazon"])["Images"]
    finally:
        again.stop()
    assert [v["VolumeId"] for v in volumes] == ["vol-a3703c0083a9184bd"]  # as answered then
    assert snapshot["VolumeId"] == "vol-a3703c0083a9184bd"
    assert snapshot["Description"] == "before the AMIs stamp"
    assert len(images) > 1000  # the AMIs it was recorded with


def test_a_recording_that_cannot_be_replayed_is_one_clear_error(tmp_path: Path) -> None:
    recording = tmp_path / "aws-recording.jsonl"
    recording.write_text('{"method": "PUT"}\n')  # JSON, but no request moto can send again
    prepared = prepare_recording(recording)
    with pytest.raises(EndpointError) as caught:
        start_endpoint(recording=prepared.path, timeout=60)
    assert "replaying the recorded AWS world failed" in caught.value.message
    assert "--fresh" in (caught.value.hint or "")
