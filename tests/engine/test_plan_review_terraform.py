"""Plan review against real plan JSON from the machine's `terraform` (builtin terraform_data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.terraform import NO_TERRAFORM, TERRAFORM, Engine, playbook_variant
from tui.cli import main
from tui.core.playbook.load import load_playbook
from tui.core.tofu.plan.attr_diff import diff_resource
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import Verdict, review
from tui.core.tofu.plan.vocabulary import ActionKind

pytestmark = pytest.mark.engine

if TERRAFORM is None:
    pytest.skip(NO_TERRAFORM, allow_module_level=True)

BEFORE = """
resource "terraform_data" "keep" { input = "kept" }
resource "terraform_data" "gone" { input = "to be removed" }
resource "terraform_data" "rotated" { triggers_replace = "v1" }
"""
AFTER = """
resource "terraform_data" "keep" { input = "kept" }
resource "terraform_data" "rotated" { triggers_replace = "v2" }
"""


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    workdir = tmp_path / "work"
    workdir.mkdir()
    engine = Engine(workdir)
    engine.write(BEFORE)
    engine.run("init", "-input=false", "-no-color")
    return engine


def test_real_delete_and_replace_block(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    engine.run("apply", "-input=false", "-no-color", "-auto-approve")
    engine.write(AFTER)
    path = engine.plan_json()
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert "applyable" in raw and "complete" in raw  # Terraform writes them; OpenTofu does not

    plan = load_plan(str(path))
    assert plan.applyable is True and plan.complete is True and plan.has_prior_state
    kinds = {rc.address: rc.kind for rc in plan.resource_changes}
    assert kinds == {
        "terraform_data.gone": ActionKind.DELETE,
        "terraform_data.keep": ActionKind.NO_OP,
        "terraform_data.rotated": ActionKind.REPLACE,
    }
    gone = next(rc for rc in plan.resource_changes if rc.address == "terraform_data.gone")
    assert "no longer in the configuration" in gone.explain()
    rotated = next(rc for rc in plan.resource_changes if rc.address == "terraform_data.rotated")
    assert rotated.replace_paths == ("triggers_replace",)
    forcing = [d.path for d in diff_resource(rotated) if d.forces_replacement]
    assert forcing == ["triggers_replace"]

    result = review(plan, load_playbook(), "upgrade")
    assert result.verdict is Verdict.BLOCKED and result.override_allowed
    assert sorted(i.address for i in result.blockers) == [
        "terraform_data.gone",
        "terraform_data.rotated",
    ]

    code = main(["plan-review", str(path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 3 and report["verdict"] == "blocked"
    assert {(u["address"], tuple(u["actions"])) for u in report["unexpected"]} == {
        ("terraform_data.gone", ("delete",)),
        ("terraform_data.rotated", ("delete", "create")),
    }


def test_real_create_only_plan_is_safe(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = engine.plan_json()  # empty state: prior_state absent, three creates
    plan = load_plan(str(path))
    assert not plan.has_prior_state
    assert [rc.kind for rc in plan.resource_changes] == [ActionKind.CREATE] * 3
    playbook = playbook_variant(
        tmp_path,
        "upgrade",
        "  upgrade:\n"
        "    expected:\n"
        '      - { actions: [create], address: "terraform_data.*", why: "new data objects" }\n'
        "    required_destroys: []\n"
        "    protected: []\n",
    )
    code = main(["plan-review", str(path), "--playbook", str(playbook)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Resources: 3 create" in out and "Unexpected: none" in out and "Verdict: safe" in out


def test_real_stage4_protected_replace_cannot_be_overridden(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine.run("apply", "-input=false", "-no-color", "-auto-approve")
    engine.write(AFTER)
    path = engine.plan_json()
    playbook = playbook_variant(
        tmp_path,
        "stage4",
        "  stage4:\n"
        "    expected:\n"
        '      - { actions: [delete], address: "terraform_data.gone", why: "decommissioned" }\n'
        "    required_destroys: [terraform_data.gone]\n"
        '    protected: ["*rotated*"]\n',
    )
    code = main(["plan-review", str(path), "--stage", "stage4", "--playbook", str(playbook)])
    out = capsys.readouterr().out
    assert code == 3
    assert "Expected destroys (1):\n  terraform_data.gone: decommissioned" in out
    assert "[BLOCKS] terraform_data.rotated" in out and "protected" in out
    assert "Verdict: blocked (no override possible)" in out


MOVED_REMOVED_IMPORTED = """
resource "terraform_data" "kept_renamed" { input = "kept" }
moved {
  from = terraform_data.keep
  to   = terraform_data.kept_renamed
}
removed {
  from = terraform_data.gone
  lifecycle {
    destroy = false
  }
}
resource "terraform_data" "rotated" { triggers_replace = "v1" }
import {
  to = terraform_data.adopted
  id = "existing-object"
}
resource "terraform_data" "adopted" {}
"""


def test_real_forget_import_and_move_are_flagged_not_blocking(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    engine.run("apply", "-input=false", "-no-color", "-auto-approve")
    engine.write(MOVED_REMOVED_IMPORTED)
    path = engine.plan_json()
    plan = load_plan(str(path))
    changes = {rc.address: rc for rc in plan.resource_changes}
    assert changes["terraform_data.gone"].leaves_state
    assert not changes["terraform_data.gone"].destroys
    assert changes["terraform_data.adopted"].importing_id == "existing-object"
    assert changes["terraform_data.kept_renamed"].previous_address == "terraform_data.keep"

    code = main(["plan-review", str(path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["verdict"] == "safe"  # nothing destroyed or replaced
    assert report["counts"]["forget"] == 1
    assert report["counts"]["import"] == 1 and report["counts"]["move"] == 1
    assert {u["address"]: u["blocking"] for u in report["unexpected"]} == {
        "terraform_data.adopted": False,
        "terraform_data.gone": False,
        "terraform_data.kept_renamed": False,
    }
    assert any("leave the state" in note for note in report["notes"])
