"""`mocm-upgrade demo`: the folder it accepts, restarts that keep the world, --fresh, the
endpoint's failures, nothing left running."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.sandbox import moto_processes, new_world
from tui.core.journal.lock import ReleaseLock
from tui.core.journal.writer import Workspace
from tui.core.playbook.load import load_playbook
from tui.headless import demo
from tui.sandbox.aws_endpoint import free_port, start_endpoint
from tui.sandbox.aws_recording import prepare_recording, recording_path
from tui.sandbox.seed_client import client
from tui.sandbox.seed_images import image_lines, parse_image, push_image
from tui.sandbox.world import MARKER, is_world, load_world

BOOK = load_playbook()

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
    """The arguments of `mocm-upgrade demo --no-ui --dir FOLDER`, parsed as the CLI does."""
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    return parser.parse_args(["--no-ui", "--dir", str(folder)])


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


def test_a_restart_restores_the_aws_world_and_says_so(tmp_path: Path) -> None:
    """The SSH-drop case of issue 14: an image loaded by hand is still there after a restart."""
    folder = tmp_path / "w"
    first = run_demo("--no-ui", "--dir", str(folder))
    assert first.returncode == 0, first.stderr
    assert "AWS world seeded anew, recorded in" in first.stdout
    world = load_world(folder)
    recording = recording_path(folder)
    endpoint = start_endpoint(
        recording=recording, timeout=120 + prepare_recording(recording).requests
    )
    try:
        image = next(
            line
            for line in image_lines(world.current / BOOK.images_list)
            if parse_image(line)[1] in world.spec["images"]["missing_in_ecr"]
        )
        assert push_image(client("ecr", endpoint.env), image)  # what loadimage.sh does
    finally:
        endpoint.stop()
    second = run_demo("--no-ui", "--dir", str(folder))
    assert second.returncode == 0, second.stderr
    requests = prepare_recording(recording).requests
    assert f"AWS world restored from {recording} (" in second.stdout
    assert "seeded" not in second.stdout
    endpoint = start_endpoint(recording=recording, timeout=120 + requests)
    try:
        _, repo, tag = parse_image(image)
        found = client("ecr", endpoint.env).describe_images(
            repositoryName=repo, imageIds=[{"imageTag": tag}]
        )["imageDetails"]
    finally:
        endpoint.stop()
    assert len(found) == 1


def test_fresh_starts_over_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    assert run_demo("--no-ui", "--dir", str(folder)).returncode == 0
    values = folder / "releases" / "mocm-10.6.2605" / "mocm" / "values.yaml"
    values.write_text(values.read_text() + "# edited\n")
    out = run_demo("--no-ui", "--fresh", "--dir", str(folder))
    assert out.returncode == 0, out.stderr
    assert f"Starting over (--fresh): removed the demo world in {folder}." in out.stdout
    assert "AWS world seeded anew" in out.stdout and "restored" not in out.stdout
    assert not values.read_text().endswith("# edited\n")


def test_fresh_refuses_a_folder_that_is_not_a_demo_world(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("my notes")
    args = namespace(tmp_path)
    args.fresh = True
    assert demo.run(args) == 1
    assert "--fresh removes only such a world" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "my notes"


def test_fresh_refuses_while_a_wizard_works_on_the_world(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = new_world(tmp_path)
    with ReleaseLock(Workspace(world.current)):  # this process: alive
        args = namespace(world.root)
        args.fresh = True
        assert demo.run(args) == 1
    err = capsys.readouterr().err
    assert f"a wizard works on the demo world in {world.root} (pid {os.getpid()}" in err
    assert world.current.is_dir()


def test_a_corrupt_recording_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = new_world(tmp_path)
    recording_path(world.root).write_text('{"method": "GET"}\n{broken\n{"method": "GET"}\n')
    assert demo.run(namespace(world.root)) == 1
    err = capsys.readouterr().err
    assert f"{recording_path(world.root)}: line 2 is not a recorded request" in err
    assert "--fresh" in err and "Traceback" not in err


def test_the_default_folder_is_the_user_cache(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    out = run_demo("--no-ui", env=env)
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "cache" / "mocm-upgrade" / "demo"
    assert f"Demo world: {folder}" in out.stdout and is_world(folder)
    del env["XDG_CACHE_HOME"]
    assert demo_default(env) == tmp_path / ".cache" / "mocm-upgrade" / "demo"


def demo_default(env: dict[str, str]) -> Path:
    code = "from tui.headless.demo import default_dir; print(default_dir())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return Path(out.stdout.strip())
