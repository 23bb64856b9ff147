"""A prompted command's questions: the prompt pattern, the question block, the answers.

``PromptedCommand`` (prompt_driver) finds a ``Prompt`` in the output, asks the
caller's ``Answerer`` and reports every ``AnsweredPrompt`` in a ``PromptedResult``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from tui.core.exec.result import CommandResult

# tofu's confirmation prompt (internal/command/ui_input.go), always at the end of a partial line.
TOFU_PROMPT = re.compile(r"Enter a value: $")
QUESTION_MAX_LINES = 30


@dataclass(frozen=True)
class Prompt:
    """A question the command is waiting on (redacted)."""

    question: str  # the block printed just before the prompt
    prompt: str  # the prompt line itself, e.g. "  Enter a value: "


@dataclass(frozen=True)
class AnsweredPrompt:
    """A prompt and the answer that was typed (redacted)."""

    prompt: Prompt
    answer: str


@dataclass(frozen=True)
class PromptedResult:
    """The command's result, the prompts answered, and what it still waited on, if anything."""

    command: CommandResult
    answered: tuple[AnsweredPrompt, ...]
    waiting_for: str = ""  # the unanswered partial line when it timed out or was cancelled


Answerer = Callable[[Prompt], Awaitable[str]]


def question_block(lines: Sequence[str]) -> str:
    """The question before a prompt, in tofu's layout: one query line, then indented lines.

    Trailing blank lines are dropped; a layout without indentation yields the last line.
    """
    block = list(lines)
    while block and not block[-1].strip():
        block.pop()
    start = len(block)
    while start > 0 and (block[start - 1].startswith((" ", "\t")) or not block[start - 1]):
        start -= 1
    if start > 0:
        start -= 1  # the query line itself
    return "\n".join(block[start:]).strip("\n")
