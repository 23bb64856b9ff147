"""Rollback B: versions of the exact state key, the pre-upgrade pick, download, compare, push."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.failures import FailureKind
from tui.core.tofu.rollback.local import RollbackError
from tui.core.tofu.rollback.s3 import (
    current_state_mark,
    download_version,
    list_state_versions,
    parse_versions,
    pick_version_before,
    push_rollback,
)
from tui.sandbox.aws_endpoint import AwsEndpoint

BUCKET = "acme-mocm-tfstate"
KEY = "mocm/prod/terraform.tfstate"
LINEAGE = "8c3f6d2e-41b7-4f0a-9a3d-5e7c1b2f9d04"


def state(serial: int, lineage: str = LINEAGE) -> bytes:
    return json.dumps(
        {
            "version": 4,
            "terraform_version": "1.10.7",
            "serial": serial,
            "lineage": lineage,
            "outputs": {},
            "resources": [],
            "check_results": None,
        }
    ).encode()


@pytest.fixture
def s3(aws: AwsEndpoint) -> Any:
    client = boto3.client("s3", region_name="eu-central-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return client


def put_history(s3: Any) -> list[str]:
    """Serials 10, 11, 12 of the state, each followed by a lock object and its delete marker."""
    ids = []
    for serial in (10, 11, 12):
        ids.append(s3.put_object(Bucket=BUCKET, Key=KEY, Body=state(serial))["VersionId"])
        s3.put_object(Bucket=BUCKET, Key=KEY + ".tflock", Body=b'{"ID":"x"}')
        s3.delete_object(Bucket=BUCKET, Key=KEY + ".tflock")
    return ids


def test_sample_listing_keeps_only_the_exact_key_oldest_first(samples: Path) -> None:
    page = json.loads((samples / "s3api_list_object_versions.json").read_text())
    versions = parse_versions([page], KEY)
    assert [v.version_id for v in versions] == [
        "null",
        "mR5tY8uI1oP4aS7dF0gH3jK6lZ9xC2vB",
        "b7Hn2QxK0pLm5Rt8Vw1Yz4Ac7Df0Gi3J",
        "Q2v9kYf0b8mX1rT4uW7zA3cE6gJ9lN2p",
    ]
    assert versions[-1].is_latest and versions[0].size == 58731
    apply_start = datetime(2026, 5, 19, 8, 50, tzinfo=UTC)
    chosen = pick_version_before(versions, apply_start)
    assert chosen is not None and chosen.version_id == "b7Hn2QxK0pLm5Rt8Vw1Yz4Ac7Df0Gi3J"
    assert pick_version_before(versions, datetime(2020, 1, 1, tzinfo=UTC)) is None


def test_epoch_and_z_timestamps_are_read() -> None:
    pages = [
        {
            "Versions": [
                {"Key": KEY, "VersionId": "a", "LastModified": "2026-05-19T08:00:00Z"},
                {"Key": KEY, "VersionId": "b", "LastModified": 1779177600.0},
            ]
        }
    ]
    versions = parse_versions(pages, KEY)
    assert all(v.last_modified.tzinfo is not None for v in versions)


def test_listing_from_s3_reads_every_page_and_ignores_locks(s3: Any) -> None:
    ids = put_history(s3)
    versions = list_state_versions(s3, BUCKET, KEY, page_size=2)
    assert [v.version_id for v in versions] == ids
    assert [v.is_latest for v in versions] == [False, False, True]


def test_download_compare_and_force_needed_for_an_older_serial(s3: Any, tmp_path: Path) -> None:
    put_history(s3)
    versions = list_state_versions(s3, BUCKET, KEY)
    target = tmp_path / "terraform.tfstate.rollback"
    got = download_version(s3, BUCKET, KEY, versions[0], target)
    assert json.loads(target.read_bytes())["serial"] == 10
    assert got.mark.serial == 10 and got.current is not None and got.current.serial == 12
    assert got.lineage_matches and got.needs_force
    assert "serial 10" in got.describe() and "the backend now has serial 12" in got.describe()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert [c.op for c in got.changes] == ["write"]


def test_an_existing_download_is_backed_up(s3: Any, tmp_path: Path) -> None:
    put_history(s3)
    target = tmp_path / "terraform.tfstate.rollback"
    target.write_text("earlier attempt")
    got = download_version(s3, BUCKET, KEY, list_state_versions(s3, BUCKET, KEY)[1], target)
    assert (tmp_path / "terraform.tfstate.rollback.old").read_text() == "earlier attempt"
    assert [c.op for c in got.changes] == ["backup", "write"]


def test_equal_serial_is_treated_as_needing_force(s3: Any, tmp_path: Path) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=state(5))
    versions = list_state_versions(s3, BUCKET, KEY)
    got = download_version(s3, BUCKET, KEY, versions[-1], tmp_path / "r")
    assert got.current == current_state_mark(s3, BUCKET, KEY)
    assert got.needs_force  # equal serial: refused by tofu unless the content is identical


def test_missing_bucket_is_a_clear_error(aws: AwsEndpoint) -> None:
    client = boto3.client("s3", region_name="eu-central-1")
    with pytest.raises(RollbackError, match=r"AWS refused to list the versions .*NoSuchBucket"):
        list_state_versions(client, "no-such-bucket", KEY)


def test_empty_backend_has_no_current_mark(s3: Any) -> None:
    assert current_state_mark(s3, BUCKET, KEY) is None


def fake_tofu(directory: Path, current_serial: int) -> str:
    """Refuses an older serial unless -force, like tofu; records its argv."""
    script = directory / "fake-tofu"
    script.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(f"""
        import json, sys
        open({str(directory / "argv.log")!r}, "a").write(" ".join(sys.argv[1:]) + "\\n")
        pushed = json.load(open(sys.argv[-1]))["serial"]
        if "-force" not in sys.argv and pushed < {current_serial}:
            sys.stderr.write(
                f"Failed to write state: cannot import state with serial {{pushed}} "
                "over newer state with serial {current_serial}\\n")
            sys.exit(1)
        """)
    )
    script.chmod(0o755)
    return str(script)


def test_push_refused_without_force_then_accepted_with_it(s3: Any, tmp_path: Path) -> None:
    put_history(s3)
    got = download_version(
        s3,
        BUCKET,
        KEY,
        list_state_versions(s3, BUCKET, KEY)[0],
        tmp_path / "terraform.tfstate.rollback",
    )
    tofu = TofuCommands(fake_tofu(tmp_path, 12))
    env = {"PATH": os.environ["PATH"]}
    refused = push_rollback(tofu, tmp_path, env, got)
    assert not refused.ok and refused.failure is not None
    assert refused.failure.kind is FailureKind.PUSH_OLDER_SERIAL
    accepted = push_rollback(tofu, tmp_path, env, got, force=True)
    assert accepted.ok and accepted.failure is None
    pushed = str(tmp_path / "terraform.tfstate.rollback")
    assert (tmp_path / "argv.log").read_text().splitlines() == [
        f"state push {pushed}",
        f"state push -force {pushed}",
    ]


def test_other_lineage_is_never_pushed_even_with_force(s3: Any, tmp_path: Path) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=state(3, lineage="another"))
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=state(9))
    versions = list_state_versions(s3, BUCKET, KEY)
    got = download_version(s3, BUCKET, KEY, versions[0], tmp_path / "r")
    assert not got.lineage_matches
    with pytest.raises(RollbackError, match="another state history"):
        push_rollback(TofuCommands(fake_tofu(tmp_path, 9)), tmp_path, {}, got, force=True)
    assert not (tmp_path / "argv.log").exists()


def test_download_changed_before_push_is_refused(s3: Any, tmp_path: Path) -> None:
    put_history(s3)
    got = download_version(s3, BUCKET, KEY, list_state_versions(s3, BUCKET, KEY)[0], tmp_path / "r")
    (tmp_path / "r").write_bytes(state(99))
    with pytest.raises(RollbackError, match="changed since it was downloaded"):
        push_rollback(TofuCommands(fake_tofu(tmp_path, 12)), tmp_path, {}, got, force=True)


def test_not_json_version_is_a_clear_error(s3: Any, tmp_path: Path) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"<html>not a state</html>")
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=state(2))
    first = list_state_versions(s3, BUCKET, KEY)[0]
    with pytest.raises(Exception, match="is not JSON"):
        download_version(s3, BUCKET, KEY, first, tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_versions_are_picked_by_time_not_by_order() -> None:
    now = datetime(2026, 5, 19, 9, tzinfo=UTC)
    pages = [
        {
            "Versions": [
                {"Key": KEY, "VersionId": "late", "LastModified": now + timedelta(minutes=5)},
                {"Key": KEY, "VersionId": "pre", "LastModified": now - timedelta(minutes=1)},
                {"Key": KEY, "VersionId": "old", "LastModified": now - timedelta(days=9)},
            ],
            "DeleteMarkers": [{"Key": KEY, "VersionId": "dm", "LastModified": now}],
        }
    ]
    chosen = pick_version_before(parse_versions(pages, KEY), now)
    assert chosen is not None and chosen.version_id == "pre"


def test_a_version_in_the_same_second_as_the_moment_is_not_picked() -> None:
    start = datetime(2026, 5, 19, 9, 0, 0, 400000, tzinfo=UTC)
    pages = [
        {
            "Versions": [
                {"Key": KEY, "VersionId": "by-the-apply", "LastModified": "2026-05-19T09:00:00Z"},
                {"Key": KEY, "VersionId": "pre", "LastModified": "2026-05-19T08:59:59Z"},
            ]
        }
    ]
    chosen = pick_version_before(parse_versions(pages, KEY), start)
    assert chosen is not None and chosen.version_id == "pre"
