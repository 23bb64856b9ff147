"""Focus after the Releases step's one action (issue 18's audit): the pair chosen, the
what's-new table has the focus (arrows read each diff, F3 goes on)."""

from __future__ import annotations

from pathlib import Path

from tests.support.tofu_steps import seeded_world, world_app
from tests.support.waiting import focus_on, settle, wait_until
from tui.sandbox.aws_endpoint import AwsEndpoint


async def test_the_changes_table_has_the_focus_once_the_pair_is_used(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    app = world_app(seeded_world(tmp_path, aws))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await wait_until(app, pilot, focus_on(app, "#changes"), "use: the changes table")
        await pilot.press("down")
        assert app.query_one("#changes").has_focus  # arrows browse the diffs at once
