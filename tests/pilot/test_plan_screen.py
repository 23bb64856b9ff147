"""Pilot tests of the Plan step on the sandbox world: what the operator sees, what is journaled."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Button

from screens.plan_flow import Phase, PlanFlow
from tests.plan_apply_screens_support import (
    all_text,
    carried_world,
    commands_run,
    decisions,
    open_step,
    run_until_idle,
    text_of,
    tf_dir,
    world_app,
)
from tui.app import WizardApp
from tui.core.fsops import sha256_file
from tui.core.statefile import read_state
from tui.core.steps import StepStatus
from tui.widgets.apply_gate import ApplyGate
from tui.widgets.plan_review_view import PlanReviewView


def flow(app: WizardApp) -> PlanFlow:
    return app.query_one(PlanFlow)


async def plan_now(app: WizardApp, pilot: object) -> None:
    flow(app).query_one("#plan-log").focus()
    await pilot.press("p")  # type: ignore[attr-defined]
    await run_until_idle(app, pilot)


async def test_plan_reviews_expected_creates_as_safe_and_one_confirmation_approves(
    tmp_path: Path,
) -> None:
    world = carried_world(tmp_path)
    curr = tf_dir(world.current)
    state = read_state(curr / "terraform.tfstate")
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "plan")
        assert "Option A (local state)" in text_of(app, "#plan-status")
        assert app.statuses["plan"] is StepStatus.IN_PROGRESS
        await plan_now(app, pilot)

        assert flow(app).phase is Phase.REVIEWED, all_text(app)
        view = app.query_one(PlanReviewView)
        assert "create 7" in text_of(app, "#plan-counts")
        assert text_of(app, "#plan-verdict").startswith(" SAFE")
        addresses = [row.address for row in view.shown]
        assert "aws_elasticache_replication_group.valkey" in addresses
        assert "Press g to approve" in text_of(app, "#plan-status")

        await pilot.press("g")
        await pilot.pause()
        gate = app.screen
        assert isinstance(gate, ApplyGate)
        assert app.focused is gate.query_one("#gate-apply", Button)  # one key approves
        await pilot.press("enter")
        await run_until_idle(app, pilot)
        assert app.statuses["plan"] is StepStatus.DONE
        assert "Approved" in text_of(app, "#plan-status")

    reviewed = decisions(world.current, "plan-reviewed")[-1]
    detail = json.loads(reviewed["detail"])
    assert detail["plan_sha256"] == sha256_file(curr / "tfplan")
    assert (detail["lineage"], detail["serial"]) == (state.lineage, state.serial)
    assert detail["verdict"] == "safe"
    gate_record = decisions(world.current, "apply-gate")[-1]
    assert gate_record["detail"] == "apply confirmed: every destroy and replace was expected"
    approved = json.loads(decisions(world.current, "plan-approved")[-1]["detail"])
    assert json.loads(approved["reviewed"])["plan_sha256"] == detail["plan_sha256"]
    commands = [argv[1] for argv in commands_run(world.current)]
    assert commands == ["init", "plan", "show"]
    raw = Path(json.loads(reviewed["detail"])["plan"]).parent
    assert raw == curr
