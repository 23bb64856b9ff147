"""AWS preflight items against the moto server: identity and region, buckets.

(The EBS snapshot item is tested in test_preflight_snapshots.py.)"""

from __future__ import annotations

from typing import Any

from tests.support.preflight import REGION, inject_s3_error, make_bucket, state_text
from tests.support.stage4 import NO_RETRY, client, inject_error
from tui.core.preflight.aws_checks import check_buckets, check_identity
from tui.core.preflight.result import CheckStatus
from tui.core.tofu.statefile import parse_state
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
