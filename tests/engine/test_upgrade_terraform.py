"""Carry-over → plan → review → apply, the stale-plan guard and rollback B, on real terraform.

The machine's `terraform` 1.11 plays `tofu` (configurable binary) with the built-in
``terraform_data`` resource: no provider, no network except the moto server.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from tests.support.terraform import (
    MAIN_CONFIG,
    NO_TERRAFORM,
    PARKED_CONFIG,
    TERRAFORM,
    VALKEY_CONFIG,
)
from tui.core.exec.result import CommandResult
from tui.core.exec.runner import run_sync
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.releases.archive import archive_release
from tui.core.tofu.carry_over.apply import apply_carry_over
from tui.core.tofu.carry_over.preview import preview_carry_over
from tui.core.tofu.commands import PlanOutcome, TofuCommands, plan_outcome, tofu_environment
from tui.core.tofu.failures import FailureKind, recognise_failure
from tui.core.tofu.plan.parse import parse_plan_text
from tui.core.tofu.plan.review import Verdict, review
from tui.core.tofu.plan.reviewed import (
    ClearToApply,
    StalePlan,
    check_before_apply,
    pull_state_mark,
    record_review,
    state_mark_from_file,
)
from tui.core.tofu.rollback.s3 import (
    download_version,
    list_state_versions,
    pick_version_before,
    push_rollback,
)
from tui.core.tofu.statefile import read_state
from tui.sandbox.aws_endpoint import AwsEndpoint

pytestmark = pytest.mark.engine

if TERRAFORM is None:
    pytest.skip(NO_TERRAFORM, allow_module_level=True)

PREVIOUS_CONFIG, VALKEY_VARIABLES, PARKED = MAIN_CONFIG, VALKEY_CONFIG, PARKED_CONFIG
TFVARS = 'name_prefix = "acme-mocm-prod"\naws_region  = "eu-central-1"\n'


class Tofu:
    """The real engine through the wizard's own runner, argv builders and environment."""

    def __init__(self, tmp_path: Path, extra_env: dict[str, str] | None = None) -> None:
        config = tmp_path / "cli.tfrc"
        config.write_text("", encoding="utf-8")  # built-in terraform_data needs no provider
        source = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "TF_CLI_CONFIG_FILE": str(config),
            **(extra_env or {}),
        }
        self.env = tofu_environment(source)
        assert self.env["TF_IN_AUTOMATION"] == "1"
        self.commands = TofuCommands(str(TERRAFORM), color=False)

    def run(self, argv: Sequence[str], cwd: Path, ok: Sequence[int] = (0,)) -> CommandResult:
        result = run_sync(argv, env=self.env, cwd=cwd, timeout_s=180.0)
        assert result.exit_code in ok, f"{' '.join(argv)}:\n" + "\n".join(result.stderr_tail)
        return result

    def show_json(self, cwd: Path) -> str:
        lines: list[str] = []
        result = run_sync(
            self.commands.show_json(),
            env=self.env,
            cwd=cwd,
            timeout_s=60.0,
            on_line=lambda stream, line: lines.append(line) if stream == "stdout" else None,
        )
        assert result.ok, result.stderr_tail
        return "\n".join(lines)


@pytest.fixture
def playbook() -> Playbook:
    return load_playbook()


def releases(tmp_path: Path, tofu: Tofu) -> tuple[Path, Path]:
    """A previous release applied for real (local state) and a fresh current release."""
    prev = tmp_path / "mocm-10.5.2603" / "terraform" / "aws"
    curr = tmp_path / "mocm-10.6.2605" / "terraform" / "aws"
    for where in (prev, curr):
        where.mkdir(parents=True)
        (where / "main.tf").write_text(PREVIOUS_CONFIG)
        (where / "terraform.tfvars").write_text(TFVARS)
    (curr / "valkey.tf").write_text(VALKEY_VARIABLES)
    (curr / "09-elasticache.tf.2603").write_text(PARKED)
    tofu.run(tofu.commands.init(upgrade=False), prev)
    tofu.run((str(TERRAFORM), "apply", "-input=false", "-auto-approve", "-no-color"), prev)
    return prev, curr


def plan_and_review(tofu: Tofu, curr: Path, playbook: Playbook) -> tuple[Verdict, PlanOutcome]:
    result = tofu.run(tofu.commands.plan(), curr, ok=(0, 2))
    plan = parse_plan_text(tofu.show_json(curr), str(curr / "tfplan"))
    return review(plan, playbook, "upgrade").verdict, plan_outcome(result.exit_code)


def test_carry_over_plan_review_apply_archive(tmp_path: Path, playbook: Playbook) -> None:
    tofu = Tofu(tmp_path)
    prev, curr = releases(tmp_path, tofu)
    before = read_state(prev / "terraform.tfstate")

    preview = preview_carry_over(prev, curr, playbook, remote=False)
    assert not preview.blocked
    apply_carry_over(preview, playbook)

    tofu.run(tofu.commands.init(upgrade=True), curr)
    verdict, outcome = plan_and_review(tofu, curr, playbook)
    assert outcome is PlanOutcome.CHANGES and verdict is Verdict.SAFE

    reviewed = record_review(curr / "tfplan", state_mark_from_file(curr / "terraform.tfstate"))
    assert reviewed.state is not None and reviewed.state.serial == before.serial
    check = check_before_apply(reviewed, state_mark_from_file(curr / "terraform.tfstate"))
    assert isinstance(check, ClearToApply)
    tofu.run(tofu.commands.apply(), curr)

    after = read_state(curr / "terraform.tfstate")
    assert after.lineage == before.lineage and after.serial > before.serial
    addresses = {r.address for r in after.resources}
    assert addresses == {
        "terraform_data.buckets",
        "terraform_data.elasticache",
        "terraform_data.valkey",
    }
    valkey = next(r for r in after.resources if r.address == "terraform_data.valkey")
    assert valkey.instances[0].attributes["input"]["value"] == "cache.t3.micro:6379"

    archive = archive_release(prev.parent.parent)
    on_disk = [p for p in prev.parent.parent.rglob("*") if p.is_file() and not p.is_symlink()]
    assert archive.path == tmp_path / "mocm-10.5.2603.tar.gz" and archive.files == len(on_disk)
    assert (prev / "terraform.tfstate").is_file()  # archived, never deleted


def test_stale_plan_is_stopped_before_apply_and_recognised(
    tmp_path: Path, playbook: Playbook
) -> None:
    tofu = Tofu(tmp_path)
    prev, curr = releases(tmp_path, tofu)
    apply_carry_over(preview_carry_over(prev, curr, playbook, remote=False), playbook)
    tofu.run(tofu.commands.init(upgrade=True), curr)
    plan_and_review(tofu, curr, playbook)
    state = curr / "terraform.tfstate"
    reviewed = record_review(curr / "tfplan", state_mark_from_file(state))

    # Someone else applies in the meantime: the state's serial moves on.
    tofu.run((str(TERRAFORM), "apply", "-input=false", "-auto-approve", "-no-color"), curr)
    check = check_before_apply(reviewed, state_mark_from_file(state))
    assert isinstance(check, StalePlan) and check.offer_replan
    assert "changed by another operation" in check.message

    refused = tofu.run(tofu.commands.apply(), curr, ok=(1,))  # what tofu says if applied anyway
    failure = recognise_failure("\n".join(refused.stderr_tail), tofu.commands.binary)
    assert failure is not None and failure.kind is FailureKind.STALE_PLAN

    boxed = Tofu(tmp_path)
    boxed.commands = TofuCommands(str(TERRAFORM), color=True)  # the │ box, no -no-color
    again = boxed.run(boxed.commands.apply(), curr, ok=(1,))
    failure = recognise_failure("\n".join(again.stderr_tail))
    assert failure is not None and failure.kind is FailureKind.STALE_PLAN


BACKEND = """
terraform {{
  backend "s3" {{
    bucket                      = "{bucket}"
    key                         = "{key}"
    region                      = "eu-central-1"
    use_lockfile                = true
    endpoints                   = {{ s3 = "{url}" }}
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
  }}
}}
"""


def wait_for_next_second(after: datetime) -> datetime:
    """S3 stamps versions to the second: start the next apply in a later second."""
    while (now := datetime.now(UTC)).replace(microsecond=0) <= after:
        time.sleep(0.05)
    return now


def test_option_b_rollback_with_real_state_push_force(
    tmp_path: Path, aws: AwsEndpoint, playbook: Playbook
) -> None:
    bucket, key = "acme-mocm-tfstate", "mocm/prod/terraform.tfstate"
    s3 = boto3.client("s3", region_name="eu-central-1")
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    aws_env = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    tofu = Tofu(tmp_path, aws_env)
    work = tmp_path / "mocm-10.6.2605" / "terraform" / "aws"
    work.mkdir(parents=True)
    (work / "backend.tf").write_text(BACKEND.format(bucket=bucket, key=key, url=aws.url))
    (work / "main.tf").write_text('resource "terraform_data" "app" { input = "v1" }\n')
    tofu.run(tofu.commands.init(upgrade=False), work)
    apply = (str(TERRAFORM), "apply", "-input=false", "-auto-approve", "-no-color")
    tofu.run(apply, work)
    first = pull_state_mark(tofu.commands, work, tofu.env)
    assert first is not None

    last_write = list_state_versions(s3, bucket, key)[-1].last_modified
    upgrade_started = wait_for_next_second(last_write)  # what the journal records
    (work / "main.tf").write_text('resource "terraform_data" "app" { input = "v2" }\n')
    tofu.run(apply, work)
    (work / "main.tf").write_text('resource "terraform_data" "app" { input = "v3" }\n')
    tofu.run(apply, work)
    now = pull_state_mark(tofu.commands, work, tofu.env)
    assert now is not None and now.lineage == first.lineage and now.serial > first.serial

    listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
    assert any(v["Key"].endswith(".tflock") for v in listed.get("Versions", [])) or listed.get(
        "DeleteMarkers"
    )  # the lock objects the filter must ignore are really there
    versions = list_state_versions(s3, bucket, key)
    assert len(versions) >= 3
    chosen = pick_version_before(versions, upgrade_started)
    assert chosen is not None
    got = download_version(s3, bucket, key, chosen, work / playbook.state_rollback_download)
    assert got.mark.serial == first.serial and got.lineage_matches and got.needs_force

    refused = push_rollback(tofu.commands, work, tofu.env, got)
    assert not refused.ok and refused.failure is not None
    assert refused.failure.kind is FailureKind.PUSH_OLDER_SERIAL
    assert f"(serial {first.serial})" in refused.failure.summary

    accepted = push_rollback(tofu.commands, work, tofu.env, got, force=True)
    assert accepted.ok, accepted.result.stderr_tail
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    restored = json.loads(body)
    assert restored["lineage"] == first.lineage
    app = restored["resources"][0]["instances"][0]["attributes"]
    assert app["input"]["value"] == "v1"  # the pre-upgrade content is back in the backend
