"""Snapshots of the Preflight table at 120×40 and 80×24 (a fixed report: nothing variable
on screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from tests.support.tofu_steps import open_step, seeded_world, steps_as_if_only_mine, world_app
from tests.support.waiting import WizardPilot, settle
from tui.core.preflight.aws_checks import AwsIdentity
from tui.core.preflight.checklist import PreflightReport
from tui.core.preflight.result import failed, passed, warned
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.preflight.panel import PreflightPanel

REPORT = PreflightReport(
    (
        passed("OpenTofu version", "OpenTofu 1.10.7 (≥ 1.10.4).", ("binary: tofu",)),
        passed("helm", 'helm answers: version.BuildInfo{Version:"v3.18.0"}'),
        passed("helmfile", "helmfile answers: helmfile version 1.1.0"),
        passed(
            "AWS identity",
            "AWS account 123456789012 in eu-central-1 as arn:aws:sts::123456789012:user/moto.",
        ),
        warned(
            "MongoDB EBS snapshots",
            "DLM not confirmed; newest DLM snapshot snap-0a1b2c3d is 40.0 h old, older than 36 h.",
            "Check that the DLM policy still runs, or take a manual snapshot of each MongoDB "
            "volume before the upgrade.",
            ("snap-0a1b2c3d of vol-0123 (completed), 40.0 h old",),
        ),
        failed(
            "S3 buckets",
            "1 of 7 buckets cannot be checked: acme-mocm-prod-media (the bucket does not exist).",
            "Check the region and the credentials; a bucket in the state but not in AWS must be "
            "understood before any apply.",
        ),
        warned(
            "State backup",
            "terraform.tfstate (serial 57) will be copied to terraform.tfstate.pre-upgrade.",
            "Take the backup (it is verified by checksum).",
        ),
    ),
    AwsIdentity("123456789012", "arn:aws:sts::123456789012:user/moto", "eu-central-1"),
)


def test_preflight_table_120x40(snap_compare: Any, aws: AwsEndpoint, tmp_path: Path) -> None:
    assert preflight_snapshot(snap_compare, aws, tmp_path, (120, 40))


def test_preflight_table_80x24(snap_compare: Any, aws: AwsEndpoint, tmp_path: Path) -> None:
    assert preflight_snapshot(snap_compare, aws, tmp_path, (80, 24))


def preflight_snapshot(
    snap_compare: Any, aws: AwsEndpoint, tmp_path: Path, size: tuple[int, int]
) -> bool:
    app = world_app(seeded_world(tmp_path, aws))

    async def run_before(pilot: WizardPilot) -> None:
        await open_step(app, pilot, "preflight")
        app.query_one(PreflightPanel).show_report(REPORT)
        app.query_one("#pf-checks", DataTable).move_cursor(row=5)  # the failure: its action
        steps_as_if_only_mine(app, "preflight")
        await settle(app, pilot)

    return bool(snap_compare(app, terminal_size=size, run_before=run_before))
