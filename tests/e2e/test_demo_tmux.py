"""`mocm-upgrade demo` in a real terminal: Releases screen, quit, no server left behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.tmux_support import TmuxScreen
from tests.support.sandbox import moto_processes

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
MOCM_UPGRADE = str(Path(sys.executable).parent / "mocm-upgrade")
PROJECT = Path(__file__).resolve().parents[2]


def terminal_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


def endpoint_port(world: Path, timeout: float = 30.0) -> int:
    """The port the demo wrote into env.sh (before the wizard starts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        env_sh = world / "env.sh"
        if env_sh.is_file():
            match = re.search(r"AWS_ENDPOINT_URL=\"http://127\.0\.0\.1:(\d+)\"", env_sh.read_text())
            if match:
                return int(match.group(1))
        time.sleep(0.1)  # polling interval
    raise AssertionError(f"{world}/env.sh never named the endpoint")


def wait_until(predicate, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)  # polling interval
    raise AssertionError(what)


def demo_pid(world: Path) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"demo" in argv and str(world).encode() in argv and b"moto.server" not in argv:
                return int(entry.name)
    raise AssertionError("demo process not found")


def start_demo(tmp_path: Path) -> tuple[TmuxScreen, Path, int]:
    world = tmp_path / "world"
    screen = TmuxScreen(
        [MOCM_UPGRADE, "demo", "--dir", str(world)], PROJECT, terminal_env(tmp_path)
    )
    screen.wait_for(lambda text: "10.5.2603" in text and "10.6.2605" in text, timeout=60)
    port = endpoint_port(world)
    wait_until(lambda: moto_processes(port), "the sandbox's AWS endpoint never started", timeout=60)
    return screen, world, port


def test_demo_shows_both_builds_then_quits_leaving_nothing(tmp_path: Path) -> None:
    screen, world, port = start_demo(tmp_path)
    try:
        text = screen.text()
        assert "Releases" in text and str(world / "releases") in text
        screen.keys("C-q")
        screen.wait_gone(timeout=30)
        wait_until(lambda: not moto_processes(port), f"moto still runs on port {port}", timeout=15)
    finally:
        screen.kill()


def test_killing_the_demo_kills_its_endpoint(tmp_path: Path) -> None:
    screen, world, port = start_demo(tmp_path)
    try:
        os.kill(demo_pid(world), signal.SIGKILL)
        wait_until(
            lambda: not moto_processes(port), f"moto outlived the demo on port {port}", timeout=15
        )
    finally:
        screen.kill()
