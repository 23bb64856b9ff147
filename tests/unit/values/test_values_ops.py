"""Every merge operation, with undo and redo."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tests.support.values import merge_of, playbook, sample_merge
from tui.core.values.alignment import RowStatus
from tui.core.values.commands import MergeDecision
from tui.core.values.doc import get_node
from tui.core.values.scalars import ValueEditRefused

NODEGROUP = "global.nodeSelector.eks\\.amazonaws\\.com/nodegroup"


def test_port_one_value_then_undo_and_redo(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.port("host.domain")
    assert merge.working["host"]["domain"] == "mocm.acme-corp.example"
    assert merge.row("host.domain").status == RowStatus.SAME
    assert merge.counters().placeholders == 28
    merge.undo()
    assert merge.working["host"]["domain"] == "< REPLACE_VALUE_HOST_DOMAIN >"
    assert merge.counters().placeholders == 29
    merge.redo()
    assert merge.row("host.domain").status == RowStatus.SAME
    assert not merge.can_redo


def test_port_keeps_the_target_quotes(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.port("storage.mongodb.storageClass")  # previous: plain gp3-retain; target quoted
    assert isinstance(merge.working["storage"]["mongodb"]["storageClass"], DoubleQuotedScalarString)


def test_port_subtree_keeps_new_keys_and_carries_orphans(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.port_subtree("credentials")
    creds = merge.working["credentials"]
    assert creds["s3"]["buckets"]["logs"] == "acme-mocm-prod-logs"
    assert "valkey" in creds  # new in the template, kept
    assert merge.counters().placeholders == 29 - 18  # 18 under credentials, 3 of them new
    merge.port_subtree("global")
    assert merge.working["global"]["nodeSelector"] == {
        "eks.amazonaws.com/nodegroup": "acme-mocm-prod-general"
    }
    assert merge.working["global"]["image"]["tag"] == "10.5.2603"
    merge.undo()
    merge.undo()
    assert merge.counters().placeholders == 29
    assert merge.working["global"]["nodeSelector"] == {}


def test_edit_keeps_a_quoted_number_a_string(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.edit("global.image.tag", "10.6")
    tag = merge.working["global"]["image"]["tag"]
    assert tag == "10.6" and isinstance(tag, DoubleQuotedScalarString)
    merge.edit("componentReplicas.api", "5")
    assert merge.working["componentReplicas"]["api"] == 5
    merge.edit("componentReplicas.api", '"5"')
    assert merge.working["componentReplicas"]["api"] == "5"
    merge.undo()
    merge.undo()
    assert merge.working["componentReplicas"]["api"] == 3


@pytest.mark.parametrize("typed", ["a\nb", "{x: 1}", "[1, 2]"])
def test_edit_refuses_what_is_not_one_value(samples: Path, tmp_path: Path, typed: str) -> None:
    merge = sample_merge(samples, tmp_path)
    with pytest.raises(ValueEditRefused):
        merge.edit("componentReplicas.api", typed)
    assert merge.working["componentReplicas"]["api"] == 3 and not merge.can_undo


def test_keep_template_and_drop_orphan_are_recorded(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.keep_template("global.image.tag")
    merge.drop_orphan(NODEGROUP)
    assert merge.decisions["global.image.tag"] == MergeDecision.KEPT_TEMPLATE
    assert merge.dropped_orphans() == [NODEGROUP]
    merge.undo()
    assert merge.dropped_orphans() == []
    merge.redo()
    assert merge.dropped_orphans() == [NODEGROUP]
    with pytest.raises(ValueEditRefused):
        merge.drop_orphan("global.image.tag")


def test_keep_template_refuses_a_placeholder(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    with pytest.raises(ValueEditRefused) as refused:
        merge.keep_template("host.domain")
    assert refused.value.message == (
        "host.domain holds a placeholder: keeping it means Helm deploys it literally"
    )
    assert "edit it (e)" in refused.value.hint
    assert merge.decisions == {} and not merge.can_undo


def test_carry_orphan_inserts_it_where_it_belongs(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, "a: 1\nmine: 2\nb: 3\n", "a: 1\nb: 3\nc: 4\n")
    merge.carry_orphan("mine")
    assert list(merge.working) == ["a", "mine", "b", "c"]
    assert merge.row("mine").status == RowStatus.SAME
    assert merge.counters().orphans == 0
    merge.undo()
    assert list(merge.working) == ["a", "b", "c"]
    assert merge.row("mine").status == RowStatus.ORPHAN


def test_carry_nested_orphan_creates_its_parents(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, "a:\n  deep:\n    x: 1\n", "a: {}\nb: 2\n")
    merge.carry_orphan("a.deep")
    assert merge.working["a"]["deep"]["x"] == 1


def test_auto_fill_previews_then_applies_as_one_step(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    preview = merge.auto_fill_preview()
    assert len(preview) == 27  # 26 placeholders and the node selector carried into `{}`
    assert merge.counters().placeholders == 29  # the preview changed nothing
    by_label = {item.label: item for item in preview}
    assert by_label["credentials.admin.password"].previous_shown == "••••••"
    merge.auto_fill()
    assert merge.placeholders_left() == [
        "credentials.valkey.host",
        "credentials.valkey.existingSecret.name",
        "credentials.valkey.secretsManagerId",
    ]
    merge.undo()
    assert merge.counters().placeholders == 29


def test_image_tag_bump_keeps_quotes(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    book = playbook()
    assert merge.set_image_tag(book.image_tag_key, book.to_build) is None  # already the build
    merge.set_image_tag(book.image_tag_key, "10.6")
    tag = get_node(merge.working, tuple(book.image_tag_key.split(".")))
    assert isinstance(tag, DoubleQuotedScalarString) and tag == "10.6"
    merge.undo()
    assert get_node(merge.working, ("global", "image", "tag")) == book.to_build


def test_port_without_previous_value_is_refused(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    with pytest.raises(ValueEditRefused, match="no value"):
        merge.port("cache.backend")
    assert merge.undo() is None


def test_rows_after_each_operation_are_those_of_a_full_alignment(
    samples: Path, tmp_path: Path
) -> None:
    """Each operation re-aligns only the rows it touched and updates where each row is:
    the rows, and where a label finds its row, are what aligning the whole file gives."""
    merge = sample_merge(samples, tmp_path)

    def aligned_in_full() -> None:
        assert merge.rows == merge._aligner().run(merge.previous.data, merge.working)
        assert all(merge.index_of(row.label) == i for i, row in enumerate(merge.rows))

    merge.port("host.domain")
    aligned_in_full()
    # host.tls.certificateArn, two levels down, is still a placeholder: host says so (a
    # full alignment read the mark of the last row below each child, not the child's).
    assert merge.row("host").status is RowStatus.SAME and merge.row("host").changed_below
    steps = [
        lambda: merge.edit("global.image.tag", "10.6"),
        lambda: merge.carry_orphan(NODEGROUP),
        lambda: merge.port("storage.mongodb.storageClass"),
        lambda: merge.port_subtree("credentials"),
        lambda: merge.port(merge.placeholders_left()[-1]),
        merge.undo,
        merge.undo,
        merge.redo,
        lambda: merge.port(merge.placeholders_left()[0]),
        merge.auto_fill,
        merge.undo,
        lambda: merge.port(merge.placeholders_left()[1]),
    ]
    for step in steps:
        step()
        aligned_in_full()
