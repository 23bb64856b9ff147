"""What the Helm sync section shows: per-release progress lines, the outcome sentence,
and which releases the outcome leaves needing a rollback."""

from __future__ import annotations

from rich.text import Text

from tui.core.exec.result import CommandResult
from tui.core.helm.journal_readback import INTERRUPTED, ReleaseOutcome
from tui.core.helm.sync import ReleaseProgress, ReleaseState, SyncResult

MARKS = {
    ReleaseState.NOT_STARTED: ("· pending", "dim"),
    ReleaseState.UPGRADING: ("⟳ upgrading…", "bold yellow"),
    ReleaseState.INSTALLING: ("⟳ installing…", "bold yellow"),
    ReleaseState.DEPLOYED: ("✔ deployed", "bold green"),
    ReleaseState.FAILED: ("✗ failed", "bold red"),
    ReleaseState.DELETED: ("− deleted", "yellow"),
}
UNFINISHED = (ReleaseState.UPGRADING, ReleaseState.INSTALLING)


def progress_line(
    number: int, progress: ReleaseProgress, stopped: bool, before: int | None = None
) -> Text:
    """``1. mocm-bootstrap-1   ✔ deployed rev 9 (was 8)  12s``; ``before``: recorded revision."""
    mark, style = MARKS[progress.state]
    if stopped and progress.state in UNFINISHED:
        mark, style = "⚠ interrupted during its upgrade", "bold red"
    text = Text(f"{number}. {progress.release:<20} ")
    text.append(mark, style)
    if progress.revision is not None and progress.state is not ReleaseState.NOT_STARTED:
        text.append(f" rev {progress.revision}", style)
        if before is not None and progress.state is ReleaseState.DEPLOYED:
            text.append(f" (was {before})", "dim")
    if progress.duration:
        text.append(f"  {progress.duration}", "dim")
    if progress.error:
        text.append(f"\n     {progress.error}", "red")
    return text


def restored_progress(outcome: ReleaseOutcome) -> ReleaseProgress:
    """A journaled release outcome as a progress row (interrupted: an unfinished upgrade)."""
    state = ReleaseState.UPGRADING if outcome.state == INTERRUPTED else ReleaseState(outcome.state)
    return ReleaseProgress(outcome.release, state, outcome.revision)


def needs_rollback(progress: ReleaseProgress, stopped: bool) -> bool:
    """A release that failed, or that a stopped sync left in the middle of its upgrade."""
    return progress.state is ReleaseState.FAILED or (stopped and progress.state in UNFINISHED)


def outcome_text(result: SyncResult, finished: CommandResult, stopped: bool) -> Text:
    """The sentence under the progress: succeeded, stopped (how, with which signals), or failed."""
    if result.succeeded:
        return Text("✔ Sync succeeded: every release is deployed.", "bold green")
    if stopped:
        how = "timed out" if finished.timed_out else "cancelled"
        sent = ", ".join(finished.signals_sent) or "no signal needed"
        return Text(f"Sync {how} — stopped with {sent}.", "bold red")
    message = Text(f"Sync failed (exit {finished.exit_code}).", "bold red")
    if result.error_lines:
        message.append(f"\n{result.error_lines[-1]}", "red")
    return message
