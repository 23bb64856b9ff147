"""Pilot tests of the Helm step's sync on the sandbox world: every release deployed and the
log written, a hanging sync cancelled with SIGINT, helm missing from PATH said plainly."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.message import Message

from tests.support.helm_screen import (
    BOOK,
    helm_app,
    helm_status,
    history,
    journal_records,
    open_helm,
    panel_of,
    press,
    ready_for_sync,
    text_of,
)
from tests.support.waiting import BOUND_S, focus_on, run_until_idle, wait_until
from tui.core.helm.sync import ReleaseState
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.world import World
from tui.screens.helm.sync import SyncSection
from tui.widgets.dialogs.confirm import ConfirmDialog


@pytest.mark.parametrize("style", ["1.1", "1.7"])
async def test_sync_deploys_every_release_and_writes_the_log(
    world: World, aws: AwsEndpoint, style: str
) -> None:
    app = helm_app(world, aws.env, MOCM_SANDBOX_HELMFILE_STYLE=style)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        assert text_of(app, "#sync-gate").startswith("Ready to sync (s)")
        await press(app, pilot, "s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(app, pilot, "enter")  # No has the focus: Enter syncs nothing
        assert not isinstance(app.screen, ConfirmDialog)
        assert not world.current.joinpath(BOOK.helm_sync_log).exists()
        await press(app, pilot, "s")
        await press(app, pilot, "y")
        await wait_until(app, pilot, focus_on(app, "#helm-tabs Tabs"), "synced: the tab row")
        progress = text_of(app, "#sync-progress")
        for line in (
            "1. mocm-bootstrap-1     ✔ deployed rev 9 (was 8)  0s",
            "2. mocm-bootstrap-2     ✔ deployed rev 9 (was 8)  0s",
            "3. mocm-service         ✔ deployed rev 7 (was 6)  0s",
        ):
            assert line in progress
        assert "✔ Sync succeeded: every release is deployed." in text_of(app, "#sync-outcome")
        assert helm_status(app) is StepStatus.DONE
    log = (world.current / BOOK.helm_sync_log).read_text()
    heading = "Updated Releases" if style == "1.7" else "UPDATED RELEASES:"
    assert "Upgrading release=mocm-service, chart=charts/mocm-service" in log and heading in log
    assert [h["status"] for h in history(world, "mocm-service")][-1] == "deployed"
    assert any(
        r["kind"] == "step_completed" and r["step"] == "helm"
        for r in journal_records(world.current)
    )


async def test_hanging_sync_is_cancelled_with_sigint(world: World, aws: AwsEndpoint) -> None:
    upgrading = asyncio.Event()

    def hook(message: Message) -> None:
        if (
            isinstance(message, SyncSection.Progress)
            and message.event.state is ReleaseState.UPGRADING
        ):
            upgrading.set()

    app = helm_app(world, aws.env, MOCM_SANDBOX_HANG="sync")
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        await pilot.press("s", "y")
        await asyncio.wait_for(upgrading.wait(), timeout=BOUND_S)
        assert text_of(app, "#sync-gate").startswith("Sync running")
        assert panel_of(app).check_action("cancel", ()) is True
        await press(app, pilot, "x")
        await run_until_idle(app, pilot)
        # x: the tab row; then the stopped sync offers the rollback of what it left
        await wait_until(app, pilot, focus_on(app, "#rb-run"), "x, stopped: the rollback")
        assert "Sync cancelled — stopped with SIGINT." in text_of(app, "#sync-outcome")
        assert "1. mocm-bootstrap-1     ⚠ interrupted" in text_of(app, "#sync-progress")
        assert "to revision 8" in text_of(app, "#rb-offer")
        assert helm_status(app) is StepStatus.IN_PROGRESS
    assert "interrupted by SIGINT" in (world.current / BOOK.helm_sync_log).read_text()


async def test_helm_missing_from_path(world: World, aws: AwsEndpoint, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    app = helm_app(world, aws.env, PATH=str(empty))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        status = text_of(app, "#hist-status")
        assert "Cannot record the revisions: Command not found: 'helm'" in status
        assert "Install helm or put the directory that holds it on PATH." in status
        await press(app, pilot, "2", "a", "5", "d")
        assert "Command not found: 'helmfile'" in text_of(app, "#diff-status")
        await press(app, pilot, "6")
        assert "revisions recorded" in text_of(app, "#sync-gate")
