"""Stage 4's reference picker: each blocking reference is chosen with ↑/↓ (no Tab) and
waived alone, with its own typed reason; the screen shows which remain open, the gate
opens only when none does, and the journal holds one record per reference."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input

from tests.support.journal import bodies_of
from tests.support.screen_text import text_of
from tests.support.stage4 import REAL_ENDPOINT
from tests.support.stage4_screen import (
    open_stage4,
    picker_lines,
    seed_world,
    stage4_app,
    stage4_pair,
)
from tests.support.waiting import WizardPilot, settle
from tui.app import WizardApp
from tui.core.journal.events import WaiverGiven
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.stage4.panel import Stage4Panel
from tui.widgets.dialogs.reason import ReasonDialog

VALUES = (
    f'credentials:\n  redis:\n    host: "{REAL_ENDPOINT}"\n'
    f'worker:\n  cacheHost: "{REAL_ENDPOINT}"\n'
)
FIRST, SECOND = (
    "mocm/values.yaml:3 (credentials.redis.host)",
    "mocm/values.yaml:5 (worker.cacheHost)",
)
WORKER_REASON = "the worker chart of 10.6 no longer reads worker.cacheHost (CHG-4412)"
REDIS_REASON = "credentials.redis is dead config since the Valkey cutover (CHG-4411)"


async def waive_highlighted(app: WizardApp, pilot: WizardPilot, reason: str) -> str:
    """w on the highlighted reference, the reason typed; the dialog's title."""
    await pilot.press("w")
    await settle(app, pilot)
    dialog = app.screen
    assert isinstance(dialog, ReasonDialog)
    title = dialog.title_text
    dialog.query_one("#dialog-input", Input).value = reason
    await pilot.pause()
    dialog.query_one("#dialog-confirm", Button).press()
    await settle(app, pilot)
    return title


async def test_each_reference_is_waived_alone_with_its_own_reason(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path, values=VALUES)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage4(app, pilot)
        panel = app.query_one(Stage4Panel)
        app.query_one("#s4-tabs Tabs").focus()
        await pilot.press("2")  # the section's key focuses the picker: no Tab
        await settle(app, pilot)
        assert app.focused is app.query_one("#s4-ref-list")
        lines = picker_lines(app)
        assert len(lines) == 2
        assert lines[0].startswith("✘ open") and FIRST in lines[0]
        assert lines[1].startswith("✘ open") and SECOND in lines[1]
        assert "2 open, 0 waived" in text_of(app, "#s4-references")

        await pilot.press("down")
        title = await waive_highlighted(app, pilot, WORKER_REASON)
        assert title == "Waive the reference at mocm/values.yaml:5"
        assert app.focused is app.query_one("#s4-ref-list")  # w: the next one to pick
        lines = picker_lines(app)
        assert lines[0].startswith("✘ open") and FIRST in lines[0]
        assert lines[1].startswith("≈ waived") and f"waived: {WORKER_REASON}" in lines[1]
        assert "1 open, 1 waived" in text_of(app, "#s4-references")
        assert panel.check_action("waive_reference", ()) is None  # this one is waived
        await pilot.press("w")  # nothing to ask
        await settle(app, pilot)
        assert not isinstance(app.screen, ReasonDialog)
        gate = text_of(app, "#s4-gate")
        assert "✘ 1 live reference(s) under mocm/" in gate

        await pilot.press("up")
        await waive_highlighted(app, pilot, REDIS_REASON)
        assert all(line.startswith("≈ waived") for line in picker_lines(app))
        assert "each waived with a reason" in text_of(app, "#s4-references")
        gate = text_of(app, "#s4-gate")
        assert "≈ 2 reference(s) under mocm/ waived with a reason (journaled)" in gate
        await pilot.press("escape")  # back to the tabs: the section keys work again
        await settle(app, pilot)
        assert app.focused is app.query_one("#s4-tabs Tabs")

    waivers = bodies_of(curr, WaiverGiven)
    assert [(w.items, w.reason) for w in waivers] == [
        ((f"{SECOND} names {REAL_ENDPOINT}",), WORKER_REASON),
        ((f"{FIRST} names {REAL_ENDPOINT}",), REDIS_REASON),
    ]
