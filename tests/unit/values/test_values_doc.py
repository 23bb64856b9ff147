"""Loading values files: every kind of bad input gets a clear, located refusal."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.values import merge_of, write
from tui.core.errors import ParseError
from tui.core.values.doc import Indentation, dotted
from tui.core.values.load import MAX_VALUES_BYTES, load_values
from tui.core.values.save import commit, plan_save


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "v.yaml", "a: [1, 2\nb: 3\n")
    with pytest.raises(ParseError) as err:
        load_values(path)
    assert err.value.line == 2 and err.value.column is not None
    assert f"{path}:2:" in str(err.value)


def test_duplicate_key_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "v.yaml", "a: 1\nb: 2\na: 3\n")
    with pytest.raises(ParseError) as err:
        load_values(path)
    assert "duplicate key" in err.value.reason and err.value.line == 3


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "a list"), ("just text\n", "single")])
def test_root_that_is_not_a_mapping_is_refused(tmp_path: Path, text: str, kind: str) -> None:
    with pytest.raises(ParseError) as err:
        load_values(write(tmp_path / "v.yaml", text))
    assert "mapping" in err.value.reason and kind in err.value.reason


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as err:
        load_values(write(tmp_path / "v.yaml", "a:\n\tb: 1\n"))
    assert "tab" in err.value.reason and err.value.line == 2


@pytest.mark.parametrize("text", ["", "# only a comment\n\n"])
def test_empty_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ParseError) as err:
        load_values(write(tmp_path / "v.yaml", text))
    assert "empty" in err.value.reason


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00", b"a: \xff\xfe\xfa\n"])
def test_binary_file_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "v.yaml"
    path.write_bytes(data)
    with pytest.raises(ParseError) as err:
        load_values(path)
    assert "binary" in err.value.reason


def test_ten_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    line = b"key_%07d: some-value-that-fills-the-line\n"
    with path.open("wb") as handle:
        for i in range(10 * 1024 * 1024 // 40):
            handle.write(line % i)
    assert path.stat().st_size > MAX_VALUES_BYTES
    started = time.perf_counter()
    with pytest.raises(ParseError) as err:
        load_values(path)
    assert time.perf_counter() - started < 2.0
    assert "MiB" in err.value.reason and "refused" in err.value.reason


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot be read"):
        load_values(tmp_path / "absent.yaml")
    with pytest.raises(ParseError, match="directory"):
        load_values(tmp_path)


def test_yaml11_spellings_stay_exactly_as_written(tmp_path: Path) -> None:
    template = "flag: yes\nswitch: on\nmode: 0755\nport: < REPLACE_VALUE_PORT >\n"
    merge = merge_of(tmp_path, "flag: no\nswitch: off\nmode: 0644\nport: 8080\n", template)
    assert merge.row("flag").new_text == "yes"  # YAML 1.2: a string, not a boolean
    merge.auto_fill()
    merge.port("mode")
    result = commit(plan_save(merge, tmp_path / "out.yaml"))
    written = result.destination.read_text()
    assert written == "flag: yes\nswitch: on\nmode: 0644\nport: 8080\n"


def test_anchors_and_merge_keys_have_no_lines_but_work(tmp_path: Path) -> None:
    text = "base: &b\n  x: 1\n  y: two\nchild:\n  <<: *b\n  z: 3\n"
    merge = merge_of(tmp_path, "base:\n  x: 1\n  y: two\nchild:\n  x: 9\n  z: 3\n", text)
    row = merge.row("child.x")
    assert row.new_line is None and row.prev_line == 5
    assert row.status.value == "differs"
    merge.port("child.x")
    out = commit(plan_save(merge, tmp_path / "out.yaml")).destination.read_text()
    assert "<<: *b" in out and "  x: 9" in out
    assert load_values(tmp_path / "out.yaml").data["base"]["x"] == 1


def test_file_indentation_is_detected(tmp_path: Path) -> None:
    text = "a:\n    b:\n        c: 1\n    items:\n      - one\n      - two\n"
    doc = load_values(write(tmp_path / "v.yaml", text))
    assert doc.indentation == Indentation(mapping=4, sequence=4, offset=2)


def test_dotted_key_paths_escape_dots_inside_keys() -> None:
    assert dotted(("host", "alb.ingress/x", "list", 0, "k")) == "host.alb\\.ingress/x.list[0].k"
