"""Pilot tests of the Helm step's rollback after a failed sync on the sandbox world: the
failed release rolled back alone (confirmed by its exact name), a failed rollback showing
helm's message, and after a restart the target read from the revision the journal recorded
before the sync."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input

from tests.support.helm_screen import (
    helm_app,
    helm_status,
    history,
    journal_records,
    open_helm,
    panel_of,
    press,
    ready_for_sync,
    table_text,
    text_of,
)
from tests.support.journal import bodies_of
from tests.support.waiting import WizardPilot, focus_on, run_until_idle, wait_until
from tui.app import WizardApp
from tui.core.helm.journal_readback import shown_time
from tui.core.journal.events import HelmRollbackClosed, HelmRolledBack
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.helm_store import load_store, save_store
from tui.sandbox.world import World
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog

FAIL_SERVICE = {"MOCM_SANDBOX_FAIL_RELEASE": "mocm-service"}


async def type_release_name(app: WizardApp, pilot: WizardPilot, name: str) -> None:
    """The rollback dialog opens on Cancel; the exact release name enables Roll back."""
    assert isinstance(app.screen, TypedPhraseDialog)
    assert app.focused is app.screen.query_one("#dialog-cancel", Button)
    app.screen.query_one("#dialog-input", Input).value = name
    await pilot.pause()
    app.screen.query_one("#dialog-confirm", Button).press()
    await run_until_idle(app, pilot)


async def test_failed_release_rolled_back_alone(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env, **FAIL_SERVICE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        await press(app, pilot, "s", "y")
        progress = text_of(app, "#sync-progress")
        assert "2. mocm-bootstrap-2     ✔ deployed rev 9" in progress
        assert "3. mocm-service         ✗ failed" in progress
        assert "Error: UPGRADE FAILED: context deadline exceeded" in progress
        assert "Sync failed (exit 1)." in text_of(app, "#sync-outcome")
        offer = text_of(app, "#rb-offer")
        assert "mocm-service failed" in offer and "to revision 6" in offer
        assert "mocm-bootstrap-1 failed" not in offer and "mocm-bootstrap-2 failed" not in offer
        assert "The OpenTofu layer needs no rollback" in offer
        assert str(app.query_one("#rb-run", Button).label) == (
            "Roll back mocm-service to revision 6 (b)"
        )
        assert helm_status(app) is StepStatus.IN_PROGRESS
        await wait_until(app, pilot, focus_on(app, "#rb-run"), "failed: the rollback offered")
        await press(app, pilot, "b")
        assert "helm rollback mocm-service 6 -n fusion" in text_of(app, "#dialog-body")
        await type_release_name(app, pilot, "mocm-service")
        assert "✔ mocm-service rolled back to revision 6." in text_of(app, "#rb-result")
        assert app.focused is app.query_one("#rb-outcome", Input)
        app.query_one("#rb-outcome", Input).value = "service back on 10.5; ticket OPS-12 opened"
        await press(app, pilot, "enter")
        assert helm_status(app) is StepStatus.DONE
    assert history(world, "mocm-service")[-1]["description"] == "Rollback to 6"
    assert history(world, "mocm-bootstrap-2")[-1]["revision"] == 9  # left as upgraded
    assert bodies_of(world.current, HelmRolledBack) == [
        HelmRolledBack("mocm-service", 6, True, "mocm-service rolled back to revision 6.")
    ]
    [closed] = bodies_of(world.current, HelmRollbackClosed)
    assert closed == HelmRollbackClosed(
        "mocm-service → 6", "service back on 10.5; ticket OPS-12 opened"
    )


async def test_failed_rollback_shows_helms_message(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env, **FAIL_SERVICE, MOCM_SANDBOX_FAIL_ROLLBACK="mocm-service")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        await press(app, pilot, "s", "y", "b")
        await type_release_name(app, pilot, "mocm-service")
        result = text_of(app, "#rb-result")
        assert result.startswith("✗ Rollback of mocm-service to revision 6 failed: ")
        assert "try again (b)" in result
        assert not app.query_one("#rb-outcome-row").display
        assert helm_status(app) is StepStatus.IN_PROGRESS
    [rolled] = bodies_of(world.current, HelmRolledBack)
    assert (rolled.release, rolled.revision, rolled.succeeded) == ("mocm-service", 6, False)
    assert rolled.message.startswith("Rollback of mocm-service to revision 6 failed")


def commands_since_last_start(release: Path) -> list[list[str]]:
    """The argv of every command journaled since the last session_started record."""
    records = journal_records(release)
    start = max(i for i, r in enumerate(records) if r["kind"] == "session_started")
    return [r["argv"] for r in records[start:] if r["kind"] == "command"]


async def test_rollback_after_restart_targets_the_revision_recorded_before_sync(
    world: World, aws: AwsEndpoint
) -> None:
    first = helm_app(world, aws.env, **FAIL_SERVICE)
    async with first.run_test(size=(80, 24)) as pilot:
        await open_helm(first, pilot)
        await ready_for_sync(first, pilot)
        await press(first, pilot, "s", "y")
        assert "Sync failed (exit 1)." in text_of(first, "#sync-outcome")
    # The cluster after that sync, as when helmfile fails after helm recorded the upgrade
    # (a postsync hook): the newest revision is the deployed one, yet it is the broken one.
    store = load_store(world.helm_store)
    *_, before, broken = store["releases"]["fusion/mocm-service"]
    before["status"], broken["status"] = "superseded", "deployed"
    save_store(world.helm_store, store)
    assert [(r["revision"], r["status"]) for r in history(world, "mocm-service")[-2:]] == [
        (6, "superseded"),
        (7, "deployed"),
    ]
    [stamp] = [
        r["ts"]
        for r in journal_records(world.current)
        if r["kind"] == "helm_revision_recorded" and r["release"] == "mocm-service"
    ]
    at = shown_time(stamp)

    second = helm_app(world, aws.env)  # the restarted wizard, on the same release dirs
    async with second.run_test(size=(80, 24)) as pilot:
        await open_helm(second, pilot)
        await press(second, pilot, "3")
        assert f"Recorded before sync at {at}, read back from the journal" in text_of(
            second, "#hist-intro"
        )
        assert f"✔ Revisions recorded before sync at {at} (from the journal)." in text_of(
            second, "#hist-status"
        )
        assert "mocm-service  rev 6  6  mocm-service-10.5.2603" in table_text(second, "#hist-table")
        assert panel_of(second).check_action("record_history", ()) is None  # would see rev 7
        await press(second, pilot, "6")
        outcome = text_of(second, "#sync-outcome")
        assert outcome.startswith("Before the restart, the sync of ")
        assert outcome.endswith(" failed (exit 1).")
        progress = text_of(second, "#sync-progress")
        assert "2. mocm-bootstrap-2     ✔ deployed rev 9 (was 8)" in progress
        assert "3. mocm-service         ✗ failed" in progress
        offer = text_of(second, "#rb-offer")
        assert "mocm-service failed" in offer and "mocm-bootstrap-1 failed" not in offer
        assert "to revision 6 — revision 6 (mocm-service-10.5.2603) was deployed" in offer
        assert f"(recorded at {at})" in offer and "revision 7" not in offer
        assert str(second.query_one("#rb-run", Button).label) == (
            "Roll back mocm-service to revision 6 (b)"
        )
        await press(second, pilot, "b")
        assert "helm rollback mocm-service 6 -n fusion" in text_of(second, "#dialog-body")
        await type_release_name(second, pilot, "mocm-service")
        assert "✔ mocm-service rolled back to revision 6." in text_of(second, "#rb-result")
    assert history(world, "mocm-service")[-1]["description"] == "Rollback to 6"
    argvs = commands_since_last_start(world.current)
    assert not [a for a in argvs if "history" in a]  # the journal answered, not helm
    assert [a[1:4] for a in argvs if "rollback" in a] == [["rollback", "mocm-service", "6"]]
