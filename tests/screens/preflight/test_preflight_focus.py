"""Focus after each Preflight action (issue 18's audit): the checks table is home, where
b, w and s work on the highlighted row; a refresh that fails leaves Re-run focused."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Static

from tests.support.tofu_steps import open_step, seeded_world, world_app
from tests.support.waiting import dialog_focused, focus_on, settle, settle_until, wait_until
from tui.sandbox.aws_endpoint import AwsEndpoint


async def test_focus_after_refresh_backup_and_waive(aws: AwsEndpoint, tmp_path: Path) -> None:
    app = world_app(seeded_world(tmp_path, aws))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "preflight")
        await wait_until(app, pilot, focus_on(app, "#pf-checks"), "checks: the table")
        app.query_one("#pf-refresh", Button).focus()
        await pilot.press("r")
        await settle(app, pilot)
        await wait_until(app, pilot, focus_on(app, "#pf-checks"), "refresh: the table")
        app.query_one("#pf-backup-now", Button).focus()
        await pilot.press("b")
        await settle(app, pilot)
        await wait_until(app, pilot, focus_on(app, "#pf-checks"), "backup: the table")
        await pilot.press("w")
        await wait_until(app, pilot, dialog_focused(app), "the waiver's reason, asked")
        app.screen.query_one("#dialog-input", Input).value = "checked by hand"
        await pilot.pause()
        app.screen.query_one("#dialog-confirm", Button).press()
        await wait_until(app, pilot, focus_on(app, "#pf-checks"), "waive: the table")


async def test_focus_after_the_optional_snapshot(aws: AwsEndpoint, tmp_path: Path) -> None:
    """s asks (the dialog), Escape gives the table back; taken, the table again, the
    line under it says so."""
    app = world_app(seeded_world(tmp_path, aws))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "preflight")
        await wait_until(app, pilot, focus_on(app, "#pf-checks"), "checks: the table")
        await pilot.press("s")
        await wait_until(app, pilot, dialog_focused(app), "the snapshot dialog")
        await pilot.press("escape")
        await wait_until(app, pilot, focus_on(app, "#pf-checks"), "cancelled: the table")
        await pilot.press("s")
        await wait_until(app, pilot, dialog_focused(app), "the snapshot dialog")
        app.screen.query_one("#dialog-confirm", Button).press()
        await settle_until(
            app,
            pilot,
            lambda: "available" in str(app.query_one("#pf-snapshot", Static).render()),
            "the snapshot taken",
        )
        await wait_until(app, pilot, focus_on(app, "#pf-checks"), "snapshot: the table")
