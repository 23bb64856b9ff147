"""Preflight for a state already in S3 (B.2): can the pre-upgrade state be restored?

The guide's rollback B restores an earlier version of the state object; that needs
the bucket's versioning Enabled and the object to have versions. Any AWS error is a
failure that shows it.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import explain_aws_error
from tui.core.preflight.result import CheckResult, failed, passed
from tui.core.tofu.backend.detect import S3Backend

NAME = "State versions (rollback B)"
ENABLE = (
    "Enable versioning before the upgrade: aws s3api put-bucket-versioning --bucket {bucket} "
    "--versioning-configuration Status=Enabled, then re-run."
)


def _versions(s3: Any, bucket: str, key: str) -> tuple[int, bool]:
    """How many versions the exact key has, and whether its latest entry is a delete marker."""
    count, deleted = 0, False
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket, Prefix=key):
        # the prefix also matches <key>.tflock and <key>.backup: keep the exact key only
        count += sum(1 for v in page.get("Versions") or [] if v.get("Key") == key)
        deleted = deleted or any(
            m.get("Key") == key and m.get("IsLatest") for m in page.get("DeleteMarkers") or []
        )
    return count, deleted


def check_state_versions(s3: Any, backend: S3Backend) -> CheckResult:
    """The state bucket is versioned and the state object has a version to restore."""
    where = f"s3://{backend.bucket}/{backend.key}"
    region = backend.region or "(the session's region)"
    try:
        status = s3.get_bucket_versioning(Bucket=backend.bucket).get("Status") or "never enabled"
        count, deleted = _versions(s3, backend.bucket, backend.key)
    except (ClientError, BotoCoreError) as exc:
        error = explain_aws_error(exc, f"s3 versioning of {where}", region)
        return failed(
            NAME,
            f"Cannot tell whether the state can be restored: {error.message}.",
            error.hint or "Check the credentials and the bucket, then re-run.",
        )
    details = (f"bucket versioning: {status}", f"versions of {backend.key}: {count}")
    if status != "Enabled":
        return failed(
            NAME,
            f"Bucket {backend.bucket} is not versioned ({status}): rollback B could not "
            "restore the pre-upgrade state.",
            ENABLE.format(bucket=backend.bucket),
            details,
        )
    if count == 0 or deleted:
        said = "has no version" if count == 0 else "is deleted (a delete marker is latest)"
        return failed(
            NAME,
            f"{where} {said}: there is no state to restore. Is backend.tf's key right?",
            "Compare bucket and key in backend.tf with the S3 console, then re-run.",
            details,
        )
    return passed(
        NAME,
        f"{where}: versioning Enabled, {count} version(s); the pre-upgrade version stays "
        "restorable for rollback B.",
        details,
    )
