"""The Helm step knows the cluster it changes: the Kubernetes context shown and pinned, each
release's health after the sync, a rollback within reach after a good sync (confirmed by
the release's exact name), and helm lint as a gate waivable with a typed reason."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual.widgets import Button, Input

from tests.support.helm_screen import (
    BOOK,
    helm_app,
    helm_status,
    journal_records,
    open_helm,
    press,
    ready_for_sync,
    text_of,
    values_path,
)
from tests.support.journal import bodies_of
from tests.support.sandbox import run_tool
from tests.support.waiting import run_until_idle
from tui.core.journal.events import HelmHealthChecked, HelmRolledBack, WaiverGiven, WaiverSubject
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.world import World
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.reason import ReasonDialog
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog

SHOTS = os.environ.get("MOCM_TEST_SHOTS", "")  # a folder: save the screens seen at 80×24


def context_of(world: World) -> str:
    return f"arn:aws:eks:{world.region}:{world.account_id}:cluster/{world.name_prefix}-eks"


def commands(world: World) -> list[list[str]]:
    return [list(r["argv"]) for r in journal_records(world.current) if r["kind"] == "command"]


def shot(app: Any, name: str) -> None:
    if SHOTS:
        app.save_screenshot(str(Path(SHOTS) / f"{name}.svg"))


async def test_context_pinned_health_checked_and_rollback_after_a_good_sync(
    world: World, aws: AwsEndpoint
) -> None:
    context = context_of(world)
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        header = " ".join(text_of(app, "#helm-context").split())
        assert f"Kubernetes context {context} · namespace {BOOK.helm_namespace}" in header
        assert header.endswith("· pinned")
        assert "helm lint run" in text_of(app, "#sync-gate")
        await ready_for_sync(app, pilot)
        await press(app, pilot, "s")
        assert isinstance(app.screen, ConfirmDialog)
        body = " ".join(text_of(app, "#dialog-body").split())
        assert f"Kubernetes context {context} · namespace {BOOK.helm_namespace} (pinned)" in body
        await press(app, pilot, "y")
        health = text_of(app, "#sync-health")
        assert "Health after the sync: every release is healthy." in health
        assert "✔ mocm-service: deployed, revision 6 → 7" in health
        assert "✔ mocm-bootstrap-1: deployed, revision 8 → 9" in health
        assert helm_status(app) is StepStatus.DONE
        shot(app, "helm-after-sync")
        # A good sync keeps the rollback within reach, release by release.
        offer = text_of(app, "#rb-offer")
        assert "mocm-service → revision 6" in offer
        app.query_one("#rb-choice-2", Button).press()
        await run_until_idle(app, pilot)
        assert isinstance(app.screen, TypedPhraseDialog)
        assert app.focused is app.screen.query_one("#dialog-cancel", Button)  # Enter cancels
        assert "helm rollback mocm-service 6 -n fusion" in text_of(app, "#dialog-body")
        shot(app, "helm-rollback-dialog")
        app.screen.query_one("#dialog-input", Input).value = "mocm-servic"
        await pilot.pause()
        assert app.screen.query_one("#dialog-confirm", Button).disabled
        app.screen.query_one("#dialog-input", Input).value = "mocm-service"
        await pilot.pause()
        app.screen.query_one("#dialog-confirm", Button).press()
        await run_until_idle(app, pilot)
        assert "✔ mocm-service rolled back to revision 6." in text_of(app, "#rb-result")
        assert helm_status(app) is StepStatus.IN_PROGRESS  # until the outcome is recorded
        app.query_one("#rb-outcome", Input).value = "service errors after the sync; CHG-88"
        await press(app, pilot, "enter")
        assert helm_status(app) is StepStatus.DONE
    argvs = commands(world)
    cluster = [a for a in argvs if any(v in a for v in ("sync", "status", "rollback", "history"))]
    assert cluster and all(
        ["--kube-context", context] == a[a.index("--kube-context") :][:2] for a in cluster
    )
    [health] = bodies_of(world.current, HelmHealthChecked)
    assert health.releases[0].healthy
    assert health.releases[0].message.startswith("mocm-bootstrap-1: deployed")
    assert [
        (r.release, r.revision, r.succeeded, r.message)
        for r in bodies_of(world.current, HelmRolledBack)
    ] == [("mocm-service", 6, True, "mocm-service rolled back to revision 6.")]
    history = run_tool(
        world, ["helm", "history", "mocm-service", "-n", "fusion", "-o", "json"], cwd=world.root
    )
    assert '"Rollback to 6"' in history.stdout


async def test_a_release_not_deployed_after_the_sync_is_said_unhealthy(
    world: World, aws: AwsEndpoint
) -> None:
    app = helm_app(world, aws.env, MOCM_SANDBOX_FAIL_RELEASE="mocm-service")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        await press(app, pilot, "s", "y")
        health = text_of(app, "#sync-health")
        assert "Health after the sync: NOT OK." in health
        assert "✗ mocm-service: failed at revision 7 — not deployed" in health
        assert "✔ mocm-bootstrap-2: deployed, revision 8 → 9" in health


async def test_a_failed_lint_blocks_the_sync_until_waived_and_a_values_edit_asks_again(
    world: World, aws: AwsEndpoint
) -> None:
    values = values_path(world)
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)  # lint passed on these values
        assert text_of(app, "#sync-gate").startswith("Ready to sync (s)")
        # bootstrap-2's templates need .Values.cache: the stand-in helm lint fails on it
        values.write_text(values.read_text().replace("\ncache:", "\ncache: null\ncacheOld:", 1))
        await press(app, pilot, "s")
        assert not isinstance(app.screen, ConfirmDialog)  # the lint is stale: the gate holds
        assert "helm lint run again (the values changed since)" in text_of(app, "#sync-gate")
        await press(app, pilot, "4", "i")
        assert "✗ charts/" in text_of(app, "#lint-result")
        assert "or waived with a reason" in text_of(app, "#lint-gate")
        waive = app.query_one("#lint-waive", Button)
        assert waive.display
        waive.press()
        await run_until_idle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        assert app.screen.query_one("#dialog-confirm", Button).disabled  # no reason yet
        app.screen.query_one("#dialog-input", Input).value = "template guarded at runtime; OPS-3"
        await pilot.pause()
        app.screen.query_one("#dialog-confirm", Button).press()
        await run_until_idle(app, pilot)
        assert "Failures waived (journaled): template guarded at runtime" in text_of(
            app, "#lint-gate"
        )
        await press(app, pilot, "6")
        assert text_of(app, "#sync-gate").startswith("Ready to sync (s)")
        await press(app, pilot, "s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(app, pilot, "n")
        # The waiver covers that run only: an edit of the values needs a new lint.
        values.write_text(values.read_text() + "# edited after the lint\n")
        await press(app, pilot, "s")
        assert not isinstance(app.screen, ConfirmDialog)
        assert "helm lint run again (the values changed since)" in text_of(app, "#sync-gate")
    [waiver] = [
        w
        for w in bodies_of(world.current, WaiverGiven)
        if w.subject is WaiverSubject.SYNC_WITH_LINT_FAILED
    ]
    assert waiver.reason == "template guarded at runtime; OPS-3"


async def test_an_unknown_context_blocks_the_sync(
    world: World, aws: AwsEndpoint, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-kubeconfig"
    app = helm_app(world, aws.env, KUBECONFIG=str(missing))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_helm(app, pilot)
        header = " ".join(text_of(app, "#helm-context").split())
        assert "Kubernetes context unknown: nothing will be synced" in header
        assert f"no kubeconfig found ({missing})" in header
        await ready_for_sync(app, pilot)
        assert "the Kubernetes context known" in text_of(app, "#sync-gate")
        await press(app, pilot, "s")
        assert not isinstance(app.screen, ConfirmDialog)
    assert not any("sync" in argv for argv in commands(world))


async def test_after_a_restart_a_good_sync_still_offers_each_rollback(
    world: World, aws: AwsEndpoint
) -> None:
    first = helm_app(world, aws.env)
    async with first.run_test(size=(120, 40)) as pilot:
        await open_helm(first, pilot)
        await ready_for_sync(first, pilot)
        await press(first, pilot, "s", "y")
        assert helm_status(first) is StepStatus.DONE
    second = helm_app(world, aws.env)
    async with second.run_test(size=(120, 40)) as pilot:
        await open_helm(second, pilot)
        await press(second, pilot, "6")
        offer = text_of(second, "#rb-offer")
        assert "mocm-service → revision 6" in offer
        assert "mocm-bootstrap-1 → revision 8" in offer
        assert second.query_one("#rb-choice-0", Button).display
