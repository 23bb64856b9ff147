"""Focus after each Carry-over action (issue 18's audit): preview → Apply; apply → the
table ("nothing left"), where F3 goes on; a cancelled dialog gives Apply back."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button

from tests.support.tofu_steps import open_step, seeded_world, world_app
from tests.support.waiting import dialog_focused, focus_on, settle_until, wait_until
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint


async def test_focus_after_preview_and_apply(aws: AwsEndpoint, tmp_path: Path) -> None:
    app = world_app(seeded_world(tmp_path, aws))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "carry_over")
        await wait_until(app, pilot, focus_on(app, "#co-apply"), "preview: Apply focused")
        await pilot.press("r")
        await wait_until(app, pilot, focus_on(app, "#co-apply"), "preview again: Apply")
        await pilot.press("a")
        await wait_until(app, pilot, dialog_focused(app), "the apply question")
        await pilot.press("enter")  # Enter cancels (Cancel has the focus)
        await wait_until(app, pilot, focus_on(app, "#co-apply"), "dialog closed: Apply again")
        await pilot.press("a")
        await wait_until(app, pilot, dialog_focused(app), "the apply question")
        app.screen.query_one("#dialog-confirm", Button).press()
        await settle_until(
            app, pilot, lambda: app.statuses["carry_over"] is StepStatus.DONE, "carried over"
        )
        await wait_until(app, pilot, focus_on(app, "#co-table"), "apply: the table focused")
