"""Stage 4, section 4: the final snapshot of the old cache (default yes).

Declined: journaled, and said in words beside the box. Taken: created and polled in the
section's worker (or found existing), journaled; a failure ends in the App's error dialog
and stays written on the section in the error colour.
"""

from __future__ import annotations

import threading

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Checkbox, ProgressBar, Static
from textual.worker import get_current_worker

from tui.core.errors import MocmError
from tui.core.journal.events import SnapshotDeclined, SnapshotPurpose, SnapshotRecorded
from tui.core.stage4.final_snapshot import FinalSnapshot, SnapshotProgress, take_final_snapshot
from tui.core.stage4.gate import SnapshotDecision
from tui.screens.stage4.render import snapshot_progress_text, snapshot_text
from tui.screens.stage4.sections import Stage4Context, wizard_of
from tui.widgets.worker_events import ReportsWorkers

POLL_SECONDS = 15.0
SNAPSHOT_WANTED = "Final snapshot: YES, take one before the teardown"
SNAPSHOT_DECLINED = "Final snapshot: NO (declined, journaled)"


class SnapshotSection(ReportsWorkers, Vertical):
    """Offer the final snapshot (default yes); create it and poll, or report it exists."""

    class Decided(Message):
        """The snapshot question has an answer (or lost it)."""

    class Progressed(Message, bubble=False):
        """One poll of the snapshot; a newer one replaces one not shown yet."""

        def __init__(self, progress: SnapshotProgress) -> None:
            super().__init__()
            self.progress = progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, SnapshotSection.Progressed)

    class Taken(Message, bubble=False):
        """The snapshot is available (made now, or found existing)."""

        def __init__(self, snapshot: FinalSnapshot) -> None:
            super().__init__()
            self.snapshot = snapshot

    class Failed(Message, bubble=False):
        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__(id="s4-snapshot")
        self.context: Stage4Context | None = None
        self.outcome: SnapshotDecision | None = None
        self.snapshot: FinalSnapshot | None = None
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield Checkbox(SNAPSHOT_WANTED, True, id="s4-snap-want")
        yield Static(id="s4-snap-name", markup=False)
        yield Button("Take the snapshot", id="s4-snap-take", variant="primary", compact=True)
        yield ProgressBar(total=None, show_eta=False, id="s4-snap-progress")
        yield Static(id="s4-snap-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#s4-snap-progress").display = False
        self.show_choice(True)

    def show_choice(self, wanted: bool) -> None:
        """Ticked or not, said in the box and in words (colours alone are not enough)."""
        box = self.query_one("#s4-snap-want", Checkbox)
        box.BUTTON_INNER = "✔" if wanted else " "
        box.label = SNAPSHOT_WANTED if wanted else SNAPSHOT_DECLINED
        box.set_class(not wanted, "-declined")
        box.refresh()

    def on_unmount(self) -> None:
        self._stop.set()

    def configure(self, context: Stage4Context) -> None:
        self.context = context
        self.query_one("#s4-snap-name", Static).update(
            f"Snapshot name: {context.target.snapshot_name} "
            f"(of {context.target.cluster_id}, {context.region})"
        )

    def set_outcome(self, outcome: SnapshotDecision | None) -> None:
        self.outcome = outcome
        self.post_message(self.Decided())

    @on(Checkbox.Changed, "#s4-snap-want")
    def want_changed(self, event: Checkbox.Changed) -> None:
        self.show_choice(event.value)
        self.query_one("#s4-snap-take", Button).disabled = not event.value
        journal = wizard_of(self).session
        if not event.value:
            if journal is not None:
                journal.journal.append(SnapshotDeclined(SnapshotPurpose.FINAL, "stage4"))
            self.query_one("#s4-snap-status", Static).update(
                Content.styled(
                    "No final snapshot: the old cluster's data will be gone.", "$warning"
                )
            )
            self.set_outcome(SnapshotDecision.DECLINED)
        else:
            self.query_one("#s4-snap-status", Static).update("")
            kept = (
                SnapshotDecision.TAKEN
                if self.snapshot and not self.snapshot.already_existed
                else SnapshotDecision.EXISTED
            )
            self.set_outcome(kept if self.snapshot else None)

    @on(Button.Pressed, "#s4-snap-take")
    def take(self) -> None:
        if self.context is None:
            return
        self.query_one("#s4-snap-take", Button).disabled = True
        self.query_one("#s4-snap-progress").display = True
        self.query_one("#s4-snap-status", Static).update("Asking AWS…")
        self.run_snapshot(self.context)

    def _sleep(self, seconds: float) -> None:
        if self._stop.wait(seconds) or get_current_worker().is_cancelled:
            raise MocmError("snapshot polling stopped", "The snapshot may still be in progress.")

    @work(
        thread=True,
        exclusive=True,
        group="stage4-snapshot",
        exit_on_error=False,
        description="Final snapshot",
    )
    def run_snapshot(self, context: Stage4Context) -> None:
        elasticache = context.aws.client("elasticache", context.region)

        def progress(step: SnapshotProgress) -> None:
            self.post_message(self.Progressed(step))

        try:
            snapshot = take_final_snapshot(
                elasticache,
                context.target.cluster_id,
                context.target.snapshot_name,
                context.region,
                on_progress=progress,
                poll_seconds=POLL_SECONDS,
                sleep=self._sleep,
            )
        except MocmError as exc:
            self.post_message(self.Failed(exc))
            raise
        self.post_message(self.Taken(snapshot))

    @on(Progressed)
    def show_progress(self, event: Progressed) -> None:
        self.query_one("#s4-snap-status", Static).update(snapshot_progress_text(event.progress))

    @on(Failed)
    def show_failure(self, event: Failed) -> None:
        exc = event.error
        self.query_one("#s4-snap-progress").display = False
        self.query_one("#s4-snap-take", Button).disabled = False
        message = Content.styled(f"Snapshot failed: {exc.message}", "bold $error")
        if exc.hint:
            message = message.append_text(f"\n{exc.hint}", "$error")
        self.query_one("#s4-snap-status", Static).update(message)
        self.set_outcome(None)

    @on(Taken)
    def show_snapshot(self, event: Taken) -> None:
        snapshot = event.snapshot
        self.snapshot = snapshot
        self.query_one("#s4-snap-progress").display = False
        self.query_one("#s4-snap-status", Static).update(snapshot_text(snapshot))
        session = wizard_of(self).session
        if session is not None:
            session.journal.append(
                SnapshotRecorded(
                    SnapshotPurpose.FINAL,
                    snapshot.name,
                    snapshot.cluster_id,
                    snapshot.status,
                    snapshot.already_existed,
                    "ElastiCache",
                    step="stage4",
                )
            )
        self.set_outcome(
            SnapshotDecision.EXISTED if snapshot.already_existed else SnapshotDecision.TAKEN
        )
