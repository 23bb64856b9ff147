"""The demo's endpoint serves DLM: the state's lifecycle policy, seeded with its own id, is
what Preflight's MongoDB-snapshot item reads (a real answer, not moto's HTTP 500); moto's
other services stay unpatched there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.sandbox import new_world
from tui.core.playbook.load import load_playbook
from tui.core.preflight.snapshots import check_mongodb_snapshots
from tui.sandbox.aws_endpoint import AwsEndpoint, start_endpoint
from tui.sandbox.engine import DLM_SERVER, STANDIN, engine_setup
from tui.sandbox.seed import seed_world

BOOK = load_playbook()


@pytest.fixture(scope="module")
def demo_endpoint() -> Iterator[AwsEndpoint]:
    endpoint = start_endpoint(server_module=DLM_SERVER, timeout=60.0)
    yield endpoint
    endpoint.stop()


def client(endpoint: AwsEndpoint, service: str) -> Any:
    return boto3.client(
        service,
        region_name=endpoint.env.get("AWS_REGION", "eu-central-1"),
        endpoint_url=endpoint.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_the_demo_engine_runs_the_dlm_endpoint(tmp_path: Path) -> None:
    assert engine_setup(new_world(tmp_path), STANDIN).server_module == DLM_SERVER


def test_preflight_reads_the_seeded_policy_from_the_demo_endpoint(
    demo_endpoint: AwsEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in demo_endpoint.env.items():
        monkeypatch.setenv(key, value)
    world = new_world(tmp_path)
    report = seed_world(world, dict(os.environ), BOOK)
    assert not [note for note in report.not_modelled if note.startswith("DLM")]
    dlm = client(demo_endpoint, "dlm")
    [policy] = dlm.get_lifecycle_policies()["Policies"]
    assert policy["PolicyId"] == "policy-0a9b8c7d6e5f43210"  # the state's id
    assert policy["State"] == "ENABLED" and "_custom_id_" not in policy["Tags"]
    details = dlm.get_lifecycle_policy(PolicyId=policy["PolicyId"])["Policy"]["PolicyDetails"]
    assert details["TargetTags"] == [{"Key": "Backup", "Value": "mongodb"}]
    assert details["Schedules"][0]["RetainRule"] == {"Count": 14}

    result = check_mongodb_snapshots(dlm, client(demo_endpoint, "ec2"), datetime.now(UTC))
    assert result.status.value == "pass", result
    assert "1 DLM lifecycle policy enabled." in result.summary

    seed_world(world, dict(os.environ), BOOK)  # seeding again adds nothing
    assert len(dlm.get_lifecycle_policies()["Policies"]) == 1


def test_a_plain_moto_endpoint_keeps_saying_dlm_is_not_modelled(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    report = seed_world(new_world(tmp_path), aws.env, BOOK)
    assert any(note.startswith("DLM: this endpoint has no") for note in report.not_modelled)
