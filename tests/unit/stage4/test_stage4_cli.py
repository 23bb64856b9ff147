"""`mocm-upgrade stage4-check`: output, JSON contract and exit codes against moto."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.support.stage4 import (
    CLUSTER_ID,
    REAL_ENDPOINT,
    VALKEY_GROUP,
    VALUES_CLEAN,
    client,
    fresh_newest,
    make_release,
    sample_shape,
    seed_cluster,
    seed_metric,
    seed_valkey_group,
    steady_shape,
)
from tui.cli import main

REPO = Path(__file__).resolve().parents[3]
JSON_KEYS = {"verdict", "peak", "datapoints", "references", "not_live", "warnings"}


def _run(capsys: pytest.CaptureFixture[str], release: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["stage4-check", "--release-dir", str(release), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _world(
    samples: Path,
    sample: str | None,
    values: str = VALUES_CLEAN,
    tmp: Path = Path(),
    newest: datetime | None = None,
):
    newest = newest or fresh_newest()  # when the test seeds: the check's window ends now
    seed_cluster()
    members = seed_valkey_group()
    if sample:
        assert seed_metric(CLUSTER_ID, sample_shape(samples, sample), newest=newest) == 287
    seed_metric(members[0], steady_shape(40, 25.0), newest=newest)
    return make_release(tmp, values=values)


def test_idle_and_unreferenced_exits_0(aws, samples, tmp_path, capsys) -> None:
    release = _world(samples, "cw_currconnections_idle_baseline.json", tmp=tmp_path)
    code, out, _ = _run(capsys, release, "--json")
    report = json.loads(out)
    assert code == 0 and set(report) == JSON_KEYS
    assert report == {
        "verdict": "idle",
        "peak": 4.0,
        "datapoints": 287,
        "references": [],
        "not_live": [],
        "warnings": [],
    }


def test_busy_exits_3_and_says_when(aws, samples, tmp_path, capsys) -> None:
    newest = fresh_newest()
    release = _world(samples, "cw_currconnections.json", tmp=tmp_path, newest=newest)
    code, out, _ = _run(capsys, release)
    assert code == 3
    assert "Verdict: BUSY — peak 63 connections (idle threshold 4)" in out
    assert "The guide says 0 connections, but ElastiCache's own monitoring holds 4 to 6" in out
    assert f"Last connection above the threshold: {newest:%Y-%m-%d %H:%M} UTC" in out
    assert "Datapoints: 287 from " in out
    assert "≤4│" in out and "0└" in out  # the chart with its threshold row
    assert "Valkey: acme-mocm-prod-valkey has served traffic since 20" in out
    assert "required 24 h)" in out and "warning: Valkey" not in out
    assert "Result: BLOCKED — the old cache still has connections." in out


def test_reference_in_values_exits_3_even_when_idle(aws, samples, tmp_path, capsys) -> None:
    values = f'credentials:\n  redis:\n    host: "{REAL_ENDPOINT}"\n    password: "pw-123"\n'
    release = _world(samples, "cw_currconnections_idle_zero.json", values, tmp_path)
    code, out, _ = _run(capsys, release, "--json")
    assert code == 3 and json.loads(out)["references"] == ["mocm/values.yaml:3"]
    assert json.loads(out)["verdict"] == "idle"
    code, out, _ = _run(capsys, release)
    shown = f'  mocm/values.yaml:3 (credentials.redis.host): host: "{REAL_ENDPOINT}"'
    assert shown in out and "pw-123" not in out


def test_no_datapoints_exits_4(aws, samples, tmp_path, capsys) -> None:
    release = _world(samples, None, tmp=tmp_path)
    code, out, _ = _run(capsys, release, "--json")
    report = json.loads(out)
    assert code == 4 and {k: report[k] for k in ("verdict", "peak", "datapoints")} == {
        "verdict": "no-data",
        "peak": None,
        "datapoints": 0,
    }
    assert report["references"] == []
    code, out, _ = _run(capsys, release)
    assert "Verdict: NO DATA" in out and "not zero" in out


def test_window_and_threshold_options(aws, samples, tmp_path, capsys) -> None:
    release = _world(samples, None, tmp=tmp_path)
    seed_metric(CLUSTER_ID, steady_shape(2, 9.0), newest=fresh_newest() - timedelta(hours=40))
    assert _run(capsys, release, "--json")[0] == 4  # outside the last 24 h
    code, out, _ = _run(capsys, release, "--window", "72h", "--json")
    assert code == 3 and json.loads(out)["peak"] == 9.0
    assert any("latest datapoint is" in w for w in json.loads(out)["warnings"])  # cron sees it
    assert _run(capsys, release, "--window", "72h", "--threshold", "10")[0] == 0


def test_missing_cluster_exits_1_with_id_and_region(aws, tmp_path, capsys) -> None:
    code, out, err = _run(capsys, make_release(tmp_path))
    assert code == 1 and out == ""
    assert f"no ElastiCache cluster '{CLUSTER_ID}' in region eu-central-1" in err


def test_bad_threshold_exits_1(aws, tmp_path, capsys) -> None:
    code, _, err = _run(capsys, make_release(tmp_path), "--threshold", "-2")
    assert code == 1 and "--threshold must be a number ≥ 0" in err


def test_not_a_release_exits_1(aws, tmp_path, capsys) -> None:
    code, _, err = _run(capsys, tmp_path)
    assert code == 1 and "no terraform/aws" in err


def test_environment_region_differing_from_tfvars_is_noted(
    aws, samples, tmp_path, capsys, monkeypatch
) -> None:
    release = _world(samples, "cw_currconnections_idle_zero.json", tmp=tmp_path)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    code, _, err = _run(capsys, release, "--json")
    assert code == 0 and "using region eu-central-1 from terraform.tfvars, not us-east-1" in err


def test_real_process_exit_code_and_json(aws, samples, tmp_path) -> None:
    release = _world(samples, None, tmp=tmp_path)
    env = {"PATH": os.environ.get("PATH", ""), **aws.env}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "stage4-check", "--release-dir", str(release), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 4, done.stderr
    assert set(json.loads(done.stdout)) == JSON_KEYS


def test_missing_valkey_group_is_a_warning_not_an_error(aws, samples, tmp_path, capsys) -> None:
    seed_cluster()
    seed_metric(
        CLUSTER_ID,
        sample_shape(samples, "cw_currconnections_idle_zero.json"),
        newest=fresh_newest(),
    )
    code, out, _ = _run(capsys, make_release(tmp_path))
    assert code == 0
    assert "warning: Valkey: no ElastiCache replication group 'acme-mocm-prod-valkey'" in out


def test_valkey_series_on_the_group_dimension_is_used(aws, samples, tmp_path, capsys) -> None:
    seed_cluster()
    seed_valkey_group()
    seed_metric(
        CLUSTER_ID,
        sample_shape(samples, "cw_currconnections_idle_zero.json"),
        newest=fresh_newest(),
    )
    seed_metric(
        "acme-mocm-prod-valkey",
        steady_shape(6, 30.0),
        newest=fresh_newest(),
        dimension="ReplicationGroupId",
    )
    code, out, _ = _run(capsys, make_release(tmp_path))
    assert code == 0
    assert "warning: Valkey: acme-mocm-prod-valkey has served traffic since" in out
    assert "wait 18.0 h more" in out or "wait 17.9 h more" in out


def test_after_a_real_cutover_exits_0_with_no_reference(aws, samples, tmp_path, capsys) -> None:
    """The issue's headless scenario: idle metrics, the Valkey host live in values.yaml, a
    comment naming the old host, and the template backup values.yaml.new holding it."""
    seed_cluster()
    members = seed_valkey_group()
    newest = fresh_newest()
    seed_metric(
        CLUSTER_ID, sample_shape(samples, "cw_currconnections_idle_baseline.json"), newest=newest
    )
    seed_metric(members[0], steady_shape(40, 25.0), newest=newest)
    group = client("elasticache").describe_replication_groups(ReplicationGroupId=VALKEY_GROUP)
    valkey_host = group["ReplicationGroups"][0]["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    values = (
        "credentials:\n"
        "  redis:                # legacy ElastiCache (Redis); kept until Stage 4\n"
        f'    host: ""           # was {REAL_ENDPOINT}\n'
        "  valkey:\n"
        f'    host: "{valkey_host}"\n'
        "    port: 6379\n"
    )
    release = make_release(tmp_path, values=values)
    (release / "mocm" / "values.yaml.new").write_text(
        f'credentials:\n  redis:\n    host: "{REAL_ENDPOINT}"\n'
    )
    code, out, _ = _run(capsys, release, "--json")
    report = json.loads(out)
    assert code == 0, report
    assert report["references"] == [] and report["verdict"] == "idle"
    assert report["not_live"] == ["mocm/values.yaml:3", "mocm/values.yaml.new:3"]
    code, out, _ = _run(capsys, release)
    assert code == 0 and "Result: CLEAR" in out
    assert "  not live (YAML comment): mocm/values.yaml:3: " in out
    assert "  not live (backup file): mocm/values.yaml.new:3: " in out
    assert f"never Valkey's {valkey_host}" in out


def test_a_blocking_reference_shows_its_key_path(aws, samples, tmp_path, capsys) -> None:
    values = f"cache:\n  legacy:\n    url: redis://{CLUSTER_ID}:6379\n"
    release = _world(samples, "cw_currconnections_idle_zero.json", values, tmp_path)
    code, out, _ = _run(capsys, release)
    assert code == 3
    assert f"  mocm/values.yaml:3 (cache.legacy.url): url: redis://{CLUSTER_ID}:6379" in out
