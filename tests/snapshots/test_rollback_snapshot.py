"""Snapshots at 80×24 of the Rollback step: Option A (the restore plan, then the previous
release re-converging: planned and reviewed) and Option B (the version list with the
pre-upgrade version preselected from the journal).

Deterministic: Option A shows release paths shortened to ``…/mocm-<build>/terraform/aws``
and a fixed lineage; Option B's versions, current state and apply start are fixed values
(moto's version ids and times change on every run).

Regenerate with `pytest tests/snapshots --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import tui.core.tofu.plan.shown
import tui.screens.rollback.s3_view
from tests.support.plan_apply_screens import (
    BOOK,
    STATE_KEY,
    carried_world,
    open_step,
    tf_dir,
    world_app,
)
from tests.support.plan_apply_screens import S3_BACKEND as BACKEND
from tests.support.sandbox import new_world
from tests.support.tofu_steps import steps_as_if_only_mine
from tests.support.waiting import (
    WizardPilot,
    dialog_focused,
    run_until_idle,
    wait_until,
)
from tui.core.tofu.plan.reviewed import ReviewedPlan, StateMark
from tui.core.tofu.rollback.s3 import StateVersion

LINEAGE = "5f0c2a9e-7d41-4b8e-9c3a-2e6f1d8b4a70"


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 5, 20, hour, minute, 12, tzinfo=UTC)


VERSIONS = (  # oldest first, as list_state_versions gives them
    StateVersion("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", at(8, 2), 41_873, False),
    StateVersion("Wq9f1Pp2sJ1cEMNbK0Z3uT5yQ7a8vB6xN", at(9, 14), 41_873, False),
    StateVersion("hT2cK8mN4pQ6rS0uV1wX3yZ5aB7dE9fG1", at(9, 41), 45_310, False),
    StateVersion("Lz7yX5wV3uT1sR9qP7oN5mL3kJ1iH9gF7", at(9, 44), 46_022, True),
)
APPLY_STARTED = "2026-05-20T09:40:03.512+00:00"
PLAN_SHA = "7c1d4e0b9a2f6e83" + "0" * 48


def fixed_review(plan_path: Path, state: StateMark | None) -> ReviewedPlan:
    return ReviewedPlan(plan_path, PLAN_SHA, state, "2026-05-20T10:05:00+00:00")


def test_rollback_a_80x24(snap_compare: Any, tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    prev, curr = tf_dir(world.previous), tf_dir(world.current)
    for path in (prev / BOOK.state_file, curr / BOOK.state_file):
        state = json.loads(path.read_text())
        state["lineage"] = LINEAGE
        path.write_text(json.dumps(state, indent=2) + "\n")
    (prev / BOOK.state_pre_upgrade).write_bytes((prev / BOOK.state_file).read_bytes())
    app = world_app(world)

    async def run_before(pilot: WizardPilot) -> None:
        await open_step(app, pilot, "rollback")
        steps_as_if_only_mine(app, "rollback")
        await run_until_idle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_rollback_b_versions_80x24(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = tui.screens.rollback.s3_view
    monkeypatch.setattr(view, "list_state_versions", lambda s3, bucket, key: VERSIONS)
    current = StateMark(LINEAGE, 60, f"s3://bucket/{STATE_KEY}")
    monkeypatch.setattr(view, "current_state_mark", lambda s3, bucket, key: current)
    monkeypatch.setattr(view, "first_apply_start", lambda records: APPLY_STARTED)
    world = new_world(tmp_path)
    backend = BACKEND.format(bucket="acme-mocm-prod-tfstate", key=STATE_KEY, region=world.region)
    (tf_dir(world.current) / "backend.tf").write_text(backend)
    app = world_app(world)

    async def run_before(pilot: WizardPilot) -> None:
        await open_step(app, pilot, "rollback")
        steps_as_if_only_mine(app, "rollback")
        await run_until_idle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_rollback_a_re_converging_80x24(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the restore: the previous release planned and reviewed with the rollback rules,
    the key to press first. The plan file's checksum and the review time are fixed."""
    monkeypatch.setattr(tui.core.tofu.plan.shown, "record_review", fixed_review)
    world = carried_world(tmp_path)
    prev, curr = tf_dir(world.previous), tf_dir(world.current)
    for path in (prev / BOOK.state_file, curr / BOOK.state_file):
        state = json.loads(path.read_text())
        state["lineage"] = LINEAGE
        path.write_text(json.dumps(state, indent=2) + "\n")
    (prev / BOOK.state_pre_upgrade).write_bytes((prev / BOOK.state_file).read_bytes())
    app = world_app(world)

    async def run_before(pilot: WizardPilot) -> None:
        await open_step(app, pilot, "rollback")
        await pilot.press("R")
        await wait_until(app, pilot, dialog_focused(app), "the restore's confirmation, focused")
        await pilot.press("y")
        await run_until_idle(app, pilot)
        await pilot.press("p")
        await run_until_idle(app, pilot)
        steps_as_if_only_mine(app, "rollback")
        await run_until_idle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
