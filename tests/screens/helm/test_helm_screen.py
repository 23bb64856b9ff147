"""Pilot tests of the Helm step on the sandbox world: what the operator sees, what lands on disk."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from rich.text import Text
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static

from tests.support.helm_screen import (
    BOOK,
    helm_app,
    helm_status,
    helm_world,
    journal_records,
    open_helm,
    press,
    ready_for_sync,
    table_text,
    text_of,
)
from tests.support.journal import bodies_of
from tests.support.sandbox import run_tool
from tests.support.stage4 import inject_error
from tests.support.waiting import (
    BOUND_S,
    WizardPilot,
    focus_on,
    run_until_idle,
    wait_until,
)
from tui.app import WizardApp
from tui.core.helm.journal_readback import shown_time
from tui.core.helm.sync import ReleaseState
from tui.core.journal.events import (
    ChangelogAcknowledged,
    HelmRevisionRecorded,
    HelmRollbackClosed,
    HelmRolledBack,
    ImageRegistryTyped,
    WaiverGiven,
    WaiverSubject,
)
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.helm_store import load_store, save_store
from tui.sandbox.seed_client import client as seed_client
from tui.sandbox.seed_images import image_lines, push_image
from tui.sandbox.world import World
from tui.screens.helm.images import ImagesSection
from tui.screens.helm.panel import HelmPanel
from tui.screens.helm.support import CapturingLog
from tui.screens.helm.sync import SyncSection
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog

FAIL_SERVICE = {"MOCM_SANDBOX_FAIL_RELEASE": "mocm-service"}


@pytest.fixture
def world(tmp_path: Path, aws: AwsEndpoint) -> World:
    return helm_world(tmp_path, aws.env)


def panel_of(app: WizardApp) -> HelmPanel:
    return app.query_one(HelmPanel)


async def type_release_name(app: WizardApp, pilot: WizardPilot, name: str) -> None:
    """The rollback dialog opens on Cancel; the exact release name enables Roll back."""
    assert isinstance(app.screen, TypedPhraseDialog)
    assert app.focused is app.screen.query_one("#dialog-cancel", Button)
    app.screen.query_one("#dialog-input", Input).value = name
    await pilot.pause()
    app.screen.query_one("#dialog-confirm", Button).press()
    await run_until_idle(app, pilot)


def history(world: World, release: str) -> list[dict[str, object]]:
    out = run_tool(world, ["helm", "history", release, "-n", "fusion", "-o", "json"])
    assert out.returncode == 0, out.stderr
    releases: list[dict[str, object]] = json.loads(out.stdout)
    return releases


# -- 1. images ------------------------------------------------------------------------------
async def test_missing_image_keeps_sync_disabled(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        table = table_text(app, "#img-table")
        assert "mocm/notifier" in table and "✗ missing: tag not pushed" in table
        assert table.count("✔ present") == 7
        assert "1 of 8 images missing in ECR: helmfile sync stays disabled" in text_of(
            app, "#img-verdict"
        )
        await ready_for_sync(app, pilot, load_images=False)
        assert text_of(app, "#sync-gate").strip() == "Sync needs: images in ECR (1 missing)"
        assert app.query_one("#sync-run", Button).disabled
        assert panel_of(app).check_action("sync", ()) is None
        await press(app, pilot, "s")
        assert not isinstance(app.screen, ConfirmDialog)
        assert not world.current.joinpath(BOOK.helm_sync_log).exists()


async def test_loadimage_pushes_and_the_check_passes(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "l")
        # its output while it runs, then ECR is asked again: all present, the tab row
        await wait_until(app, pilot, focus_on(app, "#helm-tabs Tabs"), "l, checked: the tabs")
        assert "pushed: " in "\n".join(app.query_one("#img-log", CapturingLog).lines)
        assert table_text(app, "#img-table").count("✔ present") == 8
        assert "All 8 images are in ECR." in text_of(app, "#img-verdict")
        assert panel_of(app).check_action("load_images", ()) is None
    commands = [r for r in journal_records(world.current) if r["kind"] == "command"]
    assert any(r["argv"][0].endswith("loadimage.sh") and r["exit_code"] == 0 for r in commands)


async def test_missing_image_waived_with_a_reason(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        app.query_one("#img-waive-reason", Input).value = ""
        app.query_one("#img-waive-reason", Input).focus()
        await press(app, pilot, "enter")
        assert bodies_of(world.current, WaiverGiven) == []
        app.query_one("#img-waive-reason", Input).value = "notifier is pushed by the CI tonight"
        await press(app, pilot, "enter")
        await ready_for_sync(app, pilot, load_images=False)
        assert text_of(app, "#sync-gate").startswith("Ready to sync (s)")
    [waiver] = bodies_of(world.current, WaiverGiven)
    assert waiver.subject is WaiverSubject.SYNC_WITH_IMAGES_MISSING
    assert "mocm/notifier:10.6.2605" in waiver.items
    assert waiver.reason == "notifier is pushed by the CI tonight"


async def test_placeholder_registry_is_asked_for(tmp_path: Path, aws: AwsEndpoint) -> None:
    world = helm_world(tmp_path, aws.env, registry=False)
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        problem = text_of(app, "#img-problem")
        assert "'global.image.registry' is still a placeholder" in problem
        assert "Type the registry below" in problem and "Values (F2)" in problem
        field = app.query_one("#img-registry", Input)
        assert app.focused is field
        field.value = "not-a-registry"
        await press(app, pilot, "enter")
        assert "is not an ECR registry" in text_of(app, "#img-problem")
        field.value = f"{world.account_id}.dkr.ecr.{world.region}.amazonaws.com"
        await press(app, pilot, "enter")
        assert table_text(app, "#img-table").count("✔ present") == 7
    typed = bodies_of(world.current, ImageRegistryTyped)
    assert typed[0].registry == f"{world.account_id}.dkr.ecr.{world.region}.amazonaws.com"


async def test_malformed_images_list_names_the_line(world: World, aws: AwsEndpoint) -> None:
    images = world.current / BOOK.images_list
    images.write_text(images.read_text() + "mocm/api@sha256:0123abcd\n")
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        problem = text_of(app, "#img-problem")
        assert problem.startswith("✗ Cannot read the images list: ")
        assert (
            "images.txt:10: " in problem and "pinned by digest; expected repository:tag" in problem
        )
        assert panel_of(app).check_action("check_images", ()) is None
        await press(app, pilot, "6")
        assert "images in ECR" in text_of(app, "#sync-gate")


@pytest.mark.parametrize(
    ("code", "said", "todo"),
    [
        (
            "AccessDeniedException",
            "AWS refused to show the images of registry",
            "the identity needs ecr:DescribeImages on these repositories",
        ),
        (
            "ThrottlingException",
            "ECR is throttling the requests (too many calls in a short time)",
            "wait a minute and check again",
        ),
    ],
    ids=["access-denied", "throttled"],
)
async def test_ecr_fault_is_said_plainly_and_sync_waits_for_a_waiver(
    world: World, aws: AwsEndpoint, code: str, said: str, todo: str
) -> None:
    ecr = seed_client("ecr", aws.env)
    for image in image_lines(world.current / BOOK.images_list):  # what loadimage.sh pushes
        push_image(ecr, image)
    app = helm_app(world, aws.env, AWS_MAX_ATTEMPTS="1")  # injected throttling: no back-off
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot, load_images=False)
        assert text_of(app, "#sync-gate").startswith("Ready to sync (s)")  # all 8 in ECR
        images = app.query_one(ImagesSection)
        inject_error(images.ecr(world.region), "DescribeImages", code, "injected", 400)
        await press(app, pilot, "1", "c")
        assert isinstance(app.screen, ErrorDialog)
        assert said in text_of(app, "#error-message")
        await pilot.press("escape")
        problem = text_of(app, "#img-problem")
        assert problem.startswith(f"✗ ECR check failed: {said}") and todo in problem
        assert "Check again (c) once the cause is fixed, or waive" in text_of(app, "#img-verdict")
        assert table_text(app, "#img-table") == ""  # no stale "present" left on screen
        await press(app, pilot, "6")
        assert text_of(app, "#sync-gate").strip() == "Sync needs: images in ECR"
        assert app.query_one("#sync-run", Button).disabled
        await press(app, pilot, "s")
        assert not isinstance(app.screen, ConfirmDialog)
        await press(app, pilot, "1")
        reason = app.query_one("#img-waive-reason", Input)
        assert reason.placeholder == "reason to sync without the ECR check"
        reason.value = "images pushed and verified by the CI job 4411"
        reason.focus()
        await press(app, pilot, "enter")
        assert text_of(app, "#img-verdict").startswith("Waived: images not checked (")
        await press(app, pilot, "6")
        assert text_of(app, "#sync-gate").startswith("Ready to sync (s)")
    [waiver] = bodies_of(world.current, WaiverGiven)
    assert waiver.subject is WaiverSubject.SYNC_WITH_IMAGES_NOT_CHECKED
    assert (
        said in waiver.detail and waiver.reason == "images pushed and verified by the CI job 4411"
    )


# -- 2. CHANGELOG, 3. revisions -------------------------------------------------------------
async def test_changelog_items_highlighted_and_acknowledged(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "2")
        entry = text_of(app, "#cl-entry")
        assert "## [10.6.2605] - 2026-05-04" in entry
        assert "5 items under Changed / Removed" in entry
        assert "▶ The `mocm-service-legacy-redis-check` job." in entry  # Removed
        assert "▶ The `mocm-service-credentials` secret gains `VALKEY_USERNAME`." in entry
        assert "• `monitoring.otel`: optional OpenTelemetry traces." in entry  # Added: plain
        highlighted = app.query_one("#cl-entry", Static).content
        assert isinstance(highlighted, Content)
        assert sum(1 for span in highlighted.spans if "on $warning" in str(span.style)) == 5
        await press(app, pilot, "5")
        assert panel_of(app).check_action("diff", ()) is None  # the diff waits for it
        await press(app, pilot, "2", "a")
        assert "Acknowledged (journaled)" in text_of(app, "#cl-status")
        await press(app, pilot, "5")
        assert panel_of(app).check_action("diff", ()) is True
    [ack] = bodies_of(world.current, ChangelogAcknowledged)
    assert ack.version == "10.6.2605" and len(ack.items) == 5
    assert ack.fingerprint is not None and re.fullmatch(r"[0-9a-f]{12}", ack.fingerprint)


async def test_changelog_without_this_version(world: World, aws: AwsEndpoint) -> None:
    path = world.current / "mocm" / "CHANGELOG.md"
    text = path.read_text()
    path.write_text(text[: text.index("## [10.6.2605]")] + text[text.index("## [10.5.2603]") :])
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        entry = text_of(app, "#cl-entry")
        assert "has no entry for version 10.6.2605" in entry
        assert "versions found: 10.5.2603, 10.4.2511" in entry
        await press(app, pilot, "2", "a")
    [ack] = bodies_of(world.current, ChangelogAcknowledged)
    assert (ack.version, ack.fingerprint) == ("10.6.2605", None) and ack.problem


async def test_revisions_recorded_before_sync(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        table = table_text(app, "#hist-table")
        assert "mocm-service" in table and "rev 6" in table
        assert "✔ Revisions recorded before sync at " in text_of(app, "#hist-status")
    assert bodies_of(world.current, HelmRevisionRecorded) == [
        HelmRevisionRecorded("mocm-bootstrap-1", 8, "mocm-bootstrap-1-10.5.2603", False),
        HelmRevisionRecorded("mocm-bootstrap-2", 8, "mocm-bootstrap-2-10.5.2603", False),
        HelmRevisionRecorded("mocm-service", 6, "mocm-service-10.5.2603", False),
    ]


async def test_release_without_history_is_a_first_install(world: World, aws: AwsEndpoint) -> None:
    store = load_store(world.helm_store)
    del store["releases"]["fusion/mocm-bootstrap-2"]
    save_store(world.helm_store, store)
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        assert "first install: not in the cluster yet" in table_text(app, "#hist-table")
    assert HelmRevisionRecorded("mocm-bootstrap-2", None, "", True) in bodies_of(
        world.current, HelmRevisionRecorded
    )


# -- 5. diff --------------------------------------------------------------------------------
async def test_diff_grouped_per_release_with_counts(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "2", "a", "5", "d")
        assert text_of(app, "#diff-status").startswith("3 releases will change (exit 2).")
        summary = text_of(app, "#diff-summary")
        assert "mocm-bootstrap-1       1 resource changed" in summary
        assert "mocm-service           6 resources changed" in summary
        groups = list(app.query(".diff-release").results(Static))
        headings = [str(g.content).splitlines()[0] for g in groups]
        assert [h.split(" — ")[0] for h in headings] == list(BOOK.helm_releases)
        service = groups[2].content
        assert isinstance(service, Text)  # the diff view hands its Static a Rich Text
        assert "Job (batch) has been removed:" in str(service)
        assert "-   ADMIN_PASSWORD: '******** # (hidden by mocm-upgrade)'" in str(service)
        assert "+   VALKEY_USERNAME: '++++++++ # (6 bytes)'" in str(service)
        colours = {str(s.style) for s in service.spans}
        assert any("green" in c or "#" in c for c in colours)
    password = (world.previous / "mocm" / "values.yaml").read_text()
    secret = password.split('password: "', 1)[1].split('"', 1)[0]
    assert secret not in (world.current / ".mocm-upgrade" / "journal.jsonl").read_text()


async def test_no_changes_is_read_from_the_exit_code(world: World, aws: AwsEndpoint) -> None:
    assert (
        run_tool(world, ["helmfile", "-f", "helmfile.yaml", "-n", "fusion", "sync"]).returncode == 0
    )
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "2", "a", "5", "d")
        assert (
            text_of(app, "#diff-status").strip() == "No changes (exit 0 with --detailed-exitcode)."
        )
        assert "No changes" in text_of(app, "#diff-summary")


# -- 6. sync --------------------------------------------------------------------------------
@pytest.mark.parametrize("style", ["1.1", "1.7"])
async def test_sync_deploys_every_release_and_writes_the_log(
    world: World, aws: AwsEndpoint, style: str
) -> None:
    app = helm_app(world, aws.env, MOCM_SANDBOX_HELMFILE_STYLE=style)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        assert text_of(app, "#sync-gate").startswith("Ready to sync (s)")
        await press(app, pilot, "s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(app, pilot, "enter")  # No has the focus: Enter syncs nothing
        assert not isinstance(app.screen, ConfirmDialog)
        assert not world.current.joinpath(BOOK.helm_sync_log).exists()
        await press(app, pilot, "s")
        await press(app, pilot, "y")
        await wait_until(app, pilot, focus_on(app, "#helm-tabs Tabs"), "synced: the tab row")
        progress = text_of(app, "#sync-progress")
        for line in (
            "1. mocm-bootstrap-1     ✔ deployed rev 9 (was 8)  0s",
            "2. mocm-bootstrap-2     ✔ deployed rev 9 (was 8)  0s",
            "3. mocm-service         ✔ deployed rev 7 (was 6)  0s",
        ):
            assert line in progress
        assert "✔ Sync succeeded: every release is deployed." in text_of(app, "#sync-outcome")
        assert helm_status(app) is StepStatus.DONE
    log = (world.current / BOOK.helm_sync_log).read_text()
    heading = "Updated Releases" if style == "1.7" else "UPDATED RELEASES:"
    assert "Upgrading release=mocm-service, chart=charts/mocm-service" in log and heading in log
    assert [h["status"] for h in history(world, "mocm-service")][-1] == "deployed"
    assert any(
        r["kind"] == "step_completed" and r["step"] == "helm"
        for r in journal_records(world.current)
    )


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


async def test_hanging_sync_is_cancelled_with_sigint(world: World, aws: AwsEndpoint) -> None:
    upgrading = asyncio.Event()

    def hook(message: Message) -> None:
        if (
            isinstance(message, SyncSection.Progress)
            and message.event.state is ReleaseState.UPGRADING
        ):
            upgrading.set()

    app = helm_app(world, aws.env, MOCM_SANDBOX_HANG="sync")
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        await pilot.press("s", "y")
        await asyncio.wait_for(upgrading.wait(), timeout=BOUND_S)
        assert text_of(app, "#sync-gate").startswith("Sync running")
        assert panel_of(app).check_action("cancel", ()) is True
        await press(app, pilot, "x")
        await run_until_idle(app, pilot)
        # x: the tab row; then the stopped sync offers the rollback of what it left
        await wait_until(app, pilot, focus_on(app, "#rb-run"), "x, stopped: the rollback")
        assert "Sync cancelled — stopped with SIGINT." in text_of(app, "#sync-outcome")
        assert "1. mocm-bootstrap-1     ⚠ interrupted" in text_of(app, "#sync-progress")
        assert "to revision 8" in text_of(app, "#rb-offer")
        assert helm_status(app) is StepStatus.IN_PROGRESS
    assert "interrupted by SIGINT" in (world.current / BOOK.helm_sync_log).read_text()


async def test_helm_missing_from_path(world: World, aws: AwsEndpoint, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    app = helm_app(world, aws.env, PATH=str(empty))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        status = text_of(app, "#hist-status")
        assert "Cannot record the revisions: Command not found: 'helm'" in status
        assert "Install helm or put the directory that holds it on PATH." in status
        await press(app, pilot, "2", "a", "5", "d")
        assert "Command not found: 'helmfile'" in text_of(app, "#diff-status")
        await press(app, pilot, "6")
        assert "revisions recorded" in text_of(app, "#sync-gate")


# -- 7. restart: the rollback target comes from the journal -----------------------------------
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
