"""Pilot tests of the Helm step's images check on the sandbox world: a missing image keeps
the sync disabled until loadimage.sh pushes it or a reason waives it; a placeholder registry
is asked for; a malformed images list and an ECR fault are said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input

from tests.support.helm_screen import (
    BOOK,
    helm_app,
    helm_world,
    journal_records,
    open_helm,
    panel_of,
    press,
    ready_for_sync,
    table_text,
    text_of,
)
from tests.support.journal import bodies_of
from tests.support.stage4 import inject_error
from tests.support.waiting import focus_on, wait_until
from tui.core.journal.events import ImageRegistryTyped, WaiverGiven, WaiverSubject
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.seed_client import client as seed_client
from tui.sandbox.seed_images import image_lines, push_image
from tui.sandbox.world import World
from tui.screens.helm.images import ImagesSection
from tui.screens.helm.support import CapturingLog
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog


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
