"""The help's Markdown made for the width it is shown at: commands wrapped so that every
line on screen is a complete, pasteable piece of shell, and the step's keys listed."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

CONTINUATION = " \\"
INDENT = "  "  # continuation lines, under the command they continue


@dataclass(frozen=True)
class KeyRow:
    """One key (or several for the same action) and what it does."""

    keys: str
    does: str


def split_comment(line: str) -> tuple[str, str]:
    """``code  # comment`` as ``("code", "# comment")``; a ``#`` inside quotes is code."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip(), line[index:]
    return line.rstrip(), ""


def words(code: str) -> list[str]:
    """The code split at the spaces outside quotes (a quoted string never breaks)."""
    found: list[str] = []
    current, quote = "", ""
    for char in code:
        if quote:
            current += char
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            current += char
        elif char.isspace():
            if current:
                found.append(current)
            current = ""
        else:
            current += char
    if current:
        found.append(current)
    return found


def wrap_shell_line(line: str, width: int) -> list[str]:
    """``line`` as lines of at most ``width`` columns meaning the same to a shell.

    Breaks only between words, outside quotes, with a backslash continuation; a trailing
    comment moves to its own line above (a continuation inside a comment would run the
    rest as a command). A single word longer than the width stays whole.
    """
    if len(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    code, comment = split_comment(line.strip())
    lines: list[str] = []
    if comment:
        text = comment.lstrip("#").strip()
        room = max(width - len(indent) - 2, 10)
        lines += [f"{indent}# {part}" for part in textwrap.wrap(text, room) or [""]]
    if not code:
        return lines
    current = indent
    for word in words(code):
        if current.strip() and len(current) + 1 + len(word) + len(CONTINUATION) > width:
            lines.append(current + CONTINUATION)
            current = indent + INDENT + word
        else:
            current = f"{current} {word}" if current.strip() else current + word
    lines.append(current)
    return lines


def wrap_code_blocks(markdown: str, width: int) -> str:
    """Every code block of ``markdown`` wrapped to ``width`` (indented blocks become fenced)."""
    source = markdown.splitlines()
    out: list[str] = []
    done = 0
    for start, end, info, code in code_blocks(markdown):
        out += source[done:start]
        out.append(f"```{info}")
        for line in code:
            out += wrap_shell_line(line, width)
        out.append("```")
        done = end
    out += source[done:]
    return "\n".join(out) + "\n"


def code_blocks(markdown: str) -> list[tuple[int, int, str, list[str]]]:
    """Each code block as (first line, line after it, info string, its lines)."""
    from markdown_it import MarkdownIt  # slow to import: only when help is shown

    blocks = []
    for token in MarkdownIt("gfm-like").parse(markdown):
        if token.type in ("fence", "code_block") and token.map is not None:
            start, end = token.map
            info = token.info.strip() if token.type == "fence" else "bash"
            blocks.append((start, end, info, token.content.rstrip("\n").splitlines()))
    return blocks


def commands(markdown: str) -> str:
    """Every code block's lines as written (what the copy key puts on the clipboard)."""
    return "\n".join("\n".join(code) for _, _, _, code in code_blocks(markdown)) + "\n"


def keys_section(step: Sequence[KeyRow], wizard: Sequence[KeyRow]) -> str:
    """The keys of the step and of the wizard, as Markdown lists (they wrap at any width)."""
    lines = ["## Keys on this step", ""]
    lines += [f"- **{row.keys}** — {row.does}" for row in step] or ["- none of its own"]
    lines += ["", "## Keys everywhere", ""]
    lines += [f"- **{row.keys}** — {row.does}" for row in wizard]
    return "\n".join(lines) + "\n"


def with_keys(markdown: str, section: str) -> str:
    """``section`` inserted before the help's first ``## `` heading (after its introduction)."""
    lines = markdown.splitlines()
    at = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    return "\n".join([*lines[:at], section, *lines[at:]]) + "\n"
