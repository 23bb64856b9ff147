"""The tofu stand-in against the reference samples: texts, streams, exit codes, formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.tofu_standin import actions, show_json, tofu, write

CONFIG = """
variable "name_prefix" {
  type = string
}
resource "terraform_data" "release" {
  input = "${var.name_prefix}-10.5"
}
resource "terraform_data" "nodes" {
  count = 2
  input = "node-${count.index}"
}
output "label" {
  value = "<${var.name_prefix}&co>"
}
"""


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    write(tmp_path / "main.tf", CONFIG)
    write(tmp_path / "terraform.tfvars", 'name_prefix = "acme"\n')
    assert tofu(tmp_path, "init", "-input=false").code == 0
    return tmp_path


def applied(workdir: Path) -> dict[str, Any]:
    assert tofu(workdir, "plan", "-out", "tfplan", "-input=false").code == 0
    result = tofu(workdir, "apply", "tfplan")
    assert result.code == 0, result.stderr
    return dict(json.loads((workdir / "terraform.tfstate").read_text()))


def test_version_json_matches_sample_layout(tmp_path: Path, samples: Path) -> None:
    result = tofu(tmp_path, "version", "-json")
    sample = json.loads((samples / "tofu_version.json").read_text())
    assert result.code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == {**sample, "provider_selections": {}}
    write(tmp_path / "main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    assert tofu(tmp_path, "init").code == 0
    selections = json.loads(tofu(tmp_path, "version", "-json").stdout)["provider_selections"]
    assert selections == {"registry.opentofu.org/hashicorp/aws": "5.100.0"}
    text = tofu(tmp_path, "version").stdout
    assert text == (
        "OpenTofu v1.10.7\non linux_amd64\n"
        "+ provider registry.opentofu.org/hashicorp/aws v5.100.0\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["destroy"],
        ["apply"],
        ["apply", "-auto-approve"],
        ["import", "a.b", "x"],
        ["plan", "-refresh-only"],
        ["state", "rm", "a.b"],
        [],
    ],
)
def test_unmodelled_commands_fail_loudly(tmp_path: Path, args: list[str]) -> None:
    result = tofu(tmp_path, *args)
    assert result.code == 1 and result.stdout == ""
    shown = " ".join(args)
    assert result.stderr == (
        f'Error: the mocm-upgrade sandbox\'s tofu stand-in does not model "{shown}"\n'
    )


def test_first_apply_mints_lineage_and_second_plan_has_no_changes(workdir: Path) -> None:
    first = tofu(workdir, "plan", "-out", "tfplan", "-detailed-exitcode")
    assert first.code == 2
    assert "Plan: 3 to add, 0 to change, 0 to destroy." in first.stdout
    assert first.stdout.endswith(
        "Saved the plan to: tfplan\n\nTo perform exactly these actions, "
        'run the following command to apply:\n    tofu apply "tfplan"\n'
    )
    plan = show_json(workdir)
    assert "prior_state" not in plan
    result = tofu(workdir, "apply", "tfplan")
    assert "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." in result.stdout
    state = json.loads((workdir / "terraform.tfstate").read_text())
    assert state["serial"] == 1 and len(state["lineage"]) == 36
    assert state["outputs"]["label"] == {"value": "<acme&co>", "type": "string"}
    again = tofu(workdir, "plan", "-detailed-exitcode")
    assert again.code == 0
    assert "No changes. Your infrastructure matches the configuration." in again.stdout


def test_state_file_is_compact_one_line_json(workdir: Path) -> None:
    applied(workdir)
    raw = (workdir / "terraform.tfstate").read_text()
    assert raw.count("\n") == 1 and raw.startswith('{"version":4,"terraform_version":"1.10.7",')
    assert list(json.loads(raw)) == [
        "version",
        "terraform_version",
        "serial",
        "lineage",
        "outputs",
        "resources",
        "check_results",
    ]
    assert "\\u003cacme\\u0026co\\u003e" in raw


def test_show_json_encoding_and_key_order(workdir: Path, samples: Path) -> None:
    state = applied(workdir)
    write(workdir / "terraform.tfvars", 'name_prefix = "beta"\n')
    tofu(workdir, "plan", "-out", "tfplan")
    result = tofu(workdir, "show", "-json", "tfplan")
    assert result.stdout.count("\n") == 1 and "\\u003cbeta\\u0026co\\u003e" in result.stdout
    plan = json.loads(result.stdout)
    sample = json.loads((samples / "plan_stage4.json").read_text())
    order = [k for k in sample if k in plan]
    assert list(plan)[: len(order)] == order
    assert "applyable" not in plan and "complete" not in plan and plan["errored"] is False
    assert plan["format_version"] == "1.2" and plan["prior_state"]["format_version"] == "1.0"
    by_address = {rc["address"]: rc for rc in plan["resource_changes"]}
    assert list(by_address) == [
        "terraform_data.nodes[0]",
        "terraform_data.nodes[1]",
        "terraform_data.release",
    ]
    assert list(by_address["terraform_data.nodes[0]"]) == [
        "address",
        "mode",
        "type",
        "name",
        "index",
        "provider_name",
        "change",
    ]
    change = by_address["terraform_data.release"]
    assert list(change) == ["address", "mode", "type", "name", "provider_name", "change"]
    assert change["provider_name"] == "terraform.io/builtin/terraform"
    assert actions(plan)["terraform_data.release"] == (["update"], None)
    assert change["change"]["after_unknown"] == {"output": True}
    assert plan["output_changes"]["label"]["actions"] == ["update"]
    assert tofu(workdir, "show", "-json", "-plan=tfplan").stdout == result.stdout
    assert state["serial"] == 1


def test_renaming_a_file_to_2603_plans_its_deletion(workdir: Path) -> None:
    write(workdir / "cache.tf", 'resource "terraform_data" "cache" {\n  input = "redis"\n}\n')
    applied(workdir)
    (workdir / "cache.tf").rename(workdir / "cache.tf.2603")
    tofu(workdir, "plan", "-out", "tfplan")
    assert actions(show_json(workdir))["terraform_data.cache"] == (
        ["delete"],
        "delete_because_no_resource_config",
    )


def test_stale_plan_is_refused_with_the_sample_text(workdir: Path, samples: Path) -> None:
    applied(workdir)
    write(workdir / "terraform.tfvars", 'name_prefix = "beta"\n')
    assert tofu(workdir, "plan", "-out", "old.tfplan").code == 0
    applied(workdir)
    result = tofu(workdir, "apply", "old.tfplan")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (samples / "tofu_apply_stale_plan.stderr.txt").read_text()
    plain = tofu(workdir, "apply", "-no-color", "old.tfplan")
    assert plain.stderr == (samples / "tofu_apply_stale_plan.no-color.stderr.txt").read_text()


def test_plan_of_another_lineage_is_refused(workdir: Path, samples: Path) -> None:
    state = applied(workdir)
    tofu(workdir, "plan", "-out", "tfplan")
    state["lineage"] = "1b7e0c3a-5f29-4d84-8e61-2a9c0b4d7f35"
    write(workdir / "terraform.tfstate", json.dumps(state))
    result = tofu(workdir, "apply", "tfplan")
    assert result.code == 1
    assert result.stderr == (samples / "tofu_apply_wrong_lineage.stderr.txt").read_text()


def test_apply_keeps_lineage_bumps_serial_and_keeps_backup(workdir: Path) -> None:
    before = applied(workdir)
    write(workdir / "terraform.tfvars", 'name_prefix = "beta"\n')
    after = applied(workdir)
    assert after["lineage"] == before["lineage"] and after["serial"] == before["serial"] + 1
    backup = json.loads((workdir / "terraform.tfstate.backup").read_text())
    assert backup == before


def _state(lineage: str, serial: int, tag: str = "a") -> str:
    return json.dumps(
        {
            "version": 4,
            "terraform_version": "1.10.7",
            "serial": serial,
            "lineage": lineage,
            "outputs": {"t": {"value": tag, "type": "string"}},
            "resources": [],
            "check_results": None,
        }
    )


OLD = "8c3f6d2e-41b7-4f0a-9a3d-5e7c1b2f9d04"


@pytest.mark.parametrize(
    ("pushed", "sample"),
    [
        (_state(OLD, 52), "tofu_state_push_older_serial.stderr.txt"),
        (
            _state("1b7e0c3a-5f29-4d84-8e61-2a9c0b4d7f35", 59),
            "tofu_state_push_lineage_mismatch.stderr.txt",
        ),
        (_state(OLD, 58, "b"), "tofu_state_push_same_serial.stderr.txt"),
    ],
)
def test_state_push_refusals_match_samples(
    tmp_path: Path, samples: Path, pushed: str, sample: str
) -> None:
    write(tmp_path / "terraform.tfstate", _state(OLD, 58))
    write(tmp_path / "pushed.tfstate", pushed)
    # The samples are the -no-color text; without it the line is red (tests/engine/
    # test_standin_lineage_vs_terraform.py compares both with real Terraform).
    result = tofu(tmp_path, "state", "push", "-no-color", "pushed.tfstate")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (samples / sample).read_text()
    colored = tofu(tmp_path, "state", "push", "pushed.tfstate")
    assert colored.stderr == f"\x1b[31m{result.stderr[:-1]}\x1b[0m\x1b[0m\n"
    assert json.loads((tmp_path / "terraform.tfstate").read_text())["serial"] == 58
    forced = tofu(tmp_path, "state", "push", "-force", "pushed.tfstate")
    assert (forced.code, forced.stdout, forced.stderr) == (0, "", "")
    # statemgr.Filesystem adds 1 to the pushed serial when the content changed (Terraform's
    # local backend does the same, tried on this machine).
    wanted = json.loads(pushed)
    wanted["serial"] += wanted["outputs"] != json.loads(_state(OLD, 58))["outputs"]
    assert json.loads((tmp_path / "terraform.tfstate").read_text()) == wanted


def test_state_push_of_newer_serial_succeeds_silently_and_pull_prints_it(tmp_path: Path) -> None:
    write(tmp_path / "terraform.tfstate", _state(OLD, 58))
    write(tmp_path / "pushed.tfstate", _state(OLD, 60, "new"))
    result = tofu(tmp_path, "state", "push", "pushed.tfstate")
    assert (result.code, result.stdout, result.stderr) == (0, "", "")
    pulled = tofu(tmp_path, "state", "pull")
    # A different content is persisted one serial above the pushed one (statemgr.Filesystem).
    assert json.loads(pulled.stdout)["serial"] == 61 and pulled.stdout.count("\n") == 1


def test_held_local_lock_gives_the_sample_error(workdir: Path, samples: Path) -> None:
    info = {
        "ID": "9d41c6a2-0e7b-83f5-2c1d-7a6b5e4f3d21",
        "Operation": "OperationTypeApply",
        "Info": "",
        "Who": "deploy@ops-jump-01",
        "Version": "1.10.7",
        "Created": "2026-05-19T08:44:02.519370813Z",
        "Path": "terraform.tfstate",
    }
    write(workdir / ".terraform.tfstate.lock.info", json.dumps(info))
    result = tofu(workdir, "plan")
    assert result.code == 1
    assert result.stderr == (samples / "tofu_state_lock_local.stderr.txt").read_text()
    assert tofu(workdir, "plan", "-lock=false").code == 0
    unlocked = tofu(workdir, "force-unlock", "-force", info["ID"])
    assert unlocked.code == 0 and "successfully unlocked" in unlocked.stdout
    assert tofu(workdir, "plan").code == 0


def test_plan_needs_init_for_providers(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    result = tofu(tmp_path, "plan")
    assert result.code == 1 and "Inconsistent dependency lock file" in result.stderr


def test_backend_change_without_flag_is_refused(workdir: Path) -> None:
    write(
        workdir / "backend.tf",
        'terraform {\n  backend "local" {\n    path = "other.tfstate"\n  }\n}\n',
    )
    assert tofu(workdir, "init").code == 0
    write(
        workdir / "backend.tf", 'terraform {\n  backend "local" {\n    path = "x.tfstate"\n  }\n}\n'
    )
    result = tofu(workdir, "init", "-input=false")
    assert result.code == 1 and "Error: Backend configuration changed" in result.stderr
    planned = tofu(workdir, "plan")
    assert planned.code == 1 and "Backend initialization required" in planned.stderr


def test_invalid_hcl_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", 'resource "terraform_data" "x" {\n  input = \n')
    result = tofu(tmp_path, "plan")
    assert result.code == 1 and "main.tf" in result.stderr and "Error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_required_variable_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path / "main.tf",
        'variable "x" {}\nresource "terraform_data" "a" {\n  input = var.x\n}\n',
    )
    result = tofu(tmp_path, "plan", "-input=false")
    assert result.code == 1 and "No value for required variable" in result.stderr
