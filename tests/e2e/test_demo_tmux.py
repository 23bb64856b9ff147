"""`mocm-upgrade demo` in a real terminal: Releases screen, quit or kill, nothing left behind,
and the next start restores the same AWS world and says so."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.tmux_support import TmuxScreen
from tests.support.sandbox import moto_processes, world_processes

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


def wait_until(predicate: Callable[[], object], what: str, timeout: float = 30.0) -> None:
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


def start_demo(tmp_path: Path, *extra: str) -> tuple[TmuxScreen, Path, int]:
    world = tmp_path / "world"
    screen = TmuxScreen(
        [MOCM_UPGRADE, "demo", "--dir", str(world), *extra], PROJECT, terminal_env(tmp_path)
    )
    try:
        screen.wait_for(lambda text: "10.5.2603" in text and "10.6.2605" in text, timeout=60)
        port = endpoint_port(world)
        wait_until(lambda: moto_processes(port), "the sandbox's endpoint never started", timeout=60)
    except BaseException:
        screen.kill()  # a failed start leaves no session (and no demo) behind
        raise
    return screen, world, port


def nothing_left(world: Path, port: int) -> None:
    """No endpoint, no stand-in, nothing started with the world's environment is running."""
    wait_until(
        lambda: not world_processes(world, port),
        f"still running after the wizard: {world_processes(world, port)}",
        timeout=15,
    )


def test_demo_shows_both_builds_then_quits_leaving_nothing(tmp_path: Path) -> None:
    screen, world, port = start_demo(tmp_path)
    try:
        screen.wait_for(lambda text: "AWS world seeded anew" in text, timeout=120)
        text = screen.text()
        assert "Releases" in text and str(world / "releases") in text
        screen.keys("C-q")
        screen.wait_gone(timeout=30)
        nothing_left(world, port)
    finally:
        screen.kill()


def test_after_a_kill_the_next_start_restores_the_world_and_says_so(tmp_path: Path) -> None:
    """Issue 14's SSH drop: SIGKILL, nothing survives the wizard, the restart replays."""
    screen, world, port = start_demo(tmp_path)
    try:
        screen.wait_for(lambda text: "AWS world seeded anew" in text, timeout=120)
        os.kill(demo_pid(world), signal.SIGKILL)
        nothing_left(world, port)
    finally:
        screen.kill()
    screen, world, port = start_demo(tmp_path)
    try:
        text = screen.wait_for(lambda text: "AWS world restored" in text, timeout=120)
        assert "seeded" not in text
        screen.keys("C-q")
        screen.wait_gone(timeout=30)
        nothing_left(world, port)
    finally:
        screen.kill()


def test_quitting_while_the_world_is_seeded_loses_nothing(tmp_path: Path) -> None:
    """Ctrl+Q before the seeding ends: the wizard exits, and the next start finishes it."""
    screen, world, port = start_demo(tmp_path)
    try:
        screen.keys("C-q")
        screen.wait_gone(timeout=30)
        nothing_left(world, port)
    finally:
        screen.kill()
    screen, world, port = start_demo(tmp_path)
    try:
        # (one word: the notification wraps its sentence)
        screen.wait_for(
            lambda text: "interrupted" in text or "AWS world seeded anew" in text, timeout=120
        )
        screen.keys("C-q")
        screen.wait_gone(timeout=30)
        nothing_left(world, port)
    finally:
        screen.kill()


def test_fresh_says_it_starts_over(tmp_path: Path) -> None:
    screen, world, port = start_demo(tmp_path)
    try:
        screen.wait_for(lambda text: "AWS world seeded anew" in text, timeout=120)
        screen.keys("C-q")
        screen.wait_gone(timeout=30)
    finally:
        screen.kill()
    screen, world, port = start_demo(tmp_path, "--fresh")
    try:
        screen.wait_for(lambda text: "AWS world seeded anew" in text, timeout=120)
        screen.keys("C-q")
        screen.wait_gone(timeout=30)
        nothing_left(world, port)
    finally:
        screen.kill()
