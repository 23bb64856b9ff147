"""Open maps, one labelling of list items, masking by key and value type (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.values import merge_of, write
from tui.cli import main
from tui.core.secrets.mask import MASK, value_is_secret
from tui.core.values.alignment import RowStatus
from tui.core.values.merge import OPEN_MAP_SHOWN
from tui.core.values.progress import find_row, undecided_test

PREVIOUS = """\
resources:
  limits: {cpu: "1", memory: 1Gi}
  requests: {cpu: 250m}
storage:
  size: 8Gi
  classs: gp3
annotations: {team: core}
tolerations:
  - {key: dedicated, value: db}
auth:
  usePasswordFiles: true
  password: hunter2-xyz
  port: 6379
"""
TEMPLATE = """\
# chart defaults
resources: {}
storage:
  size: 8Gi
annotations:
tolerations: []
auth:
  usePasswordFiles: false
  password: ""
  port: 6380
"""


def test_open_maps_carry_and_only_closed_maps_make_orphans(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, PREVIOUS, TEMPLATE)
    status = {row.label: row.status for row in merge.rows if row.topmost}
    assert status["resources.limits"] is RowStatus.OPEN_MAP
    assert status["resources.requests"] is RowStatus.OPEN_MAP
    assert status["storage.classs"] is RowStatus.ORPHAN  # a closed map with other keys
    assert status["annotations"] is RowStatus.OPEN_MAP  # null in the template
    assert status["tolerations"] is RowStatus.OPEN_MAP  # [] in the template
    assert status["auth.password"] is RowStatus.OPEN_MAP  # "" in the template
    assert status["auth.port"] is RowStatus.DIFFERS
    counts = merge.counters()
    assert (counts.open_map, counts.orphans) == (5, 1)


def test_auto_fill_carries_in_the_previous_order_and_undo_restores(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, PREVIOUS, TEMPLATE)
    preview = {item.label: item for item in merge.auto_fill_preview()}
    assert preview["resources.limits"].template_shown == OPEN_MAP_SHOWN
    merge.auto_fill()
    assert list(merge.working["resources"]) == ["limits", "requests"]
    assert merge.working["tolerations"] == [{"key": "dedicated", "value": "db"}]
    assert merge.working["annotations"] == {"team": "core"}
    assert "classs" not in merge.working["storage"]
    assert merge.row("resources.limits").status is RowStatus.SAME
    merge.undo()
    assert (
        merge.working["resources"] == {}
        and merge.row("resources.limits").status is RowStatus.OPEN_MAP
    )


def test_a_dropped_open_map_value_is_not_carried(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, PREVIOUS, TEMPLATE)
    merge.drop_orphan("resources.limits")
    merge.auto_fill()
    assert list(merge.working["resources"]) == ["requests"]


def test_o_stops_on_each_undecided_value_in_order_and_wraps(tmp_path: Path) -> None:
    """``o`` (and the step after a decision) walks the undecided values: the orphan and the
    open-map values not carried yet, in file order, then back to the first."""
    merge = merge_of(tmp_path, PREVIOUS, TEMPLATE)
    expected = [row.label for row in merge.undecided()]
    assert "storage.classs" in expected and "resources.limits" in expected
    test, at, seen = undecided_test(merge), -1, []
    for _ in range(len(expected) + 1):
        found = find_row(merge.rows, at, test)
        assert found is not None
        at, wrapped = found
        seen.append((merge.rows[at].label, wrapped))
    assert seen == [(label, False) for label in expected] + [(expected[0], True)]
    merge.drop_orphan("storage.classs")  # decided: no longer a stop
    test = undecided_test(merge)
    assert [row.label for row in merge.rows if test(row)] == [
        label for label in expected if label != "storage.classs"
    ]


def test_a_carry_keeps_the_map_open_for_the_next_one(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, PREVIOUS, TEMPLATE)
    merge.carry_orphan("resources.requests")
    assert merge.row("resources.limits").status is RowStatus.OPEN_MAP  # not an orphan now
    merge.carry_orphan("resources.limits")
    assert list(merge.working["resources"]) == ["limits", "requests"]


NAMED_PREVIOUS = """\
env:
  - {name: A, value: "1"}
  - {name: B, value: "2"}
"""
NAMED_TEMPLATE = """\
env:
  - {name: B, value: "2"}
  - {name: C, value: < REPLACE_VALUE_C >}
"""


def test_values_check_and_values_merge_label_list_items_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = write(tmp_path / "t.yaml", NAMED_TEMPLATE)
    previous = write(tmp_path / "p.yaml", NAMED_PREVIOUS)
    assert main(["values-check", str(template), "--json"]) == 3
    alone = json.loads(capsys.readouterr().out)["placeholders"]
    assert main(["values-check", str(template), "--previous", str(previous), "--json"]) == 3
    with_previous = json.loads(capsys.readouterr().out)
    argv = ["--previous", str(previous), "--template", str(template)]
    assert main(["values-merge", *argv, "--out", str(tmp_path / "out.yaml")]) == 3
    merged = capsys.readouterr().err
    assert alone == with_previous["placeholders"] == ["env[name=C].value"]
    assert "placeholder left: env[name=C].value" in merged
    assert with_previous["orphans"] == ["env[name=A]"]
    assert "orphan, not carried: env[name=A] = " in merged


@pytest.mark.parametrize(
    "path, values, secret",
    [
        (("auth", "usePasswordFiles"), (True,), False),
        (("auth", "password"), (6379,), False),
        (("auth", "password"), (None,), False),
        (("auth", "password"), (1.5,), False),
        (("auth", "password"), ("s3cr3t",), True),
        (("auth", "password"), (False, "s3cr3t"), True),  # one textual side is enough
        (("auth", "passwords"), (["a", "b"],), True),
        (("auth", "passwordFiles"), ("/run/secrets/pw",), False),  # a reference to a file
    ],
)
def test_masking_by_key_meaning_and_value_type(
    path: tuple[str, ...], values: tuple[object, ...], secret: bool
) -> None:
    assert value_is_secret(path, *values) is secret


def test_values_merge_shows_booleans_and_numbers_but_masks_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = write(tmp_path / "t.yaml", "auth:\n  usePasswordFiles: false\n  token: abc\n")
    previous = write(tmp_path / "p.yaml", "auth:\n  usePasswordFiles: true\n  token: xyz-secret\n")
    argv = ["--previous", str(previous), "--template", str(template)]
    assert main(["values-merge", *argv, "--out", str(tmp_path / "o.yaml")]) == 0
    err = capsys.readouterr().err
    assert "auth.usePasswordFiles: previous true -> template false" in err
    assert f"auth.token: previous {MASK} -> template {MASK}" in err and "xyz-secret" not in err


def test_a_multi_line_difference_is_a_readable_line_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = write(tmp_path / "t.yaml", "config: |\n  a = 1\n  b = 2\n  c = 3\n")
    previous = write(tmp_path / "p.yaml", "config: |\n  a = 1\n  b = 20\n  c = 3\n")
    argv = ["--previous", str(previous), "--template", str(template)]
    assert main(["values-merge", *argv, "--out", str(tmp_path / "o.yaml")]) == 0
    err = capsys.readouterr().err
    assert "  differs, template kept: config:\n" in err
    assert "      -b = 20\n      +b = 2\n" in err


def test_escape_codes_in_keys_and_values_are_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = write(tmp_path / "t.yaml", 'a: "x"\n"k\\e[2J": 1\n')
    previous = write(tmp_path / "p.yaml", 'a: "\\e]0;pwned\\a"\n"k\\e[2J": 2\n"o\\e[31m": 3\n')
    assert main(["values-check", str(template), "--previous", str(previous)]) == 0
    out = capsys.readouterr().out
    argv = ["--previous", str(previous), "--template", str(template)]
    assert main(["values-merge", *argv, "--out", str(tmp_path / "o.yaml")]) == 0
    err = capsys.readouterr().err
    for text in (out, err):
        assert "\x1b" not in text and "\x07" not in text
    assert "k\\x1b\\[2J (line 2)" in out and "o\\x1b\\[31m (line 3)" in out
    assert 'previous "\\x1b]0;pwned\\x07" -> template x' in err  # quoted: not plain text
