"""Why a pipeline command stopped, in the operator's words: the cause and the next action.

A failed ``tofu`` command is recognised from its stderr (``tofu.failures``); a
cancelled or timed-out one is said as such. A cancelled apply is not "nothing done":
tofu finishes the operations in flight on SIGINT and saves the state, so what was
applied stays applied and the next action is a new plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tui.core.errors import MocmError
from tui.core.exec.result import CommandResult
from tui.core.tofu.failures import KnownFailure, recognise_failure


class StopKind(StrEnum):
    CANCELLED = "cancelled"
    TIMED_OUT = "timed-out"
    RECOGNISED = "recognised"  # a failure tofu.failures knows
    UNRECOGNISED = "unrecognised"  # exit code and last error line only
    REFUSED = "refused"  # the wizard refused or could not go on (a typed error)


@dataclass(frozen=True)
class CommandStop:
    """A stop said in plain words: ``✗ <what> failed<reason>``, detail lines, the next action."""

    what: str  # "tofu plan", "The plan cannot be reviewed"
    kind: StopKind
    reason: str  # follows the headline: ": the state is locked…", " — cancelled by you."
    lines: tuple[str, ...] = ()
    next_action: str = ""

    @property
    def headline(self) -> str:
        if self.kind is StopKind.REFUSED:
            return f"✗ {self.what}{self.reason}"
        return f"✗ {self.what} failed{self.reason}"

    @property
    def plain(self) -> str:
        """Everything in one text (for the log and tests)."""
        parts = [self.headline, *self.lines]
        if self.next_action:
            parts.append(f"Next: {self.next_action}")
        return "\n".join(parts)


def explain_result(
    result: CommandResult, binary: str, what: str, *, changes_infrastructure: bool = False
) -> CommandStop:
    """A failed command's result explained; ``changes_infrastructure`` for ``tofu apply``."""
    known = recognise_failure("\n".join(result.stderr_tail), binary)
    return explain_known(known, result, what, changes_infrastructure=changes_infrastructure)


def explain_known(
    known: KnownFailure | None,
    result: CommandResult,
    what: str,
    *,
    changes_infrastructure: bool = False,
) -> CommandStop:
    """As ``explain_result``, the failure already recognised (or not: None)."""
    if result.cancelled:
        if changes_infrastructure:
            return CommandStop(
                what,
                StopKind.CANCELLED,
                " — cancelled by you.",
                (
                    "tofu finished the operations in flight and saved the state: what was "
                    "applied stays applied.",
                ),
                "plan again to see where things stand; the old plan is not applied again.",
            )
        return CommandStop(
            what,
            StopKind.CANCELLED,
            " — cancelled by you.",
            ("Nothing is half-done: tofu stopped cleanly on SIGINT.",),
            "run it again.",
        )
    if result.timed_out:
        return CommandStop(
            what,
            StopKind.TIMED_OUT,
            " — it ran past its time limit and was stopped.",
            ("Look at the end of the log for what it was waiting for.",),
        )
    if known is None:
        last = result.stderr_tail[-1] if result.stderr_tail else "(no error output)"
        return CommandStop(
            what,
            StopKind.UNRECOGNISED,
            f" (exit {result.exit_code}).",
            (f"Last error line: {last}", "The full output is in the log and in the transcript."),
        )
    return CommandStop(what, StopKind.RECOGNISED, f": {known.summary}", (), known.next_action)


def explain_error(error: MocmError, what: str) -> CommandStop:
    """A typed error that stopped the pipeline (a plan JSON that cannot be read…)."""
    return CommandStop(what, StopKind.REFUSED, f": {error.message}", (), error.hint)
