"""What's new: file-level tree diff and unified diffs."""

from __future__ import annotations

from pathlib import Path

from tests.support.release import make_pair
from tui.core.releases.diff import Change, diff_trees, unified_diff


def test_tree_diff_lists_added_removed_changed(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    changes = {c.rel: c.change for c in diff_trees(prev / "terraform/aws", curr / "terraform/aws")}
    assert changes == {
        "01-main.tf": Change.CHANGED,
        "09-elasticache.tf": Change.REMOVED,
        "09-elasticache.tf.2603": Change.ADDED,
        "docs/deployment.md": Change.ADDED,
        "terraform.tfvars.cost-optimized.example": Change.ADDED,
    }


def test_tree_diff_ignores_provider_cache(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    (curr / "terraform/aws/.terraform").mkdir()
    (curr / "terraform/aws/.terraform/terraform.tfstate").write_text("{}")
    rels = [c.rel for c in diff_trees(prev / "terraform/aws", curr / "terraform/aws")]
    assert not any(r.startswith(".terraform/") for r in rels)


def test_unified_diff_of_changed_and_added_file(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    text = unified_diff(prev / "terraform/aws/01-main.tf", curr / "terraform/aws/01-main.tf", "x")
    assert '-  required_version = ">= 1.10.4"' in text
    assert '+  required_version = ">= 1.10.5"' in text
    added = unified_diff(prev / "nope", curr / "terraform/aws/docs/deployment.md", "d")
    assert "+# Deployment" in added


def test_unified_diff_binary_and_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"\x00\x01binary")
    b.write_bytes(b"\x00\x02binary")
    assert "binary file" in unified_diff(a, b, "blob")
    a.write_text("same\n")
    b.write_text("same\n")
    assert unified_diff(a, b, "same") == "(no differences)\n"
