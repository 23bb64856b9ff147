"""Pilot tests of the Preflight step on the seeded demo world (moto, stand-in tools)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import boto3
import pytest
from textual.widgets import Button, DataTable, Input

from tests.support.journal import bodies_of
from tests.support.screen_text import text_of
from tests.support.tofu_steps import (
    BOOK,
    SeededWorld,
    journal,
    next_enabled,
    open_step,
    seeded_world,
    table_rows,
    world_app,
)
from tests.support.waiting import WizardPilot, dialog_focused, settle, settle_until, wait_until
from tui.app import WizardApp
from tui.core.journal.events import (
    AwsIdentityConfirmed,
    PreflightItemWaived,
    SnapshotPurpose,
    SnapshotRecorded,
)
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.reason import ReasonDialog


@pytest.fixture
def seeded(aws: AwsEndpoint, tmp_path: Path) -> SeededWorld:
    return seeded_world(tmp_path, aws)


def rows_by_item(app: WizardApp) -> dict[str, list[str]]:
    return {row[1]: row for row in table_rows(app, "#pf-checks")}


async def detail_of(app: WizardApp, pilot: WizardPilot, item: str) -> str:
    """The detail pane of one item (the table cuts long sentences; the pane has them whole)."""
    table = app.query_one("#pf-checks", DataTable)
    table.move_cursor(row=list(rows_by_item(app)).index(item))
    await pilot.pause()  # the highlight's message updates the pane
    return " ".join(text_of(app, "#pf-detail").split())


async def waive(app: WizardApp, pilot: WizardPilot, item: str, reason: str) -> None:
    """Waive one failed item through its dialog, with a typed reason."""
    table = app.query_one("#pf-checks", DataTable)
    table.focus()
    table.move_cursor(row=list(rows_by_item(app)).index(item))
    await pilot.pause()
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(app.screen, ReasonDialog)
    app.screen.query_one("#dialog-input", Input).value = reason
    await pilot.pause()
    assert not app.screen.query_one("#dialog-confirm", Button).disabled
    app.screen.query_one("#dialog-confirm", Button).press()
    await settle(app, pilot)


DLM_REASON = "the demo endpoint has no DLM; policy checked in the console"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_the_aws_identity_is_journaled_and_shown_again_after_a_restart(
    seeded: SeededWorld,
) -> None:
    world = seeded.world
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
    [who] = bodies_of(world.current, AwsIdentityConfirmed)
    assert (who.account, who.region) == (world.account_id, world.region)
    assert who.principal.startswith("arn:aws:") and who.step == "preflight"
    again = world_app(seeded)
    async with again.run_test(size=(120, 40)) as pilot:
        # the banner names the journaled identity at once, before any check runs
        banner = f"AWS {world.account_id} · {world.region} · user/moto"  # moto's caller
        await wait_until(again, pilot, lambda: banner in text_of(again, "#banner"), "the banner")
        # resumed where the operator was, where the identity is checked again
        await wait_until(
            again, pilot, lambda: bool(again.query("#pf-checks")), "the Preflight checks shown"
        )
        await settle_until(
            again,
            pilot,
            lambda: rows_by_item(again).get("AWS identity", ["…"])[0] == "✔ pass",
            "the AWS identity checked again",
        )
    # the same identity confirmed again is journaled once
    assert bodies_of(world.current, AwsIdentityConfirmed) == [who]


async def test_identity_in_banner_and_every_check_shown(seeded: SeededWorld) -> None:
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
        banner = text_of(app, "#banner")
        # the account, the region, the principal's short form (moto's caller is user/moto)
        assert f"AWS {seeded.world.account_id} · {seeded.world.region} · user/moto" in banner
        rows = rows_by_item(app)
        assert list(rows) == [
            "OpenTofu version",
            "helm",
            "helmfile",
            "AWS identity",
            "MongoDB EBS snapshots",
            "S3 buckets",
            "State backup",
        ]
        assert rows["OpenTofu version"][0] == "✔ pass"
        assert "OpenTofu 1.10.7" in rows["OpenTofu version"][2]
        assert rows["S3 buckets"][0] == "✔ pass"
        assert "All 7 buckets exist and are versioned" in await detail_of(app, pilot, "S3 buckets")
        assert rows["State backup"][0] == "▲ warn"
        assert "What to do: Take the backup" in await detail_of(app, pilot, "State backup")
        # moto has no DLM API: the call's error is a failure, shown, never a pass.
        assert rows["MongoDB EBS snapshots"][0] == "✖ fail"
        snapshots = await detail_of(app, pilot, "MongoDB EBS snapshots")
        assert "DLM (Data Lifecycle Manager) did not answer" in snapshots
        assert "(dlm:GetLifecyclePolicies in " in snapshots and ": HTTP 5" in snapshots
        assert "the newest snapshot a DLM policy made, snap-" in snapshots
        assert "<" not in snapshots and "Internal Server Error" not in snapshots
        assert "1 fail · 1 warn · 5 pass" in text_of(app, "#pf-summary")
        # The backup is still to do: Next stays greyed out.
        assert app.statuses["preflight"] is StepStatus.IN_PROGRESS
        assert not next_enabled(app)
    tofu = [
        r
        for r in journal(seeded.world.current)
        if r["kind"] == "command" and r["argv"][1:] == ["version", "-json"]
    ]
    assert [(r["exit_code"], r["step"], r["outcome"]) for r in tofu] == [(0, "preflight", "")]


async def test_backup_then_already_backed_up(seeded: SeededWorld) -> None:
    state = seeded.previous_tf / BOOK.state_file
    backup = seeded.previous_tf / BOOK.state_pre_upgrade
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
        assert not app.query_one("#pf-backup-now", Button).disabled
        app.query_one("#pf-checks", DataTable).focus()
        await pilot.press("b")
        await settle(app, pilot)
        assert sha(backup) == sha(state)
        assert "Backed up terraform.tfstate to terraform.tfstate.pre-upgrade" in text_of(
            app, "#pf-backup"
        )
        assert rows_by_item(app)["State backup"][0] == "✔ pass"
        assert app.statuses["preflight"] is StepStatus.IN_PROGRESS  # the DLM failure blocks
        await waive(app, pilot, "MongoDB EBS snapshots", DLM_REASON)
        assert app.statuses["preflight"] is StepStatus.DONE
        assert next_enabled(app)
        assert app.query_one("#pf-backup-now", Button).disabled
    ops = [r for r in journal(seeded.world.current) if r["kind"] == "file_op"]
    assert ops[-1]["op"] == "backup" and ops[-1]["path"] == str(backup)
    assert ops[-1]["sha256_after"] == sha(state)

    # A second run (a restart) finds the backup and says so; nothing is rewritten.
    before = backup.stat().st_mtime_ns
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
        row = rows_by_item(app)["State backup"]
        assert row[0] == "✔ pass" and row[2].startswith("Already backed up")
        assert app.query_one("#pf-backup-now", Button).disabled
        assert next_enabled(app)
    assert backup.stat().st_mtime_ns == before


async def test_different_backup_is_kept_and_free_name_offered(seeded: SeededWorld) -> None:
    backup = seeded.previous_tf / BOOK.state_pre_upgrade
    backup.write_text("{}\n")  # a stale, different backup
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
        assert rows_by_item(app)["State backup"][0] == "✖ fail"
        app.query_one("#pf-checks", DataTable).focus()
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # not destructive: the free name's button has the focus
        await settle(app, pilot)
        row = rows_by_item(app)["State backup"]
        assert row[0] == "▲ warn"
        said = await detail_of(app, pilot, "State backup")
        assert "Backed up to terraform.tfstate.pre-upgrade.1 (verified, journaled)" in said
        assert "the existing terraform.tfstate.pre-upgrade differs and was kept" in said
        await waive(app, pilot, "MongoDB EBS snapshots", DLM_REASON)
        assert app.statuses["preflight"] is StepStatus.DONE
    assert backup.read_text() == "{}\n"
    free = seeded.previous_tf / f"{BOOK.state_pre_upgrade}.1"
    assert sha(free) == sha(seeded.previous_tf / BOOK.state_file)


async def test_failure_blocks_next_until_waived_with_reason(seeded: SeededWorld) -> None:
    missing = seeded.seed.buckets[0]
    s3 = boto3.client("s3", region_name=seeded.world.region)
    s3.delete_bucket(Bucket=missing)
    (seeded.previous_tf / BOOK.state_pre_upgrade).write_bytes(
        (seeded.previous_tf / BOOK.state_file).read_bytes()
    )
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
        rows = rows_by_item(app)
        assert rows["S3 buckets"][0] == "✖ fail"
        assert missing in await detail_of(app, pilot, "S3 buckets")
        assert "2 fail" in text_of(app, "#pf-summary")  # the buckets, and DLM's error
        await waive(app, pilot, "MongoDB EBS snapshots", DLM_REASON)
        assert not next_enabled(app)
        table = app.query_one("#pf-checks", DataTable)
        table.focus()
        table.move_cursor(row=list(rows).index("S3 buckets"))
        await pilot.pause()
        await pilot.press("w")
        await wait_until(app, pilot, dialog_focused(app), "the waiver's reason asked")
        assert isinstance(app.screen, ReasonDialog)
        # An empty reason is refused on screen, nothing journaled.
        assert app.screen.query_one("#dialog-confirm", Button).disabled
        await pilot.press("enter")
        assert "Type a reason first" in text_of(app, "#dialog-problem")
        app.screen.query_one(
            "#dialog-input", Input
        ).value = "bucket retired last quarter, ticket OPS-7"
        await pilot.pause()
        app.screen.query_one("#dialog-confirm", Button).press()
        await settle(app, pilot)
        assert rows_by_item(app)["S3 buckets"][0] == "≈ waived (fail)"
        assert "OPS-7" in text_of(app, "#pf-detail")
        assert app.statuses["preflight"] is StepStatus.DONE
        assert next_enabled(app)
    records = journal(seeded.world.current)
    waiver = bodies_of(seeded.world.current, PreflightItemWaived)[-1]
    assert (waiver.item, waiver.status) == ("S3 buckets", "fail")
    assert waiver.reason == "bucket retired last quarter, ticket OPS-7"
    waived = [r for r in records if r["kind"] == "step_waived"]
    assert waived[-1]["step"] == "preflight" and "OPS-7" in waived[-1]["reason"]

    # After a restart the waiver still stands (read back from the journal).
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
        assert rows_by_item(app)["S3 buckets"][0] == "≈ waived (fail)"
        assert next_enabled(app)


async def test_missing_tool_fails_with_what_to_do(seeded: SeededWorld) -> None:
    app = world_app(seeded, tofu_bin="tofu-not-installed")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
        row = rows_by_item(app)["OpenTofu version"]
        assert row[0] == "✖ fail"
        said = await detail_of(app, pilot, "OpenTofu version")
        assert "tofu-not-installed is not installed or not on the PATH" in said
        assert "What to do: Install tofu-not-installed" in said
        assert not next_enabled(app)
    # each probe is journaled for the change record, the one that could not start too
    probes = {
        r["argv"][0]: r
        for r in journal(seeded.world.current)
        if r["kind"] == "command" and r["step"] == "preflight"
    }
    assert sorted(probes) == ["helm", "helmfile", "tofu-not-installed"]
    missing = probes["tofu-not-installed"]
    assert missing["argv"] == ["tofu-not-installed", "version", "-json"]
    assert missing["exit_code"] is None and "Command not found" in missing["outcome"]
    assert probes["helm"]["exit_code"] == 0 and probes["helmfile"]["exit_code"] == 0
    assert all(r["transcript"] is None for r in probes.values())


async def test_optional_cache_snapshot_taken_on_request(seeded: SeededWorld) -> None:
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "preflight")
        app.query_one("#pf-checks", DataTable).focus()
        await pilot.press("s")
        await wait_until(app, pilot, dialog_focused(app), "the snapshot dialog")
        name = app.screen.query_one("#snap-name", Input).value
        assert name.startswith(f"{seeded.seed.cache_cluster_id}-pre-upgrade-")
        app.screen.query_one("#dialog-confirm", Button).press()
        await settle(app, pilot)
        assert f"snapshot {name} of {seeded.seed.cache_cluster_id}" in text_of(app, "#pf-snapshot")
    described = boto3.client("elasticache", region_name=seeded.world.region).describe_snapshots(
        SnapshotName=name
    )
    assert described["Snapshots"][0]["CacheClusterId"] == seeded.seed.cache_cluster_id
    snapshot = bodies_of(seeded.world.current, SnapshotRecorded)[-1]
    assert snapshot.purpose is SnapshotPurpose.OPTIONAL and snapshot.name == name
    assert snapshot.source_id == seeded.seed.cache_cluster_id and not snapshot.already_existed
