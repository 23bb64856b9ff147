"""Pilot tests of the Rollback step's Option A on the sandbox: keep .failed, restore
.pre-upgrade, plan and apply the previous release again (reviewed with the rollback's
rules), and after a restart mid-apply re-plan without restoring twice."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Button

from tests.support.change_record_check import check_rollback_record
from tests.support.journal import bodies_of
from tests.support.plan_apply_screens import (
    BOOK,
    carried_world,
    journal,
    open_step,
    tf_dir,
    upgrade_journaled_done,
    world_app,
)
from tests.support.screen_text import all_text, text_of
from tests.support.waiting import dialog_focused, focus_on, run_until_idle, settle, wait_until
from tui.core.journal.events import RollbackDone, RollbackKind
from tui.core.steps import StepStatus
from tui.core.tofu.plan.pipeline import Action, Phase
from tui.core.tofu.plan.review import review
from tui.core.tofu.statefile import read_state
from tui.screens.plan.pipeline_view import PipelineView
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.plan_review_view import PlanReviewView


async def test_option_a_restores_pre_upgrade_then_plans_and_applies_previous(
    tmp_path: Path,
) -> None:
    world = carried_world(tmp_path)
    prev, curr = tf_dir(world.previous), tf_dir(world.current)
    backup = prev / BOOK.state_pre_upgrade
    backup.write_bytes((prev / BOOK.state_file).read_bytes())
    failed = json.loads((curr / BOOK.state_file).read_text())
    failed["serial"] += 3  # the failed upgrade apply wrote to the current release's state
    (curr / BOOK.state_file).write_text(json.dumps(failed))
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "rollback")
        upgrade_journaled_done(app)
        assert "The state is local (Option A)" in text_of(app, "#rb-situation")
        plan_text = text_of(app, "#rb-local-plan")
        assert f"Keep the failed state …/{curr.relative_to(curr.parents[2])}/{BOOK.state_file}" in (
            plan_text
        )
        assert "terraform.tfstate.failed" in plan_text
        restore = app.query_one("#rb-restore", Button)
        assert app.focused is restore
        await pilot.press("enter")
        await wait_until(app, pilot, dialog_focused(app), "the dialog, focused")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)  # the restore asks, like every destructive one
        assert app.focused is dialog.query_one("#dialog-cancel", Button)
        await pilot.press("enter")  # Enter cancels: nothing restored
        await run_until_idle(app, pilot)
        assert not (curr / BOOK.state_failed).exists()
        await pilot.press("R")
        await wait_until(app, pilot, dialog_focused(app), "the dialog, focused")
        await pilot.press("y")
        await run_until_idle(app, pilot)
        assert "✔ Restored" in text_of(app, "#rb-local-status")

        view = app.query_one("#rb-pipeline", PipelineView)
        assert view.target.workdir == prev and view.target.stage == "rollback"
        assert app.focused is view.query_one("#rb-plan-button")
        await pilot.press("p")
        await run_until_idle(app, pilot)
        assert view.core.phase is Phase.REVIEWED, all_text(app)
        assert app.focused is view.query_one("#rb-apply-button")
        await pilot.press("a")  # the gate is the apply's question here: it opens on Cancel
        await wait_until(app, pilot, dialog_focused(app), "the apply gate, focused")
        gate = app.screen
        assert isinstance(gate, ConfirmDialog) and gate.destructive, all_text(app)
        assert app.focused is gate.query_one("#dialog-cancel", Button)
        await pilot.press("y")
        await run_until_idle(app, pilot)
        assert view.core.phase is Phase.APPLIED, all_text(app)
        assert app.statuses["rollback"] is StepStatus.DONE

    assert read_state(curr / BOOK.state_failed).serial == failed["serial"]
    restored = read_state(prev / BOOK.state_file)
    assert restored.lineage == failed["lineage"]
    ops = [
        (r["op"], Path(r["path"]).name)
        for r in journal(world.current)
        if r["kind"] == "file_op" and r["step"] == "rollback"
    ]
    assert ("copy", BOOK.state_failed) in ops
    argv = [r["argv"] for r in journal(world.current) if r["kind"] == "command"]
    assert [a[1] for a in argv] == ["init", "plan", "show", "apply"]
    assert all(r["cwd"] == str(prev) for r in journal(world.current) if r["kind"] == "command")
    check_rollback_record(world.current, RollbackKind.LOCAL_STATE)


async def test_option_a_review_uses_the_rollback_rules(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    prev = tf_dir(world.previous)
    state = json.loads((prev / BOOK.state_file).read_text())
    # A backup without the rule and with other tags on the log group: the rollback plan
    # creates the one and updates the other, as after an upgrade that replaced / changed them.
    rule = "aws_security_group_rule.eks_to_elasticache"
    state["resources"] = [r for r in state["resources"] if f"{r['type']}.{r['name']}" != rule]
    logs = next(r for r in state["resources"] if r["type"] == "aws_cloudwatch_log_group")
    logs["instances"][0]["attributes"]["tags"] = {"Name": "retagged by the upgrade"}
    (prev / BOOK.state_pre_upgrade).write_text(json.dumps(state))
    rules = BOOK.rules("rollback")
    why = {r.actions: r.why for r in rules.expected}
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "rollback")
        before = text_of(app, "#rb-local-plan")
        assert "reviewed with the playbook's rollback rules: expected update of *" in before
        assert "nothing may touch *valkey*" in before
        await pilot.press("R", "y")
        await run_until_idle(app, pilot)
        flow = app.query_one("#rb-pipeline", PipelineView)
        assert flow.target.stage == "rollback"
        await pilot.press("p")
        await run_until_idle(app, pilot)
        assert flow.core.phase is Phase.REVIEWED, all_text(app)
        verdict = text_of(app, "#plan-verdict")
        assert verdict.startswith(" SAFE  every change is expected at stage 'rollback'")
        assert "create 1  update 1  replace 0  destroy 0" in text_of(app, "#plan-counts")
        shown = {row.address: row for row in app.query_one(PlanReviewView).shown}
        assert shown[rule].expected and shown[rule].why == why[("create",)]
        assert shown["aws_cloudwatch_log_group.app"].why == why[("update",)]
        # The same plan under the upgrade rules: that create would be unexpected.
        assert flow.core.review is not None
        upgrade = review(flow.core.review.plan, BOOK, "upgrade")
        assert [issue.address for issue in upgrade.issues] == [rule]


async def test_option_a_after_a_restart_mid_apply_re_plans_and_never_restores_twice(
    tmp_path: Path,
) -> None:
    world = carried_world(tmp_path)
    prev = tf_dir(world.previous)
    (prev / BOOK.state_pre_upgrade).write_bytes((prev / BOOK.state_file).read_bytes())
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "rollback")
        await pilot.press("R")
        await wait_until(app, pilot, dialog_focused(app), "the dialog, focused")
        await pilot.press("y")
        await run_until_idle(app, pilot)
        assert "✔ Restored" in text_of(app, "#rb-local-status")
        view = app.query_one("#rb-pipeline", PipelineView)
        # The view just mounted: p plans once its Plan button has the focus (keys reach it).
        await wait_until(app, pilot, focus_on(app, "#rb-plan-button"), "Plan, focused")
        await pilot.press("p")
        await run_until_idle(app, pilot)
        assert view.core.phase is Phase.REVIEWED, all_text(app)
        reviewed = view.core.reviewed
        assert reviewed is not None
        # The wizard is killed while tofu applies: the journal says the apply started.
        view.core.journal.apply_started(reviewed)
    restored_state = (prev / BOOK.state_file).read_bytes()

    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "rollback")
        await run_until_idle(app, pilot)
        assert "The state was restored at " in text_of(app, "#rb-local-status")
        assert not app.query_one(".rb-buttons").display  # nothing to restore again
        view = app.query_one("#rb-pipeline", PipelineView)
        assert view.core.phase is Phase.INTERRUPTED
        assert app.focused is view.query_one("#rb-plan-button")  # the one way on
        problem = text_of(app, "#rb-problem")
        assert "Unfinished apply" in problem and "the old plan file is never applied" in problem
        assert not view.core.allowed(Action.APPLY)
        await pilot.press("a")  # offers nothing: the old plan is not applied again
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        await pilot.press("p")
        await run_until_idle(app, pilot)
        assert view.core.phase is Phase.REVIEWED, all_text(app)
        assert view.core.interrupted is None
    assert (prev / BOOK.state_file).read_bytes() == restored_state  # not restored a second time
    restores = bodies_of(world.current, RollbackDone)
    assert [r.rollback for r in restores] == [RollbackKind.LOCAL_STATE]
