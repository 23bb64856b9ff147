"""What the Helm sync section shows: per-release progress lines, the outcome sentence,
and which releases the outcome leaves needing a rollback."""

from __future__ import annotations

from textual.content import Content

from tui.core.exec.result import CommandResult
from tui.core.helm.journal_readback import INTERRUPTED, ReleaseOutcome
from tui.core.helm.sync import ReleaseProgress, ReleaseState, SyncResult

MARKS = {
    ReleaseState.NOT_STARTED: ("· pending", "dim"),
    ReleaseState.UPGRADING: ("⟳ upgrading…", "bold $warning"),
    ReleaseState.INSTALLING: ("⟳ installing…", "bold $warning"),
    ReleaseState.DEPLOYED: ("✔ deployed", "bold $success"),
    ReleaseState.FAILED: ("✗ failed", "bold $error"),
    ReleaseState.DELETED: ("− deleted", "$warning"),
}
UNFINISHED = (ReleaseState.UPGRADING, ReleaseState.INSTALLING)


def progress_line(
    number: int, progress: ReleaseProgress, stopped: bool, before: int | None = None
) -> Content:
    """``1. mocm-bootstrap-1   ✔ deployed rev 9 (was 8)  12s``; ``before``: recorded revision."""
    mark, style = MARKS[progress.state]
    if stopped and progress.state in UNFINISHED:
        mark, style = "⚠ interrupted during its upgrade", "bold $error"
    text = Content.styled(f"{number}. {progress.release:<20} ")
    text = text.append_text(mark, style)
    if progress.revision is not None and progress.state is not ReleaseState.NOT_STARTED:
        text = text.append_text(f" rev {progress.revision}", style)
        if before is not None and progress.state is ReleaseState.DEPLOYED:
            text = text.append_text(f" (was {before})", "dim")
    if progress.duration:
        text = text.append_text(f"  {progress.duration}", "dim")
    if progress.error:
        text = text.append_text(f"\n     {progress.error}", "$error")
    return text


def restored_progress(outcome: ReleaseOutcome) -> ReleaseProgress:
    """A journaled release outcome as a progress row (interrupted: an unfinished upgrade)."""
    state = ReleaseState.UPGRADING if outcome.state == INTERRUPTED else ReleaseState(outcome.state)
    return ReleaseProgress(outcome.release, state, outcome.revision)


def needs_rollback(progress: ReleaseProgress, stopped: bool) -> bool:
    """A release that failed, or that a stopped sync left in the middle of its upgrade."""
    return progress.state is ReleaseState.FAILED or (stopped and progress.state in UNFINISHED)


def outcome_text(result: SyncResult, finished: CommandResult, stopped: bool) -> Content:
    """The sentence under the progress: succeeded, stopped (how, with which signals), or failed."""
    if result.succeeded:
        return Content.styled("✔ Sync succeeded: every release is deployed.", "bold $success")
    if stopped:
        how = "timed out" if finished.timed_out else "cancelled"
        sent = ", ".join(finished.signals_sent) or "no signal needed"
        return Content.styled(f"Sync {how} — stopped with {sent}.", "bold $error")
    message = Content.styled(f"Sync failed (exit {finished.exit_code}).", "bold $error")
    if result.error_lines:
        message = message.append_text(f"\n{result.error_lines[-1]}", "$error")
    return message
