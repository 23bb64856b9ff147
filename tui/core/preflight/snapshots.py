"""Preflight: MongoDB EBS snapshots. An ENABLED DLM lifecycle policy passes; when DLM
answers that none is enabled, the newest EBS snapshot a DLM policy made (tag
``aws:dlm:lifecycle-policy-id``) must be recent.

Any error of the DLM call (HTTP 500, throttling, access denied, an unreachable endpoint)
is a failure that shows the error — never a pass: a recent snapshot proves a policy
ran, not that it still runs. The newest snapshot is shown to help the operator decide
on a waiver. An endpoint's raw error body (moto answers DLM with an HTML page) never
reaches the screen: the call, the HTTP status and the AWS error code do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from tui.core.aws.errors import DENIED_CODES, THROTTLE_CODES, error_code, explain_aws_error
from tui.core.aws.session import region_of
from tui.core.preflight.result import CheckResult, failed, passed, warned

DLM_TAG = "aws:dlm:lifecycle-policy-id"  # set by AWS on every snapshot DLM creates
DLM_CALL = "dlm:GetLifecyclePolicies"
DEFAULT_SNAPSHOT_MAX_AGE_H = 36.0
NAME = "MongoDB EBS snapshots"
MAX_SNAPSHOTS_SHOWN = 10
# AWS refusing the credentials themselves (not a missing permission).
CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
    }
)
_ERROR_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9.]{0,63}$")


class DlmAnswer(StrEnum):
    """How DLM answered ``GetLifecyclePolicies``."""

    ENABLED = "enabled"  # at least one ENABLED policy
    NONE_ENABLED = "none-enabled"  # answered, but no policy is ENABLED
    UNAVAILABLE = "unavailable"  # any other error: HTTP 5xx, unknown operation, unreachable
    THROTTLED = "throttled"  # AWS's rate limit
    DENIED = "denied"  # the permission is missing
    CREDENTIALS = "credentials"  # AWS refused the credentials


@dataclass(frozen=True)
class DlmPolicies:
    """What DLM said, as a sentence for the operator and a short technical line."""

    answer: DlmAnswer
    enabled: tuple[str, ...]  # ``id: description`` of each ENABLED policy
    sentence: str  # why no enabled policy is confirmed ('' when one is)
    detail: str = ""  # the call and its error code / HTTP status, never a response body


def _what_answered(exc: ClientError | BotoCoreError) -> str:
    if isinstance(exc, BotoCoreError):
        return type(exc).__name__
    code = error_code(exc)
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    parts = [f"HTTP {status}"] if status else []
    if _ERROR_CODE.match(code) and code != str(status):
        parts.append(code)
    return " ".join(parts) or "an error without a code"


def _failed_answer(exc: ClientError | BotoCoreError, region: str) -> DlmPolicies:
    detail = f"{DLM_CALL} in {region}: {_what_answered(exc)}"
    code = error_code(exc) if isinstance(exc, ClientError) else ""
    if code in DENIED_CODES:
        return DlmPolicies(
            DlmAnswer.DENIED,
            (),
            f"These credentials may not read the DLM policies (permission {DLM_CALL} is missing)",
            detail,
        )
    if code in THROTTLE_CODES:
        return DlmPolicies(DlmAnswer.THROTTLED, (), "AWS throttled the DLM call", detail)
    if code in CREDENTIAL_CODES or isinstance(exc, NoCredentialsError):
        return DlmPolicies(
            DlmAnswer.CREDENTIALS,
            (),
            "AWS did not accept the credentials for DLM",
            detail,
        )
    return DlmPolicies(
        DlmAnswer.UNAVAILABLE,
        (),
        "DLM (Data Lifecycle Manager) did not answer, so its policies cannot be checked",
        detail,
    )


def read_dlm_policies(dlm: Any) -> DlmPolicies:
    """Ask DLM for its policies; every failure becomes an answer, never an exception."""
    region = region_of(dlm)
    try:
        reply = dlm.get_lifecycle_policies()
    except (ClientError, BotoCoreError) as exc:
        return _failed_answer(exc, region)
    policies = reply.get("Policies") or []
    enabled = tuple(
        f"{p.get('PolicyId', '?')}: {p.get('Description', '')}".rstrip(": ")
        for p in policies
        if str(p.get("State", "")).upper() == "ENABLED"
    )
    if enabled:
        return DlmPolicies(DlmAnswer.ENABLED, enabled, "")
    said = (
        f"No DLM lifecycle policy is ENABLED ({len(policies)} found)"
        if policies
        else "No DLM lifecycle policy exists"
    )
    return DlmPolicies(DlmAnswer.NONE_ENABLED, (), said)


@dataclass(frozen=True)
class EbsSnapshot:
    """One EBS snapshot made by a DLM policy."""

    snapshot_id: str
    volume_id: str
    policy_id: str
    started: datetime
    state: str


def dlm_snapshots(ec2: Any) -> list[EbsSnapshot]:
    """This account's EBS snapshots carrying the DLM tag, newest first."""
    found: list[EbsSnapshot] = []
    paginator = ec2.get_paginator("describe_snapshots")
    pages = paginator.paginate(
        OwnerIds=["self"], Filters=[{"Name": "tag-key", "Values": [DLM_TAG]}]
    )
    for page in pages:
        for item in page.get("Snapshots") or []:
            tags = {t.get("Key"): t.get("Value") for t in item.get("Tags") or []}
            started = item.get("StartTime")
            if not isinstance(started, datetime):
                continue
            found.append(
                EbsSnapshot(
                    str(item.get("SnapshotId", "")),
                    str(item.get("VolumeId", "")),
                    str(tags.get(DLM_TAG, "")),
                    started if started.tzinfo else started.replace(tzinfo=UTC),
                    str(item.get("State", "")),
                )
            )
    return sorted(found, key=lambda s: s.started, reverse=True)


def age_words(delta: timedelta) -> str:
    """``2.0 h`` below two days, ``3.0 days`` from there."""
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def _fix_first(dlm: DlmPolicies) -> str:
    if dlm.answer is DlmAnswer.DENIED:
        return f"Allow {DLM_CALL} in the IAM policy of the credentials in use (AWS_PROFILE). "
    if dlm.answer is DlmAnswer.CREDENTIALS:
        return "Check AWS_PROFILE / the credentials. "
    if dlm.answer is DlmAnswer.THROTTLED:
        return "Wait a minute (AWS's rate limit). "
    if dlm.answer is DlmAnswer.UNAVAILABLE:
        return "Check the network and AWS_ENDPOINT_URL, and that DLM is offered in this region. "
    return ""


def check_mongodb_snapshots(
    dlm: Any, ec2: Any, now: datetime, max_age_h: float = DEFAULT_SNAPSHOT_MAX_AGE_H
) -> CheckResult:
    """An ENABLED DLM policy passes; else the newest DLM-tagged EBS snapshot must be recent."""
    policies = read_dlm_policies(dlm)
    if policies.answer is DlmAnswer.ENABLED:
        count = len(policies.enabled)
        return passed(NAME, f"{count} DLM lifecycle policy enabled.", policies.enabled)
    said = policies.sentence
    if policies.detail:  # the DLM call failed: its error is part of what the operator reads
        said = f"{said} ({policies.detail})"
    technical = (policies.detail,) if policies.detail else ()
    try:
        snapshots = dlm_snapshots(ec2)
    except (ClientError, BotoCoreError) as exc:
        error = explain_aws_error(exc, "ec2:DescribeSnapshots", region_of(ec2))
        return failed(
            NAME,
            f"{said}, and the EBS snapshots could not be listed: {error.message}.",
            _fix_first(policies)
            + (error.hint or "Check the MongoDB snapshots in the EC2 console before going on."),
            technical,
        )
    if not snapshots:
        return failed(
            NAME,
            f"{said}, and no EBS snapshot tagged {DLM_TAG} exists.",
            _fix_first(policies)
            + "Create a snapshot of each MongoDB volume (aws ec2 create-snapshot) or enable "
            "the DLM policy, then re-run.",
            technical,
        )
    newest = snapshots[0]
    age = now - newest.started
    details = technical + tuple(
        f"{s.snapshot_id} of {s.volume_id} ({s.state}), {age_words(now - s.started)} old"
        for s in snapshots[:MAX_SNAPSHOTS_SHOWN]
    )
    summary = (
        f"{said}; the newest snapshot a DLM policy made, {newest.snapshot_id}, "
        f"is {age_words(age)} old"
    )
    if policies.answer is not DlmAnswer.NONE_ENABLED:
        return failed(
            NAME,
            f"{summary} — that shows a policy ran, not that one is still enabled.",
            _fix_first(policies)
            + "Then re-run, or check the MongoDB snapshot policy in the console (EC2 → "
            "Lifecycle Manager) and waive this item with a reason.",
            details,
        )
    if age > timedelta(hours=max_age_h):
        return warned(
            NAME,
            f"{summary}, older than {max_age_h:g} h.",
            _fix_first(policies)
            + "Check that the DLM policy still runs, or take a manual snapshot of each "
            "MongoDB volume before the upgrade.",
            details,
        )
    return passed(NAME, f"{summary}.", details)
