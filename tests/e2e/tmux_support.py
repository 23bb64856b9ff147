"""Drive a real terminal: tmux sessions, keys, and reading the screen (no fixed sleeps)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.support.waiting import BOUND_S

# A private tmux server per test process, apart from the operator's and from the other
# workers' (and other copies of the suite): a server shared by processes exits when the last
# session of one ends, under another's `new-session`.
SOCKET = ["-L", f"mocm-upgrade-tests-{os.getpid()}"]


def tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *SOCKET, *args], capture_output=True, text=True, check=check)


class TmuxScreen:
    """One detached tmux session running a command in a real pty."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], size: str = "120x40"):
        self.name = f"mocm-{uuid.uuid4().hex[:8]}"
        width, height = size.split("x")
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell = f"cd {shlex.quote(str(cwd))} && env -i {exports} {shlex.join(command)}"
        tmux("new-session", "-d", "-s", self.name, "-x", width, "-y", height, shell)

    def text(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.name, check=False).stdout

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = BOUND_S) -> str:
        """Poll the screen until ``predicate`` holds (bounded), return what it showed."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if predicate(text):
                return text
            time.sleep(0.1)  # polling interval, not a wait for an outcome
        raise AssertionError(f"screen never matched within {timeout}s; last screen:\n{text}")

    def keys(self, *keys: str) -> None:
        tmux("send-keys", "-t", self.name, *keys)

    def alive(self) -> bool:
        return tmux("has-session", "-t", self.name, check=False).returncode == 0

    def wait_gone(self, timeout: float = BOUND_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return
            time.sleep(0.1)
        raise AssertionError("the program did not exit")

    def kill(self) -> None:
        tmux("kill-session", "-t", self.name, check=False)
