"""Run a command: argument list, explicit environment, streamed and redacted lines.

Cancelling (or a timeout) stops the whole process group gently (see process_group).

stdout and stderr are read by one task each, so order is kept *within* a
stream; the relative order of lines across the two streams is not knowable from
two pipes and is only approximately what a terminal would have shown.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
from asyncio.subprocess import PIPE
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Required, TypedDict, Unpack

from tui.core.exec.line_splitter import LineSplitter
from tui.core.exec.process_group import (
    DEFAULT_GRACE,
    CancelGrace,
    CancelRequest,
    default_cancel_signals,
    stop_process_group,
)
from tui.core.exec.recorder import (
    CommandRecorder,
    error_outcome,
    result_outcome,
    tell_recorder,
)
from tui.core.exec.result import CommandNotFound, CommandNotStarted, CommandResult
from tui.core.secrets.redact import Redactor

Stream = Literal["stdout", "stderr"]
LineCallback = Callable[[Stream, str], None]
LinesCallback = Callable[[Stream, Sequence[str]], None]
SpawnedCallback = Callable[[int], None]  # told the child's pid as soon as it exists

READ_CHUNK = 1 << 16
# Bytes split and redacted between two turns of the event loop. 100k streamed lines
# (bench_plan_stream, idle): 2 KB took 0.42-0.48 s, 4 KB 0.37-0.40 s; a key's median
# latency beside two busy loops 1.81x the bare Log's at 2 KB, 1.86-1.97x at 4 KB and
# 2.18x at 8 KB (over the 2x the issue allows).
SLICE = 1 << 12
GIVE_WAY_S = 30e-6  # a turn longer than an empty one (~10-20 us): something else ran in it
GIVE_WAY_TURNS = 8
TAIL_LINES = 200


def inherit_env(names: Iterable[str], source: Mapping[str, str]) -> dict[str, str]:
    """The named variables copied from ``source`` (those present), for an explicit env."""
    return {name: source[name] for name in names if name in source}


def resolve_program(program: str, env: Mapping[str, str]) -> str:
    """Absolute path of ``program`` looked up on ``env['PATH']`` (not this process's PATH)."""
    search_path = env.get("PATH", os.defpath)
    found = shutil.which(program, path=search_path)
    if found is None:
        raise CommandNotFound(
            f"Command not found: {program!r} (PATH searched: {search_path or '(empty)'}).",
            f"Install {program} or put the directory that holds it on PATH.",
        )
    return found


def check_cwd(cwd: str | os.PathLike[str]) -> None:
    """Raise CommandNotStarted when the working directory does not exist."""
    if not os.path.isdir(cwd):
        raise CommandNotStarted(f"Working directory does not exist: {os.fspath(cwd)}")


def exit_code_of(returncode: int | None) -> int:
    """The exit code to record: a signal death is ``-signum``, as subprocess reports it."""
    return -signal.SIGKILL if returncode is None else returncode


class RunningCommand:
    """One command run: build it, ``await run()``, and ``cancel()`` from anywhere.

    Lines reach ``on_line`` already redacted, one call per line, in order per stream;
    ``on_lines`` gets the same lines, one call per chunk read (what a log or a transcript
    wants: one write per batch). A chunk is split and redacted on the event loop, a slice
    of ``SLICE`` bytes per turn of the loop, and while other work runs in those turns (a
    key) the stream gives it a few turns more: a thread would make the loop wait for the
    GIL instead.
    ``stdin=None`` gives the command /dev/null; bytes are written then closed.
    ``stdout_to`` sends stdout byte for byte to a new 0600 file instead of ``on_line``
    (machine output such as ``tofu show -json`` must not be redacted, split or cut).
    ``on_finished`` is told argv, cwd, exit code, duration and outcome however the run
    ends (even when it cannot start); its own failure is logged, never raised.
    ``on_spawned`` is told the child's pid (the leader of its process group) once it
    exists, before any line: a caller journals who runs, in case the wizard is killed.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: str | os.PathLike[str],
        timeout_s: float | None,
        on_line: LineCallback | None = None,
        stdin: bytes | None = None,
        redactor: Redactor | None = None,
        grace: CancelGrace = DEFAULT_GRACE,
        stdout_to: Path | None = None,
        on_finished: CommandRecorder | None = None,
        on_lines: LinesCallback | None = None,
        on_spawned: SpawnedCallback | None = None,
    ) -> None:
        if not argv:
            raise CommandNotStarted("No command given (empty argument list).")
        self.argv = tuple(argv)
        self._env = dict(env)
        self._cwd = cwd
        self._timeout_s = timeout_s
        self._on_line = on_line
        self._on_lines = on_lines
        self._stdin = stdin
        self._redactor = redactor if redactor is not None else Redactor()
        self._grace = grace
        self.stdout_to = stdout_to
        self._on_finished = on_finished
        self._on_spawned = on_spawned
        self._tails: dict[Stream, deque[str]] = {
            "stdout": deque(maxlen=TAIL_LINES),
            "stderr": deque(maxlen=TAIL_LINES),
        }
        self._signals: list[str] = []
        self._callback_error: BaseException | None = None
        self._cancel = CancelRequest()
        self._cancel_event: asyncio.Event | None = None

    def cancel(self) -> None:
        """Ask the command to stop (SIGINT first). Safe from any thread, before or during run."""
        self._cancel.request()

    async def run(self) -> CommandResult:
        """Start the command, stream its lines, and return its result once it has exited."""
        start = time.monotonic()
        try:
            result = await self._run()
        except BaseException as error:
            self._record(None, time.monotonic() - start, error_outcome(error))
            raise
        self._record(result.exit_code, result.duration_s, result_outcome(result))
        return result

    def _record(self, exit_code: int | None, duration_s: float, outcome: str) -> None:
        cwd = os.fspath(self._cwd)
        tell_recorder(self._on_finished, self.argv, cwd, exit_code, duration_s, outcome)

    async def _run(self) -> CommandResult:
        program = resolve_program(self.argv[0], self._env)
        check_cwd(self._cwd)
        self._cancel_event = self._cancel.bind()
        started_at = datetime.now(UTC)
        start = time.monotonic()
        stdout: int = PIPE
        if self.stdout_to is not None:
            self.stdout_to.parent.mkdir(parents=True, exist_ok=True)
            stdout = os.open(self.stdout_to, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(stdout, 0o600)  # private even if it existed wider: it may hold secrets
        try:
            proc = await asyncio.create_subprocess_exec(
                program,
                *self.argv[1:],
                stdin=asyncio.subprocess.DEVNULL
                if self._stdin is None
                else asyncio.subprocess.PIPE,
                stdout=stdout,
                stderr=PIPE,
                env=self._env,
                cwd=self._cwd,
                start_new_session=True,  # own process group: signals reach tofu's providers too
                preexec_fn=default_cancel_signals,
            )
        except OSError as error:
            raise CommandNotStarted(
                f"Could not start {program}: {error.strerror or error}"
            ) from error
        finally:
            if stdout != PIPE:
                os.close(stdout)  # the child holds its own copy
        if self._on_spawned is not None:
            try:
                self._on_spawned(proc.pid)
            except Exception as error:  # the command runs: raised once it has ended
                self._callback_error = error
        assert proc.stderr is not None
        tasks = [asyncio.create_task(self._pump(proc.stderr, "stderr"))]
        if proc.stdout is not None:
            tasks.append(asyncio.create_task(self._pump(proc.stdout, "stdout")))
        if self._stdin is not None and proc.stdin is not None:
            tasks.append(asyncio.create_task(_feed_stdin(proc.stdin, self._stdin)))
        exited = asyncio.create_task(proc.wait())
        cancel_wait = asyncio.create_task(self._cancel_event.wait())
        timed_out = cancelled = False
        try:
            done, _ = await asyncio.wait(
                {exited, cancel_wait}, timeout=self._timeout_s, return_when=asyncio.FIRST_COMPLETED
            )
            if exited not in done:
                cancelled = cancel_wait in done
                timed_out = not cancelled
                await self._stop(proc.pid, exited)
        except BaseException:  # cancelled task or anything else: never leave it running
            await self._stop(proc.pid, exited)
            raise
        finally:
            cancel_wait.cancel()
            if not exited.done():
                # Even SIGKILL left the pipes open (an escaped grandchild holds them).
                for task in (exited, *tasks):
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._callback_error is not None:
            raise self._callback_error
        return CommandResult(
            argv=self.argv,
            exit_code=exit_code_of(proc.returncode),
            started_at=started_at,
            duration_s=time.monotonic() - start,
            timed_out=timed_out,
            cancelled=cancelled,
            stdout_tail=tuple(self._tails["stdout"]),
            stderr_tail=tuple(self._tails["stderr"]),
            signals_sent=tuple(self._signals),
        )

    async def _stop(self, pid: int, exited: asyncio.Future[int]) -> None:
        async def wait_exit(seconds: float) -> bool:
            try:
                await asyncio.wait_for(asyncio.shield(exited), seconds)
            except TimeoutError:
                return False
            return True

        await stop_process_group(
            pid, self._grace, self._signals, has_exited=exited.done, wait_exit=wait_exit
        )

    async def _pump(self, reader: asyncio.StreamReader, stream: Stream) -> None:
        splitter = LineSplitter()
        redact = self._redactor.line_redactor()

        while chunk := await reader.read(READ_CHUNK):
            lines: list[str] = []
            for at in range(0, len(chunk), SLICE):
                if at:
                    await _give_way()  # a key pressed meanwhile goes first
                lines += redact.lines(splitter.feed(chunk[at : at + SLICE]))
            self._emit(stream, lines)
        rest = splitter.flush()
        if rest is not None:
            self._emit(stream, [redact(rest)])

    def _emit(self, stream: Stream, lines: list[str]) -> None:
        if not lines:
            return
        self._tails[stream].extend(lines)
        if self._callback_error is not None:
            return
        try:
            if self._on_lines is not None:
                self._on_lines(stream, lines)
            if self._on_line is not None:
                for line in lines:
                    self._on_line(stream, line)
        except Exception as error:  # keep draining the pipes; re-raised when the command ends
            self._callback_error = error


async def _give_way() -> None:
    """One turn of the event loop to the rest; more while the rest is busy, up to
    ``GIVE_WAY_TURNS``: a key's work takes a turn per message, and meets one slice of
    the stream in its whole path instead of one in each turn. The stream always moves on.
    """
    for _ in range(GIVE_WAY_TURNS):
        left = time.perf_counter()
        await asyncio.sleep(0)
        if time.perf_counter() - left < GIVE_WAY_S:
            return  # nothing else ran meanwhile


async def _feed_stdin(writer: asyncio.StreamWriter, data: bytes) -> None:
    try:
        writer.write(data)
        await writer.drain()
        writer.close()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the command exited without reading all of its input


class RunOptions(TypedDict, total=False):
    """Keyword arguments of RunningCommand, for the convenience functions."""

    env: Required[Mapping[str, str]]
    cwd: Required[str | os.PathLike[str]]
    timeout_s: Required[float | None]
    on_line: LineCallback | None
    on_lines: LinesCallback | None
    stdin: bytes | None
    redactor: Redactor | None
    grace: CancelGrace
    on_finished: CommandRecorder | None
    on_spawned: SpawnedCallback | None


async def run_command(argv: Sequence[str], **options: Unpack[RunOptions]) -> CommandResult:
    """Run ``argv`` to completion (see RunningCommand) and return its result."""
    return await RunningCommand(argv, **options).run()


def run_sync(argv: Sequence[str], **options: Unpack[RunOptions]) -> CommandResult:
    """Blocking run_command for headless code and thread workers (not inside a running loop)."""
    return asyncio.run(run_command(argv, **options))
