"""Focus after each Stage-4 action (issue 18's audit): the tab row is home (1-6 and r work
from it): after a refresh, a section key, and Escape out of the threshold field."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.support.stage4_screen import open_stage4, seed_world, stage4_app, stage4_pair
from tests.support.waiting import focus_on, run_until_idle, wait_until
from tui.sandbox.aws_endpoint import AwsEndpoint

TABS = "#s4-tabs Tabs"


async def test_focus_after_each_stage4_action(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-baseline")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage4(app, pilot)
        await wait_until(app, pilot, focus_on(app, TABS), "evidence: the tab row")
        app.query_one("#s4-refresh").focus()
        await pilot.press("r")
        await run_until_idle(app, pilot)
        await wait_until(app, pilot, focus_on(app, TABS), "refresh: the tab row")
        await pilot.press("2")
        await wait_until(app, pilot, focus_on(app, TABS), "section: the tab row")
        await pilot.press("1")
        app.query_one("#s4-threshold", Input).focus()
        await pilot.press("escape")
        await wait_until(app, pilot, focus_on(app, TABS), "out of the field: the tab row")
