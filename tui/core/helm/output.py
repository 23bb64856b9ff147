"""Shared pieces of the Helm / Helmfile output parsers.

The parsers themselves live next door, one per command:
``helm_history`` (history and rollback), ``helm_lint``, ``helmfile_diff`` and
``helmfile_sync``. Formats: ``reference/formats.md`` §5.
"""

from __future__ import annotations

import re

from tui.core.errors import MocmError

# CSI sequences (colours, cursor moves) that helm-diff and helm print on a tty.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")

# helm's own errors: `Error: <message>` on stderr (cobra), exit 1.
_HELM_ERROR = re.compile(r"^Error: (?P<message>.+)$")


class HelmOutputError(MocmError):
    """Output of helm or helmfile that does not have the documented shape."""


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour codes."""
    return _ANSI.sub("", text)


def output_lines(text: str) -> list[str]:
    """The lines of a captured stream, colour codes removed, line ends dropped."""
    return strip_ansi(text).splitlines()


def helm_error_message(stderr: str) -> str:
    """The message of the last ``Error: …`` line helm printed, or the last non-blank line."""
    lines = [line.strip() for line in output_lines(stderr) if line.strip()]
    for line in reversed(lines):
        found = _HELM_ERROR.match(line)
        if found:
            return found["message"]
    return lines[-1] if lines else ""
