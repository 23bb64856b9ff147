"""The release lock: one wizard per release, stale locks recognised, foreign hosts respected."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from tui.core.errors import LockHeld
from tui.core.journal.lock import (
    LockOwner,
    ReleaseLock,
    is_stale,
    process_start_ticks,
    this_process,
)
from tui.core.journal.writer import Workspace


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not us."""
    proc = subprocess.Popen(["sleep", "300"])
    yield proc
    proc.kill()
    proc.wait(timeout=10)


def finished_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait(timeout=10)
    return proc.pid


def write_lock(workspace: Workspace, owner: LockOwner) -> None:
    workspace.ensure()
    workspace.lock_path.write_text(json.dumps(asdict(owner)))


def test_acquire_writes_owner_and_release_removes_it(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    with ReleaseLock(workspace) as acquired:
        data = json.loads(workspace.lock_path.read_text())
        assert data["pid"] == os.getpid()
        assert {"host", "user", "started"} <= data.keys()
        assert data["proc_start"] == process_start_ticks(os.getpid())
        assert stat.S_IMODE(workspace.lock_path.stat().st_mode) == 0o600
        assert acquired.took_over is None
    assert not workspace.lock_path.exists()
    assert [p.name for p in workspace.root.iterdir() if p.name.startswith(".lock")] == []


def test_second_wizard_on_the_same_release_is_refused(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    with ReleaseLock(workspace):
        second = ReleaseLock(workspace)
        with pytest.raises(LockHeld, match=f"pid {os.getpid()}") as caught:
            second.acquire()
        assert second.release() is False
        assert workspace.lock_path.exists()
    assert "Another mocm-upgrade is working on this release" in caught.value.message


def test_lock_held_by_a_live_process_names_it(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    workspace = Workspace(tmp_path)
    me = this_process()
    holder = replace(
        me,
        pid=sleeper.pid,
        user="bob",
        started="2026-05-01T09:00:00+00:00",
        proc_start=process_start_ticks(sleeper.pid),
    )
    write_lock(workspace, holder)
    with pytest.raises(LockHeld) as caught:
        ReleaseLock(workspace).acquire()
    message = caught.value.message
    assert f"pid {sleeper.pid}" in message and "user bob" in message
    assert f"host {me.host}" in message and "since 2026-05-01T09:00:00+00:00" in message
    assert str(workspace.lock_path) in caught.value.hint
    assert json.loads(workspace.lock_path.read_text())["pid"] == sleeper.pid


def test_stale_lock_of_a_finished_process_is_taken_over(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    dead = replace(this_process(), pid=finished_pid(), user="carol", proc_start=None)
    write_lock(workspace, dead)
    lock = ReleaseLock(workspace)
    acquired = lock.acquire()
    assert acquired.took_over is not None
    assert acquired.took_over.pid == dead.pid and acquired.took_over.user == "carol"
    assert json.loads(workspace.lock_path.read_text())["pid"] == os.getpid()
    assert lock.release() is True


def test_reused_pid_is_recognised_by_its_start_time(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    workspace = Workspace(tmp_path)
    start = process_start_ticks(sleeper.pid)
    assert start is not None
    # the pid is alive, but it is not the process that wrote the lock
    write_lock(workspace, replace(this_process(), pid=sleeper.pid, proc_start=start - 1))
    acquired = ReleaseLock(workspace).acquire()
    assert acquired.took_over is not None and acquired.took_over.pid == sleeper.pid


def test_lock_from_a_previous_boot_is_stale(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    workspace = Workspace(tmp_path)
    me = this_process()
    assert me.boot_id is not None
    old_boot = replace(me, pid=sleeper.pid, boot_id="00000000-dead-beef-0000-000000000000")
    write_lock(workspace, replace(old_boot, proc_start=process_start_ticks(sleeper.pid)))
    assert ReleaseLock(workspace).acquire().took_over is not None


def test_lock_from_another_host_is_never_broken(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    foreign = replace(this_process(), pid=finished_pid(), host="other-jump-host", user="dave")
    write_lock(workspace, foreign)
    before = workspace.lock_path.read_bytes()
    with pytest.raises(LockHeld, match="from another host") as caught:
        ReleaseLock(workspace).acquire()
    assert "never broken automatically" in caught.value.message
    assert f"rm {workspace.lock_path}" in caught.value.hint
    assert "other-jump-host" in caught.value.hint
    assert workspace.lock_path.read_bytes() == before


def test_unreadable_lock_is_not_broken(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    workspace.lock_path.write_text('{"pid": 12')
    with pytest.raises(LockHeld) as caught:
        ReleaseLock(workspace).acquire()
    assert caught.value.message.startswith(
        f"The release lock {workspace.lock_path} is unreadable ("
    )
    assert f"rm {workspace.lock_path}" in caught.value.hint
    assert workspace.lock_path.read_text() == '{"pid": 12'


def test_release_leaves_a_lock_that_is_no_longer_ours(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    lock = ReleaseLock(workspace)
    lock.acquire()
    # someone removed our lock by hand and another wizard took the release
    workspace.lock_path.unlink()
    other = replace(this_process(), pid=os.getpid() + 100_000, user="erin")
    write_lock(workspace, other)
    assert lock.release() is False
    assert json.loads(workspace.lock_path.read_text())["user"] == "erin"


def test_context_manager_releases_on_error(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    with pytest.raises(RuntimeError), ReleaseLock(workspace):
        raise RuntimeError("boom")
    assert not workspace.lock_path.exists()
    with ReleaseLock(workspace) as again:
        assert again.took_over is None


CONTENDER = """
import sys
from pathlib import Path
from tui.core.errors import LockHeld
from tui.core.journal.writer import Workspace
from tui.core.journal.lock import ReleaseLock
sys.stdin.readline()  # start together
try:
    got = ReleaseLock(Workspace(Path(sys.argv[1]))).acquire()
    print("won", got.took_over is not None, flush=True)
except LockHeld:
    print("refused", flush=True)
sys.stdin.readline()  # hold the lock until the test has every answer
"""


def test_wizards_racing_for_a_stale_lock_leave_exactly_one_winner(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    write_lock(workspace, replace(this_process(), pid=finished_pid(), proc_start=None))
    root = Path(__file__).resolve().parents[3]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(root)}
    contenders = [
        subprocess.Popen(
            [sys.executable, "-c", CONTENDER, str(tmp_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    try:
        for proc in contenders:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        answers = []
        for proc in contenders:
            assert proc.stdout is not None
            answers.append(proc.stdout.readline().strip())
    finally:
        for proc in contenders:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=30)
    assert sorted(answers) == ["refused", "refused", "refused", "won True"]


def test_start_ticks_are_read_past_a_command_name_with_spaces_and_parentheses(
    tmp_path: Path,
) -> None:
    odd = tmp_path / "a) b (c"
    odd.symlink_to("/bin/sh")
    proc = subprocess.Popen(
        [str(odd), "-c", "echo ready; read line"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"  # it has exec'd
    try:
        assert Path(f"/proc/{proc.pid}/comm").read_text().strip() == "a) b (c"
        started = process_start_ticks(proc.pid)
        mine = process_start_ticks(os.getpid())
        assert started is not None and mine is not None
        uptime_s = float(Path("/proc/uptime").read_text().split()[0])
        ticks_now = uptime_s * os.sysconf("SC_CLK_TCK")
        # started after this test process and before now, in clock ticks since boot (now is
        # read from /proc/uptime in hundredths of a second: one tick of rounding allowed)
        assert 0 < mine <= started <= ticks_now + 1
        assert process_start_ticks(proc.pid) == started
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert process_start_ticks(proc.pid) is None  # gone


def test_staleness_is_judged_on_this_host_only(sleeper: subprocess.Popen[bytes]) -> None:
    me = this_process()
    assert is_stale(replace(me, host="other-host", pid=finished_pid()), me.host) is False
    assert is_stale(me, me.host) is False
    assert is_stale(replace(me, pid=finished_pid()), me.host) is True
    live = replace(me, pid=sleeper.pid, proc_start=process_start_ticks(sleeper.pid))
    assert is_stale(live, me.host) is False
    assert is_stale(replace(live, proc_start=None), me.host) is False  # cannot tell: alive
    assert is_stale(replace(live, boot_id=None), me.host) is False


def test_release_with_an_unreadable_lock_leaves_it(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    lock = ReleaseLock(workspace)
    lock.acquire()
    workspace.lock_path.write_text("garbage")
    assert lock.release() is False
    assert workspace.lock_path.read_text() == "garbage"


def test_a_released_lock_object_never_removes_a_later_lock(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    first = ReleaseLock(workspace)
    first.acquire()
    assert first.release() is True
    second = ReleaseLock(workspace, owner=first.owner)  # the same process takes it again
    second.acquire()
    assert first.release() is False
    assert json.loads(workspace.lock_path.read_text())["pid"] == os.getpid()
    assert second.release() is True


def test_a_lock_that_vanishes_on_reading_is_refused_not_taken(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    workspace.lock_path.symlink_to(tmp_path / "nowhere")  # there for link(), gone for read()
    with pytest.raises(LockHeld) as caught:
        ReleaseLock(workspace).acquire()
    assert caught.value.message == (
        f"The release lock {workspace.lock_path} changed while this wizard was taking it."
    )
    assert workspace.lock_path.is_symlink()


def test_owner_record_is_on_disk_before_it_becomes_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.fstat(fd).st_size)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    lock = ReleaseLock(workspace)
    lock.acquire()
    monkeypatch.undo()
    assert synced == [workspace.lock_path.stat().st_size]  # the whole record, synced once
    assert lock.release() is True


def test_a_killed_wizard_left_unreaped_holds_no_lock(tmp_path: Path) -> None:
    """A wizard killed with SIGKILL whose parent never reaps it (an init that does not, as in
    many containers) stays a zombie: same pid, same start time, but it holds nothing."""
    workspace = Workspace(tmp_path)
    wizard = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        owner = replace(this_process(), pid=wizard.pid, proc_start=process_start_ticks(wizard.pid))
        write_lock(workspace, owner)
        with pytest.raises(LockHeld):  # alive: the lock is its
            ReleaseLock(workspace).acquire()
        wizard.kill()
        stat_path = Path(f"/proc/{wizard.pid}/stat")
        while stat_path.read_text().rsplit(")", 1)[1].split()[0] != "Z":
            os.sched_yield()  # the kernel makes it a zombie; nothing reaps it here
        assert process_start_ticks(wizard.pid) == owner.proc_start
        acquired = ReleaseLock(workspace).acquire()
        assert acquired.took_over == owner
    finally:
        wizard.kill()
        wizard.wait(timeout=10)
