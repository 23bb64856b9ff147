"""Same config and state change: the stand-in and real Terraform plan the same actions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.tofu_standin import actions, show_json, tofu, write

pytestmark = pytest.mark.engine

TERRAFORM = shutil.which("terraform")
if TERRAFORM is None:
    pytest.skip("the real-engine comparison needs `terraform` on the PATH", allow_module_level=True)

MAIN = """
resource "terraform_data" "keep" {
  input = "same"
}
resource "terraform_data" "changed_input" {
  input = "v1"
}
resource "terraform_data" "trig" {
  input            = "x"
  triggers_replace = ["r1"]
}
resource "terraform_data" "counted" {
  count = 3
  input = "c${count.index}"
}
resource "terraform_data" "keyed" {
  for_each = { a = "1", b = "2", c = "3" }
  input    = each.value
}
resource "terraform_data" "cbd" {
  input            = "e"
  triggers_replace = "t1"
  lifecycle {
    create_before_destroy = true
  }
}
resource "terraform_data" "ref" {
  input = terraform_data.keep.output
}
output "kept" {
  value = terraform_data.keep.output
}
"""
PARKED = 'resource "terraform_data" "parked" {\n  input = "old"\n}\n'


def _terraform(cwd: Path, *args: str) -> str:
    cli_config = write(cwd.parent / f"{cwd.name}.tfrc", "")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(cwd.parent),
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": str(cli_config),
    }
    done = subprocess.run(
        [TERRAFORM or "terraform", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def terraform_plan(cwd: Path) -> dict[str, Any]:
    _terraform(cwd, "plan", "-input=false", "-out", "tfplan")
    return dict(json.loads(_terraform(cwd, "show", "-json", "tfplan")))


def standin_plan(cwd: Path) -> dict[str, Any]:
    result = tofu(cwd, "plan", "-input=false", "-out", "tfplan")
    assert result.code == 0, result.stderr
    return show_json(cwd)


def _prepare(cwd: Path, engine: str) -> None:
    cwd.mkdir()
    write(cwd / "main.tf", MAIN)
    write(cwd / "parked.tf", PARKED)
    if engine == "terraform":
        _terraform(cwd, "init", "-input=false")
        terraform_plan(cwd)
        _terraform(cwd, "apply", "-input=false", "tfplan")
    else:
        assert tofu(cwd, "init", "-input=false").code == 0
        standin_plan(cwd)
        assert tofu(cwd, "apply", "tfplan").code == 0


def _edit(old: str, new: str) -> Callable[[Path], None]:
    def change(cwd: Path) -> None:
        text = (cwd / "main.tf").read_text()
        assert old in text
        write(cwd / "main.tf", text.replace(old, new))

    return change


def _park(cwd: Path) -> None:
    (cwd / "parked.tf").rename(cwd / "parked.tf.2603")


def _add(cwd: Path) -> None:
    write(cwd / "added.tf", 'resource "terraform_data" "added" {\n  input = "new"\n}\n')


def _all(cwd: Path) -> None:
    for change in (
        _park,
        _add,
        _edit('input = "v1"', 'input = "v2"'),
        _edit('["r1"]', '["r2"]'),
        _edit("count = 3", "count = 2"),
        _edit('b = "2", ', ""),
        _edit('"t1"', '"t2"'),
    ):
        change(cwd)


SCENARIOS: dict[str, Callable[[Path], None]] = {
    "nothing": lambda cwd: None,
    "add": _add,
    "remove_by_renaming_to_2603": _park,
    "change_input": _edit('input = "v1"', 'input = "v2"'),
    "change_triggers_replace": _edit('["r1"]', '["r2"]'),
    "create_before_destroy": _edit('"t1"', '"t2"'),
    "shrink_count": _edit("count = 3", "count = 2"),
    "remove_for_each_key": _edit('b = "2", ', ""),
    "change_referenced_input": _edit('input = "same"', 'input = "other"'),
    "everything_at_once": _all,
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_same_actions_as_terraform(tmp_path: Path, scenario: str) -> None:
    real, model = tmp_path / "terraform", tmp_path / "standin"
    _prepare(real, "terraform")
    _prepare(model, "standin")
    for cwd in (real, model):
        SCENARIOS[scenario](cwd)
    expected, got = actions(terraform_plan(real)), actions(standin_plan(model))
    assert sorted(got) == sorted(expected)
    for address, (want_actions, want_reason) in expected.items():
        got_actions, got_reason = got[address]
        assert got_actions == want_actions, address
        if want_reason and got_reason:
            assert got_reason == want_reason, address
        assert bool(want_reason) == bool(got_reason), address


def test_replace_paths_and_after_unknown_match_terraform(tmp_path: Path) -> None:
    real, model = tmp_path / "terraform", tmp_path / "standin"
    _prepare(real, "terraform")
    _prepare(model, "standin")
    for cwd in (real, model):
        _all(cwd)
    expected = {rc["address"]: rc["change"] for rc in terraform_plan(real)["resource_changes"]}
    got = {rc["address"]: rc["change"] for rc in standin_plan(model)["resource_changes"]}
    for address in ("terraform_data.trig", "terraform_data.cbd"):
        assert got[address].get("replace_paths") == expected[address].get("replace_paths")
    for address in ("terraform_data.changed_input", "terraform_data.added"):
        assert got[address]["after_unknown"] == expected[address]["after_unknown"]
        ids_apart = {k: v for k, v in got[address]["after"].items() if k != "id"}
        assert ids_apart == {k: v for k, v in expected[address]["after"].items() if k != "id"}
