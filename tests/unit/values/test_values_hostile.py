"""Hostile input to values-check and values-merge: exit 1, one line naming the file and
the problem, nothing written — never a hang or a traceback (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.values import write
from tui.cli import main
from tui.core.errors import ParseError
from tui.core.values.load import MAX_DEPTH, MAX_EXPANDED_NODES, MAX_VALUES_BYTES, parse_values

TEMPLATE = "a: 1\nb: < REPLACE_VALUE_B >\n"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A "billion laughs": each level holds ``width`` aliases of the level below."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def one_line_error(capsys: pytest.CaptureFixture[str], path: Path, words: str) -> None:
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    assert str(path) in captured.err and words in captured.err
    assert "Traceback" not in captured.err


def hostile_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        index = 0
        while handle.tell() < 3_200_000:
            handle.write(f"key{index}: value number {index}\n")
            index += 1
    return {
        "alias bomb": (write(tmp_path / "bomb.yaml", alias_bomb()), "alias bomb"),
        "deep flow": (
            write(tmp_path / "deep.yaml", "a: " + "[" * 10_000 + "]" * 10_000 + "\n"),
            f"nested deeper than {MAX_DEPTH} levels",
        ),
        "deep block": (
            write(tmp_path / "block.yaml", "".join("  " * i + f"k{i}:\n" for i in range(100))),
            f"nested deeper than {MAX_DEPTH} levels",
        ),
        "3.2 MB": (big, "values files above 1 MiB are refused"),
        "long integer": (
            write(tmp_path / "int.yaml", "a: " + "9" * 5000 + "\n"),
            "a number with more than 4,300 digits",
        ),
    }


@pytest.mark.parametrize(
    "case", ["alias bomb", "deep flow", "deep block", "3.2 MB", "long integer"]
)
def test_values_check_refuses(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, words = hostile_files(tmp_path)[case]
    assert main(["values-check", str(path)]) == 1
    one_line_error(capsys, path, words)


@pytest.mark.parametrize("side", ["--previous", "--template"])
@pytest.mark.parametrize("case", ["alias bomb", "deep flow", "3.2 MB", "long integer"])
def test_values_merge_refuses_and_writes_nothing(
    case: str, side: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, words = hostile_files(tmp_path)[case]
    fine = write(tmp_path / "fine.yaml", TEMPLATE)
    out = tmp_path / "out.yaml"
    other = "--template" if side == "--previous" else "--previous"
    assert main(["values-merge", side, str(path), other, str(fine), "--out", str(out)]) == 1
    one_line_error(capsys, path, words)
    assert not out.exists()


def test_a_small_legitimate_use_of_aliases_is_read() -> None:
    text = "base: &base {cpu: 1, memory: 2}\na: *base\nb: {<<: *base, cpu: 2}\n"
    doc = parse_values(text.encode(), "ok.yaml")
    assert doc.data["a"]["memory"] == 2 and doc.data["b"]["cpu"] == 2


def test_the_expansion_cap_counts_aliases_without_expanding_them() -> None:
    # Six levels of nine: 9**6 = 531,441 values once expanded, from a file of 7 lines.
    with pytest.raises(ParseError, match=f"more than {MAX_EXPANDED_NODES:,} values"):
        parse_values(alias_bomb(levels=6).encode(), "bomb.yaml")
    parse_values(alias_bomb(levels=3).encode(), "fine.yaml")  # 9**3: read


def test_the_size_cap_is_a_real_values_file_times_five() -> None:
    assert MAX_VALUES_BYTES == 1024 * 1024  # kube-prometheus-stack's values.yaml: 206 KB


@pytest.mark.parametrize("target", ["/dev/full", "/dev/stdout", "/dev/null"])
def test_values_merge_refuses_a_device_as_out(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = write(tmp_path / "t.yaml", TEMPLATE)
    previous = write(tmp_path / "p.yaml", "a: 2\nb: 3\n")
    argv = ["--previous", str(previous), "--template", str(template), "--out", target]
    assert main(["values-merge", *argv]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and target in captured.err
    assert "not a regular file" in captured.err or "symbolic link" in captured.err


def test_values_merge_refuses_a_symlink_loop_and_a_dangling_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = write(tmp_path / "t.yaml", TEMPLATE)
    previous = write(tmp_path / "p.yaml", "a: 2\nb: 3\n")
    loop_a, loop_b = tmp_path / "loop-a", tmp_path / "loop-b"
    os.symlink(loop_b, loop_a)
    os.symlink(loop_a, loop_b)
    argv = ["--previous", str(previous), "--template", str(template), "--out"]
    assert main(["values-merge", *argv, str(loop_a)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "symbolic link that cannot be followed" in err
    assert "Traceback" not in err and loop_a.is_symlink()


def test_values_merge_refuses_a_directory_as_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = write(tmp_path / "t.yaml", TEMPLATE)
    previous = write(tmp_path / "p.yaml", "a: 2\nb: 3\n")
    argv = ["--previous", str(previous), "--template", str(template), "--out", str(tmp_path)]
    assert main(["values-merge", *argv]) == 1
    assert "is not a regular file (a directory)" in capsys.readouterr().err
