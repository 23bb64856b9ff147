"""Snapshots at 80×24 of the Plan step after a plan (the review) and of the Apply step at
its gate, on the demo world. Masked: the state's lineage (the world mints one), the plan
file's checksum (a zip with timestamps) and the review time are fixed.

Regenerate with `pytest tests/snapshots --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tui.core.tofu.plan.shown
from tests.support.plan_apply_screens import (
    BOOK,
    carried_world,
    open_step,
    tf_dir,
    world_app,
)
from tests.support.tofu_steps import steps_as_if_only_mine
from tests.support.waiting import (
    WizardPilot,
    dialog_focused,
    run_until_idle,
    wait_until,
)
from tui.app import WizardApp
from tui.core.tofu.plan.reviewed import ReviewedPlan, StateMark

LINEAGE = "5f0c2a9e-7d41-4b8e-9c3a-2e6f1d8b4a70"
PLAN_SHA = "3b8f0e51c2d94a7e" + "0" * 48
REVIEWED_AT = "2026-05-20T09:30:00+00:00"


def fixed_review(plan_path: Path, state: StateMark | None) -> ReviewedPlan:
    return ReviewedPlan(plan_path, PLAN_SHA, state, REVIEWED_AT)


def snapshot_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WizardApp:
    monkeypatch.setattr(tui.core.tofu.plan.shown, "record_review", fixed_review)
    world = carried_world(tmp_path)
    for release in (world.previous, world.current):
        path = tf_dir(release) / BOOK.state_file
        state = json.loads(path.read_text())
        state["lineage"] = LINEAGE
        path.write_text(json.dumps(state, indent=2) + "\n")
    return world_app(world)


async def planned(app: WizardApp, pilot: WizardPilot) -> None:
    await open_step(app, pilot, "plan")
    await pilot.press("enter")  # the Plan button has the focus
    await run_until_idle(app, pilot)


def test_plan_step_after_a_plan_80x24(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = snapshot_app(tmp_path, monkeypatch)

    async def run_before(pilot: WizardPilot) -> None:
        await planned(app, pilot)
        steps_as_if_only_mine(app, "plan")
        await run_until_idle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_apply_step_at_its_gate_80x24(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = snapshot_app(tmp_path, monkeypatch)

    async def run_before(pilot: WizardPilot) -> None:
        await planned(app, pilot)
        await pilot.press("g")
        await wait_until(app, pilot, dialog_focused(app), "the approval dialog, focused")
        await pilot.press("y")  # the sandbox plan is safe: one confirmation, its own key
        await run_until_idle(app, pilot)
        app.clear_notifications()
        app.show_step("apply")
        steps_as_if_only_mine(app, "apply")
        await run_until_idle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
