"""Focus after each Rollback A action (issue 18's audit): Restore on open, back on it when
its dialog is cancelled, Plan once restored (the re-convergence, pipeline_focus)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.plan_apply_screens import carried_world, open_step, tf_dir, world_app
from tests.support.waiting import dialog_focused, focus_on, run_until_idle, wait_until
from tui.core.playbook.load import load_playbook

BOOK = load_playbook()


async def test_option_a_focus_after_each_action(tmp_path: Path) -> None:
    world = carried_world(tmp_path)
    prev, curr = tf_dir(world.previous), tf_dir(world.current)
    (prev / BOOK.state_pre_upgrade).write_bytes((prev / BOOK.state_file).read_bytes())
    failed = json.loads((curr / BOOK.state_file).read_text())
    failed["serial"] += 3
    (curr / BOOK.state_file).write_text(json.dumps(failed))
    app = world_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "rollback")
        await wait_until(app, pilot, focus_on(app, "#rb-restore"), "open.a: Restore focused")
        await pilot.press("R")
        await wait_until(app, pilot, dialog_focused(app), "the restore question")
        await pilot.press("escape")
        await wait_until(app, pilot, focus_on(app, "#rb-restore"), "cancelled: Restore again")
        await pilot.press("R")
        await wait_until(app, pilot, dialog_focused(app), "the restore question")
        await pilot.press("y")
        await run_until_idle(app, pilot)
        await wait_until(app, pilot, focus_on(app, "#rb-plan-button"), "restore: Plan focused")
        await pilot.press("p")
        await run_until_idle(app, pilot)
        await wait_until(
            app, pilot, focus_on(app, "#rb-apply-button"), "reviewed: Apply (rollback rules)"
        )
