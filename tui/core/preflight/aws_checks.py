"""Preflight against AWS: who we are and where, and the buckets' versioning.

(The MongoDB EBS snapshot item lives in ``tui.core.preflight.snapshots``.)

Clients are passed in (built from the wizard's boto3 session), so the same code
runs against AWS, the sandbox's endpoint and the tests' moto server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import error_code, explain_aws_error
from tui.core.aws.session import region_of
from tui.core.preflight.result import CheckResult, failed, passed, warned
from tui.core.tofu.statefile import StateFile, state_buckets

MISSING_BUCKET_CODES = frozenset({"NoSuchBucket", "404", "NotFound"})


@dataclass(frozen=True)
class AwsIdentity:
    """The banner: which account and principal, in which region."""

    account: str
    arn: str
    region: str | None

    @property
    def banner(self) -> str:
        """One line that stays on screen for the rest of the run."""
        return f"AWS account {self.account} · {self.arn} · region {self.region or '(none)'}"


@dataclass(frozen=True)
class IdentityCheck:
    """The identity item and, when STS answered, the identity for the banner."""

    result: CheckResult
    identity: AwsIdentity | None


def check_identity(
    sts: Any, session_region: str | None, tfvars_region: str | None, tfvars_name: str
) -> IdentityCheck:
    """STS caller identity, and the session's region against ``aws_region`` of the tfvars."""
    name = "AWS identity"
    try:
        reply = sts.get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        error = explain_aws_error(exc, "sts:GetCallerIdentity", session_region or "(no region)")
        return IdentityCheck(
            failed(name, f"No AWS identity: {error.message}", error.hint or _CREDENTIALS_HINT),
            None,
        )
    identity = AwsIdentity(str(reply.get("Account", "")), str(reply.get("Arn", "")), session_region)
    details = (f"account: {identity.account}", f"principal: {identity.arn}")
    if not session_region:
        result = failed(
            name,
            f"AWS account {identity.account}, but no region is configured.",
            f"Set AWS_REGION (or the profile's region) to {tfvars_region or 'the aws_region'} "
            f"of {tfvars_name}, then re-run.",
            details,
        )
    elif tfvars_region and session_region != tfvars_region:
        result = failed(
            name,
            f"The AWS region in use is {session_region}, but {tfvars_name} says "
            f"aws_region = {tfvars_region}.",
            f"Set AWS_REGION={tfvars_region} (or choose the matching AWS_PROFILE), then re-run.",
            details,
        )
    else:
        result = passed(
            name, f"AWS account {identity.account} in {session_region} as {identity.arn}.", details
        )
    return IdentityCheck(result, identity)


_CREDENTIALS_HINT = "Check AWS_PROFILE / the credentials and the network, then re-run."


@dataclass(frozen=True)
class BucketVersioning:
    """One bucket of the state and its versioning as S3 reports it."""

    address: str
    name: str
    status: str  # Enabled | Suspended | never enabled | missing | unreadable
    problem: str = ""


def bucket_versioning(s3: Any, address: str, name: str) -> BucketVersioning:
    """``get_bucket_versioning`` of one bucket, as a typed row (never raises for AWS errors)."""
    if not name:
        return BucketVersioning(address, name, "unreadable", "no bucket name in the state")
    try:
        reply = s3.get_bucket_versioning(Bucket=name)
    except ClientError as exc:
        if error_code(exc) in MISSING_BUCKET_CODES:
            return BucketVersioning(address, name, "missing", "the bucket does not exist in AWS")
        error = explain_aws_error(exc, "s3:GetBucketVersioning", region_of(s3))
        return BucketVersioning(address, name, "unreadable", error.message)
    except BotoCoreError as exc:
        error = explain_aws_error(exc, "s3:GetBucketVersioning", region_of(s3))
        return BucketVersioning(address, name, "unreadable", error.message)
    return BucketVersioning(address, name, str(reply.get("Status") or "never enabled"))


def check_buckets(s3: Any, state: StateFile, resource_type: str, expected: int) -> CheckResult:
    """Every bucket of the state exists and is versioned; a count unlike the playbook's warns."""
    name = "S3 buckets"
    rows = [bucket_versioning(s3, b.address, b.name) for b in state_buckets(state, resource_type)]
    details = tuple(
        f"{r.name or '?'} ({r.address}): {r.status}" + (f" — {r.problem}" if r.problem else "")
        for r in rows
    )
    broken = [r for r in rows if r.status in ("missing", "unreadable")]
    unversioned = [r for r in rows if r.status in ("Suspended", "never enabled")]
    count_note = (
        ""
        if len(rows) == expected
        else f" The state has {len(rows)}, the release expects {expected}."
    )
    if broken:
        return failed(
            name,
            f"{len(broken)} of {len(rows)} buckets cannot be checked: "
            + ", ".join(f"{r.name or r.address} ({r.problem})" for r in broken)
            + "."
            + count_note,
            "Check the region and the credentials; a bucket in the state but not in AWS must be "
            "understood before any apply.",
            details,
        )
    if unversioned:
        names = ", ".join(r.name for r in unversioned)
        return warned(
            name,
            f"{len(unversioned)} of {len(rows)} buckets are not versioned: {names}.{count_note}",
            "Enable versioning (aws s3api put-bucket-versioning --bucket <name> "
            "--versioning-configuration Status=Enabled) or copy their contents somewhere safe "
            "(aws s3 cp --recursive) before the upgrade.",
            details,
        )
    if count_note:
        return warned(
            name,
            f"All {len(rows)} buckets are versioned.{count_note}",
            "Compare the state's aws_s3_bucket resources with the release notes; back up any "
            "bucket that is not listed here.",
            details,
        )
    return passed(name, f"All {len(rows)} buckets exist and are versioned.", details)
