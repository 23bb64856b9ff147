"""Stage 4 against the real engine: parking the ElastiCache file yields exactly the three
expected destroys, and the gate refuses any replace of the Valkey group.

`terraform_data` resources stand for the ElastiCache cluster, its parameter and subnet
groups, and the Valkey replication group; a playbook variant names their addresses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.terraform import NO_TERRAFORM, TERRAFORM, Engine, playbook_variant
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.parked_file import park
from tui.core.tofu.plan.gate import GateMode, gate_policy
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import Verdict, review

pytestmark = [pytest.mark.engine, pytest.mark.skipif(TERRAFORM is None, reason=NO_TERRAFORM)]

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
    return load_playbook(playbook_variant(tmp_path, "stage4", STAGE4_RULES))


@pytest.fixture
def deployed(tmp_path: Path) -> tuple[Engine, Playbook]:
    """The parallel run: old ElastiCache (active file) and Valkey both applied."""
    playbook = stage4_playbook(tmp_path)
    workdir = tmp_path / "aws"
    workdir.mkdir()
    tf = Engine(workdir)
    tf.write(MAIN, "02-sg.tf")
    tf.write(ELASTICACHE, playbook.active_name)
    tf.write(VALKEY % "v1", "10-valkey.tf")
    tf.run("init", "-input=false", "-no-color")
    tf.run("apply", "-input=false", "-no-color", "-auto-approve")
    return tf, playbook


def test_parking_the_file_yields_exactly_the_three_destroys(
    deployed: tuple[Engine, Playbook],
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
    deployed: tuple[Engine, Playbook],
) -> None:
    tf, playbook = deployed
    park(tf.workdir, playbook)
    tf.write(VALKEY % "v2", "10-valkey.tf")
    result = review(load_plan(str(tf.plan_json())), playbook, "stage4")
    valkey = [i for i in result.blockers if "valkey" in i.address]
    assert [i.actions for i in valkey] == [("delete", "create")]
    assert result.verdict is Verdict.BLOCKED and not result.override_allowed
    gate = gate_policy(result, required_phrase="acme-mocm-prod-cache")
    assert gate.mode is GateMode.REFUSE and not gate.can_apply
