"""Seed the EC2 snapshots of the MongoDB volumes that the state's DLM policy would make."""

from __future__ import annotations

from tui.core.playbook.load import Playbook
from tui.sandbox.seed_client import client, state_resources
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World


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
