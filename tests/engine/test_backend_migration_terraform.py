"""B.1 against the machine's real `terraform` 1.11 (as the tofu binary) and moto's S3 server.

A local state made by a real apply of a builtin `terraform_data` resource is
migrated with the real `init -migrate-state` prompt, answered through pexpect;
the object in the bucket is read back and the local file renamed.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest

from tui.core.backend import BackendKind, detect_backend
from tui.core.backend_form import BackendForm, check_form_against_aws, write_backend_tf
from tui.core.backend_migration import MigrationOutcome, MigrationPrompt, migrate_state
from tui.core.fsops import sha256_file
from tui.core.playbook import load_playbook
from tui.core.preflight_result import CheckStatus
from tui.core.statefile import read_state
from tui.core.tool_versions import check_tofu
from tui.sandbox.aws_endpoint import AwsEndpoint

pytestmark = pytest.mark.engine

TERRAFORM = shutil.which("terraform")
if TERRAFORM is None:
    pytest.skip("no `terraform` binary on PATH: real-engine tests need it", allow_module_level=True)

REGION = "eu-central-1"
BUCKET = "acme-mocm-tfstate"
KEY = "mocm/prod/terraform.tfstate"
CONFIG = """
resource "terraform_data" "keep" { input = "kept" }
resource "terraform_data" "other" { input = "also kept" }
"""


def engine_env(tmp_path: Path, aws: AwsEndpoint) -> dict[str, str]:
    """Explicit env: own CLI config, no network beyond moto, dummy credentials."""
    config = tmp_path / "cli.tfrc"
    config.write_text("", encoding="utf-8")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        **aws.env,
    }


@pytest.fixture
def applied(tmp_path: Path, aws: AwsEndpoint) -> tuple[Path, dict[str, str]]:
    """A previous release's terraform dir with a real local state (two applies: serial > 1)."""
    workdir = tmp_path / "prev" / "terraform" / "aws"
    workdir.mkdir(parents=True)
    (workdir / "main.tf").write_text(CONFIG, encoding="utf-8")
    env = engine_env(tmp_path, aws)
    for args in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-no-color"]):
        done = subprocess.run(
            [str(TERRAFORM), *args], cwd=workdir, env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    return workdir, env


def make_bucket(versioned: bool = True) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    if versioned:
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})


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

    seen: list[MigrationPrompt] = []

    def operator(prompt: MigrationPrompt) -> str:
        seen.append(prompt)
        return "yes"

    result = migrate_state(workdir, playbook, str(TERRAFORM), env, operator, s3, timeout_s=120)

    assert result.outcome is MigrationOutcome.MIGRATED, result.message
    assert len(seen) == 1
    assert seen[0].question == "Do you want to copy existing state to the new backend?"
    assert 'Enter "yes" to copy and "no" to start with an empty state.' in seen[0].text
    assert result.answers == ("yes",)
    body = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    remote = json.loads(body)
    kept_locally = json.loads((workdir / "terraform.tfstate.migrated-to-s3").read_text())
    assert remote["resources"] == kept_locally["resources"]
    assert remote["outputs"] == kept_locally["outputs"]
    # Real Terraform 1.11 mints a new lineage (serial 1) for the S3 copy; OpenTofu keeps both.
    if result.lineage_kept:
        assert (remote["lineage"], remote["serial"]) == (local.lineage, local.serial)
        assert "lineage and serial" in result.message
    else:
        assert remote["lineage"] != local.lineage
        assert f"new lineage {remote['lineage']}" in result.message
        assert "state push -force" in result.message
    assert not (workdir / "terraform.tfstate").exists()
    archived = workdir / "terraform.tfstate.migrated-to-s3"
    assert read_state(archived).lineage == local.lineage
    # Terraform empties the local file during init; the wizard restored it before renaming.
    assert [(op.op, Path(op.path).name) for op in result.file_ops][-1] == (
        "rename",
        "terraform.tfstate.migrated-to-s3",
    )
    assert result.file_ops[-1].sha256_after == sha256_file(archived)
    assert read_state(archived).content_sha256 == local.content_sha256
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

    result = migrate_state(workdir, playbook, str(TERRAFORM), env, lambda _: "no", s3, 120)

    assert result.outcome is MigrationOutcome.DECLINED
    assert "not renamed" in result.message
    assert (workdir / "terraform.tfstate").read_bytes() == before
    assert not (workdir / "terraform.tfstate.migrated-to-s3").exists()
    # Real Terraform empties terraform.tfstate even after "no": the wizard put the bytes back.
    assert [(op.op, Path(op.path).name) for op in result.file_ops] == [
        ("write", "terraform.tfstate")
    ]
    assert "restored" in result.message
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
