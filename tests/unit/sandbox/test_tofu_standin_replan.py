"""The stand-in's own apply leaves a state whose re-plan is empty (issue 13 point 4): computed
values are stored (random_password.result, the Valkey endpoints) and outputs are kept, so the
Stage-4 plan holds exactly the three destroys of the old cache."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.sandbox import new_world, run_tool
from tui.core.playbook.load import load_playbook
from tui.core.tofu.carry_over.apply import apply_carry_over
from tui.core.tofu.carry_over.preview import preview_carry_over
from tui.core.tofu.parked_file import park

PLAN = ["tofu", "plan", "-out", "tfplan", "-input=false", "-detailed-exitcode", "-no-color"]


def test_replan_after_the_standins_apply_is_empty_through_stage4(tmp_path: Path) -> None:
    world = new_world(tmp_path)
    book = load_playbook()
    prev, cur = world.previous / "terraform/aws", world.current / "terraform/aws"
    apply_carry_over(preview_carry_over(prev, cur, book, remote=False), book)
    assert run_tool(world, ["tofu", "init", "-input=false"], cwd=cur).returncode == 0
    assert run_tool(world, PLAN, cwd=cur).returncode == 2
    assert run_tool(world, ["tofu", "apply", "-input=false", "tfplan"], cwd=cur).returncode == 0

    replan = run_tool(world, PLAN, cwd=cur)
    assert replan.returncode == 0, replan.stdout
    state = json.loads((cur / "terraform.tfstate").read_text())
    assert set(state["outputs"]) >= {"s3_bucket_names", "valkey_primary_endpoint"}
    endpoint = state["outputs"]["valkey_primary_endpoint"]["value"]
    assert endpoint.startswith("master.acme-mocm-prod-valkey.")
    secret = next(r for r in state["resources"] if r["type"] == "aws_secretsmanager_secret_version")
    assert json.loads(secret["instances"][0]["attributes"]["secret_string"])["host"] == endpoint

    park(cur, book)
    stage4 = run_tool(world, PLAN, cwd=cur)
    assert stage4.returncode == 2
    shown = run_tool(world, ["tofu", "show", "-json", "tfplan"], cwd=cur)
    changed = {
        rc["address"]: rc["change"]["actions"]
        for rc in json.loads(shown.stdout)["resource_changes"]
        if rc["change"]["actions"] != ["no-op"]
    }
    assert changed == {
        "aws_elasticache_cluster.elasticache": ["delete"],
        "aws_elasticache_parameter_group.elasticache": ["delete"],
        "aws_elasticache_subnet_group.elasticache": ["delete"],
    }
