"""The demo end to end in a real terminal (tmux, 120x40): step 1 through Stage 4's apply on
the B.1 path, driven like an operator (each key once the screen shows what it waits for).

The teardown applies exactly the three expected destroys, the Valkey resources stay as they
were (the state in the demo's S3 backend, read with boto3 against its endpoint), and the
security-group follow-up is on screen. The session and every process of the world are gone
afterwards, pass or fail."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.bench.bench_keycount import (
    FOLLOW_UP,
    KeyLog,
    Operator,
    b1_upgrade,
    shows,
    stage4_teardown,
)
from tests.e2e import tmux_support
from tests.e2e.tmux_support import TmuxScreen
from tests.support.change_record_check import check_record, parse_record
from tests.support.sandbox import world_processes
from tests.support.waiting import BOUND_S
from tui.core.journal.reader import read_journal
from tui.core.journal.writer import Workspace
from tui.core.secrets.redact import Redactor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
MOCM_UPGRADE = str(Path(sys.executable).parent / "mocm-upgrade")
PROJECT = Path(__file__).resolve().parents[2]
THREE = {
    "aws_elasticache_cluster.elasticache",
    "aws_elasticache_parameter_group.elasticache",
    "aws_elasticache_subnet_group.elasticache",
}


def terminal_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


def world_aws_env(world: Path) -> dict[str, str]:
    """The demo's endpoint and credentials, as its env.sh exports them."""
    found = {}
    for line in (world / "env.sh").read_text().splitlines():
        if line.startswith("export AWS_") and "=" in line:
            key, value = line.removeprefix("export ").split("=", 1)
            found[key] = value.strip('"')
    return found


def remote_state(world: Path) -> dict[str, Any]:
    """The state in the demo's S3 backend (B.1 moved it there), read with boto3."""
    env = world_aws_env(world)
    s3 = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    backend = (world / "releases/mocm-10.6.2605/terraform/aws/backend.tf").read_text()
    bucket = backend.split("bucket", 1)[1].split('"')[1]
    key = backend.split(" key", 1)[1].split('"')[1]
    state: dict[str, Any] = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    return state


OLD_CLUSTER = "acme-mocm-prod-cache"


def by_address(state: dict[str, Any]) -> dict[str, Any]:
    return {f"{r['type']}.{r['name']}": r["instances"] for r in state["resources"]}


def elasticache(world: Path) -> Any:
    """ElastiCache of the demo's local AWS world, with the demo's own credentials."""
    env = world_aws_env(world)
    return boto3.client(
        "elasticache",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


def valkey_group_status(world: Path) -> str:
    group = elasticache(world).describe_replication_groups(
        ReplicationGroupId="acme-mocm-prod-valkey"
    )
    return str(group["ReplicationGroups"][0]["Status"])


def cluster_statuses(world: Path) -> dict[str, str]:
    """Cache cluster id → status, as describe_cache_clusters lists them."""
    listed = elasticache(world).describe_cache_clusters()["CacheClusters"]
    return {c["CacheClusterId"]: c["CacheClusterStatus"] for c in listed}


def endpoint_port(world: Path) -> int:
    env_sh = world / "env.sh"
    if not env_sh.is_file():
        return 0
    return int(world_aws_env(world).get("AWS_ENDPOINT_URL", ":0").rsplit(":", 1)[1])


def leftovers(world: Path) -> list[str]:
    return world_processes(world, endpoint_port(world))


def check_whole_change_record(release: Path) -> None:
    """The change record of the whole demo tells every journal line (issue 14)."""
    out = subprocess.run(
        [MOCM_UPGRADE, "report", "--release", str(release), "--out", "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    records = read_journal(Workspace(release).journal_path).records
    counts = check_record(records, out, Redactor().redact)
    assert counts["plan_applied"] >= 2  # the upgrade's apply and Stage 4's teardown
    steps = {row["Step"]: row["Status"] for row in parse_record(out)["Steps"].table("Step").rows}
    forward = ["Releases", "Preflight", "Backend", "Carry-over", "Plan", "Apply", "Values"]
    assert steps == {
        **dict.fromkeys([*forward, "Helm", "Stage 4"], "done"),
        "Rollback": "not started",
    }


def tear_down(screen: TmuxScreen, world: Path) -> None:
    """Kill the session, then anything of the world still running (pass or fail)."""
    screen.kill()
    for line in leftovers(world):
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)


@pytest.fixture
def own_tmux_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A tmux server of this test alone: the shared one is other suites' to clean up."""
    socket = ["-L", f"mocm-e2e-stage4-{uuid.uuid4().hex[:8]}"]
    monkeypatch.setattr(tmux_support, "SOCKET", socket)
    yield
    tmux_support.tmux("kill-server", check=False)


@pytest.mark.usefixtures("own_tmux_server")
def test_demo_from_step_1_through_stage_4_apply(tmp_path: Path) -> None:
    world = tmp_path / "world"
    screen = TmuxScreen(
        [MOCM_UPGRADE, "demo", "--dir", str(world)], PROJECT, terminal_env(tmp_path), "120x40"
    )
    op = Operator(screen, KeyLog())
    try:
        screen.wait_for(shows("AWS world seeded anew"), timeout=max(BOUND_S, 300))
        b1_upgrade(op)
        before = remote_state(world)
        assert cluster_statuses(world).get(OLD_CLUSTER) == "available"
        stage4_teardown(op)
        after = remote_state(world)

        evidence = next(text for text in op.seen if "IDLE" in text)
        assert "Demo world: its CloudWatch history puts the cutover" in evidence
        final = screen.wait_for(shows("✔  9 Stage 4"))  # the step is done
        assert all(words in final for words in FOLLOW_UP)

        had, has = by_address(before), by_address(after)
        assert set(had) >= THREE and not THREE & set(has)
        assert set(had) - set(has) == THREE  # the three destroys, nothing else
        valkey = {address for address in had if "valkey" in address}
        assert "aws_elasticache_replication_group.valkey" in valkey
        assert {a: has[a] for a in valkey} == {a: had[a] for a in valkey}  # untouched
        assert after["serial"] == before["serial"] + 1
        assert valkey_group_status(world) == "available"
        # The teardown reached the cloud: the old cluster is being deleted (moto keeps a
        # deleted cluster "deleting"; the real API lists it until it is gone).
        assert cluster_statuses(world).get(OLD_CLUSTER, "gone") in ("deleting", "gone")

        journal = world / "releases/mocm-10.6.2605/.mocm-upgrade/journal.jsonl"
        records = [json.loads(line) for line in journal.read_text().splitlines()]
        [applied] = [r for r in records if r["kind"] == "plan_applied" and r["step"] == "stage4"]
        assert applied["stage"] == "stage4"

        screen.keys("C-q")
        screen.wait_gone(timeout=60)
        screen.wait_for(lambda _: not leftovers(world), timeout=30)  # nothing left running
        check_whole_change_record(world / "releases/mocm-10.6.2605")
    finally:
        tear_down(screen, world)
