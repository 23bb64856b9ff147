"""Helpers for the Stage-4 screen tests: a release pair ready for Stage 4, a moto
world in one of the metric shapes, the App opened on the step, and screen text."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from textual.widget import Widget
from textual.widgets import Input

from tests.release_support import make_pair
from tests.stage4_support import (
    CACHE_TF,
    CLUSTER_ID,
    SG_TF,
    VALKEY_TF,
    VALUES_CLEAN,
    sample_shape,
    seed_cluster,
    seed_metric,
    seed_secret,
    seed_valkey_group,
    steady_shape,
)
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook import load_playbook
from tui.core.steps import FORWARD_STEPS, StepStatus

BOOK = load_playbook()
# Five minutes back, so that the newest datapoint sits inside the 24 h window.
NEWEST = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
SHAPES = {
    "busy": "cw_currconnections.json",
    "idle-zero": "cw_currconnections_idle_zero.json",
    "idle-baseline": "cw_currconnections_idle_baseline.json",
    "empty": None,
}


def stage4_pair(root: Path, values: str = VALUES_CLEAN) -> tuple[Path, Path]:
    """Previous and current release; the current one as Stage 4 finds it after the upgrade."""
    prev, curr = make_pair(root)
    tf = curr / "terraform" / "aws"
    (tf / "09-elasticache.tf.2603").unlink()  # carry-over activated it
    (tf / "09-elasticache.tf").write_text(CACHE_TF)
    (tf / "02-sg.tf").write_text(SG_TF)
    (tf / "10-valkey.tf").write_text(VALKEY_TF)
    (curr / "mocm" / "values.yaml").write_text(values)
    return prev, curr


def seed_world(samples: Path, shape: str, *, valkey_hours: float = 40.0) -> None:
    """The old cluster with one of the four metric shapes, the Valkey group and its secret."""
    seed_cluster()
    members = seed_valkey_group()
    sample = SHAPES[shape]
    if sample is not None:
        seed_metric(CLUSTER_ID, sample_shape(samples, sample), newest=NEWEST)
    if valkey_hours:
        seed_metric(members[0], steady_shape(valkey_hours, 25.0), newest=NEWEST)
    seed_secret()


def stage4_app(prev: Path, curr: Path, **env: str) -> WizardApp:
    """The App on the pair, boto3 told to try once (the injected faults must not back off)."""
    environment = dict(os.environ) | {"AWS_MAX_ATTEMPTS": "1"} | env
    return make_app(WizardContext(playbook=BOOK, previous=prev, current=curr, env=environment))


async def open_stage4(app: WizardApp, pilot: object) -> None:
    """Mark the steps before Stage 4 done, show it, and wait for its workers."""
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    for step in FORWARD_STEPS[:-1]:
        app.statuses[step] = StepStatus.DONE
    app.show_step("stage4")
    await settle(app, pilot)


async def settle(app: WizardApp, pilot: object) -> None:
    """Let messages run, then wait for every worker, then paint."""
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def widget_text(widget: Widget) -> str:
    """What one widget renders, as plain text (inputs: their value)."""
    if isinstance(widget, Input):
        return widget.value
    try:
        renderable = widget.render()
    except Exception:
        return ""
    if isinstance(renderable, str):
        return renderable
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def all_text(app: WizardApp) -> str:
    """Every widget's rendered text on the current screen, shown or not."""
    return "\n".join(widget_text(w) for w in app.screen.query("*"))


def text_of(app: WizardApp, selector: str) -> str:
    """One widget's rendered text."""
    return widget_text(app.screen.query_one(selector))
