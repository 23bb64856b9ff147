"""`demo --engine`: the stand-in stays the default; a world keeps the engine it was made for;
a machine without the real engine's parts gets one clear line, exit 1."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tests.support.sandbox import new_world
from tui.headless import demo
from tui.sandbox.engine import STANDIN, TERRAFORM, EngineError, engine_setup
from tui.sandbox.engine.world import ENGINE_DIR, MARKER, missing_requirements


def test_standin_is_the_default_engine() -> None:
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    assert parser.parse_args([]).engine == STANDIN
    assert parser.parse_args(["--engine", "terraform"]).engine == TERRAFORM


def test_missing_mirror_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCM_TF_PLUGIN_MIRROR", str(tmp_path / "no-mirror"))
    args = argparse.Namespace(
        dir=tmp_path / "w", no_ui=True, port=None, playbook=None, engine=TERRAFORM, fresh=False
    )
    assert demo.run(args) == 1
    err = capsys.readouterr().err
    assert "the real engine cannot run here" in err and "no hashicorp/aws" in err
    assert "Traceback" not in err
    assert any("filesystem mirror" in m for m in missing_requirements())


def test_a_terraform_world_refuses_the_standin(tmp_path: Path) -> None:
    world = new_world(tmp_path)
    marker = world.root / ENGINE_DIR / MARKER
    marker.parent.mkdir()
    marker.write_text('{"engine": "terraform"}')
    with pytest.raises(EngineError) as refused:
        engine_setup(world, STANDIN)
    assert "--engine terraform" in (refused.value.hint or "")
