"""Anchored values: the sharing is found, named before an edit, and kept by every edit."""

from __future__ import annotations

from pathlib import Path

from tests.support.values import merge_of, playbook
from tui.core.values.alignment import RowStatus
from tui.core.values.doc import load_plain
from tui.core.values.load import load_values
from tui.core.values.save import commit, plan_save

PREVIOUS = "defaults:\n  cpu: 2\nport: 9090\napi:\n  port: 9090\n  resources:\n    cpu: 2\n"
ANCHORED = (
    "defaults: &res\n  cpu: 1\n"
    "port: &p 8080  # every component listens here\n"
    "api:\n  port: *p\n  resources: *res\n"
    "worker:\n  resources: *res\n"
    "extra:\n  <<: *res\n  own: 1\n"
)


def test_warning_names_how_many_aliases_share_the_node(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, PREVIOUS, ANCHORED)
    assert merge.shared_at("port") == (
        "⚠ anchored &p: 1 alias shares it — an edit here changes all of them (port, api.port)"
    )
    through_alias = merge.shared_at("api.resources.cpu")
    assert through_alias is not None
    assert through_alias.startswith("⚠ anchored &res: 3 aliases share it")
    assert "defaults, api.resources, worker.resources" in through_alias
    assert merge.shared_at("api") is not None  # a subtree port would go through the alias
    assert merge.shared_at("extra.own") is None  # its own key: only this map changes
    assert merge.shared_at("extra.cpu") is None  # set here, it overrides the merge locally


def test_a_file_without_anchors_warns_nowhere(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, PREVIOUS, "defaults:\n  cpu: 1\nport: 8080 # *not* &an alias\n")
    assert all(merge.shared_at(row.label) is None for row in merge.rows)


def test_porting_an_anchored_scalar_changes_every_alias_and_undo_restores(
    tmp_path: Path,
) -> None:
    merge = merge_of(tmp_path, PREVIOUS, ANCHORED)
    merge.port("port")
    assert merge.working["api"]["port"] == 9090 and merge.working["port"] == 9090
    assert merge.row("api.port").status == RowStatus.SAME  # the alias row follows
    assert merge.shared_at("api.port") is not None  # still one anchored node
    merge.undo()
    assert merge.working["api"]["port"] == 8080
    assert merge.working["api"]["port"] is merge.working["port"]
    assert merge.row("api.port").status == RowStatus.DIFFERS


def test_editing_inside_an_anchored_map_updates_the_alias_rows(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, PREVIOUS, ANCHORED)
    assert merge.row("api.resources.cpu").status == RowStatus.DIFFERS
    merge.port("defaults.cpu")
    assert merge.row("api.resources.cpu").status == RowStatus.SAME
    assert merge.row("worker.resources.cpu").new_text == "2"


def test_saved_file_keeps_the_anchor_and_its_aliases(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, PREVIOUS, ANCHORED)
    merge.port("port")
    plan = plan_save(merge, tmp_path / "values.yaml", tmp_path / "values.yaml.new", None)
    commit(plan)
    text = (tmp_path / "values.yaml").read_text()
    assert "port: &p 9090  # every component listens here" in text
    assert "  port: *p\n" in text and text.count("&p") == 1
    plain = load_plain(text)
    assert plain["api"]["port"] == 9090 and plain["extra"]["cpu"] == 1
    again = load_values(tmp_path / "values.yaml")
    assert again.data["api"]["port"] is again.data["port"]
    assert playbook().placeholder_pattern  # the pattern the merge used is the playbook's
