"""Step 7 — Values: merge the previous release's settings into the new values template.

The panes show the previous file (left) and the file being edited (right), aligned by
key path. Every change is an operation of the core's ``ValuesEditing`` (undoable, kept
as a draft beside the journal so that no edit is lost); saving goes through the core
too (the diff shown first, then backup, atomic write, verification). Values under
secret-looking keys stay masked; ``r`` shows the one under the cursor until it moves.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from tui.core.journal.writer import Journal
from tui.core.values.draft import DraftCheck, Operation, OperationKind
from tui.core.values.editing import ValuesEditing, open_editing
from tui.core.values.files import ValuesFiles, locate_values
from tui.core.values.merge import ValuesMerge
from tui.core.values.progress import (
    Progress,
    RowAction,
    RowFilter,
    image_tag_warning,
    row_actions,
    visible_indices,
)
from tui.core.values.scalars import ValueEditRefused
from tui.resources import STYLES
from tui.screens.base import StepPanel
from tui.screens.values.autofill import AutoFillFlow
from tui.screens.values.cursor_moves import CursorMoves
from tui.screens.values.dialogs import (
    EnteredText,
    drop_all_dialog,
    edit_dialog,
)
from tui.screens.values.draft_flow import DRAFT_GROUP, DraftFlow
from tui.screens.values.save_flow import SaveFlow
from tui.screens.values.view import detail_text, status_text
from tui.widgets.dialogs.typed_phrase import TypedPhrase
from tui.widgets.key_footer import SETTLE_S
from tui.widgets.values_panes import PaneRows, ValuesPanes
from tui.wizard import Wizard

ROW_ACTIONS = {action.value for action in RowAction}
# Actions that need a loaded merge and no save in flight.
EDITING = ROW_ACTIONS | {"undo", "redo", "auto_fill", "bump_tag", "save", "drop_all"}
MOVING = {"next_difference", "previous_difference", "next_placeholder", "next_undecided"}
MOVING |= {"search", "cycle_filter"}
FOOTER_SETTLE = SETTLE_S  # seconds without a change of available keys before the footer redraws

TITLE = "7. Values — previous settings into the new template"
# The loading indicator comes up only when opening takes longer than this: a quicker open
# shows its status line alone, and no animation competes with the parse for the interpreter.
INDICATOR_DELAY_S = 0.5
VALUES_CSS = (STYLES / "values.tcss").read_text(encoding="utf-8")


@dataclass(frozen=True)
class OpenedValues:
    """The editing session as loaded, and the draft found beside the journal (if any)."""

    editing: ValuesEditing
    draft: DraftCheck | None


class ValuesPanel(StepPanel):
    """The values merge editor."""

    STEP_ID = "values"
    DEFAULT_CSS = VALUES_CSS
    SCOPED_CSS = False
    BINDINGS = [
        Binding("n", "next_difference", "Next diff", tooltip="Next difference"),
        Binding("N", "previous_difference", "Prev diff", tooltip="Previous difference"),
        Binding("p", "next_placeholder", "Placeholder", tooltip="Next placeholder to fill"),
        Binding("o", "next_undecided", "Undecided", tooltip="Next orphan or open-map value"),
        Binding("right,space", "port", "Port", tooltip="Port the previous value to the new file"),
        Binding(
            "P,shift+right",
            "port_subtree",
            "Port subtree",
            tooltip="Port every previous value under the cursor's key",
        ),
        Binding("e", "edit", "Edit", tooltip="Edit the new value in place"),
        Binding("k", "keep", "Keep", tooltip="Keep the new file's value (decided)"),
        Binding("c", "carry", "Carry", tooltip="Carry the previous value into the new file"),
        Binding("x", "drop", "Drop", tooltip="Drop the previous value knowingly"),
        Binding("D", "drop_all", "Drop all", tooltip="Drop every undecided value (typed)"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change"),
        Binding("ctrl+y,U", "redo", "Redo", tooltip="Redo what was undone"),
        Binding("slash", "search", "Search", tooltip="Search by key path"),
        Binding(
            "f", "cycle_filter", "Filter", tooltip="All / differences / placeholders / orphans"
        ),
        Binding("a", "auto_fill", "Auto-fill", tooltip="Fill placeholders, carry open-map values"),
        Binding("t", "bump_tag", "Image tag", tooltip="Set the image tag to the current build"),
        Binding("r", "reveal", "Reveal", tooltip="Show this secret value (this row only)"),
        Binding("s", "save", "Save", tooltip="Show the final diff, then write the file"),
    ]
    # Every key works on the panes' cursor (a decision moves it to the next undecided
    # value); a dialog closing gives the focus back to the panes, which opened it.
    FOCUS_AFTER = {
        "open": "ValuesPanes",
        **dict.fromkeys((b.action for b in BINDINGS if isinstance(b, Binding)), "ValuesPanes"),
    }

    class Opened(Message, bubble=False):
        """Both values files are parsed and aligned (and earlier decisions restored)."""

        def __init__(self, opened: OpenedValues) -> None:
            super().__init__()
            self.opened = opened

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.editing: ValuesEditing | None = None
        self.row_filter = RowFilter.ALL
        self.revealed: str | None = None
        self.busy = "loading"
        self.opening = True  # until the files are shown or the problem opening them is
        self.progress: Progress | None = None
        self.footer_signature: tuple[bool | None, ...] = ()
        self.footer_timer: Timer | None = None
        self.save_flow = SaveFlow(self)
        self.auto_fill_flow = AutoFillFlow(self)
        self.draft_flow = DraftFlow(self)
        self.moves = CursorMoves(self)

    @property
    def merge(self) -> ValuesMerge | None:
        return self.editing.merge if self.editing is not None else None

    def compose(self) -> ComposeResult:
        yield Static(TITLE, id="values-title", markup=False)
        with Horizontal(id="values-titles"):
            yield Static(id="values-left-title", markup=False)
            yield Static(id="values-right-title", markup=False)
        yield LoadingIndicator(id="values-loading")
        yield ValuesPanes(id="values-panes")
        yield Static(id="values-anchor", markup=False)
        yield Static(id="values-detail", markup=False)
        yield Static("Opening the values files…", id="values-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(ValuesPanes).display = False
        self.query_one("#values-loading").display = False
        self.set_timer(INDICATOR_DELAY_S, self.show_indicator)
        pair = self.wizard.pair
        if pair is None:
            self.show_problem("Choose the two releases first (step 1).")
            return
        files = locate_values(pair, self.wizard.context.playbook)
        # Paint the loading indicator before the parse takes the interpreter's attention.
        self.call_after_refresh(self.load, files)

    def on_unmount(self) -> None:
        if self.editing is not None:
            self.editing.close()  # its trees go back to the garbage collector

    def show_indicator(self) -> None:
        """Opening is taking a while: the loading indicator comes up until it ends."""
        if self.opening:
            self.query_one("#values-loading").display = True

    def opened_or_refused(self) -> None:
        self.opening = False
        self.query_one("#values-loading").display = False

    def show_problem(self, message: str) -> None:
        self.opened_or_refused()
        self.query_one("#values-status", Static).update(message)

    # -- loading -----------------------------------------------------------------
    @work(
        thread=True,
        exclusive=True,
        group="values-load",
        exit_on_error=False,
        description="Opening the values files",
    )
    def load(self, files: ValuesFiles) -> None:
        book = self.wizard.context.playbook
        journal = self.journal()
        editing = open_editing(files, book.placeholder_pattern, book.known_placeholders, journal)
        editing.prepare_saving()
        self.post_message(self.Opened(OpenedValues(editing, editing.check_draft())))

    @on(Opened)
    def opened(self, event: Opened) -> None:
        self.install(event.opened.editing)
        self.draft_flow.offer(event.opened.draft)

    def install(self, editing: ValuesEditing) -> None:
        """Show a freshly opened editing session."""
        if self.editing is not None and self.editing is not editing:
            self.editing.close()
        self.editing = editing
        self.busy, self.revealed = "", None
        pair = self.wizard.pair
        assert pair is not None
        self.query_one("#values-left-title", Static).update(f"previous: {pair.previous.name}")
        self.query_one("#values-right-title", Static).update(f"new: {pair.current.name}")
        self.show_title()
        self.opened_or_refused()
        panes = self.query_one(ValuesPanes)
        panes.display = True
        self.refresh_view(None)
        self.focus_after("open")

    def show_title(self) -> None:
        """What the right pane holds: the template, or the work saved (this session or before)."""
        editing = self.editing
        assert editing is not None
        title = f"7. Values — {self.wizard.context.playbook.values_file}: previous settings "
        title += "into the new template"
        if editing.files.resumed:
            title = (
                f"7. Values — continuing your saved work (template kept as "
                f"{editing.files.template.name})"
            )
        # One line, its width the pane's (values.tcss): no new layout of the screen for it.
        self.query_one("#values-title", Static).update(title, layout=False)

    # -- the draft (DraftFlow) -----------------------------------------------------
    def keep_draft(self) -> None:
        """Write the unsaved work as the draft (or remove it), off the event loop."""
        self.draft_flow.keep()

    @on(DraftFlow.NotKept)
    def draft_not_kept(self, event: DraftFlow.NotKept) -> None:
        self.draft_flow.not_kept(event.reason)

    def journal(self) -> Journal | None:
        session = self.wizard.session
        return session.journal if session is not None else None

    # -- workers -------------------------------------------------------------------
    def run_in_thread(self, work: Callable[[], None], *, group: str, description: str) -> None:
        """The values step's worker shape: a thread, failures to the App.

        Draft writes are serialised by the draft store itself: none is cancelled.
        """
        self.run_worker(
            work,
            thread=True,
            group=group,
            exclusive=group != DRAFT_GROUP,
            exit_on_error=False,
            description=description,
        )

    @on(SaveFlow.Planned)
    def save_planned(self, event: SaveFlow.Planned) -> None:
        self.save_flow.review(event.plan)

    @on(SaveFlow.Saved)
    def save_written(self, event: SaveFlow.Saved) -> None:
        self.save_flow.written(event.saved)

    @on(SaveFlow.Refused)
    def save_refused(self, event: SaveFlow.Refused) -> None:
        self.notify(event.message, severity="warning", timeout=8)
        self.moves.go_to_label(event.label)

    @on(AutoFillFlow.Gathered)
    def known_values_gathered(self, event: AutoFillFlow.Gathered) -> None:
        self.auto_fill_flow.preview(event.known)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed load or save frees the keys; the App shows the failure (its one handler)."""
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            if event.worker.group == "values-load":
                self.show_problem("The values files could not be opened (see the message).")
            elif event.worker.group != DRAFT_GROUP:
                self.busy = ""
                if event.worker.group == "values-save":
                    self.save_flow.hold_footer(False)
                self.bindings_changed()
        super().on_worker_state_changed(event)

    # -- the view --------------------------------------------------------------------
    @property
    def panes(self) -> ValuesPanes:
        return self.query_one(ValuesPanes)

    def refresh_view(self, cursor_label: str | None = None) -> None:
        """Re-filter the rows, keep the cursor on ``cursor_label`` (or its position)."""
        editing = self.editing
        if editing is None:
            return
        merge = editing.merge
        panes = self.panes
        label = cursor_label or (panes.current.label if panes.current else None)
        visible = visible_indices(merge.rows, self.row_filter)
        position = panes.cursor
        if label is not None and merge.has_row(label):
            position = bisect_left(visible, merge.index_of(label))
        self.progress = Progress.of(merge, editing.known_placeholders)
        view = PaneRows(
            merge.rows,
            visible,
            merge.pattern,
            merge.decisions,
            self.revealed,
            full_labels=self.row_filter != RowFilter.ALL,
            new_line=editing.line_map,
        )
        panes.show(view, min(position, max(0, len(visible) - 1)))
        self.update_lines()

    def update_lines(self) -> None:
        """Status and detail lines (counters come from the last ``refresh_view``)."""
        editing = self.editing
        if editing is None or self.progress is None:
            return
        merge = editing.merge
        total = len(self.panes.view.visible)
        position = f"{self.panes.cursor + 1 if total else 0}/{total}"
        self.query_one("#values-status", Static).update(
            status_text(self.progress, self.row_filter, position), layout=False
        )
        row = self.panes.current
        decision = merge.decisions.get(row.label) if row is not None else None
        reveal = row is not None and self.revealed == row.label
        self.query_one("#values-detail", Static).update(
            detail_text(row, merge.pattern, reveal, decision, self.row_filter), layout=False
        )
        # An anchored value changes at its aliases too: say so before any edit is made.
        shared = merge.shared_at(row.label) if row is not None else None
        anchor = self.query_one("#values-anchor", Static)
        if shared is not None or anchor.display:
            anchor.update(shared or "")
            anchor.display = shared is not None
        self.bindings_changed()

    def bindings_changed(self) -> None:
        """Refresh the footer only when a key became (un)available, and once keys settle.

        Rebuilding the footer costs far more than moving the cursor; whether a key runs
        is decided by ``check_action`` at the key press, never by the footer.
        """
        signature = tuple(self.check_action(a, ()) for a in sorted(EDITING | MOVING))
        if signature == self.footer_signature:
            return
        self.footer_signature = signature
        if self.footer_timer is not None:
            self.footer_timer.stop()
        self.footer_timer = self.set_timer(FOOTER_SETTLE, self.refresh_bindings)

    @on(ValuesPanes.CursorMoved)
    def cursor_moved(self, event: ValuesPanes.CursorMoved) -> None:
        if self.revealed is not None and (event.row is None or event.row.label != self.revealed):
            self.revealed = None  # a revealed secret is hidden again as soon as the cursor leaves
            self.panes.view.revealed = None
            self.panes.refresh()
        self.update_lines()

    # -- availability ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in EDITING | MOVING:
            return True
        editing = self.editing
        if editing is None or self.busy:
            return None
        merge = editing.merge
        if action in ROW_ACTIONS:
            return RowAction(action) in row_actions(merge, self.moves.current_index()) or None
        if action in ("undo", "redo"):
            return (merge.can_undo if action == "undo" else merge.can_redo) or None
        progress = self.progress
        if action == "auto_fill":
            return (progress is not None and progress.fillable > 0) or None
        if action in ("drop_all", "next_undecided"):
            return (progress is not None and progress.undecided > 0) or None
        if action == "bump_tag":
            return self.tag_to_bump() or None
        return True

    def tag_to_bump(self) -> bool:
        """Whether the image tag exists and is not the current build yet."""
        pair, editing = self.wizard.pair, self.editing
        if pair is None or editing is None:
            return False
        key = self.wizard.context.playbook.image_tag_key
        return image_tag_warning(editing.merge.working, key, pair.current.build) is not None

    # -- navigation (CursorMoves) ----------------------------------------------------
    def action_next_difference(self) -> None:
        self.moves.next_difference()

    def action_previous_difference(self) -> None:
        self.moves.previous_difference()

    def action_next_placeholder(self) -> None:
        self.moves.next_placeholder()

    def action_next_undecided(self) -> None:
        self.moves.next_undecided()

    def action_cycle_filter(self) -> None:
        self.moves.cycle_filter()

    def action_search(self) -> None:
        self.moves.search()

    def action_reveal(self) -> None:
        row = self.panes.current
        if row is None or not row.secret:
            return
        self.revealed = None if self.revealed == row.label else row.label
        self.panes.view.revealed = self.revealed
        self.panes.refresh()
        self.update_lines()

    # -- operations ------------------------------------------------------------------
    def apply(self, op: Operation) -> bool:
        """Run one operation; a refusal is told to the operator and changes nothing."""
        editing = self.editing
        if editing is None or self.busy:
            return False
        label = self.panes.current.label if self.panes.current else None
        shared = editing.merge.shared_at(label) if label is not None else None
        try:
            command = editing.apply(op)
        except ValueEditRefused as exc:
            message = exc.message if not op.secret else f"{op.label}: the value typed was refused"
            hint = exc.hint if not op.secret else "type one value; quote it to keep it as text"
            self.notify(f"{message}. {hint}" if hint else message, severity="warning")
            return False
        self.keep_draft()
        self.refresh_view(label)
        # After auto-fill, on to what it could not do.
        if op.kind == OperationKind.AUTO_FILL and not self.moves.next_placeholder():
            self.next_decision()
        if shared is not None and command.edits:
            self.notify(
                shared.removeprefix("⚠ ").split(" — ")[0] + ": all of them changed.",
                severity="warning",
                timeout=5,
            )
        return True

    def current_label(self) -> str:
        row = self.panes.current
        assert row is not None
        return row.label

    def on_row(self, kind: OperationKind) -> bool:
        return self.apply(Operation(kind, self.current_label()))

    def action_port(self) -> None:
        self.on_row(OperationKind.PORT)

    def action_port_subtree(self) -> None:
        self.on_row(OperationKind.PORT_SUBTREE)

    def action_keep(self) -> None:
        self.on_row(OperationKind.KEEP)

    def action_carry(self) -> None:
        if self.on_row(OperationKind.CARRY):
            self.next_decision()

    def action_drop(self) -> None:
        if self.on_row(OperationKind.DROP):
            self.next_decision()

    def next_decision(self) -> None:
        """After a decision, on to the next previous value still undecided (if any)."""
        if self.progress is not None and self.progress.undecided:
            self.moves.next_undecided()

    def action_drop_all(self) -> None:
        editing = self.editing
        if editing is None or self.busy:
            return
        try:
            op = editing.drop_all_operation()
        except ValueEditRefused as exc:
            self.notify(exc.message, timeout=3)
            return
        rows = editing.undecided()

        def typed(answer: TypedPhrase | None) -> None:
            journal = self.journal()
            if answer is not None and self.apply(op) and journal is not None:
                editing.journal_drop_all(journal, op, answer.phrase)

        self.app.push_screen(drop_all_dialog(rows, editing.merge.pattern), typed)

    def action_edit(self) -> None:
        row = self.panes.current
        if row is None:
            return
        label, secret = row.label, row.secret and self.revealed != row.label

        def typed(entered: EnteredText | None) -> None:
            if entered is not None:
                self.apply(Operation(OperationKind.EDIT, label, entered.value, secret=row.secret))

        self.app.push_screen(edit_dialog(label, row.new_text, secret), typed)

    def action_bump_tag(self) -> None:
        pair = self.wizard.pair
        assert pair is not None
        key = self.wizard.context.playbook.image_tag_key
        if self.apply(Operation(OperationKind.IMAGE_TAG, key, pair.current.build)):
            self.notify(f"{key} set to {pair.current.build}.", timeout=3)

    def action_undo(self) -> None:
        self.history(undo=True)

    def action_redo(self) -> None:
        self.history(undo=False)

    def history(self, undo: bool) -> None:
        editing = self.editing
        if editing is None or self.busy:
            return
        label = self.panes.current.label if self.panes.current else None
        command = editing.undo() if undo else editing.redo()
        if command is None:
            return
        self.notify(f"{'Undone' if undo else 'Redone'}: {command.title}", timeout=3)
        self.keep_draft()
        self.refresh_view(label)

    def action_auto_fill(self) -> None:
        self.auto_fill_flow.start()

    def action_save(self) -> None:
        self.save_flow.start()

    def unsaved_work(self) -> str | None:
        """What leaving now would lose: edits or decisions that differ from the saved file."""
        if self.editing is None or not self.editing.merge.has_unsaved_changes():
            return None
        name = self.wizard.context.playbook.values_file
        return (
            f"Your changes to {name} are not saved (s saves them). Leaving keeps them only as a "
            "draft, offered back when the step opens again."
        )
