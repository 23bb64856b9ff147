"""The Helm step reads the merged values and runs the image loader through core only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.helm.images import loader_runnable, read_merged_values


def test_the_merged_values_are_read_as_plain_data(tmp_path: Path) -> None:
    path = tmp_path / "values.yaml"
    path.write_text("global:\n  image:\n    registry: 123.dkr.ecr.example  # kept\n")
    assert read_merged_values(path) == {"global": {"image": {"registry": "123.dkr.ecr.example"}}}


def test_a_missing_merged_file_says_to_run_the_values_step(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="not found: run the Values step first"):
        read_merged_values(tmp_path / "values.yaml")


def test_the_merged_values_refuse_an_alias_bomb_like_every_values_file(tmp_path: Path) -> None:
    # The Helm step used a YAML loader of its own that expanded aliases without a bound.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        levels.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    path = tmp_path / "values.yaml"
    path.write_text("\n".join(levels) + "\n")
    with pytest.raises(ParseError):
        read_merged_values(path)


def test_the_image_loader_must_be_an_executable_file(tmp_path: Path) -> None:
    loader = tmp_path / "loadimage.sh"
    assert not loader_runnable(loader)  # missing
    loader.write_text("#!/bin/sh\n")
    loader.chmod(0o644)
    assert not loader_runnable(loader)  # not executable
    loader.chmod(0o755)
    assert loader_runnable(loader)
    assert not loader_runnable(tmp_path)  # a directory is searchable, not runnable
