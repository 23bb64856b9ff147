"""CommandLog in a real (headless) App: what the operator sees, and the Finished message."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.worker import WorkerFailed, WorkerState

from tests.support.waiting import BOUND_S
from tui.core.errors import CommandFailed
from tui.core.exec.process_group import CancelGrace
from tui.core.exec.result import CommandNotFound, CommandResult
from tui.core.exec.runner import Stream
from tui.core.secrets.redact import MASK, Redactor
from tui.widgets.command_log import STDERR_MARK, CommandLog

PYTHON = sys.executable


def ready_signal() -> tuple[asyncio.Event, Callable[[Stream, str], None]]:
    """An event set when the command prints the line "ready", and the tee that sets it."""
    ready = asyncio.Event()

    def tee(stream: Stream, text: str) -> None:
        if text == "ready":
            ready.set()

    return ready, tee


def child_env() -> dict[str, str]:
    return {"PATH": os.path.dirname(PYTHON) + ":/usr/bin:/bin", "LC_ALL": "C.UTF-8"}


class LogApp(App[None]):
    def __init__(self, **log_options: object) -> None:
        super().__init__()
        log_options.setdefault("redactor", Redactor())
        self.log_options = log_options
        self.finished: list[CommandResult] = []

    def compose(self) -> ComposeResult:
        yield CommandLog(id="log", **self.log_options)  # type: ignore[arg-type]  # options vary per test; CommandLog checks them

    def on_command_log_finished(self, event: CommandLog.Finished) -> None:
        self.finished.append(event.result)


async def test_lines_are_shown_and_finished_is_posted(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        print("out-1"); print("err-1", file=sys.stderr); print('password: "hunter2-xyz"')
        sys.exit(3)
        """
    )
    app = LogApp(redactor=Redactor())
    async with app.run_test() as pilot:
        log = app.query_one(CommandLog)
        log.run([PYTHON, "-c", code], env=child_env(), cwd=tmp_path, timeout_s=30)
        assert log.running
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not log.running
        shown = list(log.lines)
        assert shown[0].startswith(f"$ {PYTHON} -c")
        assert "out-1" in shown
        assert f"{STDERR_MARK}err-1" in shown
        assert f'password: "{MASK}"' in shown
        assert not any("hunter2-xyz" in line for line in shown)
        assert shown[-1].startswith("── exit 3 · ")
        [result] = app.finished
        assert result.exit_code == 3


async def test_cancel_sends_sigint_and_reports_cancelled(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import os, signal, sys, threading
        def on_int(signum, frame):
            os.write(1, b"got SIGINT\\n")
            sys.exit(130)
        signal.signal(signal.SIGINT, on_int)
        print("ready", flush=True)
        threading.Event().wait()
        """
    )
    ready, tee = ready_signal()

    app = LogApp()
    async with app.run_test() as pilot:
        log = app.query_one(CommandLog)
        grace = CancelGrace(interrupt_s=5, terminate_s=5, kill_s=5)
        argv = [PYTHON, "-c", code]
        log.run(argv, env=child_env(), cwd=tmp_path, timeout_s=30, grace=grace, tee=tee)
        await asyncio.wait_for(ready.wait(), timeout=BOUND_S)
        with pytest.raises(CommandFailed, match="still running in this log"):
            log.run(argv, env=child_env(), cwd=tmp_path, timeout_s=30)
        assert log.cancel()
        await app.workers.wait_for_complete()
        await pilot.pause()
        [result] = app.finished
        assert result.cancelled
        assert result.signals_sent == ("SIGINT",)
        assert "got SIGINT" in log.lines
        assert log.lines[-1].startswith("── cancelled with SIGINT")
        assert not log.cancel()  # nothing left to cancel


async def test_missing_command_is_said_in_the_log_and_fails_the_worker(tmp_path: Path) -> None:
    app = LogApp()
    async with app.run_test() as pilot:
        log = app.query_one(CommandLog)
        argv = ["tofu-missing", "plan"]
        worker = log.run(argv, env={"PATH": str(tmp_path)}, cwd=tmp_path, timeout_s=5)
        with pytest.raises(WorkerFailed):
            await worker.wait()
        await pilot.pause()
        assert worker.state == WorkerState.ERROR
        assert isinstance(worker.error, CommandNotFound)
        assert any("Command not found: 'tofu-missing'" in line for line in log.lines)
        assert app.finished == []


async def test_lines_are_batched_and_capped() -> None:
    app = LogApp(max_lines=100)
    async with app.run_test():
        log = app.query_one(CommandLog)
        for number in range(1000):
            log.append_line("stdout", f"line-{number}")
        assert log.line_count == 0  # nothing written until the next flush
        log.flush_pending()
        assert log.line_count == 100
        assert log.lines[-1] == "line-999"


async def test_auto_scroll_stops_when_the_operator_scrolls_up() -> None:
    app = LogApp()
    async with app.run_test() as pilot:
        log = app.query_one(CommandLog)
        for number in range(200):
            log.append_line("stdout", f"line-{number}")
        log.flush_pending()
        await pilot.pause()
        assert log.is_vertical_scroll_end
        log.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        for number in range(200, 400):
            log.append_line("stdout", f"line-{number}")
        log.flush_pending()
        await pilot.pause()
        assert log.scroll_y == 0
        log.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        log.append_line("stdout", "line-400")
        log.flush_pending()
        await pilot.pause()
        assert log.is_vertical_scroll_end


class SharedRedactorApp(LogApp):
    """Like the wizard: one app-wide redactor that learns secrets at run time."""

    def __init__(self) -> None:
        self.redactor = Redactor()
        super().__init__(redactor=self.redactor)


async def test_secrets_learnt_by_the_app_are_masked_on_screen(tmp_path: Path) -> None:
    app = SharedRedactorApp()
    async with app.run_test() as pilot:
        app.redactor.add_secret("Valkey-Pw-0042")
        log = app.query_one(CommandLog)
        code = "print('AUTH with Valkey-Pw-0042 ok')"
        log.run([PYTHON, "-c", code], env=child_env(), cwd=tmp_path, timeout_s=30)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"AUTH with {MASK} ok" in log.lines
        assert not any("Valkey-Pw-0042" in line for line in log.lines)


async def test_the_log_is_as_wide_as_its_widest_line_as_soon_as_it_is_written() -> None:
    app = LogApp()
    async with app.run_test() as pilot:
        log = app.query_one(CommandLog)
        log.append_lines("stdout", ["short", "x" * 150, "tab\there"])
        log.flush_pending()
        assert log.virtual_size.width == 150  # measured on the spot, not by a thread later
        log.append_lines("stderr", ["y" * 160, "┃ a mark in the text too"])  # one cell each
        log.append_lines("stdout", ["z" * 10])
        log.flush_pending()
        assert log.virtual_size.width == len(STDERR_MARK) + 160
        log.append_lines("stderr", ["界" * 100])  # two cells a character, behind the mark
        log.append_line("stdout", "\x1b[31mred")  # shown escaped, as wide as it is shown
        log.flush_pending()
        assert log.virtual_size.width == len(STDERR_MARK) + 200
        await pilot.pause()
        assert log.virtual_size.width == len(STDERR_MARK) + 200
        log.scroll_to(x=1000, animate=False, immediate=True)  # to the end of the widest
        await pilot.pause()
        assert log.scroll_x == len(STDERR_MARK) + 200 - log.scrollable_content_region.width


async def test_what_was_alive_is_out_of_the_collector_while_a_command_runs(
    tmp_path: Path,
) -> None:
    go = tmp_path / "go"
    code = f"import os, time\nprint('ready', flush=True)\nwhile not os.path.exists({str(go)!r}):"
    code += " time.sleep(0.01)"  # the child waits for the test to look
    ready, tee = ready_signal()
    before = ["made before the command"]  # a list: an object the collector tracks

    app = LogApp()
    async with app.run_test() as pilot:
        log = app.query_one(CommandLog)
        assert log.collector_hold is None
        argv = [PYTHON, "-c", code]
        log.run(argv, env=child_env(), cwd=tmp_path, timeout_s=30, tee=tee)
        await asyncio.wait_for(ready.wait(), timeout=BOUND_S)
        hold = log.collector_hold
        assert hold is not None and hold.held
        assert not any(tracked is before for tracked in gc.get_objects())  # frozen
        go.touch()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not hold.held and log.collector_hold is None
        assert app.finished[0].ok
        worker = log.run(["tofu-missing"], env={"PATH": str(tmp_path)}, cwd=tmp_path, timeout_s=5)
        with pytest.raises(WorkerFailed):
            await worker.wait()
        assert log.collector_hold is None  # given back however the command ends
