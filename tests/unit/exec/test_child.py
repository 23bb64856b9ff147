"""A command's process by identity: still running, gone, a zombie, or a later process that
got the same pid; its process group stopped with SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
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
    assert is_running(replace(seen, start_ticks=seen.start_ticks - 1)) is False  # pid reused
    assert is_running(replace(seen, boot_id="another-boot")) is False  # a reboot reused it
    assert is_running(replace(seen, boot_id=""))  # a system that names no boot: ticks decide


def test_an_ended_command_and_a_zombie_are_gone(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"],
        stdin=subprocess.PIPE,
        start_new_session=True,
    )
    seen = identify(child.pid)  # still running: it waits for its stdin to close
    assert seen is not None
    assert child.stdin is not None
    child.stdin.close()  # now it ends
    while Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
        os.sched_yield()  # exited, not yet reaped: a zombie runs no more code
    assert identify(child.pid) is None and is_running(seen) is False
    assert wait_gone(seen, timeout_s=0)
    child.wait()
    assert not is_running(seen) and identify(child.pid) is None
    assert stop_group(seen) is False  # nothing to stop: no signal reaches a stranger


def test_stopping_sends_sigterm_to_the_whole_group(
    family: tuple[subprocess.Popen[str], int],
) -> None:
    child, grandchild = family
    seen = identify(child.pid)
    assert seen is not None
    grand = identify(grandchild)
    assert grand is not None and grand.pgid == seen.pgid
    began = time.monotonic()
    assert wait_gone(seen, timeout_s=0.05, poll_s=0.01) is False  # still running: given up
    assert time.monotonic() - began >= 0.05  # … once its time was up, not before
    assert wait_gone(seen, given_up=lambda: True) is False  # the wizard quits: stops waiting
    assert stop_group(seen)
    assert child.wait(timeout=30) == -signal.SIGTERM
    assert wait_gone(grand, timeout_s=30)  # the grandchild got it too
    assert wait_gone(seen, timeout_s=0)


def test_a_fake_proc_decides_by_its_stat_line(tmp_path: Path) -> None:
    (tmp_path / "7").mkdir()
    (tmp_path / "sys" / "kernel" / "random").mkdir(parents=True)
    (tmp_path / "sys" / "kernel" / "random" / "boot_id").write_text("b-1\n")
    fields = ["S", "1", "7", "3"] + ["0"] * 15 + ["555", "0"]  # group 7, session 3
    (tmp_path / "7" / "stat").write_text("7 (tofu (x) y) " + " ".join(fields))
    assert identify(7, tmp_path) == ChildIdentity(7, 7, 555, "b-1")
    assert is_running(ChildIdentity(7, 7, 555, "b-1"), tmp_path)
    assert identify(8, tmp_path) is None
    (tmp_path / "7" / "stat").write_text("7 (tofu) " + " ".join(["Z", *fields[1:]]))
    assert identify(7, tmp_path) is None
    assert boot_id(tmp_path / "nowhere") == ""


def test_the_group_is_the_process_group_not_the_session() -> None:
    """A command in a group of its own but in this session: its group is its pid."""
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], process_group=0
    )
    try:
        seen = identify(child.pid)
        assert seen is not None and seen.pgid == child.pid != os.getsid(child.pid)
    finally:
        child.kill()
        child.wait()


def test_a_group_already_gone_is_not_signalled(family: tuple[subprocess.Popen[str], int]) -> None:
    child, _ = family
    seen = identify(child.pid)
    assert seen is not None
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert stop_group(replace(seen, pgid=int(gone.stdout))) is False  # no such group
    assert child.poll() is None  # and the command itself got nothing


def test_the_wait_polls_until_it_is_given_up() -> None:
    me = identify(os.getpid())
    assert me is not None
    asked: list[float] = []

    def given_up() -> bool:
        asked.append(time.monotonic())
        return len(asked) > 3

    start = time.monotonic()
    assert wait_gone(me, timeout_s=60, poll_s=0.02, given_up=given_up) is False
    assert len(asked) == 4  # asked before each poll: it neither quit early nor spun
    assert asked[-1] - start >= 3 * 0.02  # it slept between polls (a lower bound only)
