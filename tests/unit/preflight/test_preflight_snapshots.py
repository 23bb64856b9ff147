"""MongoDB EBS snapshots against the moto server: DLM policies; any error of the DLM call
(moto has no DLM API: it answers with an error page) is a failure that shows the error —
never a pass — with the newest snapshot tagged by a DLM policy; a missing permission
says which one."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from tests.support.preflight import REGION, dlm_client_answering
from tests.support.stage4 import NO_RETRY, client, edit_replies, inject_error
from tui.core.preflight.result import CheckResult, CheckStatus
from tui.core.preflight.snapshots import (
    DLM_TAG,
    DlmAnswer,
    check_mongodb_snapshots,
    read_dlm_policies,
)
from tui.sandbox.aws_endpoint import AwsEndpoint

UNAVAILABLE = "DLM (Data Lifecycle Manager) did not answer, so its policies cannot be checked"
DENIED = "permission dlm:GetLifecyclePolicies is missing"


def dlm_snapshot(policy: str = "policy-0a1b2c") -> str:
    """An EBS snapshot on moto carrying the tag DLM puts on the snapshots it makes."""
    ec2 = client("ec2")
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=10)
    snap = ec2.create_snapshot(
        VolumeId=volume["VolumeId"],
        TagSpecifications=[
            {"ResourceType": "snapshot", "Tags": [{"Key": DLM_TAG, "Value": policy}]}
        ],
    )
    return str(snap["SnapshotId"])


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dlm_without_api() -> Any:
    """moto's own DLM answer: HTTP 500 and an HTML body."""
    return client("dlm", config=NO_RETRY)


def everything_said(result: CheckResult) -> str:
    return "\n".join((result.summary, result.action, *result.details))


def test_moto_error_fails_showing_the_error_and_the_newest_snapshot(aws: AwsEndpoint) -> None:
    """The issue: Preflight passed although the DLM call answered with an error."""
    snap = dlm_snapshot()
    now = datetime.now(UTC) + timedelta(hours=2)
    dlm = dlm_without_api()
    detail = read_dlm_policies(dlm).detail
    assert detail.startswith(f"dlm:GetLifecyclePolicies in {REGION}: HTTP ")
    result = check_mongodb_snapshots(dlm, client("ec2"), now)
    assert result.status is CheckStatus.FAIL
    assert result.summary == (
        f"{UNAVAILABLE} ({detail}); the newest snapshot a DLM policy made, {snap}, is 2.0 h "
        "old — that shows a policy ran, not that one is still enabled."
    )
    assert result.action.startswith("Check the network and AWS_ENDPOINT_URL")
    assert result.action.endswith("and waive this item with a reason.")
    assert result.details[0] == detail
    assert result.details[1].startswith(f"{snap} of vol-") and "2.0 h old" in result.details[1]
    said = everything_said(result)
    for raw in ("<", "html", "Internal Server Error", "overloaded", "Not yet implemented"):
        assert raw not in said  # the endpoint's raw body never reaches the operator


def test_throttling_is_a_failure_that_says_so(aws: AwsEndpoint) -> None:
    dlm_snapshot()
    dlm = client("dlm", config=NO_RETRY)
    inject_error(dlm, "GetLifecyclePolicies", "ThrottlingException", "Rate exceeded", 400)
    result = check_mongodb_snapshots(dlm, client("ec2"), datetime.now(UTC) + timedelta(hours=1))
    assert result.status is CheckStatus.FAIL
    assert result.summary.startswith(
        f"AWS throttled the DLM call (dlm:GetLifecyclePolicies in {REGION}: HTTP 400 "
        "ThrottlingException); the newest snapshot"
    )
    assert result.action.startswith("Wait a minute (AWS's rate limit). Then re-run")


def test_unreachable_endpoint_is_unavailable_too(aws: AwsEndpoint) -> None:
    dlm = boto3.client(
        "dlm",
        region_name=REGION,
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        config=NO_RETRY,
    )
    policies = read_dlm_policies(dlm)
    assert policies.answer is DlmAnswer.UNAVAILABLE
    assert policies.sentence.startswith(UNAVAILABLE)
    assert policies.detail == f"dlm:GetLifecyclePolicies in {REGION}: EndpointConnectionError"


@pytest.mark.parametrize(
    ("code", "status"),
    [("UnknownOperationException", 400), ("InternalServerException", 500), ("NotFound", 404)],
    ids=["unknown-operation", "internal-error", "not-found"],
)
def test_any_other_dlm_error_is_unavailable(aws: AwsEndpoint, code: str, status: int) -> None:
    dlm = client("dlm", config=NO_RETRY)
    inject_error(
        dlm, "GetLifecyclePolicies", code, "a raw message the operator need not read", status
    )
    policies = read_dlm_policies(dlm)
    assert policies.answer is DlmAnswer.UNAVAILABLE
    assert policies.detail == f"dlm:GetLifecyclePolicies in {REGION}: HTTP {status} {code}"
    result = check_mongodb_snapshots(dlm, client("ec2"), datetime.now(UTC))
    assert result.status is CheckStatus.FAIL
    assert result.summary.startswith(f"{UNAVAILABLE} (dlm:GetLifecyclePolicies in {REGION}: ")
    assert "raw message" not in everything_said(result)


def test_access_denied_names_the_missing_permission(aws: AwsEndpoint) -> None:
    snap = dlm_snapshot()
    dlm = client("dlm", config=NO_RETRY)
    inject_error(
        dlm,
        "GetLifecyclePolicies",
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/op is not authorized",
        403,
    )
    result = check_mongodb_snapshots(dlm, client("ec2"), datetime.now(UTC) + timedelta(hours=1))
    assert result.status is CheckStatus.FAIL  # the snapshots are recent, but DLM is unchecked
    assert result.summary.startswith(
        f"These credentials may not read the DLM policies ({DENIED}) (dlm:GetLifecyclePolicies "
        f"in {REGION}: HTTP 403 AccessDeniedException); the newest snapshot"
    )
    assert snap in result.summary and "not available" not in result.summary
    assert result.action.startswith("Allow dlm:GetLifecyclePolicies in the IAM policy")
    assert (
        result.details[0] == f"dlm:GetLifecyclePolicies in {REGION}: HTTP 403 AccessDeniedException"
    )


def test_rejected_credentials_are_not_called_unavailable(aws: AwsEndpoint) -> None:
    dlm = client("dlm", config=NO_RETRY)
    inject_error(dlm, "GetLifecyclePolicies", "UnrecognizedClientException", "bad token", 400)
    policies = read_dlm_policies(dlm)
    assert policies.answer is DlmAnswer.CREDENTIALS
    assert policies.sentence == "AWS did not accept the credentials for DLM"


def test_enabled_dlm_policy_passes(aws: AwsEndpoint) -> None:
    dlm = dlm_client_answering(
        [{"PolicyId": "policy-0a1b2c", "Description": "mongodb daily", "State": "ENABLED"}]
    )
    result = check_mongodb_snapshots(dlm, client("ec2"), datetime.now(UTC))
    assert result.status is CheckStatus.PASS
    assert result.summary == "1 DLM lifecycle policy enabled."
    assert result.details == ("policy-0a1b2c: mongodb daily",)


def test_old_snapshot_warns_with_its_age(aws: AwsEndpoint) -> None:
    dlm_snapshot()
    dlm = dlm_client_answering([{"PolicyId": "p", "State": "DISABLED"}])
    now = datetime.now(UTC) + timedelta(days=3)
    result = check_mongodb_snapshots(dlm, client("ec2"), now, max_age_h=36)
    assert result.status is CheckStatus.WARN
    assert result.summary.startswith("No DLM lifecycle policy is ENABLED (1 found); the newest")
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
    dlm = dlm_client_answering([{"PolicyId": "p", "State": "DISABLED"}])
    result = check_mongodb_snapshots(dlm, ec2, newest + timedelta(hours=5))
    assert result.status is CheckStatus.PASS and "is 5.0 h old" in result.summary
    assert len(result.details) == 2  # both snapshots, newest first
    assert "5.0 h old" in result.details[0] and "10.2 days old" in result.details[1]


def test_no_snapshot_at_all_fails(aws: AwsEndpoint) -> None:
    dlm = dlm_without_api()
    detail = read_dlm_policies(dlm).detail
    result = check_mongodb_snapshots(dlm, client("ec2"), datetime.now(UTC))
    assert result.status is CheckStatus.FAIL
    assert result.summary == (
        f"{UNAVAILABLE} ({detail}), and no EBS snapshot tagged {DLM_TAG} exists."
    )
    assert "create-snapshot" in result.action


def test_snapshots_access_denied(aws: AwsEndpoint) -> None:
    ec2 = client("ec2", config=NO_RETRY)
    inject_error(ec2, "DescribeSnapshots", "UnauthorizedOperation", "no", 403)
    dlm = client("dlm", config=NO_RETRY)
    inject_error(dlm, "GetLifecyclePolicies", "AccessDeniedException", "no", 403)
    result = check_mongodb_snapshots(dlm, ec2, datetime.now(UTC))
    assert result.status is CheckStatus.FAIL
    assert DENIED in result.summary
    assert "access denied to ec2:DescribeSnapshots" in result.summary
    assert result.action.startswith("Allow dlm:GetLifecyclePolicies")
