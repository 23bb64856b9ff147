"""Snapshot of the values merge editor on the sample pair (120×40 and 80×24)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.values_screen import flush_footer, open_values, values_app
from tests.support.waiting import WizardPilot
from tui.app import WizardApp
from tui.core.steps import FORWARD_STEPS, STEP_IDS, StepStatus


def editor_on_a_placeholder(app: WizardApp) -> Callable[[WizardPilot], Any]:
    async def run_before(pilot: WizardPilot) -> None:
        panel = await open_values(app, pilot)
        # Steps after this one look the same whether or not another engineer built them yet.
        later = [s for s in STEP_IDS if s not in FORWARD_STEPS[: FORWARD_STEPS.index("values")]]
        for step in later:
            app.statuses[step] = StepStatus.NOT_STARTED
        app.statuses["values"] = StepStatus.IN_PROGRESS
        app.refresh_steps()
        await pilot.press("p", "n")  # the cursor on the image tag, which differs
        await flush_footer(panel, pilot)

    return run_before


def test_values_editor_120x40(snap_compare: Any, tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=editor_on_a_placeholder(app))


def test_values_editor_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=editor_on_a_placeholder(app))
