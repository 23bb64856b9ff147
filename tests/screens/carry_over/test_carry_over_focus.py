"""Focus after each Carry-over action (issue 18's audit): preview → Apply; apply → the
table ("nothing left"), where F3 goes on; a cancelled dialog gives Apply back."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Button, DataTable, Static

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


async def test_enter_reads_a_rows_detail_and_esc_goes_back_at_80x24(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    """At 80×24 the detail pane shows a few lines: Enter on a row moves into it, the
    arrows scroll it to its last line (the block appended), Esc is back on the row."""
    app = world_app(seeded_world(tmp_path, aws))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "carry_over")
        await wait_until(app, pilot, focus_on(app, "#co-apply"), "preview: Apply focused")
        table = app.query_one("#co-table", DataTable)
        table.focus()
        table.move_cursor(row=5)  # the tfvars append: the longest detail
        await wait_until(app, pilot, focus_on(app, "#co-table"), "the table focused")
        await pilot.press("enter")
        await wait_until(app, pilot, focus_on(app, "#co-detail-scroll"), "Enter: the detail")
        pane = app.query_one("#co-detail-scroll", VerticalScroll)
        assert pane.max_scroll_y > 0  # at 80×24 it does not fit: scrolling is the point
        await pilot.press(*["down"] * pane.max_scroll_y)
        await wait_until(app, pilot, lambda: pane.scroll_y == pane.max_scroll_y, "scrolled")
        detail = str(app.query_one("#co-detail", Static).render())
        assert "(destination now)" in detail and "+#   --region" in detail.splitlines()[-1]
        await pilot.press("escape")
        await wait_until(app, pilot, focus_on(app, "#co-table"), "Esc: the table again")
        assert table.cursor_row == 5  # the same row
