"""Stage 4 against the real engine: parking the ElastiCache file yields exactly the three
expected destroys, and the gate refuses any replace of the Valkey group.

`terraform_data` resources stand for the ElastiCache cluster, its parameter and subnet
groups, and the Valkey replication group; a playbook variant names their addresses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tui.core.apply_policy import GateMode, gate_policy
from tui.core.parked_file import park
from tui.core.plan_model import load_plan
from tui.core.plan_review import Verdict, review
from tui.core.playbook import Playbook, default_playbook_path, load_playbook

TERRAFORM = shutil.which("terraform")
pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(TERRAFORM is None, reason="no terraform binary on PATH"),
]

ELASTICACHE = """
resource "terraform_data" "elasticache_cluster" { input = "acme-mocm-prod-cache" }
resource "terraform_data" "elasticache_parameter_group" { input = "redis7" }
resource "terraform_data" "elasticache_subnet_group" { input = "private" }
"""
VALKEY = """
resource "terraform_data" "valkey_replication_group" {
  input            = "acme-mocm-prod-valkey"
  triggers_replace = "%s"
}
"""
MAIN = 'resource "terraform_data" "security_group_elasticache" { input = "sg" }\n'
STAGE4_RULES = """  stage4:
    expected:
      - { actions: [delete], address: "terraform_data.elasticache_cluster", why: "old Redis" }
      - { actions: [delete], address: "terraform_data.elasticache_parameter_group", why: "params" }
      - { actions: [delete], address: "terraform_data.elasticache_subnet_group", why: "subnets" }
    required_destroys:
      - terraform_data.elasticache_cluster
      - terraform_data.elasticache_parameter_group
      - terraform_data.elasticache_subnet_group
    protected: ["*valkey*"]
"""
EXPECTED = {
    "terraform_data.elasticache_cluster",
    "terraform_data.elasticache_parameter_group",
    "terraform_data.elasticache_subnet_group",
}


def stage4_playbook(tmp_path: Path) -> Playbook:
    """The bundled playbook with the stage-4 rules naming the stand-in addresses."""
    text = default_playbook_path().read_text(encoding="utf-8")
    start = text.index("  stage4:\n", text.index("plan_rules:"))
    end = text.index("\nhelm:", start) + 1
    path = tmp_path / "playbook-stage4.yaml"
    path.write_text(text[:start] + STAGE4_RULES + text[end:], encoding="utf-8")
    return load_playbook(path)


class Terraform:
    def __init__(self, workdir: Path, tmp_path: Path) -> None:
        config = tmp_path / "terraformrc"
        config.write_text("", encoding="utf-8")
        self.workdir = workdir
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
        }

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [str(TERRAFORM), *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"terraform {' '.join(args)}:\n{done.stderr}"
        return done.stdout

    def plan_json(self) -> Path:
        self.run("plan", "-input=false", "-no-color", "-out", "tfplan")
        path = self.workdir / "plan.json"
        path.write_text(self.run("show", "-json", "tfplan"), encoding="utf-8")
        return path


@pytest.fixture
def deployed(tmp_path: Path) -> tuple[Terraform, Playbook]:
    """The parallel run: old ElastiCache (active file) and Valkey both applied."""
    playbook = stage4_playbook(tmp_path)
    workdir = tmp_path / "aws"
    workdir.mkdir()
    (workdir / "02-sg.tf").write_text(MAIN, encoding="utf-8")
    (workdir / playbook.active_name).write_text(ELASTICACHE, encoding="utf-8")
    (workdir / "10-valkey.tf").write_text(VALKEY % "v1", encoding="utf-8")
    tf = Terraform(workdir, tmp_path)
    tf.run("init", "-input=false", "-no-color")
    tf.run("apply", "-input=false", "-no-color", "-auto-approve")
    return tf, playbook


def test_parking_the_file_yields_exactly_the_three_destroys(
    deployed: tuple[Terraform, Playbook],
) -> None:
    tf, playbook = deployed
    renamed = park(tf.workdir, playbook)
    assert renamed.changed and (tf.workdir / playbook.parked_name).is_file()
    result = review(load_plan(str(tf.plan_json())), playbook, "stage4")
    destroys = {r.change.address for r in result.reviewed if r.change.destroys}
    assert destroys == EXPECTED
    assert result.verdict is Verdict.SAFE and not result.missing_destroys
    gate = gate_policy(result, required_phrase="acme-mocm-prod-cache")
    assert gate.mode is GateMode.TYPE_PHRASE and gate.phrase == "acme-mocm-prod-cache"


def test_a_replace_of_the_valkey_stand_in_is_refused_by_the_gate(
    deployed: tuple[Terraform, Playbook],
) -> None:
    tf, playbook = deployed
    park(tf.workdir, playbook)
    (tf.workdir / "10-valkey.tf").write_text(VALKEY % "v2", encoding="utf-8")
    result = review(load_plan(str(tf.plan_json())), playbook, "stage4")
    valkey = [i for i in result.blockers if "valkey" in i.address]
    assert [i.actions for i in valkey] == [("delete", "create")]
    assert result.verdict is Verdict.BLOCKED and not result.override_allowed
    gate = gate_policy(result, required_phrase="acme-mocm-prod-cache")
    assert gate.mode is GateMode.REFUSE and not gate.can_apply
