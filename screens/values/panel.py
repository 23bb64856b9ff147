"""Step 7 — Values: merge the previous release's settings into the new values template.

The panes show the previous file (left) and the file being edited (right), aligned by
key path. Every change goes through the core's ``ValuesMerge`` (undoable commands);
saving goes through ``plan_save`` (the diff, shown first) and ``commit`` (backup,
atomic write, verification). Values under secret-looking keys stay masked; ``r``
shows the one under the cursor until the cursor moves.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from tui.core.values.alignment import Row, RowStatus
from tui.core.values.commands import Command
from tui.core.values.merge import ValuesMerge
from tui.core.values.save import prefetch_layout
from tui.core.values.scalars import ValueEditRefused
from tui.resources import STYLES
from tui.screens.values.autofill import AutoFillFlow
from tui.screens.values.dialogs import EnteredText, edit_dialog, search_dialog
from tui.screens.values.files import ValuesFiles, locate_values, open_merge, restore_decisions
from tui.screens.values.save_flow import SaveFlow
from tui.screens.values.view import (
    FILTERS,
    find_row,
    is_difference,
)
from tui.screens.values.view_state import ValuesStepBase
from tui.widgets.values_panes import ValuesPanes

TITLE = "7. Values — previous settings into the new template"
VALUES_CSS = (STYLES / "values.tcss").read_text(encoding="utf-8")
ANCHOR_CSS = """
#values-anchor { height: 1; display: none; color: $warning; text-style: bold;
                 text-wrap: nowrap; text-overflow: ellipsis; }
"""


class ValuesPanel(ValuesStepBase):
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

    def __init__(self) -> None:
        super().__init__()
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
    @work(thread=True, exclusive=True, group="values-load", exit_on_error=False,
          description="Opening the values files")  # fmt: skip
    def load(self, files: ValuesFiles) -> None:
        merge = open_merge(files, self.wizard.context.playbook.placeholder_pattern)
        session = self.wizard.session
        if files.resumed and session is not None:
            restore_decisions(merge, list(session.journal.records))
        merge.mark_saved()  # the file as loaded is the saved state: taken here, not at a key
        self.app.call_from_thread(self.install, files, merge, None)
        prefetch_layout(merge)  # the template's layout, in a child, ready for the first save

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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker.StateChanged does not bubble: hand failures to the App's one error handler.
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            if event.worker.group == "values-load":
                self.show_problem("The values files could not be opened (see the message).")
            else:
                self.busy = ""
                self.bindings_changed()
        self.wizard.on_worker_state_changed(event)

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
            self.notify(f"Wrapped around to the {'first' if step > 0 else 'last'} {what}.",
                        timeout=2)  # fmt: skip
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
            hit = find_row(self.merge.rows, -1 if start is None else start,
                           lambda row: needle in row.label.lower(), 1)  # fmt: skip
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
            self.notify(shared.removeprefix("⚠ ").split(" — ")[0] + ": all of them changed.",
                        severity="warning", timeout=5)  # fmt: skip
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
