"""Pilot tests of the Plan step on the sandbox world: what the operator sees, what is journaled."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Button, Input

from tests.support.journal import bodies_of
from tests.support.plan_apply_screens import (
    carried_world,
    commands_run,
    journal,
    open_step,
    tf_dir,
    world_app,
)
from tests.support.screen_text import all_text, text_of
from tests.support.waiting import (
    WizardPilot,
    dialog_focused,
    focus_on,
    run_until_idle,
    wait_until,
)
from tui.app import WizardApp
from tui.core.files import sha256_file
from tui.core.journal.events import (
    GateAnswered,
    GateQuestion,
    PlanApproved,
    PlanReviewed,
    PlanVerdict,
)
from tui.core.steps import StepStatus
from tui.core.tofu.plan.pipeline import Phase
from tui.core.tofu.statefile import read_state
from tui.screens.plan.pipeline_view import PipelineView
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog
from tui.widgets.plan_review_view import PlanReviewView


def flow(app: WizardApp) -> PipelineView:
    return app.query_one("#plan-pipeline", PipelineView)


async def plan_now(app: WizardApp, pilot: WizardPilot) -> None:
    flow(app).query_one("#plan-log").focus()
    await pilot.press("p")
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
        assert text_of(app, "#plan-status").startswith("Press p to plan the current release")
        assert app.statuses["plan"] is StepStatus.IN_PROGRESS
        assert app.focused is app.query_one("#plan-plan-button", Button)  # Enter plans
        assert not app.query_one("#plan-gate-button", Button).display  # nothing to approve yet
        await pilot.press("enter")
        await run_until_idle(app, pilot)

        assert flow(app).core.phase is Phase.REVIEWED, all_text(app)
        view = app.query_one(PlanReviewView)
        assert "create 7" in text_of(app, "#plan-counts")
        assert text_of(app, "#plan-verdict").startswith(" SAFE")
        addresses = [row.address for row in view.shown]
        assert "aws_elasticache_replication_group.valkey" in addresses
        status = text_of(app, "#plan-status")
        assert "Press g to approve it for apply" in status
        assert (
            f"serial {state.serial}, lineage {state.lineage[:8]}…, from terraform.tfstate" in status
        )
        assert app.query_one("#plan-gate-button", Button).display
        assert app.focused in view.query("*")  # the review has the focus; g works from it

        await pilot.press("g")
        await wait_until(app, pilot, focus_on(app, "#dialog-confirm"), "Approve, focused")
        gate = app.screen
        assert isinstance(gate, ConfirmDialog)  # approving applies nothing: Apply asks again
        await pilot.press("y")  # the action's own key approves
        await run_until_idle(app, pilot)
        assert app.statuses["plan"] is StepStatus.DONE
        assert "Approved" in text_of(app, "#plan-status")

    reviewed = bodies_of(world.current, PlanReviewed)[-1]
    assert reviewed.plan.sha256 == sha256_file(curr / "tfplan")
    assert reviewed.plan.state is not None
    assert (reviewed.plan.state.lineage, reviewed.plan.state.serial) == (
        state.lineage,
        state.serial,
    )
    assert reviewed.verdict is PlanVerdict.SAFE and reviewed.step == "plan"
    assert (reviewed.stage, reviewed.workdir) == ("upgrade", str(curr))
    assert reviewed.counts and reviewed.unexpected == ()
    gate_record = bodies_of(world.current, GateAnswered)[-1]
    assert gate_record.sentence() == "apply confirmed: the plan destroys and replaces nothing"
    assert gate_record.plan_sha256 == reviewed.plan.sha256
    approved = bodies_of(world.current, PlanApproved)[-1]
    assert approved.plan == reviewed.plan and approved.stage == "upgrade"
    commands = [argv[1] for argv in commands_run(world.current)]
    assert commands == ["init", "plan", "show"]
    show = [r for r in journal(world.current) if r["kind"] == "command"][-1]
    assert (show["argv"][1:], show["exit_code"], show["step"]) == (
        ["show", "-json", "tfplan"],
        0,
        "plan",
    )
    assert Path(reviewed.plan.path).parent == curr


async def test_unexpected_destroy_blocks_until_the_phrase_is_typed(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    (tf_dir(world.current) / "05-logs.tf").unlink()  # the log group would be destroyed
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "plan")
        await plan_now(app, pilot)
        assert text_of(app, "#plan-verdict").startswith(" BLOCKED")
        assert "destroy 1" in text_of(app, "#plan-counts")
        await pilot.press("g")
        await wait_until(app, pilot, focus_on(app, "#dialog-cancel"), "the gate's Cancel, focused")
        gate = app.screen
        assert isinstance(gate, TypedPhraseDialog)
        approve = gate.query_one("#dialog-confirm", Button)
        assert approve.disabled and app.focused is gate.query_one("#dialog-cancel", Button)
        await pilot.press("enter")  # Cancel is focused: one key press cancels
        await wait_until(
            app, pilot, lambda: not isinstance(app.screen, TypedPhraseDialog), "the gate gone"
        )
        assert app.statuses["plan"] is StepStatus.IN_PROGRESS

        await pilot.press("g")
        await wait_until(app, pilot, dialog_focused(app), "the apply gate, focused")
        gate = app.screen
        assert isinstance(gate, TypedPhraseDialog)
        phrase = gate.query_one("#dialog-input", Input)
        phrase.focus()
        await pilot.press(*"destroy 2")
        assert gate.query_one("#dialog-confirm", Button).disabled  # the wrong phrase
        await pilot.press("backspace", "1")
        assert not gate.query_one("#dialog-confirm", Button).disabled
        await pilot.press("enter")
        await run_until_idle(app, pilot)
        assert app.statuses["plan"] is StepStatus.DONE

    gates = bodies_of(world.current, GateAnswered)
    assert gates[0].sentence() == "apply not confirmed (gate: type-phrase)"
    assert (gates[1].question, gates[1].typed_phrase) == (GateQuestion.TYPE_PHRASE, "destroy 1")
    assert "aws_cloudwatch_log_group.app" in gates[1].overridden
    reviewed = bodies_of(world.current, PlanReviewed)[-1]
    assert reviewed.verdict is PlanVerdict.BLOCKED
    assert any(i.address == "aws_cloudwatch_log_group.app" for i in reviewed.unexpected)
    approved = bodies_of(world.current, PlanApproved)[-1]
    assert approved.typed_phrase == "destroy 1"


async def test_lock_held_is_explained_in_plain_words(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    (tf_dir(world.current) / ".terraform.tfstate.lock.info").write_text(
        json.dumps(
            {
                "ID": "5d1c2b7e-held",
                "Operation": "OperationTypePlan",
                "Info": "",
                "Who": "bob@jump-2",
                "Version": "1.10.7",
                "Created": "2026-05-20T09:00:00.000000000Z",
                "Path": "terraform.tfstate",
            }
        )
    )
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "plan")
        await plan_now(app, pilot)
        assert flow(app).core.phase is Phase.PLAN_FAILED
        problem = text_of(app, "#plan-problem")
        assert "tofu plan failed: The state is locked by bob@jump-2 for plan" in problem
        assert "Next: Wait for that run to finish" in problem
        assert "tofu force-unlock 5d1c2b7e-held" in problem
        assert "Stopped" in text_of(app, "#plan-status")
        assert not app.query(PlanReviewView)
        assert app.statuses["plan"] is StepStatus.IN_PROGRESS


async def test_a_hanging_plan_is_cancelled_with_sigint(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    app = world_app(world, MOCM_STANDIN_TOFU_HANG="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "plan")
        flow(app).query_one("#plan-log").focus()
        await pilot.press("p")
        for _ in range(200):  # until the plan command runs (init first)
            await pilot.pause()
            if flow(app).core.phase is Phase.PLAN and flow(app).query_one("#plan-log").running:
                break
        assert flow(app).core.phase is Phase.PLAN
        await pilot.press("x")
        await run_until_idle(app, pilot)
        assert flow(app).core.phase is Phase.PLAN_FAILED
        assert "cancelled by you" in text_of(app, "#plan-problem")
    plan_runs = [r for r in journal(world.current) if r["kind"] == "command"]
    assert plan_runs[-1]["argv"][1] == "plan" and plan_runs[-1]["outcome"] == "cancelled"
