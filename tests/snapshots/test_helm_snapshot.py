"""Snapshots of the Helm step on the sandbox world: its diff view at 120×40, the step as it
opens at 80×24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.helm_screen import helm_app, helm_world, open_helm, press
from tests.support.waiting import WizardPilot
from tui.sandbox.aws_endpoint import AwsEndpoint


def test_diff_view_grouped_and_coloured(
    snap_compare: Any, tmp_path: Path, aws: AwsEndpoint
) -> None:
    world = helm_world(tmp_path, aws.env)
    app = helm_app(world, aws.env)

    async def to_the_diff(pilot: WizardPilot) -> None:
        await open_helm(app, pilot)
        await press(app, pilot, "2", "a", "5", "d")

    assert snap_compare(app, terminal_size=(120, 40), run_before=to_the_diff)


def test_helm_step_as_it_opens_80x24(snap_compare: Any, tmp_path: Path, aws: AwsEndpoint) -> None:
    world = helm_world(tmp_path, aws.env)
    app = helm_app(world, aws.env)

    async def opened(pilot: WizardPilot) -> None:
        await open_helm(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)


def test_helm_changelog_acknowledged_80x24(
    snap_compare: Any, tmp_path: Path, aws: AwsEndpoint
) -> None:
    """After ``a`` the "✔ Acknowledged" line is on screen at 80×24, above the CHANGELOG."""
    world = helm_world(tmp_path, aws.env)
    app = helm_app(world, aws.env)

    async def acknowledged(pilot: WizardPilot) -> None:
        await open_helm(app, pilot)
        await press(app, pilot, "2", "a")

    assert snap_compare(app, terminal_size=(80, 24), run_before=acknowledged)
