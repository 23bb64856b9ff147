"""Focus after each Plan and Apply action (issue 18's audit; pipeline_focus): plan → the
review table (read it, g approves from there), approve → still the table (F3 goes on),
Apply step: the approved plan → Apply, applied → the log, archive → the log."""

from __future__ import annotations

from pathlib import Path

from tests.support.plan_apply_screens import carried_world, open_step, world_app
from tests.support.waiting import (
    dialog_focused,
    focus_on,
    run_until_idle,
    wait_until,
)
from tui.core.steps import StepStatus


async def test_plan_then_apply_focus_after_each_action(tmp_path: Path) -> None:
    app = world_app(carried_world(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "plan")
        await wait_until(app, pilot, focus_on(app, "#plan-plan-button"), "idle: Plan focused")
        await pilot.press("p")
        await run_until_idle(app, pilot)
        table = "#plan-review #plan-table"
        await wait_until(app, pilot, focus_on(app, table), "reviewed: the review table")
        await pilot.press("l")
        await wait_until(app, pilot, focus_on(app, "#plan-log"), "the log shown: the log")
        await pilot.press("l")
        await wait_until(app, pilot, focus_on(app, table), "the log hidden: the table")
        await pilot.press("g")
        await wait_until(app, pilot, dialog_focused(app), "the approval, asked")
        await pilot.press("y")
        await run_until_idle(app, pilot)
        assert app.statuses["plan"] is StepStatus.DONE
        await wait_until(app, pilot, focus_on(app, table), "approved: the table (F3 goes on)")

        await pilot.press("f3")
        await wait_until(
            app, pilot, focus_on(app, "#apply-apply-button"), "Apply step: Apply focused"
        )
        await pilot.press("a")
        await wait_until(app, pilot, dialog_focused(app), "the apply's confirmation")
        await pilot.press("y")
        await run_until_idle(app, pilot)
        await wait_until(
            app, pilot, lambda: app.statuses["apply"] is StepStatus.DONE, "applied, archived"
        )
        await wait_until(app, pilot, focus_on(app, "#apply-log"), "applied: the log")
