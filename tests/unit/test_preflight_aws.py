"""AWS preflight items against the moto server: identity and region, EBS snapshots, buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.preflight_support import (
    REGION,
    dlm_client_answering,
    inject_s3_error,
    make_bucket,
    state_text,
)
from tests.stage4_support import NO_RETRY, client, edit_replies, inject_error
from tui.core.preflight_aws import (
    DLM_TAG,
    check_buckets,
    check_identity,
    check_mongodb_snapshots,
)
from tui.core.preflight_result import CheckStatus
from tui.core.statefile import parse_state
from tui.sandbox.aws_endpoint import AwsEndpoint

BUCKETS = [f"acme-mocm-prod-{n}" for n in ("media", "exports", "logs")]


def test_identity_and_matching_region(aws: AwsEndpoint) -> None:
    check = check_identity(client("sts"), REGION, REGION, "terraform.tfvars")
    assert check.result.status is CheckStatus.PASS
    assert check.identity is not None and check.identity.account == "123456789012"
    assert check.identity.banner.startswith("AWS account 123456789012 · arn:aws:")
    assert check.identity.banner.endswith(f"region {REGION}")


def test_region_unlike_tfvars_fails(aws: AwsEndpoint) -> None:
    check = check_identity(client("sts"), "us-east-1", REGION, "terraform.tfvars")
    assert check.result.status is CheckStatus.FAIL
    assert "region in use is us-east-1" in check.result.summary
    assert f"aws_region = {REGION}" in check.result.summary
    assert f"AWS_REGION={REGION}" in check.result.action
    assert check.identity is not None  # the banner still shows who we are


def test_no_region_fails(aws: AwsEndpoint) -> None:
    check = check_identity(client("sts"), None, REGION, "terraform.tfvars")
    assert check.result.status is CheckStatus.FAIL
    assert "no region is configured" in check.result.summary


def test_sts_access_denied(aws: AwsEndpoint) -> None:
    sts = client("sts", config=NO_RETRY)
    inject_error(sts, "GetCallerIdentity", "AccessDenied", "not allowed", 403)
    check = check_identity(sts, REGION, REGION, "terraform.tfvars")
    assert check.result.status is CheckStatus.FAIL and check.identity is None
    assert "access denied to sts:GetCallerIdentity" in check.result.summary
    assert "AWS_PROFILE" in check.result.action


def dlm_snapshot(policy: str = "policy-0a1b2c") -> str:
    ec2 = client("ec2")
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=10)
    snap = ec2.create_snapshot(
        VolumeId=volume["VolumeId"],
        TagSpecifications=[
            {"ResourceType": "snapshot", "Tags": [{"Key": DLM_TAG, "Value": policy}]}
        ],
    )
    return str(snap["SnapshotId"])


def test_enabled_dlm_policy_passes(aws: AwsEndpoint) -> None:
    dlm = dlm_client_answering(
        [{"PolicyId": "policy-0a1b2c", "Description": "mongodb daily", "State": "ENABLED"}]
    )
    result = check_mongodb_snapshots(dlm, client("ec2"), datetime.now(UTC))
    assert result.status is CheckStatus.PASS
    assert result.details == ("policy-0a1b2c: mongodb daily",)


def test_without_dlm_recent_tagged_snapshot_passes(aws: AwsEndpoint) -> None:
    snap = dlm_snapshot()
    now = datetime.now(UTC) + timedelta(hours=2)
    result = check_mongodb_snapshots(client("dlm", config=NO_RETRY), client("ec2"), now)
    assert result.status is CheckStatus.PASS
    assert f"newest DLM snapshot {snap} is 2.0 h old" in result.summary
    assert "DLM not confirmed" in result.summary  # moto has no DLM: the fallback was used


def test_old_snapshot_warns_with_its_age(aws: AwsEndpoint) -> None:
    dlm_snapshot()
    dlm = dlm_client_answering([{"PolicyId": "p", "State": "DISABLED"}])
    now = datetime.now(UTC) + timedelta(days=3)
    result = check_mongodb_snapshots(dlm, client("ec2"), now, max_age_h=36)
    assert result.status is CheckStatus.WARN
    assert "none ENABLED" in result.summary
    assert "3.0 days old, older than 36 h" in result.summary


def test_newest_of_several_is_shown(aws: AwsEndpoint) -> None:
    dlm_snapshot()
    ec2 = client("ec2")
    newest = datetime.now(UTC) + timedelta(hours=1)

    def age_them(reply: dict[str, Any], _: int) -> None:
        for index, snap in enumerate(reply.get("Snapshots", [])):
            snap["StartTime"] = newest - timedelta(days=index * 10)

    dlm_snapshot()
    edit_replies(ec2, "DescribeSnapshots", age_them)
    result = check_mongodb_snapshots(
        client("dlm", config=NO_RETRY), ec2, newest + timedelta(hours=5)
    )
    assert result.status is CheckStatus.PASS and "is 5.0 h old" in result.summary
    assert len(result.details) == 2


def test_no_snapshot_at_all_fails(aws: AwsEndpoint) -> None:
    result = check_mongodb_snapshots(
        client("dlm", config=NO_RETRY), client("ec2"), datetime.now(UTC)
    )
    assert result.status is CheckStatus.FAIL
    assert f"no EBS snapshot tagged {DLM_TAG}" in result.summary
    assert "create-snapshot" in result.action


def test_snapshots_access_denied(aws: AwsEndpoint) -> None:
    ec2 = client("ec2", config=NO_RETRY)
    inject_error(ec2, "DescribeSnapshots", "UnauthorizedOperation", "no", 403)
    dlm = client("dlm", config=NO_RETRY)
    inject_error(dlm, "GetLifecyclePolicies", "AccessDeniedException", "no", 403)
    result = check_mongodb_snapshots(dlm, ec2, datetime.now(UTC))
    assert result.status is CheckStatus.FAIL
    assert "access denied to dlm:GetLifecyclePolicies" in result.summary
    assert "access denied to ec2:DescribeSnapshots" in result.summary


def state_of(names: list[str]) -> Any:
    return parse_state(state_text(names).encode(), "terraform.tfstate")


def test_all_buckets_versioned_but_count_differs(aws: AwsEndpoint) -> None:
    for name in BUCKETS:
        make_bucket(name)
    result = check_buckets(client("s3"), state_of(BUCKETS), "aws_s3_bucket", 7)
    assert result.status is CheckStatus.WARN
    assert result.summary == "All 3 buckets are versioned. The state has 3, the release expects 7."
    assert result.details[0] == 'acme-mocm-prod-media (aws_s3_bucket.buckets["media"]): Enabled'


def test_all_buckets_versioned_and_counted(aws: AwsEndpoint) -> None:
    for name in BUCKETS:
        make_bucket(name)
    result = check_buckets(client("s3"), state_of(BUCKETS), "aws_s3_bucket", 3)
    assert result.status is CheckStatus.PASS


def test_unversioned_buckets_warn_with_the_action(aws: AwsEndpoint) -> None:
    make_bucket(BUCKETS[0])
    make_bucket(BUCKETS[1], "Suspended")
    make_bucket(BUCKETS[2], None)
    result = check_buckets(client("s3"), state_of(BUCKETS), "aws_s3_bucket", 3)
    assert result.status is CheckStatus.WARN
    assert "2 of 3 buckets are not versioned" in result.summary
    assert "put-bucket-versioning" in result.action
    statuses = [line.rsplit(": ", 1)[1] for line in result.details]
    assert statuses == ["Enabled", "Suspended", "never enabled"]


def test_bucket_missing_in_aws_fails(aws: AwsEndpoint) -> None:
    make_bucket(BUCKETS[0])
    make_bucket(BUCKETS[1])
    result = check_buckets(client("s3"), state_of(BUCKETS), "aws_s3_bucket", 3)
    assert result.status is CheckStatus.FAIL
    assert "acme-mocm-prod-logs (the bucket does not exist in AWS)" in result.summary


def test_bucket_versioning_access_denied_fails(aws: AwsEndpoint) -> None:
    for name in BUCKETS:
        make_bucket(name)
    s3 = client("s3", config=NO_RETRY)
    inject_s3_error(s3, "GetBucketVersioning", "AccessDenied", "denied")
    result = check_buckets(s3, state_of(BUCKETS), "aws_s3_bucket", 3)
    assert result.status is CheckStatus.FAIL
    assert "3 of 3 buckets cannot be checked" in result.summary
    assert "access denied to s3:GetBucketVersioning" in result.summary
