"""Snapshot at 80×24 of the Backend step as it opens on the demo world (Option A offered).

The Releases step has none: it shows the releases' absolute paths, which live under
pytest's tmp_path and change with every run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.tofu_steps import open_step, seeded_world, steps_as_if_only_mine, world_app
from tests.support.waiting import WizardPilot, settle
from tui.sandbox.aws_endpoint import AwsEndpoint


def test_backend_step_80x24(snap_compare: Any, aws: AwsEndpoint, tmp_path: Path) -> None:
    app = world_app(seeded_world(tmp_path, aws))

    async def opened(pilot: WizardPilot) -> None:
        await open_step(app, pilot, "backend")
        steps_as_if_only_mine(app, "backend")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)
