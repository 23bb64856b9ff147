"""Focus after each Backend action (issue 18's audit, tests/screens/app/test_focus_audit.py):
the operator follows the B.1 path at 80×24 without one Tab."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Button, Input

from screens.backend.form_view import BackendFormView
from screens.backend.migration_flow import FormCheck, StateMigrationFlow
from tests.support.tofu_steps import open_step, seeded_world, world_app
from tests.support.waiting import WizardPilot, dialog_focused, focus_on, settle_until, wait_until
from tui.app import WizardApp
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint


async def open_backend(app: WizardApp, pilot: WizardPilot) -> None:
    """The Backend step shown, its situation detected: Keep local has the focus."""
    await open_step(app, pilot, "backend")
    await wait_until(app, pilot, focus_on(app, "#be-keep"), "detect: Keep local focused")


async def test_b1_path_focus_after_each_action(aws: AwsEndpoint, tmp_path: Path) -> None:
    app = world_app(seeded_world(tmp_path, aws))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_backend(app, pilot)
        await pilot.press("m")
        await wait_until(app, pilot, focus_on(app, "#be-check"), "show_form: Check focused")
        key = app.query_one("#bf-key", Input)
        typed_key, key.value = key.value, ""
        await pilot.press("c")  # a required field left empty: that field, before AWS
        await wait_until(app, pilot, focus_on(app, "#bf-key"), "check.fields: the key field")
        key.value = typed_key
        app.query_one("#be-check", Button).press()
        await wait_until(app, pilot, focus_on(app, "#be-migrate"), "check: Write+migrate focused")
        await pilot.press("w")
        await wait_until(app, pilot, dialog_focused(app), "tofu's question, asked")
        app.screen.query_one("#dialog-confirm", Button).press()
        await settle_until(
            app, pilot, lambda: app.statuses["backend"] is StepStatus.DONE, "the migration done"
        )
        await wait_until(app, pilot, focus_on(app, "#be-output"), "migrate: the output focused")


async def test_the_focus_follows_the_checks_result_before_the_buttons_catch_up(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    """AWS's answer arrives while the flow's "idle again" message is still queued (under
    load the screen refreshes between the two): Write+migrate is still disabled on screen
    but the state allows it, so it takes the focus (it kept the key field's before)."""
    app = world_app(seeded_world(tmp_path, aws))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_backend(app, pilot)
        await pilot.press("m")
        await wait_until(app, pilot, focus_on(app, "#be-check"), "show_form: Check focused")
        app.query_one("#bf-key", Input).focus()
        await wait_until(app, pilot, focus_on(app, "#bf-key"), "the key field focused")
        flow = app.query_one(StateMigrationFlow)
        migrate = app.query_one("#be-migrate", Button)
        migrate.disabled = True  # as while busy: the "idle again" message not yet handled
        form = app.query_one(BackendFormView).form()
        flow.post_message(flow.Checked(FormCheck(form, (), then_migrate=False)))
        await wait_until(app, pilot, focus_on(app, "#be-migrate"), "check: Write+migrate focused")
        assert not migrate.disabled


async def test_a_key_typed_while_nothing_has_the_focus_reaches_the_step(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    """The focused button hidden by the step's own work leaves the focus with nobody until
    the step gives it again after the next refresh; a key typed then (as the terminal
    driver posts it) is the step's key, not lost."""
    app = world_app(seeded_world(tmp_path, aws))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_backend(app, pilot)
        app.screen.set_focus(None)
        app.post_message(events.Key("m", "m"))  # the same turn: nobody has the focus
        await wait_until(app, pilot, focus_on(app, "#be-check"), "show_form: Check focused")
        assert app.query_one(BackendFormView).display
