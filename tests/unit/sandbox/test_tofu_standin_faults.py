"""Fault knobs of the tofu stand-in, and the library API the world builder uses."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

from tests.support.tofu_standin import standin_argv, standin_env, tofu, write
from tui.sandbox.tofu import state_from_config

CONFIG = """
variable "name_prefix" {
  type = string
}
resource "aws_elasticache_parameter_group" "elasticache" {
  name   = "${var.name_prefix}-redis7"
  family = "redis7"
  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}
resource "aws_elasticache_cluster" "elasticache" {
  cluster_id           = "${var.name_prefix}-cache"
  engine               = "redis"
  node_type            = "cache.t3.medium"
  num_cache_nodes      = 1
  parameter_group_name = aws_elasticache_parameter_group.elasticache.name
  tags                 = { Name = "${var.name_prefix}-cache" }
}
resource "aws_s3_bucket" "buckets" {
  for_each = toset(["media", "exports"])
  bucket   = "${var.name_prefix}-${each.key}"
}
output "redis_id" {
  value = aws_elasticache_cluster.elasticache.id
}
"""


def _release(tmp_path: Path) -> Path:
    write(tmp_path / "09-elasticache.tf", CONFIG)
    write(
        tmp_path / "terraform.tfvars",
        'name_prefix = "acme-mocm-prod"\naws_region = "eu-central-1"\n',
    )
    return tmp_path


def test_state_from_config_matches_its_config(tmp_path: Path) -> None:
    release = _release(tmp_path)
    state = state_from_config(release, release / "terraform.tfvars", "8c3f6d2e-0000", 57)
    assert (state["lineage"], state["serial"]) == ("8c3f6d2e-0000", 57)
    addresses = sorted(f"{r['type']}.{r['name']}" for r in state["resources"])
    assert addresses == [
        "aws_elasticache_cluster.elasticache",
        "aws_elasticache_parameter_group.elasticache",
        "aws_s3_bucket.buckets",
    ]
    cluster = next(r for r in state["resources"] if r["type"] == "aws_elasticache_cluster")
    attrs = cluster["instances"][0]["attributes"]
    assert attrs["id"] == "acme-mocm-prod-cache"
    assert attrs["parameter_group_name"] == "acme-mocm-prod-redis7"
    assert attrs["arn"].startswith("arn:aws:elasticache:eu-central-1:")
    assert state["outputs"]["redis_id"] == {"value": "acme-mocm-prod-cache", "type": "string"}
    write(release / "terraform.tfstate", json.dumps(state))
    assert tofu(release, "init").code == 0
    planned = tofu(release, "plan", "-detailed-exitcode")
    assert planned.code == 0, planned.stdout + planned.stderr
    (release / "09-elasticache.tf").rename(release / "09-elasticache.tf.2603")
    write(release / "other.tf", 'variable "name_prefix" {}\nvariable "aws_region" {}\n')
    parked = tofu(release, "plan", "-detailed-exitcode")
    assert parked.code == 2 and "Plan: 0 to add, 0 to change, 4 to destroy." in parked.stdout


def test_engine_change_forces_replacement(tmp_path: Path) -> None:
    release = _release(tmp_path)
    write(release / "terraform.tfstate", json.dumps(state_from_config(release, None, "lin", 1)))
    tofu(release, "init")
    text = (release / "09-elasticache.tf").read_text().replace('"redis"', '"valkey"')
    write(release / "09-elasticache.tf", text.replace('"cache.t3.medium"', '"cache.t3.small"'))
    assert tofu(release, "plan", "-out", "tfplan").code == 0
    plan = json.loads(tofu(release, "show", "-json", "tfplan").stdout)
    change = next(
        rc
        for rc in plan["resource_changes"]
        if rc["address"] == "aws_elasticache_cluster.elasticache"
    )
    assert change["change"]["actions"] == ["delete", "create"]
    assert change["action_reason"] == "replace_because_cannot_update"
    assert change["change"]["replace_paths"] == [["engine"]]


def test_hold_lock_knob_makes_a_second_run_see_the_lock(tmp_path: Path) -> None:
    release = _release(tmp_path)
    tofu(release, "init")
    holder = subprocess.Popen(
        standin_argv("plan"),
        cwd=release,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=standin_env(MOCM_STANDIN_HOLD_LOCK="1"),
    )
    try:
        assert holder.stderr is not None and "holding the state lock" in holder.stderr.readline()
        blocked = tofu(release, "plan")
        assert blocked.code == 1
        assert "Error: Error acquiring the state lock" in blocked.stderr
        assert "Operation: OperationTypePlan" in blocked.stderr
        assert "Path:      terraform.tfstate" in blocked.stderr
    finally:
        out, _ = holder.communicate(input="", timeout=30)
    assert holder.returncode == 0 and "Plan:" in out
    assert tofu(release, "plan").code == 0


def test_hang_knob_exits_like_tofu_on_sigint(tmp_path: Path) -> None:
    release = _release(tmp_path)
    hung = subprocess.Popen(
        standin_argv("apply", "tfplan"),
        cwd=release,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=standin_env(MOCM_STANDIN_TOFU_HANG="apply"),
    )
    assert hung.stderr is not None and "hangs until signalled" in hung.stderr.readline()
    hung.send_signal(signal.SIGINT)
    out, _ = hung.communicate(timeout=30)
    assert hung.returncode == 1
    assert "Interrupt received." in out


def test_corrupt_state_file_is_a_clear_error(tmp_path: Path) -> None:
    release = _release(tmp_path)
    tofu(release, "init")
    write(release / "terraform.tfstate", "{not json")
    result = tofu(release, "plan")
    assert result.code == 1 and "Failed to load state" in result.stderr
    assert (release / "terraform.tfstate").read_text() == "{not json"


def test_corrupt_plan_file_is_refused(tmp_path: Path) -> None:
    release = _release(tmp_path)
    tofu(release, "init")
    write(release / "tfplan", "PK not a zip")
    applied = tofu(release, "apply", "tfplan")
    shown = tofu(release, "show", "-json", "tfplan")
    assert applied.code == 1 and 'Failed to load "tfplan" as a plan file' in applied.stderr
    assert shown.code == 1 and "Traceback" not in shown.stderr
    assert not (release / "terraform.tfstate").exists()
