"""Unsaved work is told by comparing with the saved state, and `keep` is a full operation."""

from __future__ import annotations

from pathlib import Path

from tests.support.values import merge_of, sample_merge
from tui.core.values.commands import MergeDecision
from tui.core.values.merge import ValuesMerge
from tui.core.values.save import commit, plan_save
from tui.core.values.state import SavedState

NODEGROUP = "global.nodeSelector.eks\\.amazonaws\\.com/nodegroup"


def test_a_fresh_merge_has_nothing_unsaved(samples: Path, tmp_path: Path) -> None:
    assert not sample_merge(samples, tmp_path).has_unsaved_changes()


def test_port_is_unsaved_and_undo_back_is_not(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.port("host.domain")
    assert merge.has_unsaved_changes()
    merge.undo()
    assert not merge.has_unsaved_changes()
    merge.redo()
    assert merge.has_unsaved_changes()


def test_undo_gives_a_plain_value_back_its_plain_style(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.port("host.domain")  # the template's placeholder there is written unquoted
    merge.undo()
    plan = plan_save(merge, tmp_path / "values.yaml", tmp_path / "values.yaml.new", "test")
    assert "  domain: < REPLACE_VALUE_HOST_DOMAIN >\n" in plan.text


def test_editing_a_value_back_is_not_unsaved(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.edit("componentReplicas.api", "5")
    assert merge.has_unsaved_changes()
    merge.edit("componentReplicas.api", "3")  # what the file holds
    assert merge.can_undo and not merge.has_unsaved_changes()


def test_a_change_of_quotes_is_unsaved(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.edit("componentReplicas.api", '"3"')  # the same digits, now a string
    assert merge.has_unsaved_changes()


def test_after_a_save_nothing_is_unsaved(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.port("host.domain")
    commit(plan_save(merge, tmp_path / "values.yaml", tmp_path / "values.yaml.new", "test"))
    merge.mark_saved()
    assert not merge.has_unsaved_changes()
    merge.undo()  # the saved file has the port: undoing it is a change again
    assert merge.has_unsaved_changes()


def test_keep_is_unsaved_undoable_and_listed(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.keep_template("global.image.tag")
    assert merge.has_unsaved_changes()
    assert merge.kept_template() == ["global.image.tag"]
    merge.undo()
    assert merge.kept_template() == [] and not merge.has_unsaved_changes()
    merge.redo()
    assert merge.decisions["global.image.tag"] == MergeDecision.KEPT_TEMPLATE


def test_porting_a_kept_row_takes_the_keep_back(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.keep_template("global.image.tag")
    merge.port_subtree("global.image")
    assert merge.working["global"]["image"]["tag"] == "10.5.2603"
    assert merge.kept_template() == []  # the template's value is no longer there
    merge.undo()
    assert merge.kept_template() == ["global.image.tag"]
    assert merge.working["global"]["image"]["tag"] == "10.6.2605"


# Only the paths edited since the save are compared: each case also asks the full comparison.
def agrees(merge: ValuesMerge, saved: SavedState, expected: bool) -> None:
    assert merge.has_unsaved_changes() is expected
    assert (SavedState.of(merge.working, merge.decisions) != saved) is expected


def test_subtree_port_then_edits_below_it_back(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    saved = SavedState.of(merge.working, merge.decisions)
    merge.port_subtree("global")
    agrees(merge, saved, True)
    merge.edit("global.image.tag", '"10.6.2605"')  # one value back; the registry still ported
    agrees(merge, saved, True)
    merge.edit("global.image.registry", '"< REPLACE_VALUE_IMAGE_REGISTRY >"')
    agrees(merge, saved, True)  # the subtree port also carried the nodeSelector orphan
    merge.undo()
    merge.undo()
    agrees(merge, saved, True)
    merge.undo()
    agrees(merge, saved, False)


def test_carry_an_orphan_then_undo(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    saved = SavedState.of(merge.working, merge.decisions)
    merge.carry_orphan(NODEGROUP)
    agrees(merge, saved, True)
    merge.undo()
    agrees(merge, saved, False)


def test_an_alias_followed_by_an_edit_and_back(tmp_path: Path) -> None:
    merge = merge_of(
        tmp_path, "port: 9090\napi:\n  port: 9090\n", "port: &p 8080\napi:\n  port: *p\n"
    )
    saved = SavedState.of(merge.working, merge.decisions)
    merge.port("api.port")
    agrees(merge, saved, True)
    merge.undo()
    agrees(merge, saved, False)


def test_after_a_save_mark_only_later_edits_count(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.port("host.domain")
    merge.mark_saved()
    assert not merge.has_unsaved_changes()
    merge.undo()  # the saved file holds the port: undoing it is a change
    assert merge.has_unsaved_changes()
