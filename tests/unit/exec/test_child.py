"""A command's process by identity: still running, gone, a zombie, or a later process that
got the same pid; its process group stopped with SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tui.core.exec.child import ChildIdentity, boot_id, identify, is_running, stop_group, wait_gone

# The child starts a grandchild in its own group and prints its pid: SIGTERM to the group
# must reach both (tofu's providers are its children).
FAMILY = (
    "import subprocess, sys, time\n"
    "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
    "print(g.pid, flush=True)\n"
    "time.sleep(120)\n"
)


@pytest.fixture
def family() -> Iterator[tuple[subprocess.Popen[str], int]]:
    child = subprocess.Popen(
        [sys.executable, "-c", FAMILY], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert child.stdout is not None
    grandchild = int(child.stdout.readline())
    try:
        yield child, grandchild
    finally:
        for pid in (grandchild, child.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        child.wait()


def test_a_running_command_is_named_by_pid_group_start_and_boot(
    family: tuple[subprocess.Popen[str], int],
) -> None:
    child, _ = family
    seen = identify(child.pid)
    assert seen is not None
    assert seen.pid == seen.pgid == child.pid  # its own session: it leads its group
    stat = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
    assert seen.start_ticks == int(stat[19]) > 0
    assert seen.boot_id == boot_id() and len(seen.boot_id) == 36
    assert is_running(seen)


def test_a_later_process_on_the_same_pid_is_not_the_command(
    family: tuple[subprocess.Popen[str], int],
) -> None:
    child, _ = family
    seen = identify(child.pid)
    assert seen is not None
    assert not is_running(replace(seen, start_ticks=seen.start_ticks - 1))  # pid reused
    assert not is_running(replace(seen, boot_id="another-boot"))  # a reboot reused it
    assert is_running(replace(seen, boot_id=""))  # a system that names no boot: ticks decide


def test_an_ended_command_and_a_zombie_are_gone(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    seen = identify(child.pid)
    assert seen is not None
    while Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
        os.sched_yield()  # exited, not yet reaped: a zombie runs no more code
    assert identify(child.pid) is None and not is_running(seen)
    assert wait_gone(seen, timeout_s=0)
    child.wait()
    assert not is_running(seen) and identify(child.pid) is None
    assert not stop_group(seen)  # nothing to stop: no signal reaches a stranger


def test_stopping_sends_sigterm_to_the_whole_group(
    family: tuple[subprocess.Popen[str], int],
) -> None:
    child, grandchild = family
    seen = identify(child.pid)
    assert seen is not None
    grand = identify(grandchild)
    assert grand is not None and grand.pgid == seen.pgid
    assert not wait_gone(seen, timeout_s=0.05)  # still running: the wait gives up
    assert not wait_gone(seen, given_up=lambda: True)  # the wizard quits: it stops waiting
    assert stop_group(seen)
    assert child.wait(timeout=30) == -signal.SIGTERM
    assert wait_gone(grand, timeout_s=30)  # the grandchild got it too
    assert wait_gone(seen, timeout_s=0)


def test_a_fake_proc_decides_by_its_stat_line(tmp_path: Path) -> None:
    (tmp_path / "7").mkdir()
    (tmp_path / "sys" / "kernel" / "random").mkdir(parents=True)
    (tmp_path / "sys" / "kernel" / "random" / "boot_id").write_text("b-1\n")
    fields = ["S", "1", "7", "7"] + ["0"] * 15 + ["555", "0"]
    (tmp_path / "7" / "stat").write_text("7 (tofu (x) y) " + " ".join(fields))
    assert identify(7, tmp_path) == ChildIdentity(7, 7, 555, "b-1")
    assert is_running(ChildIdentity(7, 7, 555, "b-1"), tmp_path)
    assert identify(8, tmp_path) is None
    (tmp_path / "7" / "stat").write_text("7 (tofu) " + " ".join(["Z", *fields[1:]]))
    assert identify(7, tmp_path) is None
    assert boot_id(tmp_path / "nowhere") == ""
