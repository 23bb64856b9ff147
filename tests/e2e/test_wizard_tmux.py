"""End to end: the installed `mocm-upgrade` in a real terminal (tmux), read as an operator would."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.e2e.tmux_support import TmuxScreen
from tests.support.release import make_pair

BIN = Path(sys.executable).parent / "mocm-upgrade"
pytestmark = pytest.mark.e2e


@pytest.fixture
def tmux_env() -> dict[str, str]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is required for the e2e tests (.ci/run installs it)")
    return {"TERM": "xterm-256color", "PATH": os.environ["PATH"], "HOME": os.environ["HOME"]}


def test_releases_screen_shows_both_builds_then_quits(
    tmp_path: Path, tmux_env: dict[str, str]
) -> None:
    prev, curr = make_pair(tmp_path)
    screen = TmuxScreen([str(BIN), prev.name, curr.name], tmp_path, tmux_env)
    try:
        # The table's rows paint a frame after its title: wait for the last row too.
        text = screen.wait_for(lambda t: "build 10.6.2605" in t and "cost-optimized" in t)
        assert "build 10.5.2603" in text
        assert "What's new: 5 file(s) differ in terraform/aws (cursor: diff)" in text
        assert "terraform.tfvars.cost-optimized.example" in text
        screen.keys("F3")
        text = screen.wait_for(lambda t: "2. Preflight" in t and "OpenTofu version" in t)
        assert "tofu is not installed" in text  # no tofu on this PATH: said plainly
        screen.keys("C-q")
        screen.wait_gone()
    finally:
        screen.kill()
    assert not (curr / ".mocm-upgrade" / "lock.json").exists()  # lock released on exit


def test_no_arguments_offers_sibling_releases(tmp_path: Path, tmux_env: dict[str, str]) -> None:
    make_pair(tmp_path)
    screen = TmuxScreen([str(BIN), "--tofu-bin", "tofu"], tmp_path, tmux_env, size="80x24")
    try:
        text = screen.wait_for(lambda t: "Release directories found here" in t)
        assert "10.5.2603" in text and "10.6.2605" in text
        screen.keys("Enter")  # the two newest are prefilled; Enter validates
        screen.wait_for(lambda t: "build 10.6.2605" in t)
        screen.keys("C-q")
        screen.wait_gone()
    finally:
        screen.kill()
