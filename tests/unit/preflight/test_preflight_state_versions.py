"""B.2: the state bucket's versioning keeps the pre-upgrade state restorable (against moto)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from tests.support.preflight import (
    REGION,
    fake_tool,
    inject_s3_error,
    make_bucket,
    state_text,
    tool_env,
    version_json,
)
from tests.support.release import make_pair
from tests.support.stage4 import NO_RETRY, client
from tui.core.playbook.load import load_playbook
from tui.core.preflight.checklist import PreflightSettings, run_preflight
from tui.core.preflight.result import CheckStatus
from tui.core.preflight.state_versions import NAME, check_state_versions
from tui.core.tofu.backend.detect import S3Backend
from tui.sandbox.aws_endpoint import AwsEndpoint

PLAYBOOK = load_playbook()
BUCKET, KEY = "acme-mocm-tfstate", "mocm/prod/terraform.tfstate"
BACKEND = S3Backend(BUCKET, KEY, REGION, None, True, True)


def put_state(versions: int = 2, bucket: str = BUCKET) -> None:
    s3 = client("s3")
    for serial in range(57, 57 + versions):
        s3.put_object(Bucket=bucket, Key=KEY, Body=state_text(["b"], serial=serial).encode())
    s3.put_object(Bucket=bucket, Key=f"{KEY}.tflock", Body=b"{}")  # use_lockfile's lock object
    s3.delete_object(Bucket=bucket, Key=f"{KEY}.tflock")


def test_versioned_bucket_with_versions_passes(aws: AwsEndpoint) -> None:
    make_bucket(BUCKET)
    put_state(3)
    result = check_state_versions(client("s3"), BACKEND)
    assert result.status is CheckStatus.PASS and result.name == NAME
    assert result.summary == (
        f"s3://{BUCKET}/{KEY}: versioning Enabled, 3 version(s); the pre-upgrade version stays "
        "restorable for rollback B."
    )


@pytest.mark.parametrize("versioning", ["Suspended", None])
def test_unversioned_bucket_fails_with_the_fix(aws: AwsEndpoint, versioning: str | None) -> None:
    make_bucket(BUCKET, versioning=versioning)
    put_state(1)
    result = check_state_versions(client("s3"), BACKEND)
    assert result.status is CheckStatus.FAIL
    said = versioning or "never enabled"
    assert result.summary == (
        f"Bucket {BUCKET} is not versioned ({said}): rollback B could not restore the "
        "pre-upgrade state."
    )
    assert f"put-bucket-versioning --bucket {BUCKET}" in result.action


def test_a_key_without_versions_fails(aws: AwsEndpoint) -> None:
    make_bucket(BUCKET)
    client("s3").put_object(Bucket=BUCKET, Key=f"{KEY}.backup", Body=b"{}")  # prefix, not key
    result = check_state_versions(client("s3"), BACKEND)
    assert result.status is CheckStatus.FAIL
    assert result.summary.startswith(f"s3://{BUCKET}/{KEY} has no version: there is no state")


def test_access_denied_is_a_failure_showing_the_error(aws: AwsEndpoint) -> None:
    make_bucket(BUCKET)
    s3 = client("s3", config=NO_RETRY)
    inject_s3_error(s3, "GetBucketVersioning", "AccessDenied", "not for you", 403)
    result = check_state_versions(s3, BACKEND)
    assert result.status is CheckStatus.FAIL
    assert (
        "access denied to s3 versioning of" in result.summary and "[AccessDenied]" in result.summary
    )


def test_preflight_of_a_b2_release_checks_the_state_versions(
    tmp_path: Path, aws: AwsEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    prev, _ = make_pair(tmp_path)
    tf = prev / "terraform" / "aws"
    (tf / "terraform.tfstate").unlink(missing_ok=True)
    (tf / "backend.tf").write_text(
        f'terraform {{\n  backend "s3" {{\n    bucket = "{BUCKET}"\n    key = "{KEY}"\n'
        f'    region = "{REGION}"\n    use_lockfile = true\n  }}\n}}\n'
    )
    make_bucket(BUCKET, versioning="Suspended")
    put_state(1)
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "tofu", f"echo '{version_json('1.10.7')}'\n")
    fake_tool(bin_dir, "helm", "echo v3.18.0\n")
    fake_tool(bin_dir, "helmfile", "echo 'helmfile version v1.1.0'\n")
    report = run_preflight(
        tf,
        PLAYBOOK,
        boto3.session.Session(region_name=REGION),
        PreflightSettings(env=tool_env(bin_dir), tool_timeout_s=10),
        datetime.now(UTC),
    )
    by_name = {r.name: r for r in report.results}
    assert by_name["State backup"].status is CheckStatus.NOT_APPLICABLE
    assert by_name[NAME].status is CheckStatus.FAIL
    assert "rollback B could not restore" in by_name[NAME].summary
    assert by_name[NAME] in report.failures
