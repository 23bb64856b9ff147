"""Typed errors. Each carries the sentence the operator will read."""

from __future__ import annotations


class MocmError(Exception):
    """Base of every error the wizard explains to the operator.

    ``message`` is what the operator reads; ``hint`` says what to do next.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class LayoutError(MocmError):
    """A release directory is not shaped like a release."""


class ReleaseOrderError(MocmError):
    """The two releases are the same, or in the wrong order."""


class PlaybookError(MocmError):
    """The upgrade playbook is malformed (names the field and the reason)."""


class ParseError(MocmError):
    """A file could not be parsed (HCL, YAML, JSON); names path, line, column."""

    def __init__(
        self, path: str, reason: str, line: int | None = None, column: int | None = None
    ) -> None:
        where = path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column


class JournalError(MocmError):
    """The journal cannot be read or written."""


class LockHeld(MocmError):
    """Another live wizard holds the release lock."""


class CommandFailed(MocmError):
    """A command could not be started, failed, timed out or was cancelled."""
