"""Stage 4's review at 80×24: the next key is on screen with the focused Apply (issue 18).

After the teardown plan is reviewed the focus lands on Apply, and the line that says what
it does ("Press a to apply it") is scrolled into view with it; ``a`` opens the gate, whose
title is a sentence, on Cancel.
"""

from __future__ import annotations

from pathlib import Path

from textual.errors import NoWidget
from textual.widgets import Button, Checkbox, Label, Static, TabbedContent

from tests.screens.stage4.test_stage4_teardown import run_of, shown
from tests.support.stage4 import CLUSTER_ID
from tests.support.stage4_screen import open_stage4, seed_world, stage4_app, teardown_pair
from tests.support.waiting import WizardPilot, focus_on, screen_is, settle_until, wait_until
from tui.app import WizardApp
from tui.core.tofu.plan.pipeline import Phase
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog


def first_line_shown(app: WizardApp, selector: str) -> bool:
    """The first line of ``selector``'s widget is drawn (inside its scrolled view)."""
    try:
        geometry = app.screen.find_widget(app.query_one(selector))
    except NoWidget:
        return False  # scrolled wholly out of view
    region = geometry.region
    return geometry.clip.contains(region.x, region.y)


async def decline_park_and_plan(app: WizardApp, pilot: WizardPilot) -> None:
    """By keys, as at 80×24 nothing is clicked: 4, the snapshot declined (space on its
    box), 5, k parks the file, p plans; until the review is shown."""
    app.query_one("#s4-tabs Tabs").focus()
    await pilot.press("4")
    wanted = app.query_one("#s4-snap-want", Checkbox)
    await wait_until(app, pilot, lambda: wanted.display and wanted.focusable, "section 4")
    wanted.focus()
    await pilot.press("space")
    await wait_until(app, pilot, lambda: not wanted.value, "the snapshot declined")
    await pilot.press("5", "k")
    await wait_until(app, pilot, lambda: shown(app, "plan"), "the file parked, p offered")
    await wait_until(app, pilot, focus_on(app, "#s4-tabs Tabs"), "k: the tab row")
    await pilot.press("p")
    await settle_until(
        app,
        pilot,
        lambda: run_of(app).core.phase is Phase.REVIEWED and bool(app.query("#s4-td-review")),
        "the teardown plan reviewed",
    )


async def test_the_reviewed_teardown_shows_press_a_with_apply_focused_at_80x24(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr, tofu = teardown_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage4(app, pilot)
        await decline_park_and_plan(app, pilot)
        apply = app.query_one("#s4-td-apply-button", Button)
        await wait_until(app, pilot, lambda: app.focused is apply, "Apply focused")
        status = app.query_one("#s4-td-status")
        assert "Press a to apply it" in str(status.render())
        await wait_until(
            app, pilot, lambda: first_line_shown(app, "#s4-td-status"), "the status line in view"
        )
        assert first_line_shown(app, "#s4-td-apply-button")
        await pilot.press("a")
        await wait_until(app, pilot, screen_is(app, TypedPhraseDialog), "the gate")
        gate = app.screen
        title = str(gate.query_one(".dialog-title", Label).render())
        assert title == "Destroy the old cache: apply this plan?"
        body = str(gate.query_one("#dialog-body", Static).render())
        assert "Every change is expected at stage 'stage4'.\nIt destroys 3:" in body
        assert "• aws_elasticache_cluster.elasticache" in body  # what the phrase lets go
        await wait_until(app, pilot, lambda: app.focused is not None, "the gate's focus")
        assert app.focused is gate.query_one("#dialog-cancel", Button)
        await pilot.press("enter")  # cancels: nothing applied
        await wait_until(app, pilot, lambda: app.screen is not gate, "the gate closed")
        assert run_of(app).core.phase is Phase.REVIEWED
        await wait_until(app, pilot, focus_on(app, "#s4-td-apply-button"), "Apply again")
        # a, then the cluster id typed at once (kept though typed as the gate opens)
        await pilot.press("a", "shift+tab", *CLUSTER_ID, "enter")
        await settle_until(
            app, pilot, lambda: run_of(app).core.phase is Phase.APPLIED, "the teardown applied"
        )
        tabs = app.query_one("#s4-tabs", TabbedContent)
        await wait_until(app, pilot, lambda: tabs.active == "followup", "applied: the follow-up")
        await wait_until(app, pilot, focus_on(app, "#s4-tabs Tabs"), "applied: the tab row")
