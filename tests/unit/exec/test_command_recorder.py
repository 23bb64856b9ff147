"""The runner tells a recorder argv, cwd, exit code, duration and outcome of every run.

However the run ends (exit, accepted exit code, timeout, cancel, cannot start), the
recorder hears of it once, never sees the output, and its own failure never reaches
the command's caller.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

import pytest

from tui.core.exec.process_group import CancelGrace
from tui.core.exec.recorder import FinishedCommand
from tui.core.exec.result import CommandNotFound, CommandNotStarted
from tui.core.exec.runner import RunningCommand, run_command, run_sync

PYTHON = sys.executable
FAST = CancelGrace(interrupt_s=5.0, terminate_s=5.0, kill_s=5.0)


def child_env() -> dict[str, str]:
    return {"PATH": os.path.dirname(PYTHON) + ":/usr/bin:/bin", "LC_ALL": "C.UTF-8"}


class Recorded(list[FinishedCommand]):
    """The recorder the tests pass: keeps every run it is told about."""

    def __call__(self, done: FinishedCommand) -> None:
        self.append(done)


def test_a_failing_run_is_recorded_with_its_exit_code_cwd_and_duration(tmp_path: Path) -> None:
    recorded = Recorded()
    argv = [PYTHON, "-c", "import sys; sys.exit(3)"]
    result = run_sync(argv, env=child_env(), cwd=tmp_path, timeout_s=30, on_finished=recorded)
    assert result.exit_code == 3
    assert recorded == [FinishedCommand(tuple(argv), str(tmp_path), 3, result.duration_s, "")]
    assert recorded[0].duration_s > 0


def test_exit_2_under_detailed_exitcode_is_an_accepted_outcome(tmp_path: Path) -> None:
    recorded = Recorded()
    argv = [PYTHON, "-c", "import sys; sys.exit(2)", "-detailed-exitcode"]
    run_sync(argv, env=child_env(), cwd=tmp_path, timeout_s=30, on_finished=recorded)
    assert [(r.exit_code, r.outcome) for r in recorded] == [(2, "ok: changes present")]


def test_exit_2_without_the_flag_is_a_plain_failure(tmp_path: Path) -> None:
    recorded = Recorded()
    argv = [PYTHON, "-c", "import sys; sys.exit(2)"]
    run_sync(argv, env=child_env(), cwd=tmp_path, timeout_s=30, on_finished=recorded)
    assert [(r.exit_code, r.outcome) for r in recorded] == [(2, "")]


def test_the_record_never_holds_the_output(tmp_path: Path) -> None:
    recorded = Recorded()
    argv = [PYTHON, "-c", "print('hunter2' + '-secret'); import sys; sys.exit(1)"]
    result = run_sync(argv, env=child_env(), cwd=tmp_path, timeout_s=30, on_finished=recorded)
    assert "hunter2-secret" in result.stdout_tail[0]  # the caller still reads it
    assert len(recorded) == 1 and "hunter2-secret" not in repr(recorded[0])


def test_a_missing_program_is_recorded_as_never_started(tmp_path: Path) -> None:
    recorded = Recorded()
    with pytest.raises(CommandNotFound):
        run_sync(
            ["no-such-tool", "version"],
            env=child_env(),
            cwd=tmp_path,
            timeout_s=30,
            on_finished=recorded,
        )
    assert len(recorded) == 1
    done = recorded[0]
    assert done.argv == ("no-such-tool", "version") and done.exit_code is None
    assert done.outcome.startswith("Command not found: 'no-such-tool'")


def test_a_missing_working_directory_is_recorded(tmp_path: Path) -> None:
    recorded = Recorded()
    gone = tmp_path / "gone"
    with pytest.raises(CommandNotStarted):
        run_sync([PYTHON, "-V"], env=child_env(), cwd=gone, timeout_s=30, on_finished=recorded)
    assert [(r.cwd, r.exit_code) for r in recorded] == [(str(gone), None)]
    assert "Working directory does not exist" in recorded[0].outcome


def test_a_timeout_is_recorded_as_timed_out(tmp_path: Path) -> None:
    recorded = Recorded()
    argv = [PYTHON, "-c", "import time; time.sleep(600)"]
    result = run_sync(
        argv, env=child_env(), cwd=tmp_path, timeout_s=0.5, grace=FAST, on_finished=recorded
    )
    assert result.timed_out
    assert [(r.exit_code, r.outcome) for r in recorded] == [(result.exit_code, "timed out")]


async def test_a_cancel_is_recorded_as_cancelled(tmp_path: Path) -> None:
    recorded = Recorded()
    command = RunningCommand(
        [PYTHON, "-c", "print('ready', flush=True); import time; time.sleep(600)"],
        env=child_env(),
        cwd=tmp_path,
        timeout_s=60,
        grace=FAST,
        on_line=lambda stream, line: command.cancel() if line == "ready" else None,
        on_finished=recorded,
    )
    result = await command.run()
    assert result.cancelled
    assert [r.outcome for r in recorded] == ["cancelled"]


async def test_a_cancelled_task_is_recorded_and_still_cancelled(tmp_path: Path) -> None:
    recorded = Recorded()
    started = asyncio.Event()
    task = asyncio.create_task(
        run_command(
            [PYTHON, "-c", "print('ready', flush=True); import time; time.sleep(600)"],
            env=child_env(),
            cwd=tmp_path,
            timeout_s=60,
            grace=FAST,
            on_line=lambda stream, line: started.set(),
            on_finished=recorded,
        )
    )
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [(r.exit_code, r.outcome) for r in recorded] == [(None, "cancelled")]


def test_a_broken_recorder_never_fails_the_command(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(done: FinishedCommand) -> None:
        raise OSError("journal disk full")

    with caplog.at_level(logging.WARNING, logger="tui.core.exec.recorder"):
        result = run_sync(
            [PYTHON, "-c", "print('hello')"],
            env=child_env(),
            cwd=tmp_path,
            timeout_s=30,
            on_finished=broken,
        )
    assert result.ok and result.stdout_tail == ("hello",)
    assert "Could not record the run of" in caplog.text


def test_a_broken_recorder_keeps_the_real_error(tmp_path: Path) -> None:
    def broken(done: FinishedCommand) -> None:
        raise OSError("journal disk full")

    with pytest.raises(CommandNotFound):
        run_sync(["no-such-tool"], env=child_env(), cwd=tmp_path, timeout_s=30, on_finished=broken)


def test_without_a_recorder_nothing_changes(tmp_path: Path) -> None:
    result = run_sync([PYTHON, "-c", "pass"], env=child_env(), cwd=tmp_path, timeout_s=30)
    assert result.ok
