"""B.1 against the machine's real `terraform` 1.11 (as the tofu binary) and moto's S3 server.

A local state made by a real apply of a builtin `terraform_data` resource is
migrated with the real `init -migrate-state` prompt, answered through the shared
prompt driver; the object in the bucket is read back and the local file renamed.
Terraform (unlike OpenTofu, formats §2.3) gives the S3 copy a new lineage and
serial 1 and empties the local file: the wizard must say so and check the content.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path
from typing import Final

import boto3
import pytest
from mypy_boto3_s3 import S3Client

from tests.support.terraform import NO_TERRAFORM, TERRAFORM, engine_env
from tui.core.exec.prompts import Prompt
from tui.core.files import sha256_file
from tui.core.playbook.load import load_playbook
from tui.core.preflight.result import CheckStatus
from tui.core.preflight.tools import check_tofu
from tui.core.tofu.backend.detect import BackendKind, detect_backend
from tui.core.tofu.backend.form import BackendForm, check_form_against_aws, write_backend_tf
from tui.core.tofu.backend.migration import (
    MigrationOutcome,
    MigrationRequest,
    MigrationResult,
    StateMigration,
)
from tui.core.tofu.statefile import read_state
from tui.sandbox.aws_endpoint import AwsEndpoint

pytestmark = pytest.mark.engine

if TERRAFORM is None:
    pytest.skip(NO_TERRAFORM, allow_module_level=True)

REGION: Final = "eu-central-1"
BUCKET = "acme-mocm-tfstate"
KEY = "mocm/prod/terraform.tfstate"
CONFIG = """
resource "terraform_data" "keep" { input = "kept" }
resource "terraform_data" "other" { input = "also kept" }
"""


def is_terraform(env: dict[str, str]) -> bool:
    """HashiCorp Terraform rather than OpenTofu: it re-lineages a migrated state."""
    done = subprocess.run(
        [str(TERRAFORM), "version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout.startswith("Terraform v")


def migrate(
    workdir: Path, env: dict[str, str], s3: object, answer: str
) -> tuple[MigrationResult, list[Prompt]]:
    """Run the real ``init -migrate-state``; the operator answers ``answer`` to every prompt."""
    seen: list[Prompt] = []

    async def operator(prompt: Prompt) -> str:
        seen.append(prompt)
        return answer

    request = MigrationRequest(workdir, load_playbook(), str(TERRAFORM), env, s3, 120)
    return asyncio.run(StateMigration(request, operator).run()), seen


@pytest.fixture
def applied(tmp_path: Path, aws: AwsEndpoint) -> tuple[Path, dict[str, str]]:
    """A previous release's terraform dir with a real local state (two applies: serial > 1)."""
    workdir = tmp_path / "prev" / "terraform" / "aws"
    workdir.mkdir(parents=True)
    (workdir / "main.tf").write_text(CONFIG, encoding="utf-8")
    env = engine_env(tmp_path) | aws.env
    for args in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-no-color"]):
        done = subprocess.run(
            [str(TERRAFORM), *args],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    return workdir, env


def make_bucket(versioned: bool = True) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    if versioned:
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})


def read_state_object(s3: S3Client) -> dict[str, object]:
    body = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    state: dict[str, object] = json.loads(body)
    return state


def form_for(aws: AwsEndpoint) -> BackendForm:
    return BackendForm(
        bucket=BUCKET,
        key=KEY,
        region=REGION,
        use_lockfile=True,
        encrypt=True,
        extra={
            "endpoints": {"s3": aws.url},
            "use_path_style": True,
            "skip_credentials_validation": True,
            "skip_requesting_account_id": True,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
        },
    )


def test_b1_real_migrate_state_answered_yes(
    applied: tuple[Path, dict[str, str]], aws: AwsEndpoint
) -> None:
    workdir, env = applied
    playbook = load_playbook()
    local = read_state(workdir / "terraform.tfstate")
    assert detect_backend(workdir, playbook).kind is BackendKind.LOCAL
    make_bucket()
    form = form_for(aws)
    s3 = boto3.client("s3", region_name=REGION)
    assert check_form_against_aws(form, s3, boto3.client("dynamodb", region_name=REGION)) == []
    written = write_backend_tf(workdir, playbook, form)
    assert [op.op for op in written.file_ops] == ["write"]
    assert detect_backend(workdir, playbook).kind is BackendKind.MIGRATION_PENDING

    original = (workdir / "terraform.tfstate").read_bytes()

    result, seen = migrate(workdir, env, s3, "yes")

    assert result.outcome is MigrationOutcome.MIGRATED, result.message
    [asked] = seen
    assert (
        asked.question.splitlines()[0] == "Do you want to copy existing state to the new backend?"
    )
    assert 'Enter "yes" to copy and "no" to start with an empty state.' in asked.question
    assert asked.prompt == "  Enter a value: "
    assert result.answers == ("yes",)
    remote = read_state_object(s3)
    archived = workdir / "terraform.tfstate.migrated-to-s3"
    kept_locally = json.loads(archived.read_text())
    assert remote["resources"] == kept_locally["resources"]
    assert remote["outputs"] == kept_locally["outputs"]
    check = result.check
    assert check is not None and check.same_content
    if is_terraform(env):
        # The finding: Terraform re-lineages the S3 copy (serial 1) and empties the local file.
        assert remote["lineage"] != local.lineage and remote["serial"] == 1
        assert not check.same_lineage
        assert (
            f"the tool gave the S3 copy a new lineage {remote['lineage']} and serial 1 "
            f"(the local state has lineage {local.lineage}, serial {local.serial}). "
            "Compared instead: resources and outputs. Verified by content:"
        ) in result.message
        assert "the same 2 resources (2 instances) and outputs" in result.message
        assert "state push -force" in result.message
        assert "The tool had emptied terraform.tfstate during init" in result.message
        assert [(op.op, Path(op.path).name) for op in result.file_ops] == [
            ("write", "terraform.tfstate"),
            ("rename", "terraform.tfstate.migrated-to-s3"),
        ]
    else:  # OpenTofu keeps both (formats §2.3)
        assert (remote["lineage"], remote["serial"]) == (local.lineage, local.serial)
        assert f"has the local state's lineage {local.lineage}" in result.message
    # Renamed only after the check, and what was renamed is the state as it was before init.
    assert result.message.startswith("The tool copied the state.")
    assert "Only then was the local file renamed terraform.tfstate.migrated-to-s3" in (
        result.message
    )
    assert not (workdir / "terraform.tfstate").exists()
    assert archived.read_bytes() == original
    assert result.file_ops[-1].sha256_after == sha256_file(archived)
    after = detect_backend(workdir, playbook)
    assert after.kind is BackendKind.REMOTE
    assert any("migrated earlier" in line for line in after.explanation)


def test_b1_real_prompt_answered_no_renames_nothing(
    applied: tuple[Path, dict[str, str]], aws: AwsEndpoint
) -> None:
    workdir, env = applied
    playbook = load_playbook()
    before = (workdir / "terraform.tfstate").read_bytes()
    make_bucket()
    s3 = boto3.client("s3", region_name=REGION)
    write_backend_tf(workdir, playbook, form_for(aws))

    result, seen = migrate(workdir, env, s3, "no")

    assert result.outcome is MigrationOutcome.DECLINED
    assert len(seen) == 1 and result.answers == ("no",)
    assert "not renamed" in result.message
    assert (workdir / "terraform.tfstate").read_bytes() == before
    assert not (workdir / "terraform.tfstate.migrated-to-s3").exists()
    # Real Terraform empties terraform.tfstate even after "no": the wizard put the bytes back.
    assert [(op.op, Path(op.path).name) for op in result.file_ops] == [
        ("write", "terraform.tfstate")
    ]
    assert "wrote its original bytes back" in result.message
    situation = detect_backend(workdir, playbook)
    assert situation.kind is BackendKind.CONTRADICTION
    assert any('answered "no"' in line for line in situation.explanation)


def test_real_terraform_version_is_a_warning(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "CHECKPOINT_DISABLE": "1"}
    result = asyncio.run(check_tofu(str(TERRAFORM), env))
    assert result.status is CheckStatus.WARN
    assert "is Terraform 1.11" in result.summary and "not OpenTofu" in result.summary


def test_old_version_script_fails(tmp_path: Path) -> None:
    fake = tmp_path / "tofu"
    fake.write_text(
        '#!/bin/sh\necho \'{"terraform_version": "1.10.3", "platform": "linux_amd64", '
        '"provider_selections": {}}\'\n'
    )
    fake.chmod(0o755)
    result = asyncio.run(check_tofu(str(fake), {"PATH": os.environ.get("PATH", "")}))
    assert result.status is CheckStatus.FAIL
    assert "OpenTofu 1.10.3" in result.summary and "1.10.4 or newer" in result.summary
