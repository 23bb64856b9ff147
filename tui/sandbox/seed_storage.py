"""Seed S3 (the release's versioned buckets, the state bucket) and the DynamoDB lock table."""

from __future__ import annotations

from typing import Any

from tui.core.playbook.load import Playbook
from tui.sandbox.seed_client import client, exists, state_resources
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World


def _bucket(s3: Any, name: str, region: str) -> None:
    if not exists(s3.head_bucket, ("404", "NoSuchBucket"), Bucket=name):
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
    if not exists(
        dynamo.describe_table, ("ResourceNotFoundException",), TableName=report.lock_table
    ):
        dynamo.create_table(
            TableName=report.lock_table,
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
