"""Helpers for the Stage-4 screen tests: a release pair ready for Stage 4, a moto
world in one of the metric shapes, the App opened on the step, and screen text."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

from textual.widgets import OptionList

from tests.support.release import make_pair
from tests.support.stage4 import (
    CACHE_TF,
    CLUSTER_ID,
    SG_TF,
    VALKEY_TF,
    VALUES_CLEAN,
    fresh_newest,
    sample_shape,
    seed_cluster,
    seed_metric,
    seed_secret,
    seed_valkey_group,
    steady_shape,
)
from tests.support.waiting import WizardPilot, settle
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook
from tui.core.steps import FORWARD_STEPS, StepStatus

BOOK = load_playbook()
SHAPES = {
    "busy": "cw_currconnections.json",
    "idle-zero": "cw_currconnections_idle_zero.json",
    "idle-baseline": "cw_currconnections_idle_baseline.json",
    "empty": None,
}


def stage4_pair(root: Path, values: str = VALUES_CLEAN) -> tuple[Path, Path]:
    """Previous and current release; the current one as Stage 4 finds it after the upgrade."""
    prev, curr = make_pair(root)
    tf = curr / "terraform" / "aws"
    (tf / "09-elasticache.tf.2603").unlink()  # carry-over activated it
    (tf / "09-elasticache.tf").write_text(CACHE_TF)
    (tf / "02-sg.tf").write_text(SG_TF)
    (tf / "10-valkey.tf").write_text(VALKEY_TF)
    (curr / "mocm" / "values.yaml").write_text(values)
    return prev, curr


def seed_world(samples: Path, shape: str, *, valkey_hours: float = 40.0) -> datetime:
    """The old cluster with one of the four metric shapes, the Valkey group and its secret.

    Returns the time of the newest datapoint seeded.
    """
    newest = fresh_newest()
    seed_cluster()
    members = seed_valkey_group()
    sample = SHAPES[shape]
    if sample is not None:
        seed_metric(CLUSTER_ID, sample_shape(samples, sample), newest=newest)
    if valkey_hours:
        seed_metric(members[0], steady_shape(valkey_hours, 25.0), newest=newest)
    seed_secret()
    return newest


def stage4_app(prev: Path, curr: Path, tofu_bin: str = "tofu", **env: str) -> WizardApp:
    """The App on the pair, boto3 told to try once (the injected faults must not back off)."""
    environment = dict(os.environ) | {"AWS_MAX_ATTEMPTS": "1"} | env
    context = WizardContext(
        playbook=BOOK, previous=prev, current=curr, env=environment, tofu_bin=tofu_bin
    )
    return make_app(context)


def picker_lines(app: WizardApp) -> list[str]:
    """Stage 4's reference picker, one line per blocking reference, as shown."""
    picker = app.query_one("#s4-ref-list", OptionList)
    prompts = (picker.get_option_at_index(i).prompt for i in range(picker.option_count))
    return [getattr(prompt, "plain", str(prompt)) for prompt in prompts]


async def open_stage4(app: WizardApp, pilot: WizardPilot) -> None:
    """Mark the steps before Stage 4 done, show it, and wait for its workers."""
    await settle(app, pilot)
    for step in FORWARD_STEPS[:-1]:
        app.statuses[step] = StepStatus.DONE
    app.show_step("stage4")
    await settle(app, pilot)


# -- a terraform directory the tofu stand-in plans the teardown of ----------------
VARIABLES_TF = """variable "name_prefix" { type = string }
variable "aws_region" { type = string }
"""
SG_TF_FULL = """resource "aws_security_group" "elasticache" {
  name = "${var.name_prefix}-cache"
}
resource "aws_security_group" "valkey" {
  name = "${var.name_prefix}-valkey"
}
"""
PARAMS_TF = """resource "aws_elasticache_parameter_group" "elasticache" {
  name   = "${var.name_prefix}-cache-params"
  family = "redis7"
}
"""
SUBNETS_TF = """resource "aws_elasticache_subnet_group" "elasticache" {
  name       = "${var.name_prefix}-cache-subnets"
  subnet_ids = ["subnet-1"]
}
"""
CLUSTER_TF = """resource "aws_elasticache_cluster" "elasticache" {
  cluster_id           = "${var.name_prefix}-cache"
  engine               = "redis"
  parameter_group_name = aws_elasticache_parameter_group.elasticache.name
  subnet_group_name    = aws_elasticache_subnet_group.elasticache.name
  security_group_ids   = [aws_security_group.elasticache.id]
}
"""
VALKEY_TF_FULL = """resource "aws_elasticache_replication_group" "valkey" {
  replication_group_id = "${var.name_prefix}-valkey"
  engine               = "valkey"
  security_group_ids   = [aws_security_group.valkey.id]
}
"""
CACHE_TF_FULL = PARAMS_TF + SUBNETS_TF + CLUSTER_TF
REPO = Path(__file__).resolve().parents[2]


def tofu_wrapper(root: Path) -> Path:
    """An executable ``tofu`` that runs the sandbox's stand-in (an argv, no shell logic)."""
    path = root / "bin" / "tofu"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m tui.sandbox.tofu "$@"\n'
    )
    path.chmod(0o755)
    return path


def teardown_pair(
    root: Path, *, cache_tf: str = CACHE_TF_FULL, extra: dict[str, str] | None = None
) -> tuple[Path, Path, Path]:
    """A pair whose current release holds the resources, a matching state, and ``init`` done.

    Returns (previous, current, tofu wrapper).
    """
    from tests.support.tofu_standin import tofu
    from tui.sandbox.tofu import state_from_config

    prev, curr = stage4_pair(root)
    tf = curr / "terraform" / "aws"
    (tf / "01-main.tf").unlink()
    files = {
        "variables.tf": VARIABLES_TF,
        "02-sg.tf": SG_TF_FULL,
        "09-elasticache.tf": cache_tf,
        "10-valkey.tf": VALKEY_TF_FULL,
    } | (extra or {})
    for name, text in files.items():
        (tf / name).write_text(text)
    state = state_from_config(tf, None, "0f5e7c1a-lineage", 7)
    (tf / "terraform.tfstate").write_text(json.dumps(state))
    assert tofu(tf, "init", "-input=false", "-no-color").code == 0
    return prev, curr, tofu_wrapper(root)


def state_addresses(release: Path) -> set[str]:
    """The resources of the release's local state."""
    state = json.loads((release / "terraform" / "aws" / "terraform.tfstate").read_text())
    return {f"{r['type']}.{r['name']}" for r in state["resources"]}
