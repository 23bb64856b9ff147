"""Follow-up: is the old security group still referenced by another block?"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.stage4 import SG_TF, VALKEY_TF, make_release
from tui.core.errors import ParseError
from tui.core.playbook.load import load_playbook
from tui.core.stage4.followup import check_follow_up

PLAYBOOK = load_playbook()
RESOURCE = PLAYBOOK.stage4.follow_up_resource
SG_WITH_RULE = (
    SG_TF
    + """
# aws_security_group.elasticache.id is mentioned in this comment only
resource "aws_security_group" "valkey" {
  name        = "${var.name_prefix}-valkey"
  description = "was aws_security_group.elasticache"
}
"""
)
CACHE_TF = """resource "aws_elasticache_cluster" "elasticache" {
  cluster_id         = "${var.name_prefix}-cache"
  security_group_ids = [aws_security_group.elasticache.id]
}
"""
BASTION_TF = """locals {
  cache_sg = "sg=${aws_security_group.elasticache.id}"
  other    = aws_security_group.elasticache_old.id
}

resource "aws_security_group_rule" "bastion_to_redis" {
  type                     = "ingress"
  security_group_id        = aws_security_group.valkey.id
  source_security_group_id = aws_security_group.elasticache[0].id
}
"""


def _tf_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    return make_release(tmp_path, tf_files=files) / "terraform" / "aws"


def test_after_the_teardown_nothing_references_it(tmp_path: Path) -> None:
    tf_dir = _tf_dir(
        tmp_path,
        {"02-sg.tf": SG_WITH_RULE, "10-valkey.tf": VALKEY_TF, PLAYBOOK.parked_name: CACHE_TF},
    )
    check = check_follow_up(tf_dir, RESOURCE)
    assert check.safe_to_remove and check.defined_in == (PLAYBOOK.stage4.follow_up_defined_in,)
    assert check.summary == f"{RESOURCE}: safe to remove in a follow-up change"
    assert check.files_parsed == 2  # the parked .tf.2603 file is not read


def test_references_in_other_blocks_are_reported(tmp_path: Path) -> None:
    tf_dir = _tf_dir(
        tmp_path,
        {"02-sg.tf": SG_WITH_RULE, "09-elasticache.tf": CACHE_TF, "11-bastion.tf": BASTION_TF},
    )
    check = check_follow_up(tf_dir, RESOURCE)
    found = [(r.address, r.file, r.line) for r in check.referrers]
    assert found == [
        ("aws_elasticache_cluster.elasticache", "09-elasticache.tf", 3),
        ("local.cache_sg", "11-bastion.tf", 2),
        ("aws_security_group_rule.bastion_to_redis", "11-bastion.tf", 9),
    ]
    assert check.summary.startswith(
        f"{RESOURCE}: still referenced by aws_elasticache_cluster.elasticache (09-elasticache.tf)"
    )


def test_malformed_tf_names_file_and_line(tmp_path: Path) -> None:
    tf_dir = _tf_dir(
        tmp_path, {"02-sg.tf": SG_TF, "03-broken.tf": 'resource "x" "y" {\n  a = \n}\n'}
    )
    with pytest.raises(ParseError) as caught:
        check_follow_up(tf_dir, RESOURCE)
    assert caught.value.path.endswith("03-broken.tf") and caught.value.line is not None
