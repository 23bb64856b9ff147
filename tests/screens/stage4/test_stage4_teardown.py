"""Pilot tests of the Stage-4 teardown through the plan pipeline: park, plan (tofu stand-in),
review with the stage-4 rules, the gate (cluster id typed), the check, apply."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Button, Input, Label, TabbedContent

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
from tui.core.tofu.plan.pipeline import Phase
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.plan.pipeline_view import PipelineView
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog

THREE = {
    "aws_elasticache_cluster.elasticache",
    "aws_elasticache_parameter_group.elasticache",
    "aws_elasticache_subnet_group.elasticache",
}


def run_of(app: WizardApp) -> PipelineView:
    return app.query_one("#s4-pipeline", PipelineView)


def shown(app: WizardApp, action: str) -> bool:
    """Whether the pipeline offers ``action`` (its button is shown, its key works)."""
    return app.query_one(f"#s4-td-{action}-button", Button).display


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
    assert shown(app, "plan")
    await pilot.click("#s4-td-plan-button")
    await settle_until(
        app, pilot, lambda: not run_of(app).core.busy, "the teardown plan reviewed (or failed)"
    )
    # The review is mounted after the phase moved, then the buttons follow it.
    await settle_until(
        app,
        pilot,
        lambda: run_of(app).core.phase is not Phase.REVIEWED or bool(app.query("#s4-td-review")),
        "the review shown",
    )
    await settle(app, pilot)


def run_text(app: WizardApp) -> str:
    """The pipeline's status line and its problem box (why it stopped), as shown."""
    return text_of(app, "#s4-td-status") + "\n" + text_of(app, "#s4-td-problem")


async def test_teardown_applies_only_the_reviewed_plan_after_the_cluster_id(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr, tofu = teardown_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        assert not shown(app, "plan")  # nothing parked yet
        assert "Park the old cache's file above first" in run_text(app)
        await park_and_plan(app, pilot)
        assert run_of(app).core.phase is Phase.REVIEWED, run_text(app)
        assert "every change is expected at stage 'stage4'" in text_of(app, "#plan-verdict")
        counts = text_of(app, "#plan-counts")
        assert "destroy 3" in counts
        assert shown(app, "apply")
        await pilot.click("#s4-td-apply-button")
        await pilot.pause()
        gate = app.screen
        assert isinstance(gate, TypedPhraseDialog) and gate.phrase == CLUSTER_ID
        title = str(gate.query_one(".dialog-title", Label).render())
        assert title == "Destroy the old cache: apply this plan?"  # a sentence (issue 18)
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
        assert run_of(app).core.phase is Phase.APPLIED
        assert "✔ Applied." in run_text(app)
        await settle_until(
            app,
            pilot,
            lambda: app.query_one("#s4-tabs", TabbedContent).active == "followup",
            "the follow-up section shown",
        )
        assert "safe to remove in a follow-up change" in text_of(app, "#s4-followup")
        assert app.query_one("#s4-unpark", Button).disabled  # applied: the file stays parked
    left = state_addresses(curr)
    assert not left & THREE and "aws_elasticache_replication_group.valkey" in left
    records = [
        json.loads(x) for x in (curr / ".mocm-upgrade/journal.jsonl").read_text().splitlines()
    ]
    gates = [r for r in records if r["kind"] == "gate_answered"]
    assert gates and gates[-1]["confirmed"] and CLUSTER_ID in gates[-1]["typed_phrase"]
    assert all((r["step"], r["stage"]) == ("stage4", "stage4") for r in gates)
    [applied] = [r for r in records if r["kind"] == "plan_applied"]
    [reviewed] = [r for r in records if r["kind"] == "plan_reviewed"][-1:]
    assert (applied["stage"], applied["step"]) == ("stage4", "stage4")
    assert applied["plan_sha256"] == reviewed["plan"]["sha256"] == gates[-1]["plan_sha256"]
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
        assert text_of(app, "#plan-verdict").lstrip().startswith("BLOCKED")
        await pilot.click("#s4-td-apply-button")
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
        assert not shown(app, "apply")


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
        assert not shown(app, "apply")


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
        await pilot.click("#s4-td-apply-button")
        await pilot.pause()
        app.screen.query_one("#dialog-input", Input).value = CLUSTER_ID
        await pilot.pause()
        await pilot.click("#dialog-confirm")
        await settle_until(
            app, pilot, lambda: run_of(app).core.phase is Phase.REFUSED, "the apply refused"
        )
        assert "✗ Apply refused." in run_text(app)
        assert "is not the plan that was reviewed" in run_text(app)
        assert not shown(app, "apply") and shown(app, "plan")  # only a new plan
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
        assert "✗ tofu plan failed (exit 1)." in said
        assert shown(app, "plan")  # may plan again
        assert not shown(app, "apply")


async def test_unparking_after_the_review_voids_it(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr, tofu = teardown_pair(tmp_path)
    before = state_addresses(curr)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr, tofu_bin=str(tofu))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await park_and_plan(app, pilot)
        assert run_of(app).core.phase is Phase.REVIEWED and shown(app, "apply")
        await pilot.click("#s4-unpark")
        await settle(app, pilot)
        assert run_of(app).core.review is None and not app.query("#plan-counts")
        assert not shown(app, "apply") and not shown(app, "plan")
        assert "Park the old cache's file above first" in run_text(app)
        await pilot.press("a")  # the key does nothing either
        await settle(app, pilot)
        assert not isinstance(app.screen, TypedPhraseDialog)
    assert state_addresses(curr) == before
    records = [
        json.loads(x) for x in (curr / ".mocm-upgrade/journal.jsonl").read_text().splitlines()
    ]
    voided = [r for r in records if r["kind"] == "plan_voided"]
    assert [r["stage"] for r in voided] == ["stage4"]
