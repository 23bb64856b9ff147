"""The stand-in writes what real Terraform 1.11 with hashicorp/aws 5.100 writes (compared
in tests/engine/test_aws_provider_upgrade.py): sensitive marks in plans and state, the
wizard's plan review masking them, the provider's replacement rules, tfvars files and
jsonencode, and state push's texts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.tofu_standin import actions, show_json, tofu, write
from tui.core.tofu.plan.attr_diff import SENSITIVE, diff_resource
from tui.core.tofu.plan.parse import parse_plan
from tui.sandbox.tofu.replacement import engine_not_redis_to_valkey, engine_version_downgrade

SECRETS = """
variable "port" {
  type    = number
  default = 6379
}
resource "random_password" "valkey" {
  length  = 32
  special = false
}
resource "aws_secretsmanager_secret" "valkey" {
  name = "acme/valkey/fusion"
}
resource "aws_secretsmanager_secret_version" "valkey" {
  secret_id = aws_secretsmanager_secret.valkey.id
  secret_string = jsonencode({
    port     = var.port
    password = random_password.valkey.result
    host     = "cache<&>"
  })
}
resource "aws_elasticache_user" "valkey" {
  user_id       = "acme-fusion"
  user_name     = "fusion"
  engine        = "valkey"
  access_string = "on ~* +@all"
  authentication_mode {
    type      = "password"
    passwords = [random_password.valkey.result]
  }
}
"""
PLAN = ("plan", "-out", "tfplan", "-input=false", "-no-color")


def _trues(tree: Any, path: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    if tree is True:
        return {path}
    if isinstance(tree, dict):
        return {p for k, v in tree.items() for p in _trues(v, (*path, k))}
    if isinstance(tree, list):
        return {p for i, v in enumerate(tree) for p in _trues(v, (*path, i))}
    return set()


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    write(tmp_path / "main.tf", SECRETS)
    assert tofu(tmp_path, "init", "-input=false").code == 0
    assert tofu(tmp_path, *PLAN).code == 0
    assert tofu(tmp_path, "apply", "tfplan").code == 0
    return tmp_path


def _password(state: dict[str, Any]) -> str:
    [resource] = [r for r in state["resources"] if r["type"] == "random_password"]
    return str(resource["instances"][0]["attributes"]["result"])


def test_created_values_carry_the_schema_marks(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", SECRETS)
    assert tofu(tmp_path, "init", "-input=false").code == 0
    assert tofu(tmp_path, *PLAN).code == 0
    plan = {rc["address"]: rc["change"] for rc in show_json(tmp_path)["resource_changes"]}
    # The shapes Terraform 1.11 writes for these creates (the aws_provider tier's plan).
    assert plan["random_password.valkey"]["before_sensitive"] is False
    assert plan["random_password.valkey"]["after_sensitive"] == {
        "bcrypt_hash": True,
        "result": True,
    }
    assert _trues(plan["aws_elasticache_user.valkey"]["after_sensitive"]) == {
        ("authentication_mode", 0, "passwords"),
        ("passwords",),
    }
    assert _trues(plan["aws_secretsmanager_secret_version.valkey"]["after_sensitive"]) == {
        ("secret_binary",),
        ("secret_string",),
        ("secret_string_wo",),
    }
    assert plan["aws_secretsmanager_secret.valkey"]["after_sensitive"] == {}


def test_state_records_the_marks_and_replans_show_clear_values_masked(secrets: Path) -> None:
    state = json.loads((secrets / "terraform.tfstate").read_text())
    marks = {r["type"]: r["instances"][0]["sensitive_attributes"] for r in state["resources"]}
    assert marks["random_password"] == [
        [{"type": "get_attr", "value": "bcrypt_hash"}],
        [{"type": "get_attr", "value": "result"}],
    ]
    nested = [
        {"type": "get_attr", "value": "authentication_mode"},
        {"type": "index", "value": {"value": 0, "type": "number"}},
        {"type": "get_attr", "value": "passwords"},
    ]
    assert nested in marks["aws_elasticache_user"]
    assert marks["aws_secretsmanager_secret"] == []
    password = _password(state)

    write(secrets / "ports.tfvars", "port = 6380\n")
    planned = tofu(secrets, *PLAN, "-var-file=ports.tfvars")
    assert planned.code == 0, planned.stderr
    assert password not in planned.stdout  # the human plan prints (sensitive value)
    assert "secret_string = (sensitive value) # forces replacement" in planned.stdout
    plan_json = show_json(secrets)
    version = next(
        rc
        for rc in plan_json["resource_changes"]
        if rc["address"] == "aws_secretsmanager_secret_version.valkey"
    )
    assert version["change"]["actions"] == ["delete", "create"]
    assert version["change"]["replace_paths"] == [["secret_string"]]
    assert password in version["change"]["before"]["secret_string"]  # clear text, marked
    assert version["change"]["before_sensitive"]["secret_string"] is True

    # What the wizard shows of it: every marked leaf masked, the password nowhere.
    parsed = parse_plan(plan_json, "tfplan")
    shown = {}
    for change in parsed.resource_changes:
        for item in diff_resource(change, include_unchanged=True):
            shown[f"{change.address}:{item.path}"] = item
            assert password not in f"{item.before} {item.after}", item.path
    for path in (
        "aws_secretsmanager_secret_version.valkey:secret_string",
        "random_password.valkey:result",
        "random_password.valkey:bcrypt_hash",
        "aws_elasticache_user.valkey:authentication_mode[0].passwords",
    ):
        assert shown[path].before == SENSITIVE and shown[path].sensitive, path
    assert shown["aws_secretsmanager_secret_version.valkey:secret_string"].forces_replacement


def test_destroy_text_masks_sensitive_values(secrets: Path) -> None:
    password = _password(json.loads((secrets / "terraform.tfstate").read_text()))
    (secrets / "main.tf").rename(secrets / "main.tf.off")
    write(secrets / "empty.tf", "")
    planned = tofu(secrets, *PLAN)
    assert planned.code == 0, planned.stderr
    assert "- result      = (sensitive value) -> null" in planned.stdout
    assert password not in planned.stdout


def test_a_var_file_adds_to_terraform_tfvars(tmp_path: Path) -> None:
    write(
        tmp_path / "main.tf",
        'variable "a" {}\nvariable "b" {}\n'
        'resource "terraform_data" "x" {\n  input = "${var.a}-${var.b}"\n}\n',
    )
    write(tmp_path / "terraform.tfvars", 'a = "one"\nb = "two"\n')
    write(tmp_path / "more.tfvars", 'b = "three"\n')
    assert tofu(tmp_path, "init", "-input=false").code == 0
    assert tofu(tmp_path, *PLAN, "-var-file=more.tfvars").code == 0
    [change] = show_json(tmp_path)["resource_changes"]
    assert change["change"]["after"]["input"] == "one-three"


def test_jsonencode_sorts_keys_and_escapes_html(tmp_path: Path) -> None:
    write(
        tmp_path / "main.tf",
        'resource "terraform_data" "x" {\n'
        '  input = jsonencode({ zeta = 1, alpha = { b = "<&>", a = [true] } })\n}\n',
    )
    assert tofu(tmp_path, "init", "-input=false").code == 0
    assert tofu(tmp_path, *PLAN).code == 0
    [change] = show_json(tmp_path)["resource_changes"]
    assert change["change"]["after"]["input"] == (
        '{"alpha":{"a":[true],"b":"\\u003c\\u0026\\u003e"},"zeta":1}'
    )


CACHE = """
variable "cache_version" {
  type = string
}
variable "rg_engine" {
  type = string
}
resource "aws_elasticache_cluster" "redis" {
  cluster_id     = "acme-cache"
  engine         = "redis"
  engine_version = var.cache_version
  node_type      = "cache.t3.medium"
}
resource "aws_elasticache_replication_group" "valkey" {
  replication_group_id = "acme-valkey"
  description          = "cache"
  engine               = var.rg_engine
  engine_version       = var.cache_version
  node_type            = "cache.t3.micro"
}
resource "aws_elasticache_user" "valkey" {
  user_id       = "acme-fusion"
  user_name     = "fusion"
  engine        = var.rg_engine
  access_string = "on ~* +@all"
}
"""


def _tfvars(workdir: Path, version: str, engine: str) -> None:
    write(workdir / "terraform.tfvars", f'cache_version = "{version}"\nrg_engine = "{engine}"\n')


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (("7.1", "redis"), ("7.2", "redis"), (["update"], ["update"], ["no-op"])),
        (("7.1", "redis"), ("6.2", "redis"), (["delete", "create"],) * 2 + (["no-op"],)),
        (("7.1", "redis"), ("7.1", "valkey"), (["no-op"], ["update"], ["update"])),
        (("7.2", "valkey"), ("7.2", "redis"), (["no-op"], ["delete", "create"], ["update"])),
    ],
)
def test_engine_and_engine_version_follow_the_providers_rules(
    tmp_path: Path,
    before: tuple[str, str],
    after: tuple[str, str],
    expected: tuple[list[str], ...],
) -> None:
    write(tmp_path / "main.tf", CACHE)
    _tfvars(tmp_path, *before)
    assert tofu(tmp_path, "init", "-input=false").code == 0
    assert tofu(tmp_path, *PLAN).code == 0
    assert tofu(tmp_path, "apply", "tfplan").code == 0
    _tfvars(tmp_path, *after)
    assert tofu(tmp_path, *PLAN).code == 0
    got = actions(show_json(tmp_path))
    addresses = (
        "aws_elasticache_cluster.redis",
        "aws_elasticache_replication_group.valkey",
        "aws_elasticache_user.valkey",
    )
    assert tuple(got[a][0] for a in addresses) == expected


def test_engine_version_downgrade_reads_versions_as_go_version_does() -> None:
    def downgrade(old: str, new: str, actual: str = "") -> bool:
        prior = {"engine_version": old, "engine_version_actual": actual}
        return engine_version_downgrade(prior, {"engine_version": new})

    assert downgrade("7.1", "6.2") and downgrade("8.0", "7.2") and downgrade("5.0.6", "4.0.10")
    assert not downgrade("7.1", "7.2") and not downgrade("6.2", "7.0")
    assert not downgrade("6.x", "6.2", actual="6.0.5") and downgrade("7.x", "6.2", "7.0.7")
    assert not downgrade("7.1", "7.1")
    assert engine_not_redis_to_valkey({"engine": "valkey"}, {"engine": "redis"})
    assert not engine_not_redis_to_valkey({"engine": "redis"}, {"engine": "valkey"})
    global_group = {"engine": "valkey", "global_replication_group_id": "g"}
    assert not engine_not_redis_to_valkey(global_group, {"engine": "redis"})


def test_state_push_reads_the_source_as_statefile_read_does(tmp_path: Path) -> None:
    """Texts of OpenTofu 1.10's statefile.Read (the same as Terraform 1.11's, which the engine
    test compares for a missing and an empty file); a state without lineage is taken."""
    write(tmp_path / "main.tf", 'resource "terraform_data" "x" {\n  input = "a"\n}\n')
    assert tofu(tmp_path, "init", "-input=false").code == 0
    assert tofu(tmp_path, *PLAN).code == 0 and tofu(tmp_path, "apply", "tfplan").code == 0
    unsupported = "Unsupported state file format: The state file"
    too_new = (
        f"{unsupported} uses format version 9, which is not supported by OpenTofu 1.10.7. "
        "This state file may have been created by a newer version of OpenTofu."
    )
    no_version = (
        f'{unsupported} does not have a "version" attribute, which is required to identify '
        "the format version."
    )
    not_json = f"{unsupported} could not be parsed as JSON: syntax error at byte offset 2."
    for name, text, problem in (
        ("blank.tfstate", "\n", "no state"),
        ("v9.tfstate", '{"version": 9}', too_new),
        ("nameless.tfstate", '{"serial": 3}', no_version),
        ("garbage.tfstate", "{not json", f"2 problems:\n\n- {not_json}\n- {no_version}"),
    ):
        write(tmp_path / name, text)
        result = tofu(tmp_path, "state", "push", "-no-color", name)
        assert (result.code, result.stdout) == (1, ""), name
        assert result.stderr == f'Error reading source state "{name}": {problem}\n'
    write(tmp_path / "legacy.tfstate", '{"version": 4}')
    assert tofu(tmp_path, "state", "push", "legacy.tfstate").code == 0
    pulled = json.loads(tofu(tmp_path, "state", "pull").stdout)
    assert (pulled["lineage"], pulled["serial"], pulled["resources"]) == ("", 1, [])  # as Terraform
