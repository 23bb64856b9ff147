"""Snapshots of the Stage-4 evidence screen: the line chart, and the sparkline at 80×24.

The clock is fixed (``Stage4Panel.now``) and moto is seeded relative to it, so every
date on screen is the same on every run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import tui.core.tofu.plan.shown
from tests.screens.stage4.test_stage4_review_keys import decline_park_and_plan, first_line_shown
from tests.snapshots.test_plan_apply_snapshot import fixed_review
from tests.support.stage4 import (
    CLUSTER_ID,
    sample_shape,
    seed_cluster,
    seed_metric,
    seed_secret,
    seed_valkey_group,
    steady_shape,
)
from tests.support.stage4_screen import (
    open_stage4,
    seed_world,
    stage4_app,
    stage4_pair,
    teardown_pair,
)
from tests.support.waiting import WizardPilot, focus_on, settle, wait_until
from tui.app import WizardApp
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.stage4.panel import Stage4Panel

FIXED_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
NEWEST = FIXED_NOW - timedelta(minutes=5)


def seeded_app(
    samples: Path, tmp_path: Path, sample: str, monkeypatch: pytest.MonkeyPatch
) -> WizardApp:
    monkeypatch.setattr(Stage4Panel, "now", lambda self: FIXED_NOW)
    prev, curr = stage4_pair(tmp_path)
    seed_cluster()
    members = seed_valkey_group()
    seed_metric(CLUSTER_ID, sample_shape(samples, sample), newest=NEWEST)
    seed_metric(members[0], steady_shape(30, 25.0), newest=NEWEST)
    seed_secret()
    return stage4_app(prev, curr)


async def open_step(pilot: WizardPilot) -> None:
    app = pilot.app
    assert isinstance(app, WizardApp)
    await open_stage4(app, pilot)


@pytest.mark.parametrize(
    ("sample", "size"),
    [
        ("cw_currconnections.json", (120, 36)),
        ("cw_currconnections_idle_baseline.json", (80, 24)),
    ],
    ids=["busy-line-chart-120x36", "idle-sparkline-80x24"],
)
def test_stage4_evidence_screen(
    aws: AwsEndpoint,
    samples: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    snap_compare: Any,
    sample: str,
    size: tuple[int, int],
) -> None:
    app = seeded_app(samples, tmp_path, sample, monkeypatch)
    assert snap_compare(app, terminal_size=size, run_before=open_step)


def test_stage4_teardown_reviewed_80x24(
    aws: AwsEndpoint,
    samples: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    snap_compare: Any,
) -> None:
    """The teardown reviewed at 80×24: the focused Apply with "Press a to apply it" above
    it in view, the three destroys below (issue 18)."""
    # the clock stays real (the teardown tab shows no date; the gate needs the evidence
    # seeded relative to now); the plan file's checksum (a zip with timestamps) is fixed
    monkeypatch.setattr(tui.core.tofu.plan.shown, "record_review", fixed_review)
    prev, curr, tofu = teardown_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))

    async def reviewed(pilot: WizardPilot) -> None:
        await open_stage4(app, pilot)
        await decline_park_and_plan(app, pilot)
        await wait_until(app, pilot, focus_on(app, "#s4-td-apply-button"), "Apply focused")
        await wait_until(
            app, pilot, lambda: first_line_shown(app, "#s4-td-status"), "the status in view"
        )
        # The parked file's "Renamed … (journaled)" toast goes after 5 s: a slow run missed
        # it (one red snapshot under load). Not what this picture is about: cleared.
        app.clear_notifications()
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=reviewed)
