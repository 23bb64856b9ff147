"""B.1 migration logic with a scripted stand-in for the tool: answers, failures, verification."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.preflight_support import REGION, fake_tool, make_bucket, state_text, tool_env
from tests.stage4_support import client
from tui.core.backend_migration import (
    MigrationOutcome,
    MigrationPrompt,
    MigrationRefused,
    MigrationResult,
    migrate_state,
)
from tui.core.migration_prompt import prompt_from
from tui.core.playbook import load_playbook
from tui.core.runner import CommandNotFound
from tui.sandbox.aws_endpoint import AwsEndpoint

PLAYBOOK = load_playbook()
BUCKET, KEY = "acme-mocm-tfstate", "mocm/prod/terraform.tfstate"
PROMPT = (
    "Initializing the backend...\n"
    "Do you want to copy existing state to the new backend?\n"
    '  Pre-existing state was found while migrating the previous "local" backend to the\n'
    '  newly configured "s3" backend. Enter "yes" to copy and "no" to start with an empty state.\n'
    "\n"
    "  Enter a value: "
)
ASKS = f"printf '%s' '{PROMPT}'\nread answer\necho \"$answer\" > answer.txt\necho\n"


@pytest.fixture
def release(tmp_path: Path) -> Path:
    tf = tmp_path / "terraform" / "aws"
    tf.mkdir(parents=True)
    (tf / "terraform.tfstate").write_text(state_text(["b-media"]))
    (tf / "backend.tf").write_text(
        f'terraform {{\n  backend "s3" {{\n    bucket = "{BUCKET}"\n    key = "{KEY}"\n'
        f'    region = "{REGION}"\n    use_lockfile = true\n  }}\n}}\n'
    )
    return tf


def run(release: Path, script: str, answer: str = "yes", timeout_s: float = 20) -> MigrationResult:
    bin_dir = release.parents[1] / "bin"
    fake_tool(bin_dir, "tofu", script)
    return migrate_state(
        release, PLAYBOOK, "tofu", tool_env(bin_dir), lambda _: answer, client("s3"), timeout_s
    )


def test_prompt_block_is_parsed() -> None:
    prompt = prompt_from(PROMPT)
    assert prompt.question == "Do you want to copy existing state to the new backend?"
    assert prompt.text.endswith("Enter a value:")
    assert "Initializing" not in prompt.text


def test_yes_with_matching_object_renames_the_local_state(release: Path, aws: AwsEndpoint) -> None:
    make_bucket(BUCKET)
    client("s3").put_object(Bucket=BUCKET, Key=KEY, Body=state_text(["b-media"], pretty=True))
    seen: list[MigrationPrompt] = []
    bin_dir = release.parents[1] / "bin"
    fake_tool(bin_dir, "tofu", ASKS + "echo 'Successfully configured the backend \"s3\"!'\n")

    def operator(prompt: MigrationPrompt) -> str:
        seen.append(prompt)
        return "yes"

    result = migrate_state(release, PLAYBOOK, "tofu", tool_env(bin_dir), operator, client("s3"), 20)
    assert result.outcome is MigrationOutcome.MIGRATED, result.message
    assert result.lineage_kept and "lineage and serial 57 verified" in result.message
    assert (release / "answer.txt").read_text() == "yes\n"
    assert seen[0].question == "Do you want to copy existing state to the new backend?"
    assert not (release / "terraform.tfstate").exists()
    assert (release / "terraform.tfstate.migrated-to-s3").exists()
    assert any("Successfully configured" in line for line in result.output)


def test_object_of_another_history_is_not_renamed(release: Path, aws: AwsEndpoint) -> None:
    make_bucket(BUCKET)
    other = state_text(["b-other"], serial=3, lineage="0000-other")
    client("s3").put_object(Bucket=BUCKET, Key=KEY, Body=other)
    result = run(release, ASKS)
    assert result.outcome is MigrationOutcome.NOT_VERIFIED
    assert "does not hold what the local state holds" in result.message
    assert (release / "terraform.tfstate").exists()
    assert not (release / "terraform.tfstate.migrated-to-s3").exists()


def test_no_renames_nothing(release: Path, aws: AwsEndpoint) -> None:
    before = (release / "terraform.tfstate").read_bytes()
    result = run(release, ASKS, answer="no")
    assert result.outcome is MigrationOutcome.DECLINED
    assert (release / "answer.txt").read_text() == "no\n"
    assert (release / "terraform.tfstate").read_bytes() == before
    assert result.file_ops == ()


def test_tool_that_empties_the_state_gets_it_back(release: Path, aws: AwsEndpoint) -> None:
    before = (release / "terraform.tfstate").read_bytes()
    result = run(release, ASKS + ": > terraform.tfstate\n", answer="no")
    assert (release / "terraform.tfstate").read_bytes() == before
    assert [op.op for op in result.file_ops] == ["write"]
    assert "restored" in result.message


def test_tool_failure_is_reported_and_nothing_renamed(release: Path, aws: AwsEndpoint) -> None:
    script = "echo 'Error: Failed to get existing workspaces: AccessDenied'\nexit 1\n"
    result = run(release, script)
    assert result.outcome is MigrationOutcome.FAILED
    assert "(exit 1): Error: Failed to get existing workspaces" in result.message
    assert (release / "terraform.tfstate").exists()


def test_hanging_tool_times_out(release: Path, aws: AwsEndpoint) -> None:
    began = time.monotonic()
    result = run(release, "sleep 60\n", timeout_s=1)
    assert result.outcome is MigrationOutcome.FAILED
    assert "did not finish within 1 s" in result.message
    assert time.monotonic() - began < 15
    assert (release / "terraform.tfstate").exists()


def test_only_yes_or_no_is_typed(release: Path, aws: AwsEndpoint) -> None:
    with pytest.raises(MigrationRefused, match="Only 'yes' or 'no'"):
        run(release, ASKS, answer="y")
    assert not (release / "answer.txt").exists()
    assert (release / "terraform.tfstate").exists()


def test_missing_tool(release: Path, aws: AwsEndpoint) -> None:
    with pytest.raises(CommandNotFound, match="Install tofu"):
        migrate_state(
            release, PLAYBOOK, "tofu", {"PATH": str(release)}, lambda _: "yes", client("s3"), 5
        )


def test_refused_without_backend_file(release: Path) -> None:
    (release / "backend.tf").unlink()
    with pytest.raises(MigrationRefused, match="write it from the form first"):
        migrate_state(release, PLAYBOOK, "tofu", {}, lambda _: "yes", None, 5)
