"""After Stage 4: tfvars settings of variables only the parked file declared, commented out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.core.errors import MocmError
from tui.core.files import sha256_file
from tui.core.playbook.load import load_playbook
from tui.core.stage4.leftover_vars import (
    LeftoverEditRefused,
    comment_out_leftovers,
    find_leftover_variables,
    top_level_assignments,
)
from tui.core.stage4.targets import parse_hcl_file
from tui.resources import ASSETS

PLAYBOOK = load_playbook()
PARKED = (
    ASSETS / "sandbox" / "releases" / "mocm-10.6.2605" / "terraform" / "aws" / PLAYBOOK.parked_name
)
TFVARS = """# Customer settings of this deployment.
name_prefix = "acme-mocm-prod"
aws_region  = "eu-central-1"

elasticache_node_type = "cache.t3.medium"   # sized for 2025 traffic
log_retention_days    = 14
elasticache_port = {
  primary = 6379   # a map over lines
  "odd}" = "x"
}
notes = <<EOT
elasticache_engine_version = "not an assignment: inside a heredoc"
EOT
elasticache_engine_version = "7.1"
valkey_username = "fusion"
"""
NOTE = "commented out by mocm-upgrade Stage 4: declared only in the parked file"


def _terraform_dir(tmp_path: Path, tfvars: str = TFVARS) -> Path:
    tf = tmp_path / "terraform" / "aws"
    tf.mkdir(parents=True)
    shutil.copy(PARKED, tf / PLAYBOOK.parked_name)
    (tf / "variables.tf").write_text(
        'variable "name_prefix" { type = string }\nvariable "aws_region" { type = string }\n'
        'variable "log_retention_days" { type = number }\nvariable "notes" { type = string }\n'
        'variable "valkey_username" { type = string }\n'
    )
    (tf / PLAYBOOK.tfvars_file).write_text(tfvars)
    return tf


def test_assignments_follow_brackets_strings_and_heredocs() -> None:
    spans = [(a.name, a.first_line, a.last_line) for a in top_level_assignments(TFVARS)]
    assert spans == [
        ("name_prefix", 2, 2),
        ("aws_region", 3, 3),
        ("elasticache_node_type", 5, 5),
        ("log_retention_days", 6, 6),
        ("elasticache_port", 7, 10),
        ("notes", 11, 13),
        ("elasticache_engine_version", 14, 14),
        ("valkey_username", 15, 15),
    ]


def test_leftovers_are_the_parked_files_variables_the_tfvars_sets(tmp_path: Path) -> None:
    tf = _terraform_dir(tmp_path)
    leftovers = find_leftover_variables(tf, PLAYBOOK)
    assert leftovers.names == (
        "elasticache_node_type",
        "elasticache_port",
        "elasticache_engine_version",
    )
    meaning = leftovers.warning_meaning
    assert "Value for undeclared variable" in meaning and "the values are ignored" in meaning
    assert PLAYBOOK.parked_name in meaning


def test_a_variable_also_declared_by_an_active_file_is_not_a_leftover(tmp_path: Path) -> None:
    tf = _terraform_dir(tmp_path)
    (tf / "11-extra.tf").write_text('variable "elasticache_port" { type = any }\n')
    assert find_leftover_variables(tf, PLAYBOOK).names == (
        "elasticache_node_type",
        "elasticache_engine_version",
    )


def test_comment_out_backs_up_first_and_keeps_every_other_setting(tmp_path: Path) -> None:
    tf = _terraform_dir(tmp_path)
    tfvars = tf / PLAYBOOK.tfvars_file
    original = tfvars.read_bytes()
    done = comment_out_leftovers(find_leftover_variables(tf, PLAYBOOK), NOTE)
    assert done.backup == tf / "terraform.tfvars.pre-stage4"
    assert done.backup.read_bytes() == original
    text = tfvars.read_text()
    assert f'# {NOTE}\n# elasticache_node_type = "cache.t3.medium"   # sized' in text
    assert "# elasticache_port = {\n#   primary = 6379   # a map over lines\n" in text
    assert 'elasticache_engine_version = "not an assignment: inside a heredoc"\nEOT' in text
    parsed = parse_hcl_file(tfvars)
    assert set(parsed) == {
        "name_prefix",
        "aws_region",
        "log_retention_days",
        "notes",
        "valkey_username",
    }
    assert find_leftover_variables(tf, PLAYBOOK).names == ()
    backup_op, write_op = done.file_ops
    assert (backup_op.op, backup_op.path, backup_op.sha256_after) == (
        "backup",
        str(done.backup),
        sha256_file(done.backup),
    )
    assert (write_op.op, write_op.sha256_after, write_op.sha256_before) == (
        "write",
        sha256_file(tfvars),
        backup_op.sha256_after,
    )
    again = _terraform_dir(tmp_path / "second", TFVARS)
    (again / "terraform.tfvars.pre-stage4").write_text("an earlier backup\n")
    second = comment_out_leftovers(find_leftover_variables(again, PLAYBOOK), NOTE)
    assert second.backup.name == "terraform.tfvars.pre-stage4.1"
    assert (again / "terraform.tfvars.pre-stage4").read_text() == "an earlier backup\n"


def test_a_file_changed_since_it_was_read_is_not_touched(tmp_path: Path) -> None:
    tf = _terraform_dir(tmp_path)
    leftovers = find_leftover_variables(tf, PLAYBOOK)
    tfvars = tf / PLAYBOOK.tfvars_file
    tfvars.write_text("# a new first line\n" + TFVARS)
    before = tfvars.read_bytes()
    with pytest.raises(LeftoverEditRefused, match="changed since it was read"):
        comment_out_leftovers(leftovers, NOTE)
    assert tfvars.read_bytes() == before
    assert not (tf / "terraform.tfvars.pre-stage4").exists()


def test_nothing_to_do_and_an_unparked_file_are_said(tmp_path: Path) -> None:
    tf = _terraform_dir(tmp_path, 'name_prefix = "x"\n')
    leftovers = find_leftover_variables(tf, PLAYBOOK)
    assert leftovers.names == () and "sets no variable" in leftovers.warning_meaning
    with pytest.raises(LeftoverEditRefused, match="nothing to do"):
        comment_out_leftovers(leftovers, NOTE)
    (tf / PLAYBOOK.parked_name).unlink()
    with pytest.raises(MocmError, match="is not parked"):
        find_leftover_variables(tf, PLAYBOOK)
