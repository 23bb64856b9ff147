"""The final snapshot on screen: polled to `available` with its progress shown (while AWS
says "creating" the step waits and says how long it waits), and only then counted."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.support.screen_text import text_of
from tests.support.stage4 import edit_replies
from tests.support.stage4_screen import open_stage4, seed_world, stage4_app, stage4_pair
from tests.support.waiting import settle, settle_until
from tui.core.stage4.gate import SnapshotDecision
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.stage4 import snapshot
from tui.screens.stage4.panel import Stage4Panel
from tui.screens.stage4.snapshot import SnapshotSection


async def test_the_snapshot_is_polled_to_available_with_progress(
    aws: AwsEndpoint, samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "POLL_SECONDS", 0.05)  # the poll interval, not a wait
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    made = threading.Event()  # AWS says "creating" until the test lets it finish

    def creating(parsed: dict[str, Any], call: int) -> None:
        if not made.is_set() and parsed.get("Snapshots"):
            parsed["Snapshots"][0]["SnapshotStatus"] = "creating"

    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage4(app, pilot)
        panel = app.query_one(Stage4Panel)
        assert panel.context is not None
        edit_replies(
            panel.context.aws.client("elasticache", panel.context.region),
            "DescribeSnapshots",
            creating,
        )
        app.query_one("#s4-tabs Tabs").focus()
        await pilot.press("4", "t")
        await settle_until(
            app,
            pilot,
            lambda: "creating after" in text_of(app, "#s4-snap-status"),
            "the progress shown",
        )
        status = text_of(app, "#s4-snap-status")
        assert "Waiting for acme-mocm-prod-cache-final to be available" in status
        assert "stops waiting after 30 min" in status
        assert app.query_one("#s4-snap-progress").display
        assert app.query_one(SnapshotSection).outcome is None  # not counted while creating
        made.set()
        await settle_until(
            app,
            pilot,
            lambda: "is available" in text_of(app, "#s4-snap-status"),
            "the snapshot available",
        )
        await settle(app, pilot)
        assert not app.query_one("#s4-snap-progress").display
        assert app.query_one(SnapshotSection).outcome is SnapshotDecision.TAKEN
        assert "✔ final snapshot taken" in text_of(app, "#s4-gate")
        assert app.focused is app.query_one("#s4-tabs Tabs")  # t: the tab row, 5 next
