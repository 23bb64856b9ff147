"""Lineage and serial, the tofu stand-in (OpenTofu's behaviour) next to real Terraform 1.11 on
the same HCL and the same S3 endpoint: B.1's ``init -migrate-state``, Rollback B's
``state push``, and every refusal of ``state push`` (exit codes and texts).

OpenTofu's ``statemgr.Migrate`` keeps lineage and serial (formats.md §2.3, read in
OpenTofu's source); Terraform 1.11 gives the S3 copy a new lineage at serial 1. The
wizard's read-back and its rollback guard must accept both.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.terraform import NO_TERRAFORM, TERRAFORM, engine_env
from tests.support.tofu_standin import standin_binary, standin_env
from tui.core.exec.prompts import Prompt
from tui.core.playbook.load import load_playbook
from tui.core.tofu.backend.form import BackendForm, write_backend_tf
from tui.core.tofu.backend.migration import (
    MigrationOutcome,
    MigrationRequest,
    MigrationResult,
    StateMigration,
)
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.failures import FailureKind
from tui.core.tofu.rollback.s3 import download_version, list_state_versions, push_rollback
from tui.core.tofu.statefile import StateFile, read_state
from tui.sandbox.aws_endpoint import AwsEndpoint

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("standin_lineage")]

if TERRAFORM is None:
    pytest.skip(NO_TERRAFORM, allow_module_level=True)

REGION = "eu-central-1"
BUCKET = "acme-mocm-lineage"
CONFIG = """
resource "terraform_data" "keep" {
  input = "kept"
}
resource "terraform_data" "release" {
  input = var.release
}
variable "release" {
  type = string
}
"""
OTHER_LINEAGE = "0f5e7c1a-0000-4000-8000-00000000beef"
TOOLS = ("standin", "terraform")


@dataclass
class Tool:
    """One tool's release directory, migrated to its own key of the same bucket."""

    name: str
    binary: str
    env: dict[str, str]
    workdir: Path
    key: str
    local: StateFile | None = None  # the local state before B.1
    migration: MigrationResult | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [self.binary, *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode in ok, f"{self.name} {' '.join(args)}:\n{done.stderr}"
        return done

    def apply(self, release: str) -> None:
        """``plan -out`` and ``apply`` of the saved plan (the one apply both tools share)."""
        (self.workdir / "terraform.tfvars").write_text(f'release = "{release}"\n')
        self.run("plan", "-input=false", "-out", "tfplan")
        self.run("apply", "-input=false", "tfplan")

    @property
    def commands(self) -> TofuCommands:
        return TofuCommands(self.binary)


def s3_client(endpoint: AwsEndpoint) -> Any:
    return boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=endpoint.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def remote_state(tool: Tool, s3: Any) -> dict[str, Any]:
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=tool.key)["Body"].read()))


def _tool(name: str, root: Path, endpoint: AwsEndpoint) -> Tool:
    aws_env = {**endpoint.env, "AWS_CONFIG_FILE": os.devnull}
    aws_env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    workdir = root / name / "terraform" / "aws"
    workdir.mkdir(parents=True)
    if name == "terraform":
        return Tool(
            name,
            str(TERRAFORM),
            engine_env(root / name) | aws_env,
            workdir,
            f"mocm/{name}/terraform.tfstate",
        )
    binary = standin_binary(root / name / "bin")
    return Tool(
        name, str(binary), standin_env(**aws_env), workdir, f"mocm/{name}/terraform.tfstate"
    )


def _migrate(tool: Tool, endpoint: AwsEndpoint, s3: Any) -> None:
    """Two local applies (serial > 1), the wizard's backend.tf, then B.1 answered "yes"."""
    (tool.workdir / "main.tf").write_text(CONFIG)
    tool.run("init", "-input=false")
    tool.apply("10.5.2603")
    tool.apply("10.5.2603-hotfix")
    tool.local = read_state(tool.workdir / "terraform.tfstate")
    form = BackendForm(
        bucket=BUCKET,
        key=tool.key,
        region=REGION,
        use_lockfile=True,
        encrypt=True,
        extra={
            "endpoints": {"s3": endpoint.url},
            "use_path_style": True,
            "skip_credentials_validation": True,
            "skip_requesting_account_id": True,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
        },
    )
    book = load_playbook()
    write_backend_tf(tool.workdir, book, form)

    async def operator(prompt: Prompt) -> str:
        return "yes"

    request = MigrationRequest(tool.workdir, book, tool.binary, tool.env, s3, 120)
    tool.migration = asyncio.run(StateMigration(request, operator).run())
    tool.notes["migrated"] = remote_state(tool, s3)
    tool.apply("10.6.2605")  # the upgrade: a second version of the object


@pytest.fixture(scope="module")
def tools(
    aws_server: AwsEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Tool]]:
    """Both tools, the same HCL and history, B.1 by the wizard's core, then one more apply."""
    s3 = s3_client(aws_server)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    root = tmp_path_factory.mktemp("lineage")
    made = {name: _tool(name, root, aws_server) for name in TOOLS}
    for tool in made.values():
        _migrate(tool, aws_server, s3)
    yield made


def test_b1_the_standin_keeps_the_lineage_terraform_renews_it(tools: dict[str, Tool]) -> None:
    for tool in tools.values():
        result, local = tool.migration, tool.local
        assert result is not None and local is not None and local.serial > 1
        assert result.outcome is MigrationOutcome.MIGRATED, (tool.name, result.message)
        assert result.check is not None and result.check.same_content  # the read-back's proof
    standin, terraform = tools["standin"], tools["terraform"]
    assert standin.local is not None and terraform.local is not None
    kept = standin.notes["migrated"]
    assert (kept["lineage"], kept["serial"]) == (standin.local.lineage, standin.local.serial)
    assert standin.migration is not None and standin.migration.check is not None
    assert standin.migration.check.same_lineage and standin.migration.check.same_serial
    assert f"has the local state's lineage {standin.local.lineage}" in standin.migration.message
    renewed = terraform.notes["migrated"]
    assert renewed["lineage"] != terraform.local.lineage and renewed["serial"] == 1
    assert terraform.migration is not None and terraform.migration.check is not None
    assert not terraform.migration.check.same_lineage
    assert f"new lineage {renewed['lineage']} and serial 1" in terraform.migration.message


def test_rollback_b_push_guard_accepts_both(
    tools: dict[str, Tool], aws_server: AwsEndpoint, tmp_path: Path
) -> None:
    s3 = s3_client(aws_server)
    for tool in tools.values():
        before = tool.notes["migrated"]
        versions = list_state_versions(s3, BUCKET, tool.key)
        first = next(
            v
            for v in versions
            if json.loads(
                s3.get_object(Bucket=BUCKET, Key=tool.key, VersionId=v.version_id)["Body"].read()
            )["serial"]
            == before["serial"]
        )
        got = download_version(s3, BUCKET, tool.key, first, tmp_path / f"{tool.name}.tfstate")
        assert got.lineage_matches and got.needs_force, tool.name

        refused = push_rollback(tool.commands, tool.workdir, tool.env, got)
        assert not refused.ok and refused.result.exit_code == 1, tool.name
        assert refused.failure is not None, refused.result.stderr_tail
        assert refused.failure.kind is FailureKind.PUSH_OLDER_SERIAL, tool.name

        pushed = push_rollback(tool.commands, tool.workdir, tool.env, got, force=True)
        assert pushed.ok, (tool.name, pushed.result.stderr_tail)
        restored = remote_state(tool, s3)
        assert restored["resources"] == before["resources"], tool.name
        # Both persist the pushed state one serial above what it carried.
        assert (restored["lineage"], restored["serial"]) == (
            before["lineage"],
            before["serial"] + 1,
        )


def _push(tool: Tool, state: dict[str, Any], name: str, *flags: str) -> tuple[int, str, str]:
    (tool.workdir / name).write_text(json.dumps(state, indent=2))
    done = tool.run("state", "push", *flags, name, ok=(0, 1))
    return done.returncode, done.stdout, done.stderr


def _red(text: str) -> str:
    return f"\x1b[31m{text}\x1b[0m\x1b[0m\n"


def _refused(why: str) -> tuple[int, str, str]:
    """What ``state push`` answers when it refuses: exit 1, nothing on stdout, a red error."""
    return 1, "", _red(f"Failed to write state: {why}")


def test_state_push_refusals_and_serials_match_terraform(
    tools: dict[str, Tool], aws_server: AwsEndpoint
) -> None:
    s3 = s3_client(aws_server)
    for tool in tools.values():
        current = remote_state(tool, s3)
        lineage, serial = current["lineage"], current["serial"]
        changed = json.loads(json.dumps(current))
        changed["resources"][0]["instances"][0]["attributes"]["input"]["value"] = "edited"
        cases = {
            "other lineage": (
                {**current, "lineage": OTHER_LINEAGE, "serial": serial + 3},
                _refused(
                    f'cannot import state with lineage "{OTHER_LINEAGE}" over unrelated state '
                    f'with lineage "{lineage}"'
                ),
            ),
            "older serial": (
                {**current, "serial": serial - 1},
                _refused(
                    f"cannot import state with serial {serial - 1} over newer state with serial "
                    f"{serial}"
                ),
            ),
            "same serial, other content": (
                changed,
                _refused(
                    f"cannot overwrite existing state with serial {serial} with a different "
                    "state that has the same serial"
                ),
            ),
            "the same state": (current, (0, "", "")),
        }
        for case, (state, expected) in cases.items():
            assert _push(tool, state, "push.tfstate") == expected, (tool.name, case)
        assert remote_state(tool, s3) == current, tool.name  # nothing was written

        assert _push(tool, {**changed, "serial": serial + 4}, "newer.tfstate") == (0, "", "")
        assert remote_state(tool, s3)["serial"] == serial + 5, tool.name
        assert _push(tool, {**current, "serial": 1}, "forced.tfstate", "-force") == (0, "", "")
        forced = remote_state(tool, s3)
        assert (forced["lineage"], forced["serial"]) == (lineage, 2), tool.name
        assert forced["resources"] == current["resources"], tool.name
        missing = tool.run("state", "push", "absent.tfstate", ok=(1,))
        assert missing.stderr == _red("open absent.tfstate: no such file or directory")
        (tool.workdir / "empty.tfstate").write_text("")
        empty = tool.run("state", "push", "-no-color", "empty.tfstate", ok=(1,))
        assert empty.stderr == 'Error reading source state "empty.tfstate": no state\n'


def test_local_state_push_persists_serials_as_terraform(
    aws_server: AwsEndpoint, tmp_path: Path
) -> None:
    """statemgr.Filesystem: the pushed serial, + 1 when the content differs from the file's."""
    for name in TOOLS:
        tool = _tool(name, tmp_path, aws_server)
        (tool.workdir / "main.tf").write_text(CONFIG)
        tool.run("init", "-input=false")
        tool.apply("10.5.2603")
        current = json.loads((tool.workdir / "terraform.tfstate").read_text())
        serial = current["serial"]
        changed = json.loads(json.dumps(current))
        changed["resources"][0]["instances"][0]["attributes"]["input"]["value"] = "edited"
        stored = []
        for state, flags in (
            ({**current, "serial": serial + 2}, ()),
            ({**changed, "serial": serial + 5}, ()),
            ({**current, "serial": 1}, ("-force",)),
        ):
            assert _push(tool, state, "push.tfstate", *flags) == (0, "", ""), name
            stored.append(json.loads((tool.workdir / "terraform.tfstate").read_text())["serial"])
        assert stored == [serial + 2, serial + 6, 2], name
