"""Pilot tests of the Backend step on the seeded demo world: A explained and kept, the B.1
form checked against moto, and the stand-in tofu's real migrate-state prompt answered."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from textual.widgets import Button, Input, Log

from tests.support.journal import bodies_of
from tests.support.preflight import fake_tool
from tests.support.screen_text import text_of
from tests.support.tofu_steps import (
    BOOK,
    SeededWorld,
    journal,
    next_enabled,
    open_step,
    seeded_world,
    world_app,
)
from tests.support.waiting import WizardPilot, settle, settle_until, wait_until
from tui.app import WizardApp
from tui.core.journal.events import BackendChosen, BackendMigrated, BackendOption, MigrationOutcome
from tui.core.steps import StepStatus
from tui.core.tofu.statefile import read_state
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.backend.migration_flow import StateMigrationFlow
from tui.widgets.dialogs.confirm import ConfirmDialog

STATE_KEY = "mocm/prod/terraform.tfstate"  # the world's backend.tf.example


@pytest.fixture
def seeded(aws: AwsEndpoint, tmp_path: Path) -> SeededWorld:
    return seeded_world(tmp_path, aws)


def migration_dialog_up(app: WizardApp) -> bool:
    """The migration prompt (tofu's own question) is the screen on top, composed."""
    screen = app.screen
    return (
        isinstance(screen, ConfirmDialog)
        and screen.dialog_id == "migration-dialog"
        and bool(screen.query("#dialog-confirm"))  # composed: its buttons can be pressed
    )


async def until_dialog(app: WizardApp, pilot: WizardPilot) -> None:
    """Until the migration prompt dialog is up (no settle: the worker waits on it)."""
    await wait_until(app, pilot, lambda: migration_dialog_up(app), "the migration prompt")


async def test_option_a_explained_and_kept(seeded: SeededWorld) -> None:
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "backend")
        assert text_of(app, "#be-headline").strip() == "Option A — the state is local"
        explained = text_of(app, "#be-explain")
        assert "The state is local: terraform.tfstate (serial 57), no backend.tf" in explained
        assert "(B.1) is offered" in explained
        assert not app.query_one("#be-keep", Button).disabled
        assert not app.query_one("#be-b1", Button).disabled
        assert not next_enabled(app)
        app.query_one("#be-keep", Button).focus()
        await pilot.press("k")
        await settle(app, pilot)
        assert "Option A chosen" in text_of(app, "#be-result")
        assert app.statuses["backend"] is StepStatus.DONE
        assert next_enabled(app)
    chosen = bodies_of(seeded.world.current, BackendChosen)
    assert chosen[-1].option is BackendOption.KEEP_LOCAL
    assert chosen[-1].detail.startswith("keep the local state")


async def test_b1_form_prefilled_and_unversioned_bucket_shown_at_its_field(
    seeded: SeededWorld,
) -> None:
    bucket = seeded.seed.state_bucket
    boto3.client("s3", region_name=seeded.world.region).put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}
    )
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "backend")
        await pilot.press("m")  # the keys the screen advertises: m opens the form, c checks it
        await settle(app, pilot)
        assert app.query_one("#bf-bucket", Input).value == bucket
        assert app.query_one("#bf-key", Input).value == STATE_KEY
        assert app.query_one("#bf-region", Input).value == seeded.world.region
        assert app.query_one("#bf-dynamodb_table", Input).value == seeded.seed.lock_table
        await pilot.press("c")
        await settle(app, pilot)
        assert app.query_one("#bf-bucket", Input).value == bucket  # c was not typed into a field
        problem = text_of(app, "#bf-bucket-problem")
        assert f"bucket {bucket} is not versioned (Suspended)" in problem
        assert app.query_one("#bf-bucket-problem").display
        assert not app.query_one("#bf-dynamodb_table-problem").display
        assert "nothing was written" in text_of(app, "#be-status")
        # A required field left empty is marked at that field, before AWS is asked.
        app.query_one("#bf-key", Input).value = ""
        app.query_one("#be-check", Button).press()
        await settle(app, pilot)
        assert "key is required" in text_of(app, "#bf-key-problem")
        assert not next_enabled(app)
    assert not (seeded.previous_tf / BOOK.backend_file).exists()


async def test_b1_migration_answered_yes_through_the_dialog(seeded: SeededWorld) -> None:
    tf = seeded.previous_tf
    local = read_state(tf / BOOK.state_file)
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "backend")
        app.query_one("#be-b1", Button).press()
        await settle(app, pilot)
        app.query_one("#be-migrate", Button).press()
        await until_dialog(app, pilot)
        dialog = app.screen
        prompt = text_of(app, "#dialog-body")
        assert prompt.startswith("Do you want to copy existing state to the new backend?")
        assert 'Enter "yes" to copy and "no" to start with an empty state.' in prompt
        safe = dialog.query_one("#dialog-cancel", Button)  # the safe default
        await wait_until(app, pilot, lambda: app.focused is safe, "focus on the dialog's Cancel")
        dialog.query_one("#dialog-confirm", Button).press()
        await settle_until(
            app, pilot, lambda: app.statuses["backend"] is StepStatus.DONE, "the Backend step done"
        )
        result = text_of(app, "#be-result")
        where = f"s3://{seeded.seed.state_bucket}/{STATE_KEY}"
        assert result.startswith("The tool copied the state.")
        assert f"Verified: {where} has the local state's lineage {local.lineage} and serial 57" in (
            result
        )
        assert "Only then was the local file renamed terraform.tfstate.migrated-to-s3" in result
        assert text_of(app, "#be-headline").strip() == "Option B.2 — the state is in S3"
        assert any(
            "Successfully configured the backend" in line
            for line in app.query_one("#be-output", Log).lines
        )
        # B.2 now: the form is gone, the tool's output stays on screen.
        assert not app.query_one("#be-form").display
        assert app.query_one("#be-migration").display and app.query_one("#be-output").display
        assert next_enabled(app)
    assert not (tf / BOOK.state_file).exists()
    assert (tf / BOOK.state_migrated).exists()
    body = boto3.client("s3", region_name=seeded.world.region).get_object(
        Bucket=seeded.seed.state_bucket, Key=STATE_KEY
    )["Body"]
    remote = json.loads(body.read())
    assert (remote["lineage"], remote["serial"]) == (local.lineage, local.serial)
    records = journal(seeded.world.current)
    ops = [(r["op"], Path(r["path"]).name) for r in records if r["kind"] == "file_op"]
    assert ("write", BOOK.backend_file) in ops
    assert ("rename", BOOK.state_migrated) in ops
    commands = [r for r in records if r["kind"] == "command"]
    assert commands[-1]["argv"][1:3] == ["init", "-migrate-state"]
    assert commands[-1]["exit_code"] == 0
    assert bodies_of(seeded.world.current, BackendMigrated)[-1] == BackendMigrated(
        MigrationOutcome.MIGRATED, ("yes",), "lineage, serial and content compared"
    )


async def test_b1_answer_no_renames_nothing(seeded: SeededWorld) -> None:
    tf = seeded.previous_tf
    before = (tf / BOOK.state_file).read_bytes()
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "backend")
        app.query_one("#be-b1", Button).press()
        await settle(app, pilot)
        app.query_one("#be-migrate", Button).press()
        await until_dialog(app, pilot)
        await pilot.press("escape")  # Escape answers no
        await settle_until(
            app, pilot, lambda: "You answered no" in text_of(app, "#be-result"), "the no answered"
        )
        assert app.statuses["backend"] is not StepStatus.DONE
        assert not next_enabled(app)
    assert (tf / BOOK.state_file).read_bytes() == before
    assert not (tf / BOOK.state_migrated).exists()


# What real Terraform 1.11 does (tests/engine/test_backend_migration_terraform.py): it asks,
# empties the local terraform.tfstate, and the S3 copy gets a new lineage and serial 1.
PROMPT = (
    "Initializing the backend...\n"
    "Do you want to copy existing state to the new backend?\n"
    '  Pre-existing state was found while migrating the previous "local" backend to the\n'
    '  newly configured "s3" backend. Enter "yes" to copy and "no" to start with an empty state.\n'
    "\n"
    "  Enter a value: "
)
ASKS_THEN_EMPTIES = f"printf '%s' '{PROMPT}'\nread answer\n: > terraform.tfstate\n"


def relineaged_copy(seeded: SeededWorld) -> None:
    """Put in the bucket what Terraform writes: the local state with a new lineage, serial 1."""
    raw = json.loads((seeded.previous_tf / BOOK.state_file).read_text())
    raw.update(lineage="0000-terraform-new", serial=1)
    boto3.client("s3", region_name=seeded.world.region).put_object(
        Bucket=seeded.seed.state_bucket, Key=STATE_KEY, Body=json.dumps(raw, indent=2)
    )


async def start_b1(app: WizardApp, pilot: WizardPilot) -> None:
    await open_step(app, pilot, "backend")
    app.query_one("#be-b1", Button).press()
    await settle(app, pilot)
    app.query_one("#be-migrate", Button).press()
    await until_dialog(app, pilot)


async def test_b1_new_lineage_is_said_and_the_content_compared_instead(
    seeded: SeededWorld, tmp_path: Path
) -> None:
    tf = seeded.previous_tf
    original = (tf / BOOK.state_file).read_bytes()
    local = read_state(tf / BOOK.state_file)
    relineaged_copy(seeded)
    terraform_like = fake_tool(tmp_path / "fakebin", "tofu", ASKS_THEN_EMPTIES)
    app = world_app(seeded, tofu_bin=str(terraform_like))
    async with app.run_test(size=(120, 40)) as pilot:
        await start_b1(app, pilot)
        app.screen.query_one("#dialog-confirm", Button).press()
        await settle_until(
            app, pilot, lambda: app.statuses["backend"] is StepStatus.DONE, "the Backend step done"
        )
        result = text_of(app, "#be-result")
        assert "Lineage and serial could not be compared: the tool gave the S3 copy a new " in (
            result
        )
        assert "lineage 0000-terraform-new and serial 1 (the local state has lineage " in result
        assert f"{local.lineage}, serial 57). Compared instead: resources and outputs." in result
        assert "Verified by content:" in result
        assert "Only then was the local file renamed terraform.tfstate.migrated-to-s3" in result
        assert "The tool had emptied terraform.tfstate during init" in result
        assert text_of(app, "#be-headline").strip() == "Option B.2 — the state is in S3"
    assert not (tf / BOOK.state_file).exists()
    assert (tf / BOOK.state_migrated).read_bytes() == original
    records = journal(seeded.world.current)
    ops = [(r["op"], Path(r["path"]).name) for r in records if r["kind"] == "file_op"]
    assert ops[-2:] == [("write", BOOK.state_file), ("rename", BOOK.state_migrated)]
    assert bodies_of(seeded.world.current, BackendMigrated)[-1] == BackendMigrated(
        MigrationOutcome.MIGRATED,
        ("yes",),
        "content compared (the tool gave S3 a new lineage 0000-terraform-new)",
    )


async def test_b1_stopped_after_the_answer_sends_sigint_and_renames_nothing(
    seeded: SeededWorld, tmp_path: Path
) -> None:
    tf = seeded.previous_tf
    before = (tf / BOOK.state_file).read_bytes()
    hangs = fake_tool(tmp_path / "fakebin", "tofu", ASKS_THEN_EMPTIES + "sleep 600\n")
    app = world_app(seeded, tofu_bin=str(hangs))
    async with app.run_test(size=(120, 40)) as pilot:
        await start_b1(app, pilot)
        flow = app.query_one(StateMigrationFlow)
        app.screen.query_one("#dialog-confirm", Button).press()
        # No settle: the worker waits on the hanging tool. The dialog goes once answered.
        await wait_until(app, pilot, lambda: not migration_dialog_up(app), "the prompt answered")
        assert flow.migrating
        assert app.focused is app.query_one("#be-output")
        assert flow.migrating
        await pilot.press("x")
        await settle_until(app, pilot, lambda: not flow.migrating, "the migration stopped")
        result = text_of(app, "#be-result")
        assert f"You stopped `{hangs} init -migrate-state` (SIGINT)." in result
        assert "Nothing was renamed; terraform.tfstate is still the state." in result
        assert "wrote its original bytes back" in result
        assert app.statuses["backend"] is not StepStatus.DONE
    assert (tf / BOOK.state_file).read_bytes() == before
    assert not (tf / BOOK.state_migrated).exists()
    records = journal(seeded.world.current)
    command = [r for r in records if r["kind"] == "command"][-1]
    assert (command["argv"][1:3], command["outcome"]) == (["init", "-migrate-state"], "cancelled")
    assert bodies_of(seeded.world.current, BackendMigrated)[-1] == BackendMigrated(
        MigrationOutcome.CANCELLED, ("yes",), ""
    )
