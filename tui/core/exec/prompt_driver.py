"""Drive a command that asks questions, such as ``tofu init -migrate-state``.

The command runs on a pseudo-terminal (pexpect), because tools only prompt when
they see one; so stdout and stderr arrive merged and every line is reported as
``"stdout"``. A prompt is a *partial* line (tofu prints ``  Enter a value: ``
with no newline) that matches the caller's regex. The caller's async answerer
gets the question block and the prompt, and returns the answer to type.

Lines are redacted and ANSI colour codes removed before they reach ``on_line``.
The answered prompt line is reported as it looks in a terminal
(``  Enter a value: yes``); the terminal echo itself is switched off.

``timeout_s`` counts only time spent waiting on the command, not the time the
operator takes to answer. On timeout or ``cancel()`` the process group gets
SIGINT, then SIGTERM, then SIGKILL, each after a grace (see process_group).
The prompts, questions and answers themselves are described in command_prompts.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

import pexpect

from tui.core.exec.line_splitter import LineSplitter
from tui.core.exec.process_group import (
    DEFAULT_GRACE,
    CancelGrace,
    CancelRequest,
    default_cancel_signals,
    stop_process_group,
)
from tui.core.exec.prompts import (
    QUESTION_MAX_LINES,
    AnsweredPrompt,
    Answerer,
    Prompt,
    PromptedResult,
    question_block,
)
from tui.core.exec.result import CommandNotStarted, CommandResult
from tui.core.exec.runner import TAIL_LINES, LineCallback, check_cwd, resolve_program
from tui.core.secrets.redact import Redactor

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_POLL_S = 0.02
_Event = Literal["data", "eof", "timeout", "cancel"]


class PromptedCommand:
    """One prompted run: build it, ``await run()``, ``cancel()`` from anywhere."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: str | os.PathLike[str],
        prompt: re.Pattern[str],
        on_prompt: Answerer,
        timeout_s: float | None,
        on_line: LineCallback | None = None,
        redactor: Redactor | None = None,
        grace: CancelGrace = DEFAULT_GRACE,
        columns: int = 200,
    ) -> None:
        if not argv:
            raise CommandNotStarted("No command given (empty argument list).")
        self.argv = tuple(argv)
        self._env = dict(env)
        self._cwd = cwd
        self._prompt = prompt
        self._on_prompt = on_prompt
        self._timeout_s = timeout_s
        self._on_line = on_line
        self._redactor = redactor if redactor is not None else Redactor()
        self._redact_line = self._redactor.line_redactor()
        self._grace = grace
        self._columns = columns
        self._splitter = LineSplitter()
        self._recent: deque[str] = deque(maxlen=QUESTION_MAX_LINES)
        self._tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._answered: list[AnsweredPrompt] = []
        self._answer_suffix: str | None = None  # typed answer, shown on the prompt's line
        self._signals: list[str] = []
        self._cancel = CancelRequest()
        self._cancel_event: asyncio.Event | None = None

    def cancel(self) -> None:
        """Ask the command to stop (SIGINT first). Safe from any thread, before or during run."""
        self._cancel.request()

    async def run(self) -> PromptedResult:
        """Run the command, answer its prompts through ``on_prompt``, return once it exited."""
        program = resolve_program(self.argv[0], self._env)
        check_cwd(self._cwd)
        loop = asyncio.get_running_loop()
        self._cancel_event = self._cancel.bind()
        started_at = datetime.now(UTC)
        start = time.monotonic()
        child = self._spawn(program)
        chunks: asyncio.Queue[bytes] = asyncio.Queue()
        fd: int = child.child_fd
        loop.add_reader(fd, _read_into, fd, chunks)
        deadline = None if self._timeout_s is None else start + self._timeout_s
        stopper: asyncio.Task[None] | None = None
        timed_out = cancelled = False
        waiting_for = ""
        try:
            while True:
                event, data = await self._next(chunks, deadline, watch=stopper is None)
                if event == "eof":
                    break
                if event in ("timeout", "cancel"):
                    timed_out, cancelled = event == "timeout", event == "cancel"
                    waiting_for = self._waiting_for()
                    stopper = asyncio.create_task(self._stop(child))
                    continue
                self._take(data)
                prompt = None if stopper else self._pending_prompt()
                if prompt is None:
                    continue
                asked = time.monotonic()
                answer = await self._ask(prompt)
                if deadline is not None:
                    deadline += time.monotonic() - asked
                if answer is None:
                    cancelled, waiting_for = True, self._waiting_for()
                    stopper = asyncio.create_task(self._stop(child))
                    continue
                child.sendline(answer)
                self._answer_suffix = self._redactor.redact(answer)
                self._answered.append(AnsweredPrompt(prompt, self._answer_suffix))
            rest = self._splitter.flush()
            if rest is not None:
                self._emit_line(rest)
            if stopper is None:
                timed_out = not await self._exited(child, deadline)
                if timed_out:
                    await self._stop(child)
            else:
                await stopper
        except BaseException:  # cancelled task, failing answerer: stop it gently first
            await self._stop(child)
            raise
        finally:
            loop.remove_reader(fd)
            child.close(force=True)
        status = child.exitstatus if child.exitstatus is not None else -(child.signalstatus or 0)
        result = CommandResult(
            argv=self.argv,
            exit_code=status,
            started_at=started_at,
            duration_s=time.monotonic() - start,
            timed_out=timed_out,
            cancelled=cancelled,
            stdout_tail=tuple(self._tail),
            signals_sent=tuple(self._signals),
        )
        return PromptedResult(result, tuple(self._answered), waiting_for)

    def _spawn(self, program: str) -> pexpect.spawn:
        try:
            child = pexpect.spawn(
                program,
                args=list(self.argv[1:]),
                env=self._env,
                cwd=os.fspath(self._cwd),
                echo=False,
                dimensions=(24, self._columns),
                preexec_fn=default_cancel_signals,
            )
        except (OSError, pexpect.ExceptionPexpect) as error:
            raise CommandNotStarted(f"Could not start {program}: {error}") from error
        child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
        child.ptyproc.delayafterclose = 0
        return child

    async def _next(
        self, chunks: asyncio.Queue[bytes], deadline: float | None, *, watch: bool
    ) -> tuple[_Event, bytes]:
        """The next chunk of output, or why there is none (eof; if ``watch``: timeout, cancel)."""
        assert self._cancel_event is not None
        if not chunks.empty():
            data = chunks.get_nowait()
            return ("data" if data else "eof"), data
        getter = asyncio.ensure_future(chunks.get())
        waiters: set[asyncio.Future[Any]] = {getter}
        canceller = asyncio.ensure_future(self._cancel_event.wait())
        if watch:
            waiters.add(canceller)
        timeout = None
        if watch and deadline is not None:
            timeout = max(0.0, deadline - time.monotonic())
        try:
            done, _ = await asyncio.wait(waiters, timeout=timeout, return_when="FIRST_COMPLETED")
        finally:
            canceller.cancel()
            if not getter.done():
                getter.cancel()
        if getter in done:
            data = getter.result()
            return ("data" if data else "eof"), data
        return ("cancel" if canceller in done else "timeout"), b""

    async def _ask(self, prompt: Prompt) -> str | None:
        """The caller's answer, or None if cancel() came first."""
        assert self._cancel_event is not None
        answer = asyncio.ensure_future(self._on_prompt(prompt))
        canceller = asyncio.ensure_future(self._cancel_event.wait())
        done, _ = await asyncio.wait({answer, canceller}, return_when="FIRST_COMPLETED")
        canceller.cancel()
        if answer in done:
            return answer.result()
        answer.cancel()
        return None

    def _take(self, data: bytes) -> None:
        for line in self._splitter.feed(data):
            self._emit_line(line)

    def _emit_line(self, raw: str) -> None:
        text = self._redact_line(_ANSI.sub("", raw))
        if self._answer_suffix is not None:
            text, self._answer_suffix = text + self._answer_suffix, None
        self._emit(text)

    def _pending_prompt(self) -> Prompt | None:
        if self._answer_suffix is not None:
            return None  # this partial line was answered already; wait for its newline
        partial = _ANSI.sub("", self._splitter.pending)
        if not partial or self._prompt.search(partial) is None:
            return None
        return Prompt(question_block(self._recent), self._redactor.redact(partial))

    def _waiting_for(self) -> str:
        """The unanswered partial line, redacted: what the command sits waiting on."""
        if self._answer_suffix is not None:
            return ""
        return self._redactor.redact(_ANSI.sub("", self._splitter.pending))

    def _emit(self, text: str) -> None:
        self._recent.append(text)
        self._tail.append(text)
        if self._on_line is not None:
            self._on_line("stdout", text)

    async def _exited(self, child: pexpect.spawn, deadline: float | None) -> bool:
        """Wait for the process to exit after EOF; False if the deadline passed first."""
        while child.isalive():
            if deadline is not None and time.monotonic() > deadline:
                return False
            await asyncio.sleep(_POLL_S)
        return True

    async def _stop(self, child: pexpect.spawn) -> None:
        async def wait_exit(seconds: float) -> bool:
            until = time.monotonic() + seconds
            while child.isalive() and time.monotonic() < until:
                await asyncio.sleep(_POLL_S)
            return not child.isalive()

        await stop_process_group(
            child.pid,
            self._grace,
            self._signals,
            has_exited=lambda: not child.isalive(),
            wait_exit=wait_exit,
        )


def _read_into(fd: int, chunks: asyncio.Queue[bytes]) -> None:
    """Reader callback: queue what the pty has; b"" once the command closed it."""
    try:
        data = os.read(fd, 1 << 16)
    except OSError:  # EIO: every holder of the terminal's other end has closed it
        data = b""
    if not data:
        asyncio.get_running_loop().remove_reader(fd)
    chunks.put_nowait(data)
