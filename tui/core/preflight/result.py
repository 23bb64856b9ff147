"""The shape every preflight check returns: pass / warn / fail, what it found, what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CheckStatus(StrEnum):
    """How one preflight item came out."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    NOT_APPLICABLE = "n/a"


@dataclass(frozen=True)
class CheckResult:
    """One preflight item: the sentence the operator reads and the action that fixes it.

    ``action`` is empty when nothing needs doing; ``details`` are extra lines
    (one per bucket, per snapshot…) for the detail pane.
    """

    name: str
    status: CheckStatus
    summary: str
    action: str = ""
    details: tuple[str, ...] = field(default=())

    @property
    def blocks(self) -> bool:
        """True when the step cannot complete without fixing this or waiving it."""
        return self.status is CheckStatus.FAIL


def passed(name: str, summary: str, details: tuple[str, ...] = ()) -> CheckResult:
    """A passing item."""
    return CheckResult(name, CheckStatus.PASS, summary, "", details)


def warned(name: str, summary: str, action: str, details: tuple[str, ...] = ()) -> CheckResult:
    """An item the operator should look at but that does not block."""
    return CheckResult(name, CheckStatus.WARN, summary, action, details)


def failed(name: str, summary: str, action: str, details: tuple[str, ...] = ()) -> CheckResult:
    """An item that blocks until fixed or waived."""
    return CheckResult(name, CheckStatus.FAIL, summary, action, details)
