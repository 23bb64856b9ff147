"""Driving an interactive tool prompt with pexpect: the prompt goes out, only the answer comes in.

The shared driver (tui/core/prompt_driver.py) did not exist when B.1 was
written, so this small module drives pexpect itself for ``init -migrate-state``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pexpect

from tui.core.errors import MocmError
from tui.core.redact import Redactor

MigrationAnswer = Literal["yes", "no"]
ANSWERS: frozenset[str] = frozenset({"yes", "no"})
PROMPT = re.compile(r"Enter a value: ?")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MAX_PROMPTS = 5  # the tool asks once per question; more means something unexpected


class MigrationRefused(MocmError):
    """The migration cannot start (no backend.tf, no local state, bad answer)."""


@dataclass(frozen=True)
class MigrationPrompt:
    """The tool's question and the whole block it printed, for the operator to read."""

    question: str
    text: str


@dataclass
class _Transcript:
    chunks: list[str] = field(default_factory=list)

    def lines(self, redactor: Redactor) -> tuple[str, ...]:
        text = ANSI.sub("", "".join(self.chunks)).replace("\r\n", "\n").replace("\r", "\n")
        redact = redactor.line_redactor()
        return tuple(redact(line) for line in text.split("\n"))


def prompt_from(block: str) -> MigrationPrompt:
    """The question (first unindented line of the prompt block) and the block itself."""
    lines = ANSI.sub("", block).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.strip() and not line.startswith(" "):
            start = index
            break
    text = "\n".join(lines[start:]).rstrip()
    return MigrationPrompt(lines[start].strip(), text)


class PromptSession:
    """One pexpect child: prompts go to ``ask``, its answer is the only thing typed."""

    def __init__(self, argv: list[str], cwd: Path, env: Mapping[str, str], timeout_s: float):
        self.argv = argv
        self.transcript = _Transcript()
        self.child = pexpect.spawn(
            argv[0],
            argv[1:],
            cwd=str(cwd),
            env=dict(env),
            encoding="utf-8",
            codec_errors="replace",
            timeout=timeout_s,
            echo=False,
            dimensions=(50, 200),  # wide: the tool's own wrapping, not the pty's
        )
        self.child.logfile_read = _Sink(self.transcript.chunks)
        self.timed_out = False

    def run(
        self, ask: Callable[[MigrationPrompt], str], redactor: Redactor
    ) -> tuple[list[MigrationPrompt], list[str], int | None]:
        """Answer prompts until the tool exits; returns prompts, answers and exit code."""
        prompts: list[MigrationPrompt] = []
        answers: list[str] = []
        try:
            while True:
                index = self.child.expect([PROMPT, pexpect.EOF, pexpect.TIMEOUT])
                if index == 1:
                    break
                if index == 2 or len(prompts) >= MAX_PROMPTS:
                    self.timed_out = index == 2
                    self._stop()
                    break
                seen = "".join(self.transcript.chunks)
                prompt = prompt_from(redactor.redact(seen[-4000:]))
                prompts.append(prompt)
                answer = ask(prompt)
                if answer not in ANSWERS:
                    self._stop()
                    raise MigrationRefused(
                        f"Only 'yes' or 'no' can be typed into the prompt, not {answer!r}.",
                        "The tool was interrupted; nothing was migrated or renamed.",
                    )
                answers.append(answer)
                self.child.sendline(answer)
        finally:
            self.child.close()
        code = self.child.exitstatus
        return prompts, answers, code if code is not None else None

    def _stop(self) -> None:
        """SIGINT first, so the tool releases its locks; then force."""
        self.child.sendintr()
        try:
            self.child.expect(pexpect.EOF, timeout=10)
        except pexpect.TIMEOUT:
            self.child.terminate(force=True)


class _Sink:
    """pexpect's logfile_read target: keeps every chunk the child printed."""

    def __init__(self, chunks: list[str]) -> None:
        self._chunks = chunks

    def write(self, data: str) -> None:
        self._chunks.append(data)

    def flush(self) -> None:
        return None
