"""Snapshot of the Carry-over preview at 120×40 on the demo world (fixed state lineage)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from tests.support.tofu_steps import (
    BOOK,
    open_step,
    seeded_world,
    steps_as_if_only_mine,
    world_app,
)
from tests.support.waiting import WizardPilot, settle
from tui.sandbox.aws_endpoint import AwsEndpoint

LINEAGE = "5f0c2a9e-7d41-4b8e-9c3a-2e6f1d8b4a70"


def test_carry_over_preview_120x40(snap_compare: Any, aws: AwsEndpoint, tmp_path: Path) -> None:
    assert carry_over_snapshot(snap_compare, aws, tmp_path, (120, 40))


def test_carry_over_preview_80x24(snap_compare: Any, aws: AwsEndpoint, tmp_path: Path) -> None:
    assert carry_over_snapshot(snap_compare, aws, tmp_path, (80, 24))


def test_carry_over_detail_read_80x24(snap_compare: Any, aws: AwsEndpoint, tmp_path: Path) -> None:
    """Enter on the tfvars row, then End: the detail pane scrolled to its last line."""
    assert carry_over_snapshot(snap_compare, aws, tmp_path, (80, 24), keys=("enter", "end"))


def carry_over_snapshot(
    snap_compare: Any,
    aws: AwsEndpoint,
    tmp_path: Path,
    size: tuple[int, int],
    keys: tuple[str, ...] = (),
) -> bool:
    seeded = seeded_world(tmp_path, aws)
    for name in (BOOK.state_file, BOOK.state_backup):
        path = seeded.previous_tf / name
        state = json.loads(path.read_text())
        state["lineage"] = LINEAGE  # the world mints a random one: fix it for stable checksums
        path.write_text(json.dumps(state, separators=(",", ":")) + "\n")
    app = world_app(seeded)

    async def run_before(pilot: WizardPilot) -> None:
        await open_step(app, pilot, "carry_over")
        steps_as_if_only_mine(app, "carry_over")
        table = app.query_one("#co-table", DataTable)
        table.move_cursor(row=5)  # the tfvars block as a diff
        if keys:
            table.focus()
            await settle(app, pilot)
            await pilot.press(*keys)
        await settle(app, pilot)

    return bool(snap_compare(app, terminal_size=size, run_before=run_before))
