"""Run a command whose stdout must reach a file byte for byte (``tofu show -json tfplan``).

The core runner redacts and splits stdout into lines (and cuts lines at 1 MiB),
which is right for a log but mangles a one-line JSON document. Here stdout goes
straight to a 0600 file; stderr is streamed (redacted) like any command. Cancel
and timeout use the runner's gentle escalation to the process group: SIGINT,
then SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tui.core.redact import Redactor
from tui.core.runner import (
    DEFAULT_GRACE,
    READ_CHUNK,
    TAIL_LINES,
    CancelGrace,
    CommandNotStarted,
    CommandResult,
    LineSplitter,
    check_cwd,
    exit_code_of,
    resolve_program,
    signal_group,
)

OnStderr = Callable[[str], None]


class StdoutToFile:
    """``argv`` with stdout written raw to ``target`` (mode 0600); ``cancel()`` from the UI."""

    def __init__(
        self,
        argv: Sequence[str],
        target: Path,
        *,
        env: Mapping[str, str],
        cwd: Path,
        timeout_s: float | None,
        redactor: Redactor,
        on_stderr: OnStderr | None = None,
        grace: CancelGrace = DEFAULT_GRACE,
    ) -> None:
        self.argv = tuple(argv)
        self.target = target
        self._env = dict(env)
        self._cwd = cwd
        self._timeout_s = timeout_s
        self._redactor = redactor
        self._on_stderr = on_stderr
        self._grace = grace
        self._cancel: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cancel_requested = False

    def cancel(self) -> None:
        """Ask the command to stop (SIGINT first)."""
        self._cancel_requested = True
        if self._loop is not None and self._cancel is not None:
            self._loop.call_soon_threadsafe(self._cancel.set)

    async def run(self) -> CommandResult:
        """Run to the end; the result's stdout tail is empty (stdout is in ``target``)."""
        program = resolve_program(self.argv[0], self._env)
        check_cwd(self._cwd)
        self._loop = asyncio.get_running_loop()
        self._cancel = asyncio.Event()
        if self._cancel_requested:
            self._cancel.set()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # private even if the file existed wider: it may hold secrets
        started_at, start = datetime.now(UTC), time.monotonic()
        try:
            proc = await asyncio.create_subprocess_exec(
                program,
                *self.argv[1:],
                stdin=asyncio.subprocess.DEVNULL,
                stdout=fd,
                stderr=asyncio.subprocess.PIPE,
                env=self._env,
                cwd=self._cwd,
                start_new_session=True,
            )
        except OSError as error:
            raise CommandNotStarted(
                f"Could not start {program}: {error.strerror or error}"
            ) from error
        finally:
            os.close(fd)  # the child holds its own copy
        assert proc.stderr is not None
        tail: deque[str] = deque(maxlen=TAIL_LINES)
        pump = asyncio.create_task(self._pump(proc.stderr, tail))
        exited = asyncio.create_task(proc.wait())
        cancelled_wait = asyncio.create_task(self._cancel.wait())
        signals: list[str] = []
        timed_out = cancelled = False
        try:
            done, _ = await asyncio.wait(
                {exited, cancelled_wait},
                timeout=self._timeout_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if exited not in done:
                cancelled = cancelled_wait in done
                timed_out = not cancelled
                await self._stop(proc.pid, exited, signals)
        except BaseException:
            await self._stop(proc.pid, exited, signals)
            raise
        finally:
            cancelled_wait.cancel()
            await asyncio.gather(pump, return_exceptions=True)
        return CommandResult(
            argv=self.argv,
            exit_code=exit_code_of(proc.returncode),
            started_at=started_at,
            duration_s=time.monotonic() - start,
            timed_out=timed_out,
            cancelled=cancelled,
            stderr_tail=tuple(tail),
            signals_sent=tuple(signals),
        )

    async def _stop(self, pid: int, exited: asyncio.Task[int], signals: list[str]) -> None:
        steps = (
            (signal.SIGINT, self._grace.interrupt_s),
            (signal.SIGTERM, self._grace.terminate_s),
            (signal.SIGKILL, self._grace.kill_s),
        )
        for signum, grace in steps:
            if exited.done() or not signal_group(pid, signum):
                return
            signals.append(signum.name)
            try:
                await asyncio.wait_for(asyncio.shield(exited), grace)
                return
            except TimeoutError:
                continue

    async def _pump(self, reader: asyncio.StreamReader, tail: deque[str]) -> None:
        splitter = LineSplitter()
        redact = self._redactor.line_redactor()
        while chunk := await reader.read(READ_CHUNK):
            for line in splitter.feed(chunk):
                self._emit(redact(line), tail)
        rest = splitter.flush()
        if rest is not None:
            self._emit(redact(rest), tail)

    def _emit(self, line: str, tail: deque[str]) -> None:
        tail.append(line)
        if self._on_stderr is not None:
            self._on_stderr(line)
