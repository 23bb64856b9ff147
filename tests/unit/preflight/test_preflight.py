"""The preflight runner end to end (fake tools, moto), waivers in the journal, DB snapshots."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from tests.support.preflight import (
    REGION,
    fake_tool,
    make_bucket,
    state_text,
    tool_env,
    version_json,
)
from tests.support.release import make_pair
from tests.support.stage4 import NO_RETRY, client, seed_cluster
from tui.core.errors import MocmError
from tui.core.journal.events import PreflightItemWaived
from tui.core.journal.records import StepWaived
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import load_playbook
from tui.core.playbook.version import Version
from tui.core.preflight.checklist import PreflightSettings, record_waivers, run_preflight
from tui.core.preflight.db_snapshots import (
    default_snapshot_name,
    snapshot_cache_cluster,
    snapshot_rds_instance,
)
from tui.core.preflight.result import CheckStatus
from tui.sandbox.aws_endpoint import AwsEndpoint

PLAYBOOK = load_playbook()
BUCKETS = [f"acme-mocm-prod-b{n}" for n in range(7)]


@pytest.fixture
def world(tmp_path: Path, aws: AwsEndpoint, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Previous release with a local state of seven versioned buckets; fake tools on PATH."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # moto answers DLM with 500: do not retry
    prev, _ = make_pair(tmp_path)
    tf = prev / "terraform" / "aws"
    (tf / "terraform.tfstate").write_text(state_text(BUCKETS))
    for name in BUCKETS:
        make_bucket(name)
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "tofu", f"echo '{version_json('1.10.7')}'\n")
    fake_tool(bin_dir, "helm", "echo v3.18.0\n")
    fake_tool(bin_dir, "helmfile", "echo 'helmfile version v1.1.0'\n")
    return tf


def settings(tf: Path) -> PreflightSettings:
    return PreflightSettings(env=tool_env(tf.parents[2] / "bin"), tool_timeout_s=10)


def test_every_item_reported_with_the_banner(world: Path) -> None:
    session = boto3.session.Session(region_name=REGION)
    report = run_preflight(world, PLAYBOOK, session, settings(world), datetime.now(UTC))
    names = [r.name for r in report.results]
    assert names == [
        "OpenTofu version",
        "helm",
        "helmfile",
        "AWS identity",
        "MongoDB EBS snapshots",
        "S3 buckets",
        "State backup",
    ]
    by_name = {r.name: r for r in report.results}
    assert by_name["S3 buckets"].status is CheckStatus.PASS
    assert by_name["State backup"].status is CheckStatus.WARN  # not taken yet
    assert by_name["MongoDB EBS snapshots"].status is CheckStatus.FAIL  # none seeded
    assert by_name["MongoDB EBS snapshots"].summary.startswith(
        "DLM (Data Lifecycle Manager) did not answer, so its policies cannot be checked "
        f"(dlm:GetLifecyclePolicies in {REGION}: HTTP 500)"
    )  # moto has no DLM API: an error, shown, never a pass
    assert report.identity is not None and report.identity.region == REGION
    assert [f.name for f in report.failures] == ["MongoDB EBS snapshots"]


def test_the_tofu_minimum_is_the_playbooks(world: Path) -> None:
    newer = PLAYBOOK.replace(minimum_tofu=Version.parse("1.11.0"))
    session = boto3.session.Session(region_name=REGION)
    report = run_preflight(world, newer, session, settings(world), datetime.now(UTC))
    tofu = report.results[0]
    assert tofu.name == "OpenTofu version" and tofu.status is CheckStatus.FAIL
    assert "the upgrade needs OpenTofu 1.11.0 or newer" in tofu.summary
    bundled = run_preflight(world, PLAYBOOK, session, settings(world), datetime.now(UTC))
    assert bundled.results[0].summary == "OpenTofu 1.10.7 (≥ 1.10.4)."


def test_tfvars_syntax_error_is_a_failed_item(world: Path) -> None:
    (world / "terraform.tfvars").write_text('name_prefix = "acme"\naws_region = = "x"\n')
    session = boto3.session.Session(region_name=REGION)
    report = run_preflight(world, PLAYBOOK, session, settings(world), datetime.now(UTC))
    item = next(r for r in report.results if r.name == "Customer settings")
    assert item.status is CheckStatus.FAIL
    assert "terraform.tfvars cannot be read" in item.summary and ":2" in item.summary
    assert "edit it by hand" in item.action


def test_state_unreadable_fails_the_bucket_item(world: Path) -> None:
    (world / "terraform.tfstate").write_text('{"version": 3}')
    session = boto3.session.Session(region_name=REGION)
    report = run_preflight(world, PLAYBOOK, session, settings(world), datetime.now(UTC))
    item = next(r for r in report.results if r.name == "S3 buckets")
    assert item.status is CheckStatus.FAIL
    assert "The state cannot be read" in item.summary and "version 3" in item.summary


def test_remote_state_is_read_from_s3_for_the_buckets(world: Path) -> None:
    make_bucket("acme-mocm-prod-tfstate")
    client("s3").put_object(
        Bucket="acme-mocm-prod-tfstate", Key="mocm/terraform.tfstate", Body=state_text(BUCKETS[:2])
    )
    (world / "terraform.tfstate").unlink()
    (world / "backend.tf").write_text(
        'terraform {\n  backend "s3" {\n    bucket = "acme-mocm-prod-tfstate"\n'
        f'    key = "mocm/terraform.tfstate"\n    region = "{REGION}"\n  }}\n}}\n'
    )
    session = boto3.session.Session(region_name=REGION)
    report = run_preflight(world, PLAYBOOK, session, settings(world), datetime.now(UTC))
    by_name = {r.name: r for r in report.results}
    assert by_name["S3 buckets"].status is CheckStatus.WARN
    assert "The state has 2, the release expects 7." in by_name["S3 buckets"].summary
    assert by_name["State backup"].status is CheckStatus.NOT_APPLICABLE


def test_waivers_are_journaled_with_the_reason(world: Path, tmp_path: Path) -> None:
    session = boto3.session.Session(region_name=REGION)
    report = run_preflight(world, PLAYBOOK, session, settings(world), datetime.now(UTC))
    (tmp_path / "current").mkdir()
    journal = Journal.open(Workspace(tmp_path / "current"))
    records = record_waivers(journal, report.failures, "snapshots are taken by the DBA team")
    bodies = [r.body for r in records]
    assert isinstance(bodies[0], PreflightItemWaived) and bodies[0].step == "preflight"
    assert (bodies[0].item, bodies[0].status) == ("MongoDB EBS snapshots", "fail")
    assert bodies[0].reason == "snapshots are taken by the DBA team"
    assert isinstance(bodies[-1], StepWaived) and bodies[-1].step == "preflight"
    assert journal.path.read_text().count("snapshots are taken by the DBA team") == 2


def test_waiver_needs_a_reason_and_something_to_waive(world: Path, tmp_path: Path) -> None:
    session = boto3.session.Session(region_name=REGION)
    report = run_preflight(world, PLAYBOOK, session, settings(world), datetime.now(UTC))
    (tmp_path / "current").mkdir()
    journal = Journal.open(Workspace(tmp_path / "current"))
    with pytest.raises(MocmError, match="needs the operator's reason"):
        record_waivers(journal, report.failures, "  ")
    passing = [r for r in report.results if r.status is CheckStatus.PASS]
    with pytest.raises(MocmError, match="nothing to waive"):
        record_waivers(journal, passing[:1], "because")
    assert journal.records == []


def test_cache_snapshot_on_request_reports_earlier_ones(aws: AwsEndpoint) -> None:
    seed_cluster("acme-mocm-prod-cache")
    elasticache = client("elasticache", config=NO_RETRY)
    elasticache.create_snapshot(CacheClusterId="acme-mocm-prod-cache", SnapshotName="older")
    name = default_snapshot_name("acme-mocm-prod-cache", datetime(2026, 5, 19, 8, 0, tzinfo=UTC))
    assert name == "acme-mocm-prod-cache-pre-upgrade-20260519-0800"
    taken = snapshot_cache_cluster(elasticache, "acme-mocm-prod-cache", name, REGION)
    assert taken.snapshot.name == name and taken.snapshot.status == "available"
    assert not taken.already_existed
    assert [s.name for s in taken.earlier] == ["older"]
    again = snapshot_cache_cluster(elasticache, "acme-mocm-prod-cache", name, REGION)
    assert again.already_existed


def test_rds_snapshot_on_request(aws: AwsEndpoint) -> None:
    rds = client("rds", config=NO_RETRY)
    rds.create_db_instance(
        DBInstanceIdentifier="acme-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-secret-1",
        AllocatedStorage=20,
    )
    taken = snapshot_rds_instance(rds, "acme-db", "acme-db-pre-upgrade", REGION)
    assert (taken.snapshot.name, taken.snapshot.status) == ("acme-db-pre-upgrade", "available")
    again = snapshot_rds_instance(rds, "acme-db", "acme-db-pre-upgrade", REGION)
    assert again.already_existed and again.snapshot.source_id == "acme-db"
