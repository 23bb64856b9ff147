"""Pilot tests of the Apply step on the sandbox world: only the reviewed plan, then the archive."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Button

from tests.support.journal import bodies_of
from tests.support.plan_apply_screens import (
    STATE_KEY,
    carried_world,
    commands_run,
    journal,
    open_step,
    remote_world,
    s3_state,
    tf_dir,
    world_app,
)
from tests.support.screen_text import all_text, text_of
from tests.support.waiting import (
    WizardPilot,
    dialog_focused,
    run_until_idle,
    wait_until,
)
from tui.app import WizardApp
from tui.core.files import sha256_file
from tui.core.journal.events import PlanApplied, PlanReviewed
from tui.core.releases.archive import verify_archive
from tui.core.steps import StepStatus
from tui.core.tofu.plan.pipeline import Phase
from tui.core.tofu.statefile import read_state
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.world import World
from tui.screens.plan.pipeline_view import PipelineView
from tui.widgets.dialogs.confirm import ConfirmDialog


async def approve_plan(app: WizardApp, pilot: WizardPilot) -> None:
    """Plan step: plan, review, approve with one confirmation (the sandbox plan is safe)."""
    await open_step(app, pilot, "plan")
    app.query_one("#plan-log").focus()
    await pilot.press("p")
    await run_until_idle(app, pilot)
    assert plan_view(app).core.phase is Phase.REVIEWED, all_text(app)
    await pilot.press("g")
    await wait_until(app, pilot, dialog_focused(app), "the approval dialog, focused")
    await pilot.press("y")  # the gate opens on Cancel: its own key approves
    await run_until_idle(app, pilot)
    assert app.statuses["plan"] is StepStatus.DONE


def plan_view(app: WizardApp) -> PipelineView:
    return app.query_one("#plan-pipeline", PipelineView)


async def go_apply(app: WizardApp, pilot: WizardPilot) -> PipelineView:
    """Show Apply and wait until it took the plan approved in the Plan step (every caller
    approved one: the panel reads it after its first refresh)."""
    app.show_step("apply")

    def plan_taken() -> bool:
        views = app.query("#apply-pipeline").results(PipelineView)
        view = next(views, None)
        return view is not None and view.pipeline is not None and view.core.phase is not Phase.IDLE

    await wait_until(app, pilot, plan_taken, "the approved plan taken by the Apply step")
    await run_until_idle(app, pilot)
    return app.query_one("#apply-pipeline", PipelineView)


async def apply_now(app: WizardApp, pilot: WizardPilot) -> None:
    """a opens the apply's confirmation on Cancel; y applies."""
    await pilot.press("a")
    await wait_until(app, pilot, dialog_focused(app), "the apply's confirmation, focused")
    dialog = app.screen
    assert isinstance(dialog, ConfirmDialog)
    assert app.focused is dialog.query_one("#dialog-cancel")  # Enter would cancel
    await pilot.press("y")
    await run_until_idle(app, pilot)


def bump_serial(world: World) -> int:
    """Someone else wrote the state after the review (what another apply would do)."""
    path = tf_dir(world.current) / "terraform.tfstate"
    state = json.loads(path.read_text())
    state["serial"] += 1
    path.write_text(json.dumps(state, indent=2))
    return int(state["serial"])


async def test_apply_success_archives_the_previous_release_verified(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    before = read_state(tf_dir(world.current) / "terraform.tfstate")
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await approve_plan(app, pilot)
        flow = await go_apply(app, pilot)
        assert flow.core.phase is Phase.APPROVED
        assert "Press a to check the approved plan" in text_of(app, "#apply-status")
        assert app.focused is app.query_one("#apply-apply-button", Button)
        await apply_now(app, pilot)
        assert flow.core.phase is Phase.APPLIED, all_text(app)
        status = text_of(app, "#archive-status")
        assert "✔ Archive verified" in status and "the release is kept" in status
        assert app.statuses["apply"] is StepStatus.DONE

    after = read_state(tf_dir(world.current) / "terraform.tfstate")
    assert after.lineage == before.lineage and after.serial > before.serial
    archive = world.previous.with_name(world.previous.name + ".tar.gz")
    assert archive.is_file() and world.previous.is_dir()
    files, _ = verify_archive(archive, world.previous)
    assert files > 10
    ops = [r for r in journal(world.current) if r["kind"] == "file_op" and r["step"] == "apply"]
    assert [(r["op"], r["path"], r["sha256_after"]) for r in ops] == [
        ("write", str(archive), sha256_file(archive))
    ]
    assert [argv[1] for argv in commands_run(world.current)] == ["init", "plan", "show", "apply"]
    applied = bodies_of(world.current, PlanApplied)[-1]
    assert applied.plan_sha256 == sha256_file(tf_dir(world.current) / "tfplan")
    assert (applied.stage, applied.workdir) == ("upgrade", str(tf_dir(world.current)))
    assert applied.step == "apply"


async def test_stale_plan_is_refused_and_replan_goes_back_to_plan(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await approve_plan(app, pilot)
        serial = bump_serial(world)
        flow = await go_apply(app, pilot)
        await apply_now(app, pilot)
        assert flow.core.phase is Phase.REFUSED
        problem = text_of(app, "#apply-problem")
        assert "Apply refused. The plan is stale" in problem
        assert f"now serial {serial}" in problem and "Press r (Plan again)" in problem
        assert app.query_one("#apply-replan-button", Button).display
        assert app.focused is app.query_one("#apply-replan-button", Button)
        assert not app.query_one("#apply-apply-button", Button).display
        await pilot.press("r")
        await run_until_idle(app, pilot)
        assert app.current_step == "plan"
        assert plan_view(app).core.phase is Phase.REVIEWED  # planned again
        assert app.statuses["plan"] is StepStatus.IN_PROGRESS  # must be approved again
    assert not world.previous.with_name(world.previous.name + ".tar.gz").exists()
    assert [argv[1] for argv in commands_run(world.current)].count("apply") == 0
    assert [argv[1] for argv in commands_run(world.current)].count("plan") == 2


async def test_changed_plan_file_is_refused(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await approve_plan(app, pilot)
        with (tf_dir(world.current) / "tfplan").open("ab") as plan:
            plan.write(b"\0")
        flow = await go_apply(app, pilot)
        await apply_now(app, pilot)
        assert flow.core.phase is Phase.REFUSED
        assert "tfplan is not the plan that was reviewed" in text_of(app, "#apply-problem")
    assert "apply" not in [argv[1] for argv in commands_run(world.current)]


async def test_apply_with_the_lock_held_is_explained_with_rollback_pointer(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await approve_plan(app, pilot)
        lock = tf_dir(world.current) / ".terraform.tfstate.lock.info"
        lock.write_text(
            json.dumps(
                {
                    "ID": "0b9e4f6a-lock",
                    "Operation": "OperationTypeApply",
                    "Info": "",
                    "Who": "alice@jump-1",
                    "Version": "1.10.7",
                    "Created": "2026-05-20T10:00:00.000000000Z",
                    "Path": "terraform.tfstate",
                }
            )
        )
        flow = await go_apply(app, pilot)
        await apply_now(app, pilot)
        assert flow.core.phase is Phase.APPLY_FAILED
        problem = text_of(app, "#apply-problem")
        assert "The state is locked by alice@jump-1 for apply" in problem
        assert "force-unlock 0b9e4f6a-lock" in problem and "Rollback (ctrl+r)" in problem
        assert app.statuses["apply"] is not StepStatus.DONE
    assert not world.previous.with_name(world.previous.name + ".tar.gz").exists()


async def test_b2_reads_the_serial_with_state_pull_at_review_and_before_apply(
    tmp_path: Path, aws: AwsEndpoint
) -> None:
    world, s3, bucket = remote_world(tmp_path)
    serial = s3_state(s3, bucket)["serial"]
    app = world_app(world, **aws.env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "plan")
        assert "Option B.2 (S3 backend)" in text_of(app, "#plan-status")
        await approve_plan(app, pilot)
        assert f"serial {serial}, " in text_of(app, "#plan-status")
        assert "via tofu state pull" in text_of(app, "#plan-status")
        newer = s3_state(s3, bucket) | {"serial": serial + 1}  # another run wrote the state
        s3.put_object(Bucket=bucket, Key=STATE_KEY, Body=json.dumps(newer).encode())

        flow = await go_apply(app, pilot)
        assert "via tofu state pull" in text_of(app, "#apply-status")
        await apply_now(app, pilot)
        assert flow.core.phase is Phase.REFUSED, all_text(app)
        problem = text_of(app, "#apply-problem")
        assert f"reviewed on serial {serial} " in problem and f"now serial {serial + 1} " in problem
        assert s3_state(s3, bucket)["serial"] == serial + 1  # nothing applied

        await pilot.press("r")  # plan again: the Plan step reviews the new serial
        await run_until_idle(app, pilot)
        assert plan_view(app).core.phase is Phase.REVIEWED, all_text(app)
        assert f"serial {serial + 1}, " in text_of(app, "#plan-status")
        await pilot.press("g")
        await wait_until(app, pilot, dialog_focused(app), "the approval dialog, focused")
        await pilot.press("y")  # the gate opens on Cancel: its own key approves
        await run_until_idle(app, pilot)
        flow = await go_apply(app, pilot)
        await apply_now(app, pilot)
        assert flow.core.phase is Phase.APPLIED, all_text(app)

    reviews = [r.plan.state for r in bodies_of(world.current, PlanReviewed)]
    assert [(r.serial, r.source) for r in reviews if r is not None] == [
        (serial, "state pull"),
        (serial + 1, "state pull"),
    ]
    assert s3_state(s3, bucket)["serial"] > serial + 1  # the apply wrote the S3 state
    assert not (tf_dir(world.current) / "terraform.tfstate").exists()
    # every state pull (two reviews, two apply checks) is journaled: exit code, no transcript
    records = journal(world.current)
    pulls = [r for r in records if r["kind"] == "command" and r["argv"][1:] == ["state", "pull"]]
    assert [(r["step"], r["exit_code"], r["transcript"]) for r in pulls] == [
        ("plan", 0, None),
        ("apply", 0, None),
        ("plan", 0, None),
        ("apply", 0, None),
    ]
    assert all(r["cwd"] == str(tf_dir(world.current)) for r in pulls)
    transcripts = world.current / ".mocm-upgrade" / "transcripts"
    assert [p.name for p in transcripts.iterdir() if "state" in p.name] == []
