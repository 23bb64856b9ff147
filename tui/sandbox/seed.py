"""Seed the sandbox's AWS endpoint (moto) with what the demo world's state describes.

Only boto3, only through ``AWS_ENDPOINT_URL``. Idempotent: running it twice
leaves the same world. Names come from the playbook and ``world.json``.

CLI: ``python -m tui.sandbox.seed push-image <registry>/<repo>:<tag>`` (used by
the world's ``loadimage.sh``: there is no docker in the sandbox).
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from tui.core.playbook import Playbook, fill, load_playbook
from tui.sandbox.seed_metrics import seed_metrics
from tui.sandbox.world import World


@dataclass
class SeedReport:
    """What the endpoint holds after seeding (and what moto could not model)."""

    account_id: str = ""
    cache_cluster_id: str = ""
    valkey_group_id: str = ""
    valkey_metric_dimension: tuple[str, str] = ("", "")
    secret_id: str = ""
    buckets: list[str] = field(default_factory=list)
    state_bucket: str = ""
    lock_table: str = ""
    images_present: list[str] = field(default_factory=list)
    images_missing: list[str] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)


def client(service: str, env: dict[str, str]) -> Any:
    """A boto3 client for the endpoint described by ``env`` (AWS_* variables)."""
    session = boto3.session.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "testing"),
        aws_session_token=env.get("AWS_SESSION_TOKEN"),
        region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
    )
    return session.client(service, endpoint_url=env.get("AWS_ENDPOINT_URL"))  # type: ignore[call-overload]


def _exists(call: Any, missing_codes: tuple[str, ...], **kwargs: Any) -> bool:
    try:
        call(**kwargs)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in missing_codes:
            return False
        raise
    return True


def state_resources(world: World, playbook: Playbook) -> dict[str, Any]:
    """The previous release's state, parsed (the seeding mirrors it)."""
    path = world.previous / "terraform" / "aws" / playbook.state_file
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def valkey_username(playbook: Playbook) -> str:
    match = re.search(
        rf'^{playbook.tfvars_username_var}\s*=\s*"([^"]+)"', playbook.tfvars_block, re.M
    )
    return match.group(1) if match else "app"


def seed_caches(world: World, env: dict[str, str], playbook: Playbook, report: SeedReport) -> None:
    cache = client("elasticache", env)
    report.cache_cluster_id = fill(playbook.stage4.cluster_id, name_prefix=world.name_prefix)
    if not _exists(
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
    if not _exists(
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
    if _exists(manager.describe_secret, ("ResourceNotFoundException",), SecretId=secret_id):
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


def _bucket(s3: Any, name: str, region: str) -> None:
    if not _exists(s3.head_bucket, ("404", "NoSuchBucket"), Bucket=name):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def seed_storage(world: World, env: dict[str, str], playbook: Playbook, report: SeedReport) -> None:
    state = state_resources(world, playbook)
    s3 = client("s3", env)
    for resource in state["resources"]:
        if resource["type"] == playbook.bucket_resource_type and resource["mode"] == "managed":
            for instance in resource["instances"]:
                report.buckets.append(instance["attributes"]["bucket"])
    for name in report.buckets:
        _bucket(s3, name, world.region)
    backend = world.spec["backend"]
    report.state_bucket = world.fill(backend["state_bucket"])
    report.lock_table = world.fill(backend["lock_table"])
    _bucket(s3, report.state_bucket, world.region)
    dynamo = client("dynamodb", env)
    if not _exists(
        dynamo.describe_table, ("ResourceNotFoundException",), TableName=report.lock_table
    ):
        dynamo.create_table(
            TableName=report.lock_table,
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def parse_image(image: str) -> tuple[str, str, str]:
    """``<registry>/<repo>:<tag>`` -> (registry, repo, tag)."""
    registry, _, rest = image.partition("/")
    repo, _, tag = rest.rpartition(":")
    if not (registry and repo and tag):
        raise ValueError(f"not an image reference <registry>/<repo>:<tag>: {image!r}")
    return registry, repo, tag


def push_image(ecr: Any, image: str) -> bool:
    """Put ``image`` in the sandbox ECR; False when it was already there."""
    _, repo, tag = parse_image(image)
    try:
        ecr.create_repository(repositoryName=repo)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "RepositoryAlreadyExistsException":
            raise
    found = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": tag}])
    if found["images"]:
        return False
    digest = "sha256:" + secrets.token_hex(32)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 7023,
            "digest": digest,
        },
        "layers": [],
    }
    ecr.put_image(repositoryName=repo, imageManifest=json.dumps(manifest), imageTag=tag)
    return True


def image_lines(path: Any) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def seed_images(world: World, env: dict[str, str], playbook: Playbook, report: SeedReport) -> None:
    ecr = client("ecr", env)
    missing = set(world.spec["images"]["missing_in_ecr"])
    previous = image_lines(world.previous / playbook.images_list)
    for image in previous:
        push_image(ecr, image)
    for image in image_lines(world.current / playbook.images_list):
        repo = parse_image(image)[1]
        if repo in missing:
            try:
                ecr.create_repository(repositoryName=repo)
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "RepositoryAlreadyExistsException":
                    raise
            report.images_missing.append(image)
        else:
            push_image(ecr, image)
            report.images_present.append(image)


def seed_snapshots(
    world: World, env: dict[str, str], playbook: Playbook, report: SeedReport
) -> None:
    spec = world.spec["snapshots"]
    state = state_resources(world, playbook)
    policy_id = next(
        (
            r["instances"][0]["attributes"]["id"]
            for r in state["resources"]
            if r["type"] == "aws_dlm_lifecycle_policy"
        ),
        "policy-unknown",
    )
    ec2 = client("ec2", env)
    existing = ec2.describe_snapshots(
        OwnerIds=["self"], Filters=[{"Name": f"tag:{spec['tag_key']}", "Values": [policy_id]}]
    )["Snapshots"]
    report.not_modelled.append(
        "DLM: moto has no Data Lifecycle Manager API; the policy exists only in the state "
        f"({policy_id}), its snapshots are seeded in EC2"
    )
    if existing:
        report.snapshots = [s["SnapshotId"] for s in existing]
        return
    for name in spec["volumes"]:
        volume = ec2.create_volume(
            AvailabilityZone=f"{world.region}a",
            Size=200,
            VolumeType="gp3",
            TagSpecifications=[
                {
                    "ResourceType": "volume",
                    "Tags": [{"Key": "Name", "Value": name}, {"Key": "Backup", "Value": "mongodb"}],
                }
            ],
        )
        snapshot = ec2.create_snapshot(
            VolumeId=volume["VolumeId"],
            Description=f"Created for policy: {policy_id} schedule: daily",
            TagSpecifications=[
                {
                    "ResourceType": "snapshot",
                    "Tags": [
                        {"Key": spec["tag_key"], "Value": policy_id},
                        {"Key": "dlm:managed", "Value": "true"},
                        {"Key": "Name", "Value": name},
                    ],
                }
            ],
        )
        report.snapshots.append(snapshot["SnapshotId"])


def seed_world(world: World, env: dict[str, str], playbook: Playbook | None = None) -> SeedReport:
    """Fill the endpoint so that every check of the wizard has something real to read."""
    book = playbook or load_playbook()
    report = SeedReport()
    report.account_id = client("sts", env).get_caller_identity()["Account"]
    seed_caches(world, env, book, report)
    seed_secret(world, env, book, report)
    seed_storage(world, env, book, report)
    seed_images(world, env, book, report)
    seed_snapshots(world, env, book, report)
    seed_metrics(world, env, book, report, now=datetime.now(UTC))
    return report


def main(argv: list[str] | None = None) -> int:
    import os

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "push-image":
        print(
            "usage: python -m tui.sandbox.seed push-image <registry>/<repo>:<tag>", file=sys.stderr
        )
        return 1
    env = dict(os.environ)
    if not env.get("AWS_ENDPOINT_URL"):
        print(
            "push-image: AWS_ENDPOINT_URL is not set (source the world's env.sh)", file=sys.stderr
        )
        return 1
    try:
        pushed = push_image(client("ecr", env), args[1])
    except (ValueError, ClientError) as exc:
        print(f"push-image: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # endpoint down: say so instead of a traceback
        print(f"push-image: cannot reach {env['AWS_ENDPOINT_URL']}: {exc}", file=sys.stderr)
        return 1
    print(f"{'pushed' if pushed else 'present'}: {args[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
