"""A wizard killed while ``tofu apply`` ran, its apply still running at the restart (it runs
in its own session): the restart says so and offers wait, stop (k) or quit; only once the
apply is gone does it offer a new plan, never the approved one again."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.screens.apply.test_apply_resume import approve_plan, killed_during_apply, view_of
from tests.support.journal import bodies_of
from tests.support.plan_apply_screens import carried_world, commands_run, world_app
from tests.support.screen_text import all_text
from tests.support.waiting import dialog_focused, run_until_idle, wait_until
from tui.core.exec.child import identify
from tui.core.journal.records import ChildChoice, ChildHandled, CommandChild, CommandInterrupted
from tui.core.journal.writer import Journal, Workspace
from tui.core.tofu.plan.pipeline import Phase
from tui.widgets.dialogs.confirm import ConfirmDialog


@pytest.fixture
def apply_process() -> Iterator[subprocess.Popen[bytes]]:
    """What the killed wizard's apply is: a process in a session of its own."""
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def journal_child(current: Path, run_id: str, pid: int) -> None:
    seen = identify(pid)
    assert seen is not None
    journal = Journal.open(Workspace(current))
    journal.append(CommandChild(run_id, pid, seen.pgid, seen.start_ticks, seen.boot_id, "apply"))


async def left_applying(tmp_path: Path, pid: int) -> tuple[Any, str]:
    """A world whose wizard approved the plan and was killed during the apply, its child
    (``pid``) journaled as started: what the restart finds."""
    world = carried_world(tmp_path)
    first = world_app(world)
    async with first.run_test(size=(120, 40)) as pilot:
        await approve_plan(first, pilot)
    run_id = killed_during_apply(world.current)
    journal_child(world.current, run_id, pid)
    return world, run_id


async def test_a_restart_stops_the_apply_still_running_then_plans_again(
    tmp_path: Path, apply_process: subprocess.Popen[bytes]
) -> None:
    world, run_id = await left_applying(tmp_path, apply_process.pid)

    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(app, pilot, dialog_focused(app), "the still-running dialog, focused")
        said = all_text(app)
        assert "Still running: a command the stopped wizard started" in said, said
        assert f"still running as pid {apply_process.pid}" in said
        assert "Interrupted while a command ran" not in said
        assert bodies_of(world.current, CommandInterrupted) == []  # not while it runs
        await pilot.press("k")
        await wait_until(
            app,
            pilot,
            lambda: "Interrupted while a command ran" in all_text(app),
            "the interruption told once the apply is gone",
        )
        assert apply_process.wait(timeout=30) == -signal.SIGTERM
        assert isinstance(app.screen, ConfirmDialog) and "Plan again" in all_text(app)
        await pilot.press("enter")
        await run_until_idle(app, pilot)
        assert app.current_step == "plan"
        assert view_of(app, "plan").core.phase is Phase.REVIEWED, all_text(app)

    [handled] = bodies_of(world.current, ChildHandled)
    assert (handled.choice, handled.pid, handled.run_id) == (
        ChildChoice.STOPPED,
        apply_process.pid,
        run_id,
    )
    [cut] = bodies_of(world.current, CommandInterrupted)
    assert cut.run_id == run_id
    assert [argv[1] for argv in commands_run(world.current)].count("apply") == 0


async def test_waiting_for_it_then_quitting_leaves_it_running_and_journaled(
    tmp_path: Path, apply_process: subprocess.Popen[bytes]
) -> None:
    world, run_id = await left_applying(tmp_path, apply_process.pid)

    app = world_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(app, pilot, dialog_focused(app), "the still-running dialog, focused")
        await pilot.press("w")
        await wait_until(
            app,
            pilot,
            lambda: "Still running: waiting for it to end" in all_text(app),
            "the waiting dialog",
        )
        await pilot.press("q")
        await run_until_idle(app, pilot)
    assert apply_process.poll() is None  # left running, as the operator chose
    choices = [h.choice for h in bodies_of(world.current, ChildHandled)]
    assert choices == [ChildChoice.WAITED, ChildChoice.LEFT_RUNNING]
    assert bodies_of(world.current, CommandInterrupted) == []  # the next start asks again

    again = world_app(world)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_until(again, pilot, dialog_focused(again), "asked again")
        assert "Still running: a command the stopped wizard started" in all_text(again)
        await pilot.press("w")
        await wait_until(
            again,
            pilot,
            lambda: "Still running: waiting for it to end" in all_text(again),
            "the waiting dialog",
        )
        apply_process.terminate()  # it ends (here: from another terminal)
        await wait_until(
            again,
            pilot,
            lambda: "Interrupted while a command ran" in all_text(again),
            "told once it ended",
        )
    [cut] = bodies_of(world.current, CommandInterrupted)
    assert cut.run_id == run_id
