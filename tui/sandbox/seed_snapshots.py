"""Seed the state's DLM policy (on an endpoint that serves DLM: the demo's) and the EC2
snapshots of the MongoDB volumes that policy would make."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.playbook.load import Playbook
from tui.sandbox.seed_client import client, state_resources
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World

CUSTOM_ID_TAG = "_custom_id_"  # the endpoint's DLM gives the policy the state's id


def dlm_policy_details(attributes: dict[str, Any]) -> dict[str, Any]:
    """The API's PolicyDetails from the state's ``policy_details`` (Terraform's snake case)."""
    details = attributes["policy_details"][0]
    schedules = []
    for schedule in details.get("schedule", []):
        create = schedule["create_rule"][0]
        schedules.append(
            {
                "Name": schedule["name"],
                "CopyTags": bool(schedule.get("copy_tags")),
                "CreateRule": {
                    "Interval": create["interval"],
                    "IntervalUnit": create["interval_unit"],
                    "Times": list(create.get("times", [])),
                },
                "RetainRule": {"Count": schedule["retain_rule"][0]["count"]},
            }
        )
    return {
        "PolicyType": details.get("policy_type", "EBS_SNAPSHOT_MANAGEMENT"),
        "ResourceTypes": list(details.get("resource_types", ["VOLUME"])),
        "ResourceLocations": list(details.get("resource_locations", ["CLOUD"])),
        "TargetTags": [{"Key": k, "Value": v} for k, v in details["target_tags"].items()],
        "Schedules": schedules,
    }


def seed_dlm_policy(env: dict[str, str], attributes: dict[str, Any]) -> bool:
    """Create the state's lifecycle policy in DLM unless it is there; False: no DLM here."""
    dlm = client("dlm", env)
    try:
        found = dlm.get_lifecycle_policies(PolicyIds=[attributes["id"]])["Policies"]
        if not found:
            dlm.create_lifecycle_policy(
                ExecutionRoleArn=attributes["execution_role_arn"],
                Description=attributes["description"],
                State=attributes["state"],
                PolicyDetails=dlm_policy_details(attributes),
                Tags={**attributes.get("tags_all", {}), CUSTOM_ID_TAG: attributes["id"]},
            )
    except ClientError as exc:  # moto alone answers DLM with HTTP 500
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
            return False
        raise
    except BotoCoreError:
        return False
    return True


def seed_snapshots(
    world: World,
    env: dict[str, str],
    playbook: Playbook,
    report: SeedReport,
    with_policy: bool = True,
) -> None:
    """The snapshots, and (``with_policy``; the Terraform engine applies its own) the policy."""
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
    policy = next(
        (
            r["instances"][0]["attributes"]
            for r in state["resources"]
            if r["type"] == "aws_dlm_lifecycle_policy"
        ),
        None,
    )
    if with_policy and policy is not None and not seed_dlm_policy(env, policy):
        report.not_modelled.append(
            "DLM: this endpoint has no Data Lifecycle Manager API; the policy exists only in "
            f"the state ({policy_id}), its snapshots are seeded in EC2"
        )
    ec2 = client("ec2", env)
    existing = ec2.describe_snapshots(
        OwnerIds=["self"], Filters=[{"Name": f"tag:{spec['tag_key']}", "Values": [policy_id]}]
    )["Snapshots"]
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
