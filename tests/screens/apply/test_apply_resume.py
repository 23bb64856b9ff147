"""A wizard killed while ``tofu apply`` ran: the restart says so and offers a new plan,
never the approved one again."""

from __future__ import annotations

from pathlib import Path

from tests.support.journal import bodies_of
from tests.support.plan_apply_screens import (
    carried_world,
    commands_run,
    open_step,
    tf_dir,
    world_app,
)
from tests.support.screen_text import all_text
from tests.support.waiting import (
    WizardPilot,
    dialog_focused,
    run_until_idle,
    wait_until,
)
from tui.app import WizardApp
from tui.core.files import sha256_file
from tui.core.journal.events import ApplyStarted
from tui.core.journal.records import CommandInterrupted
from tui.core.journal.writer import Journal, Workspace
from tui.core.steps import FORWARD_STEPS, StepStatus
from tui.core.tofu.plan.pipeline import Action, Phase
from tui.screens.plan.pipeline_view import PipelineView
from tui.widgets.dialogs.confirm import ConfirmDialog

APPLY = ["tofu", "apply", "-input=false", "tfplan"]


async def approve_plan(app: WizardApp, pilot: WizardPilot) -> None:
    """The steps before Plan done (journaled, as a restart reads them), then plan, review and
    approve with one confirmation (the sandbox plan is safe)."""
    await open_step(app, pilot, "plan")
    assert app.session is not None
    for step in FORWARD_STEPS[: FORWARD_STEPS.index("plan")]:
        app.session.journal.step_completed(step)
    app.query_one("#plan-log").focus()
    await pilot.press("p")
    await run_until_idle(app, pilot)
    assert view_of(app, "plan").core.phase is Phase.REVIEWED, all_text(app)
    await pilot.press("g")
    await wait_until(app, pilot, dialog_focused(app), "the approval dialog, focused")
    await pilot.press("y")  # the approval's own key
    await run_until_idle(app, pilot)
    assert app.statuses["plan"] is StepStatus.DONE


def view_of(app: WizardApp, step: str) -> PipelineView:
    return app.query_one(f"#{step}-pipeline", PipelineView)


def killed_during_apply(current: Path) -> str:
    """What a wizard killed while its apply ran leaves: the apply's start, the command's start
    (as the pipeline and its recorder journal them), and no end."""
    journal = Journal.open(Workspace(current))
    journal.step_entered("apply")
    journal.step_started("apply")
    workdir = tf_dir(current)
    journal.append(ApplyStarted(str(workdir), sha256_file(workdir / "tfplan"), step="apply"))
    return journal.command_started(APPLY, workdir, "009-tofu-apply.log", "apply")


async def test_a_restart_after_a_kill_mid_apply_tells_it_and_plans_again(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    first = world_app(world)
    async with first.run_test(size=(120, 40)) as pilot:
        await approve_plan(first, pilot)
    run_id = killed_during_apply(world.current)

    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(app, pilot, dialog_focused(app), "the interruption dialog, focused")
        assert isinstance(app.screen, ConfirmDialog), all_text(app)
        said = all_text(app)
        assert "Interrupted while a command ran" in said
        assert "tofu apply -input=false tfplan (Apply step), started 20" in said
        assert "never finished" in said and "never re-apply" in said
        assert "Plan again" in said
        await pilot.press("enter")  # the safe next action has the focus
        await run_until_idle(app, pilot)
        assert app.current_step == "plan"
        assert view_of(app, "plan").core.phase is Phase.REVIEWED, all_text(app)
        assert app.statuses["plan"] is StepStatus.IN_PROGRESS  # to be approved again

    [cut] = bodies_of(world.current, CommandInterrupted)
    assert (cut.run_id, cut.argv, cut.step) == (run_id, tuple(APPLY), "apply")
    runs = [argv[1] for argv in commands_run(world.current)]
    assert runs.count("apply") == 0 and runs.count("plan") == 2


async def test_declining_the_new_plan_leaves_nothing_to_apply(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    first = world_app(world)
    async with first.run_test(size=(120, 40)) as pilot:
        await approve_plan(first, pilot)
    killed_during_apply(world.current)

    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(app, pilot, dialog_focused(app), "the interruption dialog, focused")
        assert isinstance(app.screen, ConfirmDialog), all_text(app)
        await pilot.press("escape")
        await run_until_idle(app, pilot)
        assert app.current_step == "apply"  # where the operator was
        view = view_of(app, "apply")
        assert view.core.phase is Phase.INTERRUPTED  # the approval is void
        assert not view.core.allowed(Action.APPLY) and view.core.allowed(Action.REPLAN)
        assert "Unfinished apply" in all_text(app)
        await pilot.press("a")
        await run_until_idle(app, pilot)
        assert view.core.phase is Phase.INTERRUPTED
    assert [argv[1] for argv in commands_run(world.current)].count("apply") == 0
