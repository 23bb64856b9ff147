"""Snapshot at 80×24 of the Releases step as it opens on the demo world.

HOME is the test's tmp_path: the step shows the releases under it as ``~/…`` (absolute
paths would carry pytest's tmp_path into the snapshot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.tofu_steps import seeded_world, steps_as_if_only_mine, world_app
from tests.support.waiting import WizardPilot, settle
from tui.sandbox.aws_endpoint import AwsEndpoint


def test_releases_step_80x24(
    snap_compare: Any, aws: AwsEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    app = world_app(seeded_world(tmp_path, aws))

    async def opened(pilot: WizardPilot) -> None:
        await settle(app, pilot)
        steps_as_if_only_mine(app, "releases")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)
