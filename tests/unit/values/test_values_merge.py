"""Alignment and classification of the sample pair and of small cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.values import merge_of, sample_merge
from tui.core.secrets.mask import MASK, key_looks_secret
from tui.core.values.alignment import Presence, RowStatus


def test_sample_pair_counts_29_placeholders(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    left = merge.placeholders_left()
    assert len(left) == 29
    assert "productKey" in left  # unquoted
    assert "global.image.registry" in left  # quoted
    assert "credentials.valkey.secretsManagerId" in left  # embedded in a longer string
    assert merge.counters().placeholders == 29


def test_sample_pair_new_keys_orphans_and_differences(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    new = [r.label for r in merge.rows if r.presence == Presence.NEW_ONLY and r.topmost]
    assert new == [
        "global.image.digestPinning",
        "credentials.valkey",
        "cache",
        "componentReplicas.notifier",
        "resources.notifier",
        "monitoring.otel",
    ]
    orphans = [r.label for r in merge.rows if r.presence == Presence.PREV_ONLY]
    assert orphans == ["global.nodeSelector.eks\\.amazonaws\\.com/nodegroup"]
    assert merge.row("global.nodeSelector").changed_below
    assert [r.label for r in merge.rows if r.status == RowStatus.DIFFERS] == ["global.image.tag"]
    assert merge.row("componentReplicas.api").status == RowStatus.SAME


def test_rows_carry_line_numbers_of_both_sides(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    tag = merge.row("global.image.tag")
    assert (tag.prev_line, tag.new_line) == (9, 10)
    assert merge.row("cache.backend").prev_line is None
    assert merge.row("cache.backend").new_line == 80


def test_text_in_comments_is_not_a_placeholder(tmp_path: Path) -> None:
    merge = merge_of(
        tmp_path,
        "a: 1\n",
        '# replace "< REPLACE_VALUE_X >" before use\na: 1  # < REPLACE_VALUE_Y >\n',
    )
    assert merge.placeholders_left() == []


def test_orphan_is_placed_after_its_previous_sibling(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, "a: 1\nmine: 2\nb: 3\nfirst_gone: 0\n", "z: 0\na: 1\nb: 3\n")
    assert [r.label for r in merge.rows] == ["z", "a", "mine", "b", "first_gone"]
    assert merge.row("mine").status == RowStatus.ORPHAN


def test_lists_of_named_items_match_by_name(tmp_path: Path) -> None:
    prev = "c:\n- name: web\n  cpu: 2\n- name: api\n  cpu: 4\n- name: old\n  cpu: 1\n"
    new = "c:\n- name: api\n  cpu: 1\n- name: web\n  cpu: 2\n"
    merge = merge_of(tmp_path, prev, new)
    assert merge.row("c[name=web].cpu").status == RowStatus.SAME
    assert merge.row("c[name=api].cpu").status == RowStatus.DIFFERS
    assert merge.row("c[name=old]").status == RowStatus.ORPHAN


def test_lists_without_names_match_by_position(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, "c:\n- x: 1\n- x: 2\n", "c:\n- x: 1\n- x: 5\n- x: 6\n")
    assert merge.row("c[0].x").status == RowStatus.SAME
    assert merge.row("c[1].x").status == RowStatus.DIFFERS
    assert merge.row("c[2]").status == RowStatus.NEW


def test_types_are_compared_strictly(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, 'a: "1"\nb: 1\nc: [x, y]\n', "a: 1\nb: true\nc: [x, y]\n")
    assert merge.row("a").status == RowStatus.DIFFERS
    assert merge.row("b").status == RowStatus.DIFFERS
    assert merge.row("c").status == RowStatus.SAME


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("productKey", True),
        ("apiKey", True),
        ("passwordKey", True),
        ("existingSecret", True),
        ("secretsManagerId", False),
        ("keyPrefix", False),
        ("secretName", False),
        ("username", False),
        ("monkey", False),
    ],
)
def test_secret_looking_keys(key: str, secret: bool) -> None:
    assert key_looks_secret(key) is secret


def test_secret_values_are_masked_but_placeholders_shown(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    row = merge.row("credentials.admin.password")
    assert row.secret
    assert row.prev_shown(merge.pattern) == MASK
    assert row.new_shown(merge.pattern) == "< REPLACE_VALUE_ADMIN_PASSWORD >"
    assert row.prev_shown(merge.pattern, reveal=True) == "Vq8#nT2!eL6@rW4z"
    assert not merge.row("credentials.redis.host").secret
    assert merge.row("credentials.valkey.existingSecret.name").secret
