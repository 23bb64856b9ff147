"""B.1 migration logic with a scripted stand-in for the tool: answers, failures, verification."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.preflight import REGION, fake_tool, make_bucket, state_text, tool_env
from tests.support.stage4 import client
from tui.core.exec.prompts import Prompt
from tui.core.exec.result import CommandNotFound
from tui.core.playbook.load import load_playbook
from tui.core.tofu.backend.migration import (
    MAX_PROMPTS,
    MigrationOutcome,
    MigrationRefused,
    MigrationRequest,
    MigrationResult,
    StateMigration,
)
from tui.sandbox.aws_endpoint import AwsEndpoint

PLAYBOOK = load_playbook()
BUCKET, KEY = "acme-mocm-tfstate", "mocm/prod/terraform.tfstate"
QUESTION = "Do you want to copy existing state to the new backend?"
PROMPT = (
    "Initializing the backend...\n"
    f"{QUESTION}\n"
    '  Pre-existing state was found while migrating the previous "local" backend to the\n'
    '  newly configured "s3" backend. Enter "yes" to copy and "no" to start with an empty state.\n'
    "\n"
    "  Enter a value: "
)
ASKS = f"printf '%s' '{PROMPT}'\nread answer\necho \"$answer\" > answer.txt\necho\n"
EMPTIES_STATE = ": > terraform.tfstate\n"  # what real Terraform does during init -migrate-state
OK = "echo 'Successfully configured the backend \"s3\"!'\n"


class Operator:
    """Answers every prompt with ``answer`` and remembers what it was shown."""

    def __init__(self, answer: str = "yes") -> None:
        self.answer = answer
        self.asked: list[Prompt] = []

    async def __call__(self, prompt: Prompt) -> str:
        self.asked.append(prompt)
        return self.answer


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


def migration(
    release: Path, script: str, operator: Operator | None = None, timeout_s: float = 20
) -> StateMigration:
    bin_dir = release.parents[1] / "bin"
    fake_tool(bin_dir, "tofu", script)
    request = MigrationRequest(
        release, PLAYBOOK, "tofu", tool_env(bin_dir), client("s3"), timeout_s
    )
    return StateMigration(request, operator or Operator())


def run(release: Path, script: str, answer: str = "yes", timeout_s: float = 20) -> MigrationResult:
    return asyncio.run(migration(release, script, Operator(answer), timeout_s).run())


def put_remote(body: str) -> None:
    make_bucket(BUCKET)
    client("s3").put_object(Bucket=BUCKET, Key=KEY, Body=body)


def test_yes_with_same_lineage_and_serial_renames_the_local_state(
    release: Path, aws: AwsEndpoint
) -> None:
    put_remote(state_text(["b-media"], pretty=True))
    operator = Operator("yes")
    result = asyncio.run(migration(release, ASKS + OK, operator).run())
    assert result.outcome is MigrationOutcome.MIGRATED, result.message
    assert result.check is not None and result.check.same_lineage and result.check.same_serial
    assert f"has the local state's lineage {result.local_state.lineage} and serial 57" in (
        result.message
    )
    assert "Only then was the local file renamed terraform.tfstate.migrated-to-s3" in (
        result.message
    )
    assert (release / "answer.txt").read_text() == "yes\n"
    [asked] = operator.asked
    assert asked.question.splitlines()[0] == QUESTION
    assert 'Enter "yes" to copy' in asked.question and asked.prompt == "  Enter a value: "
    assert not (release / "terraform.tfstate").exists()
    assert (release / "terraform.tfstate.migrated-to-s3").exists()
    assert any("Successfully configured" in line for line in result.output)
    assert [op.op for op in result.file_ops] == ["rename"]


def test_copy_with_a_new_lineage_is_verified_by_content_and_said_so(
    release: Path, aws: AwsEndpoint
) -> None:
    """Terraform 1.11's behaviour: S3 gets a new lineage and serial 1, the local file emptied."""
    original = (release / "terraform.tfstate").read_bytes()
    put_remote(state_text(["b-media"], serial=1, lineage="0000-new", pretty=True))
    result = run(release, ASKS + EMPTIES_STATE + OK)
    assert result.outcome is MigrationOutcome.MIGRATED, result.message
    assert result.check is not None and not result.check.same_lineage
    said = result.message
    assert "Lineage and serial could not be compared" in said
    assert "the tool gave the S3 copy a new lineage 0000-new and serial 1" in said
    assert f"(the local state has lineage {result.local_state.lineage}, serial 57)" in said
    assert "Compared instead: resources and outputs. Verified by content" in said
    assert "the same 1 resource (1 instance) and outputs as the local state" in said
    assert "state push -force" in said
    assert "The tool had emptied terraform.tfstate during init" in said
    # Written back first, renamed only after the check: the renamed file is the original.
    assert [op.op for op in result.file_ops] == ["write", "rename"]
    assert (release / "terraform.tfstate.migrated-to-s3").read_bytes() == original
    assert not (release / "terraform.tfstate").exists()


def test_new_lineage_and_other_content_is_not_renamed(release: Path, aws: AwsEndpoint) -> None:
    original = (release / "terraform.tfstate").read_bytes()
    put_remote(state_text(["b-media", "b-extra"], serial=1, lineage="0000-new"))
    result = run(release, ASKS + EMPTIES_STATE + OK)
    assert result.outcome is MigrationOutcome.NOT_VERIFIED
    assert "(lineage 0000-new, serial 1, 1 resource (2 instances)) does not hold" in result.message
    assert "terraform.tfstate was not renamed" in result.message
    assert (release / "terraform.tfstate").read_bytes() == original
    assert not (release / "terraform.tfstate.migrated-to-s3").exists()
    assert [op.op for op in result.file_ops] == ["write"]


def test_object_of_another_history_is_not_renamed(release: Path, aws: AwsEndpoint) -> None:
    put_remote(state_text(["b-other"], serial=3, lineage="0000-other"))
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
    result = run(release, ASKS + EMPTIES_STATE, answer="no")
    assert (release / "terraform.tfstate").read_bytes() == before
    assert [op.op for op in result.file_ops] == ["write"]
    assert "wrote its original bytes back" in result.message


def test_tool_failure_is_reported_and_nothing_renamed(release: Path, aws: AwsEndpoint) -> None:
    script = "echo 'Error: Failed to get existing workspaces: AccessDenied'\nexit 1\n"
    result = run(release, script)
    assert result.outcome is MigrationOutcome.FAILED
    assert "(exit 1): Error: Failed to get existing workspaces" in result.message
    assert (release / "terraform.tfstate").exists()


def test_tool_that_never_asks_is_a_failure(release: Path, aws: AwsEndpoint) -> None:
    result = run(release, OK)
    assert result.outcome is MigrationOutcome.FAILED
    assert "finished without asking to copy the state" in result.message
    assert (release / "terraform.tfstate").exists()


def test_hanging_tool_times_out_with_sigint(release: Path, aws: AwsEndpoint) -> None:
    result = run(release, "sleep 60\n", timeout_s=1)
    assert result.outcome is MigrationOutcome.FAILED
    assert "did not finish within 1 s" in result.message
    assert result.command.timed_out and result.command.signals_sent == ("SIGINT",)
    assert (release / "terraform.tfstate").exists()


def test_killed_tool_is_a_failure(release: Path, aws: AwsEndpoint) -> None:
    result = run(release, ASKS + "kill -9 $$\n")
    assert result.outcome is MigrationOutcome.FAILED
    assert "failed (exit -9)" in result.message
    assert (release / "terraform.tfstate").exists()
    assert not (release / "terraform.tfstate.migrated-to-s3").exists()


def test_stop_while_the_operator_decides_sends_sigint(release: Path, aws: AwsEndpoint) -> None:
    before = (release / "terraform.tfstate").read_bytes()

    async def scenario() -> MigrationResult:
        asked = asyncio.Event()

        async def undecided(prompt: Prompt) -> str:
            asked.set()
            await asyncio.Event().wait()  # the operator never answers
            return "yes"

        bin_dir = release.parents[1] / "bin"
        fake_tool(bin_dir, "tofu", ASKS + EMPTIES_STATE)
        request = MigrationRequest(release, PLAYBOOK, "tofu", tool_env(bin_dir), None, 20)
        running = StateMigration(request, undecided)
        task = asyncio.create_task(running.run())
        await asked.wait()
        running.cancel()
        return await task

    result = asyncio.run(scenario())
    assert result.outcome is MigrationOutcome.CANCELLED
    assert "You stopped `tofu init -migrate-state` (SIGINT)" in result.message
    assert result.answers == ()
    assert not (release / "answer.txt").exists()  # nothing was typed
    assert (release / "terraform.tfstate").read_bytes() == before


def test_only_yes_or_no_is_typed(release: Path, aws: AwsEndpoint) -> None:
    with pytest.raises(MigrationRefused, match="Only 'yes' or 'no'"):
        run(release, ASKS, answer="y")
    assert not (release / "answer.txt").exists()
    assert (release / "terraform.tfstate").exists()


def test_a_tool_that_keeps_asking_is_stopped(release: Path, aws: AwsEndpoint) -> None:
    loop = f"while true; do printf '%s' '{PROMPT}'; read answer; echo; done\n"
    with pytest.raises(MigrationRefused, match=f"more than {MAX_PROMPTS} questions"):
        run(release, loop)
    assert (release / "terraform.tfstate").exists()


def test_missing_tool(release: Path, aws: AwsEndpoint) -> None:
    request = MigrationRequest(release, PLAYBOOK, "tofu", {"PATH": str(release)}, None, 5)
    with pytest.raises(CommandNotFound, match="Install tofu"):
        asyncio.run(StateMigration(request, Operator()).run())
    assert (release / "terraform.tfstate").exists()


def test_refused_without_backend_file(release: Path) -> None:
    (release / "backend.tf").unlink()
    request = MigrationRequest(release, PLAYBOOK, "tofu", {}, None, 5)
    with pytest.raises(MigrationRefused, match="write it from the form first"):
        asyncio.run(StateMigration(request, Operator()).run())


def test_refused_without_local_state(release: Path) -> None:
    (release / "terraform.tfstate").unlink()
    request = MigrationRequest(release, PLAYBOOK, "tofu", {}, None, 5)
    with pytest.raises(MigrationRefused, match="there is no local state to migrate"):
        asyncio.run(StateMigration(request, Operator()).run())
