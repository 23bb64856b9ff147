"""Pilot tests of the wizard shell: what the operator sees and which keys work."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.widgets import Input, Static

from tests.support.release import make_pair
from tests.support.waiting import WizardPilot, run_until_idle, wait_until
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.errors import MocmError
from tui.core.playbook.load import load_playbook
from tui.core.steps import StepStatus
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.dialogs.help import HelpDialog
from tui.widgets.step_sidebar import StepSidebar

BOOK = load_playbook()


def app_for(
    previous: Path | None,
    current: Path | None,
    startup_tasks: Sequence[Callable[[], object]] = (),
) -> WizardApp:
    context = WizardContext(BOOK, previous, current, startup_tasks=startup_tasks)
    return make_app(context)


def screen_text(app: WizardApp) -> str:
    """Everything the Static widgets of the visible screen show."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def releases_accepted(app: WizardApp, pilot: WizardPilot) -> None:
    """Step 1 done (its tfvars are read in a thread), and the diff worker ended."""
    await wait_until(
        app, pilot, lambda: app.statuses["releases"] is StepStatus.DONE, "the releases accepted"
    )
    await run_until_idle(app, pilot)


async def test_valid_pair_shows_builds_and_next_moves_on(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    app = app_for(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await releases_accepted(app, pilot)
        text = screen_text(app)
        assert "build 10.5.2603" in text and "build 10.6.2605" in text
        assert "name_prefix acme-mocm-prod" in text
        assert app.statuses["releases"] is StepStatus.DONE
        await pilot.press("f3")
        assert app.current_step == "preflight"
        assert "2. Preflight" in screen_text(app)


async def test_next_is_disabled_until_releases_are_valid(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    app = app_for(curr, prev)  # wrong order
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "not older than" in screen_text(app)
        assert app.check_action("next_step", ()) is None  # shown greyed out
        await pilot.press("f3", "ctrl+n")
        assert app.current_step == "releases"
        # the operator fixes the order in the form and validates
        app.screen.query_one("#previous", Input).value = str(prev)
        app.screen.query_one("#current", Input).value = str(curr)
        await pilot.click("#use")
        await wait_until(
            app, pilot, lambda: app.check_action("next_step", ()) is True, "F3 enabled"
        )
        await pilot.press("f3")
        assert app.current_step == "preflight"


async def test_steps_ahead_cannot_be_skipped(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    app = app_for(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.show_step("plan")
        await pilot.pause()
        assert app.current_step == "releases"
        await pilot.press("ctrl+r")  # rollback is reachable from anywhere
        assert app.current_step == "rollback"


async def test_sidebar_cursor_follows_the_step(tmp_path: Path) -> None:
    """Enter on the step list after moving on must not jump back to a step left behind."""
    prev, curr = make_pair(tmp_path)
    app = app_for(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await releases_accepted(app, pilot)
        await pilot.press("f3")
        assert app.current_step == "preflight"
        app.query_one("#steps").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_step == "preflight"
        assert "2. Preflight" in screen_text(app)


async def test_step_list_shrinks_to_marks_and_numbers_when_narrow(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    app = app_for(prev, curr)

    def labels() -> list[str]:
        steps = app.query_one(StepSidebar)
        return [str(steps.get_option_at_index(i).prompt) for i in range(steps.option_count)]

    async with app.run_test(size=(80, 24)) as pilot:
        await releases_accepted(app, pilot)
        assert labels()[0] == "✔  1" and labels()[-1] == "· 10"
        assert app.query_one(StepSidebar).size.width <= 6
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert labels()[0] == "✔  1 Releases" and labels()[-1] == "· 10 Rollback"


async def test_restart_resumes_on_the_recorded_step(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    first = app_for(prev, curr)
    async with first.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        assert first.current_step == "preflight"
        first.waive_step("preflight", "checked by hand")
        await pilot.press("f3")
        assert first.current_step == "backend"
    journal = (curr / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in journal]
    assert any(r["kind"] == "step_waived" and r["reason"] == "checked by hand" for r in records)
    assert [r for r in records if r["kind"] == "step_entered"][-1]["step"] == "backend"
    second = app_for(prev, curr)
    async with second.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert second.current_step == "backend"
        assert second.statuses["releases"] is StepStatus.DONE
        assert second.statuses["preflight"] is StepStatus.WAIVED


async def test_lock_held_by_live_wizard_is_refused(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    holder = subprocess.Popen(["sleep", "60"])
    try:
        work = curr / ".mocm-upgrade"
        work.mkdir(mode=0o700)
        (work / "lock.json").write_text(
            json.dumps(
                {
                    "pid": holder.pid,
                    "host": socket.gethostname(),
                    "user": "alice",
                    "started": "2026-11-27T10:00:00Z",
                }
            )
        )
        app = app_for(prev, curr)
        async with app.run_test(size=(120, 40)) as pilot:

            def refused() -> bool:
                return isinstance(app.screen, ErrorDialog) and bool(
                    app.screen.query("#error-message")
                )

            await wait_until(app, pilot, refused, "the lock's refusal shown")
            assert f"pid {holder.pid}" in str(app.screen.query_one("#error-message").render())
            await pilot.press("escape")
            assert app.check_action("next_step", ()) is None
    finally:
        holder.kill()
        holder.wait()
    assert os.path.exists(curr / ".mocm-upgrade" / "lock.json")  # not ours: left alone


async def test_worker_failure_lands_in_the_error_dialog(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)

    def failing() -> None:
        raise MocmError("moto's server did not answer", "check the demo log")

    app = app_for(prev, curr, startup_tasks=[failing])
    async with app.run_test(size=(120, 40)) as pilot:

        def dialog_shown() -> bool:
            return isinstance(app.screen, ErrorDialog) and bool(app.screen.query("#error-message"))

        await wait_until(app, pilot, dialog_shown, "the error dialog shown")
        assert "moto's server did not answer" in str(
            app.screen.query_one("#error-message").render()
        )


async def test_help_and_small_terminal(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    app = app_for(prev, curr)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "build 10.6.2605" in screen_text(app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpDialog)
        await pilot.pause()
        assert app.screen.query_one("#help-dialog").size.width >= 72  # narrow: 96% of 80
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpDialog)


async def test_values_diff_never_shows_a_secret(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    secret = "Vq8#nT2!eL6@rW4z"
    assert secret in (prev / "mocm/values.yaml").read_text()
    app = app_for(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await releases_accepted(app, pilot)
        await wait_until(
            app, pilot, lambda: "password:" in str(app.query_one("#diff").render()), "the diff"
        )
        diff = str(app.screen.query_one("#diff").render())
        assert "password:" in diff
        assert secret not in diff
