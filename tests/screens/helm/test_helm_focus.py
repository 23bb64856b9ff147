"""Focus after each Helm action (issue 18's audit): the tab row is home (1-6 and every
section key work from it); a check with images missing lands on loadimage.sh; the diff in
its parsed view (n/p at once), o toggles to the raw output and back."""

from __future__ import annotations

from pathlib import Path

from tests.support.helm_screen import helm_app, helm_world, open_helm, press
from tests.support.waiting import focus_on, wait_until
from tui.sandbox.aws_endpoint import AwsEndpoint

TABS = "#helm-tabs Tabs"


async def test_focus_after_each_helm_action(tmp_path: Path, aws: AwsEndpoint) -> None:
    app = helm_app(helm_world(tmp_path, aws.env), aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "c")  # one image is missing in the world's ECR
        await wait_until(app, pilot, focus_on(app, "#img-load"), "check: loadimage.sh next")
        await press(app, pilot, "2")
        await wait_until(app, pilot, focus_on(app, TABS), "section: the tab row")
        await press(app, pilot, "a")
        await wait_until(app, pilot, focus_on(app, TABS), "acknowledge: the tab row")
        await press(app, pilot, "3", "h")
        await wait_until(app, pilot, focus_on(app, TABS), "revisions: the tab row")
        await press(app, pilot, "4", "i")
        await wait_until(app, pilot, focus_on(app, TABS), "lint: the tab row")
        await press(app, pilot, "5", "d")
        await wait_until(app, pilot, focus_on(app, "#diff-view"), "diff: the parsed diff")
        await press(app, pilot, "o")
        await wait_until(app, pilot, focus_on(app, "#diff-log"), "o: the raw output")
        await press(app, pilot, "o")
        await wait_until(app, pilot, focus_on(app, "#diff-view"), "o again: the parsed diff")
