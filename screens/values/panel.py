"""Step 7 — Values: merge the previous release's settings into the new values template.

The panes show the previous file (left) and the file being edited (right), aligned by
key path. Every change goes through the core's ``ValuesMerge`` (undoable commands);
saving goes through ``plan_save`` (the diff, shown first) and ``commit`` (backup,
atomic write, verification). Values under secret-looking keys stay masked; ``r``
shows the one under the cursor until the cursor moves.
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

from tui.core.values.alignment import Presence, Row, RowStatus
from tui.core.values.commands import Command
from tui.core.values.merge import ValuesMerge
from tui.core.values.save import prefetch_layout
from tui.core.values.scalars import ValueEditRefused
from tui.resources import STYLES
from tui.screens.base import StepPanel
from tui.screens.values.autofill import AutoFillFlow
from tui.screens.values.dialogs import EnteredText, edit_dialog, search_dialog
from tui.screens.values.files import (
    KEEPABLE,
    ValuesFiles,
    locate_values,
    open_merge,
    restore_decisions,
)
from tui.screens.values.save_flow import SaveFlow
from tui.screens.values.view import (
    FILTERS,
    StatusCounts,
    detail_text,
    fillable_count,
    find_row,
    has_children,
    image_tag_warning,
    is_difference,
    kept_differences,
    status_text,
    undecided_orphans,
    visible_indices,
)
from tui.widgets.values_panes import PaneRows, ValuesPanes
from tui.wizard import Wizard

# Actions that need a loaded merge and no save in flight.
EDITING = {"port", "port_subtree", "edit", "keep", "carry", "drop", "undo", "redo"}
EDITING |= {"auto_fill", "bump_tag", "save"}
MOVING = {"next_difference", "previous_difference", "next_placeholder", "search"}
MOVING |= {"cycle_filter", "reveal"}
FOOTER_SETTLE = 0.12  # seconds without a change of available keys before the footer redraws


TITLE = "7. Values — previous settings into the new template"
VALUES_CSS = (STYLES / "values.tcss").read_text(encoding="utf-8")
ANCHOR_CSS = """
#values-anchor { height: 1; display: none; color: $warning; text-style: bold;
                 text-wrap: nowrap; text-overflow: ellipsis; }
"""


@dataclass(frozen=True)
class OpenedFiles:
    """The files the step works on, and their merge as loaded."""

    files: ValuesFiles
    merge: ValuesMerge


class ValuesPanel(StepPanel):
    """The values merge editor."""

    STEP_ID = "values"
    DEFAULT_CSS = VALUES_CSS + ANCHOR_CSS
    SCOPED_CSS = False
    BINDINGS = [
        Binding("n", "next_difference", "Next diff", tooltip="Next difference"),
        Binding("N", "previous_difference", "Prev diff", tooltip="Previous difference"),
        Binding("p", "next_placeholder", "Placeholder", tooltip="Next placeholder to fill"),
        Binding("right,space", "port", "Port", tooltip="Port the previous value to the new file"),
        Binding(
            "P,shift+right",
            "port_subtree",
            "Port subtree",
            tooltip="Port every previous value under the cursor's key",
        ),
        Binding("e", "edit", "Edit", tooltip="Edit the new value in place"),
        Binding("k", "keep", "Keep", tooltip="Keep the new file's value (decided)"),
        Binding("c", "carry", "Carry", tooltip="Carry the orphan into the new file"),
        Binding("x", "drop", "Drop", tooltip="Drop the orphan knowingly"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+y,U", "redo", "Redo"),
        Binding("slash", "search", "Search", tooltip="Search by key path"),
        Binding(
            "f", "cycle_filter", "Filter", tooltip="All / differences / placeholders / orphans"
        ),
        Binding("a", "auto_fill", "Auto-fill", tooltip="Fill placeholders the wizard can fill"),
        Binding("t", "bump_tag", "Image tag", tooltip="Set the image tag to the current build"),
        Binding("r", "reveal", "Reveal", tooltip="Show this secret value (this row only)"),
        Binding("s", "save", "Save", tooltip="Show the final diff, then write the file"),
    ]

    class Opened(Message, bubble=False):
        """Both values files are parsed and aligned (and earlier decisions restored)."""

        def __init__(self, opened: OpenedFiles) -> None:
            super().__init__()
            self.opened = opened

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.files: ValuesFiles | None = None
        self.merge: ValuesMerge | None = None
        self.filter_name = FILTERS[0]
        self.revealed: str | None = None
        self.busy = "loading"
        self.fillable = 0
        self.counts = StatusCounts(0, 0, 0, False)
        self.footer_signature: tuple[bool | None, ...] = ()
        self.footer_timer: Timer | None = None

        self.save_flow = SaveFlow(self)
        self.auto_fill_flow = AutoFillFlow(self)

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
        pair = self.wizard.pair
        if pair is None:
            self.show_problem("Choose the two releases first (step 1).")
            return
        self.files = locate_values(pair, self.wizard.context.playbook)
        # Paint the loading indicator before the parse takes the interpreter's attention.
        self.call_after_refresh(self.load, self.files)

    def show_problem(self, message: str) -> None:
        self.query_one("#values-loading").display = False
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
        merge = open_merge(files, self.wizard.context.playbook.placeholder_pattern)
        session = self.wizard.session
        if files.resumed and session is not None:
            restore_decisions(merge, list(session.journal.records))
        merge.mark_saved()  # the file as loaded is the saved state: taken here, not at a key
        self.post_message(self.Opened(OpenedFiles(files, merge)))
        prefetch_layout(merge)  # the template's layout, in a child, ready for the first save

    @on(Opened)
    def opened(self, event: Opened) -> None:
        self.install(event.opened.files, event.opened.merge, None)

    def install(self, files: ValuesFiles, merge: ValuesMerge, cursor_label: str | None) -> None:
        """Show a freshly opened merge (first load, or the reload after a save)."""
        self.files, self.merge = files, merge
        self.busy, self.revealed = "", None
        pair = self.wizard.pair
        assert pair is not None
        book = self.wizard.context.playbook
        self.query_one("#values-left-title", Static).update(
            f"previous: {pair.previous.name}/{book.values_file}"
        )
        self.query_one("#values-right-title", Static).update(
            f"new: {pair.current.name}/{book.values_file}"
        )
        if files.resumed:
            self.query_one("#values-title", Static).update(
                f"7. Values — continuing your saved work (template kept as {files.template.name})"
            )
        self.query_one("#values-loading").display = False
        panes = self.query_one(ValuesPanes)
        panes.display = True
        self.refresh_view(cursor_label)
        panes.focus()

    def run_in_thread(self, work: Callable[[], None], *, group: str, description: str) -> None:
        """The values step's worker shape: a thread, one per group, failures to the App."""
        self.run_worker(
            work,
            thread=True,
            group=group,
            exclusive=True,
            exit_on_error=False,
            description=description,
        )

    @on(SaveFlow.Planned)
    def save_planned(self, event: SaveFlow.Planned) -> None:
        self.save_flow.review(event.plan)

    @on(SaveFlow.Saved)
    def save_written(self, event: SaveFlow.Saved) -> None:
        self.save_flow.written(event.saved)

    @on(SaveFlow.Reopened)
    def save_reopened(self, event: SaveFlow.Reopened) -> None:
        self.save_flow.reopened(event.reopened)

    @on(AutoFillFlow.Gathered)
    def known_values_gathered(self, event: AutoFillFlow.Gathered) -> None:
        self.auto_fill_flow.preview(event.known)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed load or save frees the keys; the App shows the failure (its one handler)."""
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            if event.worker.group == "values-load":
                self.show_problem("The values files could not be opened (see the message).")
            else:
                self.busy = ""
                self.bindings_changed()
        super().on_worker_state_changed(event)

    # -- the view --------------------------------------------------------------------
    @property
    def panes(self) -> ValuesPanes:
        return self.query_one(ValuesPanes)

    def refresh_view(self, cursor_label: str | None = None) -> None:
        """Re-filter the rows, keep the cursor on ``cursor_label`` (or its position)."""
        merge = self.merge
        if merge is None:
            return
        panes = self.panes
        label = cursor_label or (panes.current.label if panes.current else None)
        visible = visible_indices(merge.rows, self.filter_name)
        position = panes.cursor
        if label is not None:
            wanted = next((i for i, r in enumerate(merge.rows) if r.label == label), None)
            if wanted is not None:
                position = bisect_left(visible, wanted)
        counters = merge.counters()
        kept = kept_differences(merge.rows, merge.decisions)
        self.counts = StatusCounts(
            counters.placeholders,
            counters.differs - kept,
            undecided_orphans(merge.rows, merge.decisions),
            merge.has_unsaved_changes(),  # what the quit guard compares: content, not a count
            kept,
        )
        view = PaneRows(
            merge.rows,
            visible,
            merge.pattern,
            merge.decisions,
            self.revealed,
            full_labels=self.filter_name != "all",
        )
        book = self.wizard.context.playbook
        self.fillable = fillable_count(merge.rows, merge.pattern, book.known_placeholders)
        panes.show(view, min(position, max(0, len(visible) - 1)))
        self.update_lines()

    def update_lines(self) -> None:
        """Status and detail lines (counters come from the last ``refresh_view``)."""
        merge = self.merge
        if merge is None:
            return
        total = len(self.panes.view.visible)
        position = f"{self.panes.cursor + 1 if total else 0}/{total}"
        self.query_one("#values-status", Static).update(
            status_text(self.counts, self.filter_name, position), layout=False
        )
        row = self.panes.current
        decision = merge.decisions.get(row.label) if row is not None else None
        reveal = row is not None and self.revealed == row.label
        self.query_one("#values-detail", Static).update(
            detail_text(row, merge.pattern, reveal, decision), layout=False
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

    def current_index(self) -> int | None:
        view = self.panes.view
        return view.visible[self.panes.cursor] if view.visible else None

    def go_to(self, index: int) -> None:
        """Put the cursor on ``merge.rows[index]``, showing all rows if the filter hides it."""
        assert self.merge is not None
        label = self.merge.rows[index].label
        if index not in self.panes.view.visible:
            self.filter_name = "all"
        self.refresh_view(label)

    # -- availability ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in EDITING | MOVING:
            return True
        merge, index = self.merge, self.current_index()
        if merge is None or self.busy:
            return None
        if action in ("undo", "redo"):
            return (merge.can_undo if action == "undo" else merge.can_redo) or None
        if action == "auto_fill":
            return self.fillable > 0 or None
        if action == "bump_tag":
            return self.tag_to_bump() or None
        if action not in ("port", "port_subtree", "edit", "keep", "carry", "drop", "reveal"):
            return True
        if index is None:
            return None
        row, children = merge.rows[index], has_children(merge.rows, index)
        decided = merge.decisions.get(row.label)
        allowed = {
            "port": row.prev_path is not None
            and (not children or row.presence == Presence.PREV_ONLY),
            "port_subtree": row.prev_path is not None and children,
            "edit": row.new_path is not None and not children,
            # On a placeholder, k runs to say why it is refused (Helm would deploy it literally).
            "keep": row.new_path is not None
            and row.status in (*KEEPABLE, RowStatus.PLACEHOLDER)
            and decided is None,
            "carry": row.presence == Presence.PREV_ONLY,
            "drop": row.presence == Presence.PREV_ONLY and decided is None,
            "reveal": row.secret and not row.container,
        }
        return allowed[action] or None

    def tag_to_bump(self) -> bool:
        """Whether the image tag exists and is not the current build yet."""
        pair, merge = self.wizard.pair, self.merge
        if pair is None or merge is None:
            return False
        key = self.wizard.context.playbook.image_tag_key
        return image_tag_warning(merge.working, key, pair.current.build) is not None

    # -- navigation ------------------------------------------------------------------
    def jump(self, test: Callable[[Row], bool], step: int, what: str) -> None:
        merge, index = self.merge, self.current_index()
        if merge is None or not merge.rows:
            return
        found = find_row(merge.rows, index if index is not None else -1, test, step)
        if found is None:
            self.notify(f"No {what} left.", timeout=3)
            return
        target, wrapped = found
        if wrapped:
            self.notify(
                f"Wrapped around to the {'first' if step > 0 else 'last'} {what}.", timeout=2
            )
        self.go_to(target)

    def action_next_difference(self) -> None:
        self.jump(is_difference, 1, "difference")

    def action_previous_difference(self) -> None:
        self.jump(is_difference, -1, "difference")

    def action_next_placeholder(self) -> None:
        self.jump(lambda row: row.status == RowStatus.PLACEHOLDER, 1, "placeholder")

    def action_cycle_filter(self) -> None:
        self.filter_name = FILTERS[(FILTERS.index(self.filter_name) + 1) % len(FILTERS)]
        self.refresh_view()

    def action_search(self) -> None:
        def found(entered: EnteredText | None) -> None:
            if entered is None or not entered.value or self.merge is None:
                return
            text = entered.value
            needle = text.strip().lower()
            start = self.current_index()
            hit = find_row(
                self.merge.rows,
                -1 if start is None else start,
                lambda row: needle in row.label.lower(),
                1,
            )
            if hit is None:
                self.notify(f"No key path contains “{text.strip()}”.", severity="warning")
                return
            self.go_to(hit[0])

        self.app.push_screen(search_dialog(), found)

    def action_reveal(self) -> None:
        row = self.panes.current
        if row is None or not row.secret:
            return
        self.revealed = None if self.revealed == row.label else row.label
        self.panes.view.revealed = self.revealed
        self.panes.refresh()
        self.update_lines()

    # -- operations ------------------------------------------------------------------
    def run(self, operation: Callable[[ValuesMerge], Command | None], secret: bool = False) -> bool:
        """Apply one operation; a refusal is told to the operator and changes nothing."""
        if self.merge is None or self.busy:
            return False
        label = self.panes.current.label if self.panes.current else None
        shared = self.merge.shared_at(label) if label is not None else None
        try:
            command = operation(self.merge)
        except ValueEditRefused as exc:
            message = exc.message if not secret else f"{label}: the value typed was refused"
            hint = exc.hint if not secret else "type one value; quote it to keep it as text"
            self.notify(f"{message}. {hint}" if hint else message, severity="warning")
            return False
        if command is None:
            self.notify("Nothing to change.", timeout=3)
            return False
        self.refresh_view(label)
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

    def action_port(self) -> None:
        label = self.current_label()
        self.run(lambda merge: merge.port(label))

    def action_port_subtree(self) -> None:
        label = self.current_label()
        self.run(lambda merge: merge.port_subtree(label))

    def action_keep(self) -> None:
        label = self.current_label()
        self.run(lambda merge: merge.keep_template(label))

    def action_carry(self) -> None:
        label = self.current_label()
        self.run(lambda merge: merge.carry_orphan(label))

    def action_drop(self) -> None:
        label = self.current_label()
        self.run(lambda merge: merge.drop_orphan(label))

    def action_edit(self) -> None:
        row = self.panes.current
        if row is None:
            return
        label, secret = row.label, row.secret and self.revealed != row.label

        def typed(entered: EnteredText | None) -> None:
            if entered is not None:
                self.run(lambda merge: merge.edit(label, entered.value), secret=row.secret)

        self.app.push_screen(edit_dialog(label, row.new_text, secret), typed)

    def action_bump_tag(self) -> None:
        pair = self.wizard.pair
        assert pair is not None
        key = self.wizard.context.playbook.image_tag_key
        if self.run(lambda merge: merge.set_image_tag(key, pair.current.build)):
            self.notify(f"{key} set to {pair.current.build}.", timeout=3)

    def action_undo(self) -> None:
        self.history(undo=True)

    def action_redo(self) -> None:
        self.history(undo=False)

    def history(self, undo: bool) -> None:
        if self.merge is None or self.busy:
            return
        label = self.panes.current.label if self.panes.current else None
        command = self.merge.undo() if undo else self.merge.redo()
        if command is None:
            return
        self.notify(f"{'Undone' if undo else 'Redone'}: {command.title}", timeout=3)
        self.refresh_view(label)

    def action_auto_fill(self) -> None:
        self.auto_fill_flow.start()

    def action_save(self) -> None:
        self.save_flow.start()

    def unsaved_work(self) -> str | None:
        """What leaving now would lose: edits or decisions that differ from the saved file."""
        if self.merge is None or not self.merge.has_unsaved_changes():
            return None
        name = self.wizard.context.playbook.values_file
        return f"Your changes to {name} are not saved (s saves them). Leaving now discards them."
