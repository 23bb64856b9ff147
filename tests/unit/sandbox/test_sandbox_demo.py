"""`mocm-upgrade demo`: the folder it accepts, the endpoint's failures, nothing left running."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.sandbox import moto_processes, new_world
from tui.headless import demo
from tui.sandbox.aws_endpoint import free_port
from tui.sandbox.world import MARKER

CLI = [sys.executable, "-m", "tui.cli", "demo"]


def run_demo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env or dict(os.environ),
    )


def namespace(folder: Path) -> argparse.Namespace:
    return argparse.Namespace(dir=folder, no_ui=True, port=None, playbook=None, fresh=False)


def test_a_non_empty_folder_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("my notes")
    assert demo.run(namespace(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "is not empty" in err and "give --dir a new or empty folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "my notes"


def test_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert demo.run(namespace(target)) == 1
    assert "is a file" in capsys.readouterr().err


def test_our_own_world_is_reused_not_rebuilt(tmp_path: Path) -> None:
    world = new_world(tmp_path)
    values = world.current / "mocm" / "values.yaml"
    values.write_text(values.read_text() + "# edited by the operator\n")
    again, built = demo.prepare_world(world.root)
    assert not built and again.current == world.current
    assert values.read_text().endswith("# edited by the operator\n")


def test_an_empty_folder_gets_a_world(tmp_path: Path) -> None:
    world, built = demo.prepare_world(tmp_path)
    assert built and (tmp_path / MARKER).is_file() and world.previous.is_dir()


def test_no_ui_builds_seeds_and_stops(tmp_path: Path) -> None:
    port = free_port()
    out = run_demo("--no-ui", "--dir", str(tmp_path / "w"), "--port", str(port))
    assert out.returncode == 0, out.stderr
    assert f"source {tmp_path / 'w' / 'env.sh'}" in out.stdout
    assert str(tmp_path / "w" / "releases") in out.stdout
    env_sh = (tmp_path / "w" / "env.sh").read_text()
    assert (
        f'AWS_ENDPOINT_URL="http://127.0.0.1:{port}"' in env_sh
        and f"{tmp_path / 'w' / 'bin'}" in env_sh
    )
    assert moto_processes(port) == []


def test_moto_that_cannot_start(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "moto"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('moto is broken in this test')\n")
    env = {**os.environ, "PYTHONPATH": f"{shadow.parent}{os.pathsep}{Path.cwd()}"}
    port = free_port()
    out = run_demo("--no-ui", "--dir", str(tmp_path / "w"), "--port", str(port), env=env)
    assert out.returncode == 1
    assert (
        "moto's server failed to start" in out.stderr
        and "moto is broken in this test" in out.stderr
    )
    assert "Traceback" not in out.stderr
    assert moto_processes(port) == []


def test_a_port_already_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run_demo("--no-ui", "--dir", str(tmp_path / "w"), "--port", str(port))
    assert out.returncode == 1
    assert f"127.0.0.1:{port}" in out.stderr and "Traceback" not in out.stderr
    assert moto_processes(port) == []
