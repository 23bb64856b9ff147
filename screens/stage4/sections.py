"""Stage 4, sections 4 and 5: the final snapshot, and the teardown (park, plan, apply).

Each section owns its worker; failures end in the App's error dialog and stay
written on the section in the error colour.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, ProgressBar, Static
from textual.worker import get_current_worker

from tui.core.errors import MocmError
from tui.core.journal.events import SnapshotDeclined, SnapshotPurpose, SnapshotRecorded
from tui.core.playbook.load import Playbook
from tui.core.stage4.final_snapshot import FinalSnapshot, SnapshotProgress, take_final_snapshot
from tui.core.stage4.gate import Precondition, PreconditionState, SnapshotDecision
from tui.core.stage4.targets import Stage4Target
from tui.core.tofu.parked_file import FileRename, park, unpark
from tui.screens.base import panel_of
from tui.screens.stage4.aws import EnvAwsSession
from tui.screens.stage4.render import precondition_lines, snapshot_progress_text, snapshot_text
from tui.widgets.worker_events import ReportsWorkers
from tui.wizard import Wizard

POLL_SECONDS = 15.0
SNAPSHOT_WANTED = "Final snapshot: YES, take one before the teardown"
SNAPSHOT_DECLINED = "Final snapshot: NO (declined, journaled)"


@dataclass(frozen=True)
class Stage4Context:
    """What every section works on, resolved once by the panel."""

    target: Stage4Target
    region: str
    aws: EnvAwsSession
    playbook: Playbook


def wizard_of(widget: Widget) -> Wizard:
    return panel_of(widget).wizard


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


WAIVE_BUTTONS = {
    Precondition.REFERENCES: "#s4-waive-refs",
    Precondition.BUSINESS_CYCLE: "#s4-waive-cycle",
}


class RenameSection(Vertical):
    """Park the old cache's file (journaled), and undo it, from the screen."""

    class Renamed(Message):
        """The file was parked or unparked."""

    class WaiveAsked(Message):
        """The operator asks to waive one precondition (the panel asks the reason)."""

        def __init__(self, kind: Precondition) -> None:
            super().__init__()
            self.kind = kind

    def __init__(self) -> None:
        super().__init__(id="s4-rename")
        self.context: Stage4Context | None = None
        self.allowed = False
        self.locked = False  # the teardown was applied: the file stays parked

    def compose(self) -> ComposeResult:
        yield Static(id="s4-gate", markup=False)
        with Horizontal(id="s4-waivers", classes="s4-buttons"):
            yield Button("Waive references…", id="s4-waive-refs", compact=True)
            yield Button("Waive business cycle…", id="s4-waive-cycle", compact=True)
        with Horizontal(classes="s4-buttons"):
            yield Button("Park the file", id="s4-park", variant="warning", compact=True)
            yield Button("Undo rename", id="s4-unpark", compact=True)
        yield Static(id="s4-rename-status", markup=False)

    def configure(self, context: Stage4Context) -> None:
        self.context = context
        book = context.playbook
        self.query_one("#s4-park", Button).label = f"Park {book.active_name} → {book.parked_name}"
        self.show_files()

    def state(self) -> str:
        """``active``, ``parked``, ``both`` or ``missing``, from what is on disk."""
        if self.context is None:
            return "missing"
        folder, book = self.context.target.terraform_dir, self.context.playbook
        active = (folder / book.active_name).is_file()
        parked = (folder / book.parked_name).is_file()
        return {(True, False): "active", (False, True): "parked", (True, True): "both"}.get(
            (active, parked), "missing"
        )

    def update_gate(self, states: tuple[PreconditionState, ...], allowed: bool) -> None:
        """Show each precondition; parking is allowed only when the gate says so."""
        self.allowed = allowed
        self.query_one("#s4-gate", Static).update(precondition_lines(states))
        by_kind = {state.kind: state for state in states}
        for kind, selector in WAIVE_BUTTONS.items():
            state = by_kind.get(kind)
            button = self.query_one(selector, Button)
            button.display = state is not None and state.waivable and not state.holds
            button.disabled = state is None or state.met or self.locked
        self.query_one("#s4-waivers").display = any(
            self.query_one(selector).display for selector in WAIVE_BUTTONS.values()
        )
        self.show_files()

    @on(Button.Pressed, "#s4-waive-refs")
    def waive_references(self) -> None:
        self.post_message(self.WaiveAsked(Precondition.REFERENCES))

    @on(Button.Pressed, "#s4-waive-cycle")
    def waive_cycle(self) -> None:
        self.post_message(self.WaiveAsked(Precondition.BUSINESS_CYCLE))

    def show_files(self) -> None:
        if self.context is None:
            return
        book, state = self.context.playbook, self.state()
        words = {
            "active": (f"{book.active_name} is active: OpenTofu still manages the old cache.", ""),
            "parked": (
                f"{book.active_name} is parked as {book.parked_name}: the next plan destroys "
                "the old cache.",
                "bold $warning",
            ),
            "both": (
                f"Both {book.active_name} and {book.parked_name} exist: compare them and "
                "remove the stale copy by hand.",
                "bold $error",
            ),
            "missing": (
                f"Neither {book.active_name} nor {book.parked_name} exists.",
                "bold $error",
            ),
        }[state]
        self.query_one("#s4-rename-status", Static).update(Content.styled(*words))
        self.query_one("#s4-park", Button).disabled = state != "active" or not self.allowed
        self.query_one("#s4-unpark", Button).disabled = state != "parked" or self.locked

    def journal_rename(self, done: FileRename) -> None:
        session = wizard_of(self).session
        if session is None or not done.changed:
            return
        session.journal.file_op(
            "rename",
            done.directory / done.destination,
            sha256_after=done.sha256,
            sha256_before=done.sha256,
            source=done.directory / done.source,
            step="stage4",
        )

    @on(Button.Pressed, "#s4-park")
    def park_file(self) -> None:
        if self.context is not None and self.allowed:
            self.rename(park)

    @on(Button.Pressed, "#s4-unpark")
    def unpark_file(self) -> None:
        if self.context is not None and not self.locked:
            self.rename(unpark)

    def rename(self, how: object) -> None:
        assert self.context is not None and callable(how)
        try:
            done: FileRename = how(self.context.target.terraform_dir, self.context.playbook)
        except MocmError as exc:
            text = Content.styled(exc.message, "bold $error")
            if exc.hint:
                text = text.append_text("\n" + exc.hint, "$error")
            self.query_one("#s4-rename-status", Static).update(text)
            return
        self.journal_rename(done)
        self.show_files()
        self.notify(f"Renamed {done.source} → {done.destination} (journaled).")
        self.post_message(self.Renamed())
