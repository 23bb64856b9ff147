"""Pilot tests of the Stage-4 teardown: park, plan (tofu stand-in), review, gate, apply."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Button, Input, TabbedContent

from tests.support.screen_text import text_of
from tests.support.stage4 import CLUSTER_ID
from tests.support.stage4_screen import (
    CLUSTER_TF,
    PARAMS_TF,
    SUBNETS_TF,
    open_stage4,
    seed_world,
    stage4_app,
    state_addresses,
    teardown_pair,
)
from tests.support.waiting import (
    WizardPilot,
    settle,
    settle_until,
)
from tui.app import WizardApp
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.stage4.teardown import TeardownRun
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog

THREE = {
    "aws_elasticache_cluster.elasticache",
    "aws_elasticache_parameter_group.elasticache",
    "aws_elasticache_subnet_group.elasticache",
}


def run_of(app: WizardApp) -> TeardownRun:
    return app.query_one(TeardownRun)


def status_of(app: WizardApp) -> StepStatus:
    return app.statuses["stage4"]


async def park_and_plan(app: WizardApp, pilot: WizardPilot) -> None:
    """Decline the snapshot, park the file, plan; wait for the review (or its failure)."""
    app.query_one("#s4-tabs Tabs").focus()
    await pilot.press("4")
    await pilot.click("#s4-snap-want")
    await pilot.press("5")
    await pilot.click("#s4-park")
    await settle(app, pilot)
    assert not app.query_one("#s4-plan", Button).disabled
    await pilot.click("#s4-plan")
    await settle_until(
        app,
        pilot,
        lambda: run_of(app).running is None and "Reading" not in run_text(app),
        "the teardown plan reviewed (or failed)",
    )


def run_text(app: WizardApp) -> str:
    return text_of(app, "#s4-run-status")


async def test_teardown_applies_only_the_reviewed_plan_after_the_cluster_id(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr, tofu = teardown_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        assert app.query_one("#s4-plan", Button).disabled  # nothing parked yet
        await park_and_plan(app, pilot)
        assert "exactly the expected destroys" in run_text(app)
        counts = text_of(app, "#plan-counts")
        assert "3" in counts and "destroy" in counts
        assert not app.query_one("#s4-apply", Button).disabled
        await pilot.click("#s4-apply")
        await pilot.pause()
        gate = app.screen
        assert isinstance(gate, TypedPhraseDialog) and gate.phrase == CLUSTER_ID
        assert app.screen.query_one("#dialog-confirm", Button).disabled
        app.screen.query_one("#dialog-input", Input).value = "acme-mocm-prod-valkey"
        await pilot.pause()
        assert app.screen.query_one("#dialog-confirm", Button).disabled  # wrong id: still shut
        app.screen.query_one("#dialog-input", Input).value = CLUSTER_ID
        await pilot.pause()
        await pilot.click("#dialog-confirm")
        await settle_until(
            app, pilot, lambda: status_of(app) is StepStatus.DONE, "the Stage 4 step done"
        )
        assert "Teardown applied" in run_text(app)
        assert app.query_one("#s4-tabs", TabbedContent).active == "followup"
        assert "safe to remove in a follow-up change" in text_of(app, "#s4-followup")
        assert app.query_one("#s4-unpark", Button).disabled  # applied: the file stays parked
    left = state_addresses(curr)
    assert not left & THREE and "aws_elasticache_replication_group.valkey" in left
    records = [
        json.loads(x) for x in (curr / ".mocm-upgrade/journal.jsonl").read_text().splitlines()
    ]
    gates = [r for r in records if r["kind"] == "gate_answered" and r["step"] == "stage4"]
    assert gates and gates[-1]["confirmed"] and CLUSTER_ID in gates[-1]["typed_phrase"]
    [applied] = [r for r in records if r["kind"] == "plan_applied" and r["step"] == "stage4"]
    [reviewed] = [r for r in records if r["kind"] == "plan_reviewed" and r["step"] == "stage4"][-1:]
    assert applied["plan_sha256"] == reviewed["plan"]["sha256"]
    commands = [r for r in records if r["kind"] == "command"]
    # the review's show -json and state pull, and the apply check's state pull, are journaled too
    ran = [" ".join(r["argv"][1:3]) for r in commands]
    assert ran == ["plan -out", "show -json", "state pull", "state pull", "apply -input=false"]
    assert all(r["exit_code"] in (0, 2) and r["step"] == "stage4" for r in commands)
    pulls = [r for r in commands if r["argv"][1:] == ["state", "pull"]]
    assert all(r["transcript"] is None and r["exit_code"] == 0 for r in pulls)
    assert all(isinstance(r["duration_s"], float) for r in pulls)
    assert any(r["kind"] == "step_completed" and r["step"] == "stage4" for r in records)


async def test_a_fourth_destroy_asks_for_destroy_n_and_cancel_applies_nothing(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    extra = 'resource "aws_cloudwatch_log_group" "cache" {\n  name = "cache-logs"\n}\n'
    prev, curr, tofu = teardown_pair(tmp_path, cache_tf=PARAMS_TF + SUBNETS_TF + CLUSTER_TF + extra)
    before = state_addresses(curr)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await park_and_plan(app, pilot)
        assert "Unexpected changes" in run_text(app)
        await pilot.click("#s4-apply")
        await pilot.pause()
        gate = app.screen
        assert isinstance(gate, TypedPhraseDialog) and gate.phrase == f"destroy 1 {CLUSTER_ID}"
        assert "aws_cloudwatch_log_group.cache" in text_of(app, "#dialog-body")
        await pilot.press("escape")
        await settle(app, pilot)
        assert status_of(app) is StepStatus.IN_PROGRESS
    assert state_addresses(curr) == before


async def test_a_plan_touching_valkey_cannot_be_applied(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    valkey_sg = 'resource "aws_security_group" "valkey" {\n  name = "x-valkey"\n}\n'
    sg_only_cache = 'resource "aws_security_group" "elasticache" {\n  name = "x-cache"\n}\n'
    prev, curr, tofu = teardown_pair(
        tmp_path,
        cache_tf=PARAMS_TF + SUBNETS_TF + CLUSTER_TF + valkey_sg,
        extra={"02-sg.tf": sg_only_cache},
    )
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await park_and_plan(app, pilot)
        said = run_text(app)
        assert "This plan cannot be applied" in said and "protected resource" in said
        assert "aws_security_group.valkey" in said
        assert app.query_one("#s4-apply", Button).disabled


async def test_a_plan_missing_a_required_destroy_cannot_be_applied(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr, tofu = teardown_pair(
        tmp_path, cache_tf=PARAMS_TF + CLUSTER_TF, extra={"03-subnets.tf": SUBNETS_TF}
    )
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await park_and_plan(app, pilot)
        said = run_text(app)
        assert "lacks required destroy(s): aws_elasticache_subnet_group.elasticache" in said
        assert app.query_one("#s4-apply", Button).disabled


async def test_a_plan_file_changed_after_the_review_is_not_applied(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr, tofu = teardown_pair(tmp_path)
    before = state_addresses(curr)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await park_and_plan(app, pilot)
        with (curr / "terraform/aws/tfplan").open("ab") as plan:
            plan.write(b"\0")
        await pilot.click("#s4-apply")
        await pilot.pause()
        app.screen.query_one("#dialog-input", Input).value = CLUSTER_ID
        await pilot.pause()
        await pilot.click("#dialog-confirm")
        await settle_until(
            app, pilot, lambda: isinstance(app.screen, ErrorDialog), "the error dialog"
        )
        assert "is not the plan that was reviewed" in text_of(app, "#error-message")
        await pilot.press("escape")
        assert app.query_one("#s4-apply", Button).disabled  # the review is forgotten
        assert status_of(app) is StepStatus.IN_PROGRESS
    assert state_addresses(curr) == before


async def test_a_failing_plan_is_said_in_red(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr, tofu = teardown_pair(tmp_path)
    (curr / "terraform/aws/10-valkey.tf").write_text('resource "aws_x" "broken" {\n')
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await park_and_plan(app, pilot)
        said = run_text(app)
        assert "(exit 1)" in said
        assert not app.query_one("#s4-plan", Button).disabled  # may plan again
        assert app.query_one("#s4-apply", Button).disabled
