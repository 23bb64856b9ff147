"""Pilot tests of the Stage-4 step against moto: what the operator sees, and what lands on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Select, TabbedContent

from tests.support.journal import bodies_of
from tests.support.screen_text import all_text, text_of
from tests.support.stage4 import (
    CLUSTER_ID,
    REAL_ENDPOINT,
    REGION,
    SECRET_ID,
    client,
    fresh_newest,
    inject_error,
    seed_cluster,
    seed_metric,
    seed_valkey_group,
    steady_shape,
)
from tests.support.stage4_screen import (
    open_stage4,
    picker_lines,
    seed_world,
    stage4_app,
    stage4_pair,
)
from tests.support.waiting import (
    WizardPilot,
    settle,
)
from tui.app import WizardApp
from tui.core.journal.events import (
    IdleVerdict,
    SnapshotDeclined,
    SnapshotPurpose,
    SnapshotRecorded,
    Stage4Verdict,
)
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.stage4.panel import Stage4Panel
from tui.widgets.connections_chart import ConnectionsChart
from tui.widgets.dialogs.error import ErrorDialog

SNAPSHOT = f"{CLUSTER_ID}-final"
PASSWORD = "h3Q!v9r#Lm2x(Tz8_Kp4=Wc7[Ns1]Bd6"  # what tests/stage4_support.seed_secret stores


def panel(app: WizardApp) -> Stage4Panel:
    return app.query_one(Stage4Panel)


def journal_records(release: Path) -> list[dict[str, object]]:
    lines = (release / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def status_of(app: WizardApp) -> StepStatus:
    return app.statuses["stage4"]


def focus_tabs(app: WizardApp) -> None:
    """Focus the section tabs: keys typed in an input would be text, not commands."""
    app.query_one("#s4-tabs Tabs").focus()


async def section(app: WizardApp, pilot: WizardPilot, key: str) -> None:
    focus_tabs(app)
    await pilot.press(key)
    await settle(app, pilot)  # a section may start its check as it opens


# -- verdicts ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "verdict", "figures"),
    [
        ("busy", "BUSY", "peak 63 · last above 4: {newest:%Y-%m-%d %H:%M} UTC"),
        ("idle-zero", "IDLE", "peak 0 ≤ 4 over the last 24h"),
        ("idle-baseline", "IDLE", "peak 4 ≤ 4 over the last 24h"),
        ("empty", "NO DATA", "wrong cluster id, region or window. No data is not idle."),
    ],
    # The ids must not hold the clock: xdist workers collect at different minutes.
    ids=["busy", "idle-zero", "idle-baseline", "empty"],
)
async def test_verdict_of_each_metric_shape(
    aws: AwsEndpoint, samples: Path, tmp_path: Path, shape: str, verdict: str, figures: str
) -> None:
    prev, curr = stage4_pair(tmp_path)
    figures = figures.format(newest=seed_world(samples, shape))
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        shown = text_of(app, "#s4-verdict")
        assert shown.split()[0 : 2 if verdict == "NO DATA" else 1] == verdict.split()
        assert figures in shown
        figures_text = text_of(app, "#s4-figures")
        assert f"Cluster {CLUSTER_ID} confirmed in {REGION}" in figures_text
        if shape == "empty":
            assert "Datapoints" not in figures_text
            assert "no datapoints" in text_of(app, "#chart-caption") + all_text(app)
        else:
            assert "Datapoints 287 of about 28" in figures_text
        assert "has served traffic since" in figures_text and "required 24 h" in figures_text
        gate = text_of(app, "#s4-gate")
        assert ("✔ the old cache is idle" in gate) is (verdict == "IDLE")
        assert app.query_one("#s4-park", Button).disabled  # no snapshot decision yet
        assert app.statuses["stage4"] is StepStatus.IN_PROGRESS


async def test_threshold_and_window_change_the_verdict(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-baseline")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        assert text_of(app, "#s4-verdict").startswith(" IDLE")
        threshold = app.query_one("#s4-threshold", Input)
        threshold.value = "3"
        threshold.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert text_of(app, "#s4-verdict").startswith(" BUSY")
        assert "last above 3" in text_of(app, "#s4-verdict")
        app.query_one("#s4-window", Select).value = "72h"
        await settle(app, pilot)
        assert "of about 86" in text_of(app, "#s4-figures")  # 72 h of 5-minute periods


@pytest.mark.parametrize("typed", ["abc", "-1", "nan", "inf", ""])
async def test_bad_threshold_is_refused_and_evidence_kept(
    aws: AwsEndpoint, samples: Path, tmp_path: Path, typed: str
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "busy")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        before = text_of(app, "#s4-verdict")
        app.query_one("#s4-threshold", Input).value = typed
        focus_tabs(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert "Idle threshold must be a number ≥ 0" in text_of(app, "#s4-threshold-error")
        assert text_of(app, "#s4-verdict") == before


# -- errors from AWS -----------------------------------------------------------
TFVARS_WRONG_REGION = 'name_prefix = "acme-mocm-prod"\naws_region  = "us-west-2"\n'
TFVARS_WRONG_PREFIX = 'name_prefix = "acme-mocm-stage"\naws_region  = "eu-central-1"\n'


@pytest.mark.parametrize(
    ("tfvars", "message"),
    [
        (TFVARS_WRONG_REGION, f"no ElastiCache cluster '{CLUSTER_ID}' in region us-west-2"),
        (TFVARS_WRONG_PREFIX, "no ElastiCache cluster 'acme-mocm-stage-cache' in region eu-cen"),
    ],
    ids=["wrong-region", "wrong-cluster-id"],
)
async def test_missing_cluster_ends_in_the_error_dialog(
    aws: AwsEndpoint, samples: Path, tmp_path: Path, tfvars: str, message: str
) -> None:
    prev, curr = stage4_pair(tmp_path)
    (curr / "terraform/aws/terraform.tfvars").write_text(tfvars)
    seed_world(samples, "busy")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert message in text_of(app, "#error-message")
        assert "name_prefix and aws_region" in text_of(app, "#error-hint")
        await pilot.press("escape")
        assert not isinstance(app.screen, ErrorDialog)  # one dialog per failure
        verdict = text_of(app, "#s4-verdict")
        assert verdict.startswith("✗ NOT CHECKED") and message in verdict
        assert "Check name_prefix and aws_region" in verdict


@pytest.mark.parametrize(
    ("code", "said", "hint"),
    [
        ("Throttling", "AWS is throttling cloudwatch:GetMetricStatistics", "Wait a minute"),
        ("AccessDenied", "access denied to cloudwatch:GetMetricStatistics", "IAM policy"),
    ],
)
async def test_cloudwatch_faults_end_in_the_error_dialog(
    aws: AwsEndpoint, samples: Path, tmp_path: Path, code: str, said: str, hint: str
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        assert text_of(app, "#s4-verdict").startswith(" IDLE")
        context = panel(app).context
        assert context is not None
        inject_error(context.aws.client("cloudwatch", REGION), "GetMetricStatistics", code)
        focus_tabs(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert said in text_of(app, "#error-message") and f"[{code}]" in text_of(
            app, "#error-message"
        )
        assert hint in text_of(app, "#error-hint")
        await pilot.press("escape")
        assert not isinstance(app.screen, ErrorDialog)  # one dialog per failure
        assert "NOT CHECKED" in text_of(app, "#s4-verdict")
        assert "✘ the old cache is not shown idle" in text_of(app, "#s4-gate")


async def test_unreadable_tfvars_is_said_before_any_call(aws: AwsEndpoint, tmp_path: Path) -> None:
    prev, curr = stage4_pair(tmp_path)
    (curr / "terraform/aws/terraform.tfvars").write_text('aws_region = "eu-central-1"\n')
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        problem = text_of(app, "#s4-problem")
        assert "Cannot start Stage 4" in problem and "sets no name_prefix" in problem
        assert "Carry the customer's terraform.tfvars over first" in problem


# -- dependency scan -----------------------------------------------------------
async def test_referenced_endpoint_blocks_the_teardown(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    values = f'credentials:\n  redis:\n    host: "{REAL_ENDPOINT}"\n    password: "pw-123"\n'
    prev, curr = stage4_pair(tmp_path, values=values)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await section(app, pilot, "2")
        assert app.query_one("#s4-tabs", TabbedContent).active == "scan"
        refs = text_of(app, "#s4-references")
        assert "BLOCKED" in refs and "1 reference(s) to the old cache under mocm/" in refs
        [line] = picker_lines(app)
        assert f'mocm/values.yaml:3 (credentials.redis.host)  host: "{REAL_ENDPOINT}"' in line
        assert "pw-123" not in all_text(app) and "pw-123" not in line
        await section(app, pilot, "4")
        await pilot.click("#s4-snap-want")  # decline the snapshot: only the scan blocks
        await section(app, pilot, "5")
        assert "✘ 1 live reference(s) under mocm/ name the old cache" in text_of(app, "#s4-gate")
        assert app.query_one("#s4-park", Button).disabled
        assert (curr / "terraform/aws/09-elasticache.tf").is_file()


# -- Valkey endpoint -------------------------------------------------------------
async def test_valkey_endpoint_shown_password_never(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await section(app, pilot, "3")
        endpoint = text_of(app, "#s4-endpoint")
        assert "Host      master.acme-mocm-prod-valkey.x7p2lm.euc1.cache.amazonaws.com" in endpoint
        assert "Port      6379" in endpoint and "Password  ••••••" in endpoint
        for key in "123456":
            await section(app, pilot, key)
            assert PASSWORD not in all_text(app)
            assert PASSWORD not in app.export_screenshot()


async def test_missing_valkey_secret_is_said_in_red(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    client("secretsmanager").delete_secret(SecretId=SECRET_ID, ForceDeleteWithoutRecovery=True)
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        endpoint = text_of(app, "#s4-endpoint")
        assert f"Secrets Manager has no secret '{SECRET_ID}' in region {REGION}" in endpoint
        assert "Has the upgrade apply created Valkey?" in endpoint
        assert not isinstance(app.screen, ErrorDialog)


# -- final snapshot --------------------------------------------------------------
async def test_final_snapshot_is_created(aws: AwsEndpoint, samples: Path, tmp_path: Path) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await section(app, pilot, "4")
        await pilot.click("#s4-snap-take")
        await settle(app, pilot)
        status = text_of(app, "#s4-snap-status")
        assert f"Snapshot {SNAPSHOT} of {CLUSTER_ID} is available" in status
        assert "✔ final snapshot taken" in text_of(app, "#s4-gate")
        assert not app.query_one("#s4-park", Button).disabled  # idle, clear, snapshot taken
    found = client("elasticache").describe_snapshots(SnapshotName=SNAPSHOT)["Snapshots"]
    assert [s["CacheClusterId"] for s in found] == [CLUSTER_ID]
    [taken] = bodies_of(curr, SnapshotRecorded)
    assert (taken.purpose, taken.name, taken.source_id) == (
        SnapshotPurpose.FINAL,
        SNAPSHOT,
        CLUSTER_ID,
    )
    assert not taken.already_existed
    verdicts = bodies_of(curr, Stage4Verdict)
    assert verdicts and verdicts[-1].verdict is IdleVerdict.IDLE
    assert verdicts[-1].cluster_id == CLUSTER_ID and verdicts[-1].references == ()


async def test_existing_snapshot_is_reported_not_overwritten(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    elasticache = client("elasticache")
    elasticache.create_snapshot(CacheClusterId=CLUSTER_ID, SnapshotName=SNAPSHOT)
    before = elasticache.describe_snapshots(SnapshotName=SNAPSHOT)["Snapshots"]
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await section(app, pilot, "4")
        await pilot.click("#s4-snap-take")
        await settle(app, pilot)
        status = text_of(app, "#s4-snap-status")
        assert f"Snapshot {SNAPSHOT} already exists" in status
        assert "reported, not overwritten" in status
        assert "✔ final snapshot exists" in text_of(app, "#s4-gate")
    assert elasticache.describe_snapshots(SnapshotName=SNAPSHOT)["Snapshots"] == before


async def test_failed_snapshot_ends_in_the_dialog_and_stays_red(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        context = panel(app).context
        assert context is not None
        inject_error(
            context.aws.client("elasticache", REGION),
            "CreateSnapshot",
            "SnapshotQuotaExceededFault",
        )
        await section(app, pilot, "4")
        await pilot.click("#s4-snap-take")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "the account's snapshot quota is reached" in text_of(app, "#error-message")
        await pilot.press("escape")
        assert not isinstance(app.screen, ErrorDialog)  # one dialog per failure
        assert "Snapshot failed:" in text_of(app, "#s4-snap-status")
        assert not app.query_one("#s4-snap-take", Button).disabled  # may try again
        assert "✘ final snapshot" in text_of(app, "#s4-gate")


# -- teardown: rename and undo ---------------------------------------------------
async def test_park_and_undo_rename_on_disk_and_in_the_journal(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    tf = curr / "terraform" / "aws"
    cache_text = (tf / "09-elasticache.tf").read_text()
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await section(app, pilot, "6")
        followup = text_of(app, "#s4-followup")
        assert "aws_security_group.elasticache: still referenced by" in followup
        assert "aws_elasticache_cluster.elasticache (09-elasticache.tf:3)" in followup
        await section(app, pilot, "4")
        await pilot.click("#s4-snap-want")  # declined, journaled
        await section(app, pilot, "5")
        assert "✔ final snapshot declined (journaled)" in text_of(app, "#s4-gate")
        await pilot.click("#s4-park")
        await settle(app, pilot)
        assert not (tf / "09-elasticache.tf").exists()
        assert (tf / "09-elasticache.tf.2603").read_text() == cache_text
        assert "is parked as 09-elasticache.tf.2603" in text_of(app, "#s4-rename-status")
        await section(app, pilot, "6")
        assert "safe to remove in a follow-up change" in text_of(app, "#s4-followup")
        await section(app, pilot, "5")
        await pilot.click("#s4-unpark")
        await settle(app, pilot)
        assert (tf / "09-elasticache.tf").read_text() == cache_text
        assert not (tf / "09-elasticache.tf.2603").exists()
        assert app.statuses["stage4"] is StepStatus.IN_PROGRESS  # nothing applied
    records = journal_records(curr)
    renames = [r for r in records if r["kind"] == "file_op"]
    assert [(Path(str(r["source"])).name, Path(str(r["path"])).name) for r in renames] == [
        ("09-elasticache.tf", "09-elasticache.tf.2603"),
        ("09-elasticache.tf.2603", "09-elasticache.tf"),
    ]
    assert all(r["op"] == "rename" and r["step"] == "stage4" for r in renames)
    assert bodies_of(curr, SnapshotDeclined) == [SnapshotDeclined(SnapshotPurpose.FINAL, "stage4")]


async def test_both_names_present_is_said_and_nothing_moves(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    tf = curr / "terraform" / "aws"
    (tf / "09-elasticache.tf.2603").write_text("# stale copy\n")
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await section(app, pilot, "5")
        status = text_of(app, "#s4-rename-status")
        assert "Both 09-elasticache.tf and 09-elasticache.tf.2603 exist" in status
        assert app.query_one("#s4-park", Button).disabled
        assert app.query_one("#s4-unpark", Button).disabled
    assert (tf / "09-elasticache.tf.2603").read_text() == "# stale copy\n"


# -- the chart ---------------------------------------------------------------------
@pytest.mark.parametrize(("size", "compact"), [((80, 24), True), ((140, 44), False)])
async def test_chart_degrades_to_a_sparkline_at_80x24(
    aws: AwsEndpoint, samples: Path, tmp_path: Path, size: tuple[int, int], compact: bool
) -> None:
    prev, curr = stage4_pair(tmp_path)
    newest = seed_world(samples, "busy")
    app = stage4_app(prev, curr)
    async with app.run_test(size=size) as pilot:
        await open_stage4(app, pilot)
        chart = app.query_one(ConnectionsChart)
        assert chart.compact is compact
        assert app.query_one("#chart-plot").display is not compact
        assert app.query_one("#chart-spark").display is compact
        if compact:
            spark = text_of(app, "#chart-spark")
            assert "old" in spark and "Valkey" in spark
            assert f"peak 63 · last above 4: {newest:%Y-%m-%d %H:%M} UTC" in spark
            # 287 five-minute points in 24 h: 99 % or 100 % as "now" falls in its 5 minutes.
            assert re.search(r"287 datapoints · coverage (99|100)%", spark), spark
        else:
            assert chart.size.width >= 64 and chart.size.height >= 12


async def test_valkey_serving_for_less_than_a_cycle_is_warned(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_cluster()
    members = seed_valkey_group()
    seed_metric(members[0], steady_shape(6, 25.0), newest=fresh_newest())
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        figures = text_of(app, "#s4-figures")
        assert "warning: acme-mocm-prod-valkey has served traffic since" in figures
        assert "(6.0 h; required 24 h) — wait 18.0 h more for a full business cycle" in figures
