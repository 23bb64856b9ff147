"""Step 4 — Carry-over: the playbook's file operations previewed, then applied and verified.

The option (A or B.2) is re-derived from disk with the backend detection every time
the step is shown, so a restart needs nothing but the release directories.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from tui.core.errors import MocmError
from tui.core.playbook.load import Playbook
from tui.core.tofu.backend.detect import detect_backend
from tui.core.tofu.carry_over.apply import FileChange, apply_carry_over, journal_change
from tui.core.tofu.carry_over.model import CarryOverPreview
from tui.core.tofu.carry_over.preview import preview_carry_over
from tui.resources import STYLES
from tui.screens.base import StepPanel
from tui.screens.carry_over.render import (
    apply_question,
    checksum_cell,
    columns_for,
    detail_text,
    relative,
    short_sha,
    status_cell,
    summary_text,
)
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.theme import rich_text
from tui.wizard import Wizard


@dataclass(frozen=True)
class CarryOverApplied:
    """What the carry-over wrote, and the preview taken again right after (the check)."""

    written: tuple[FileChange, ...]
    after: CarryOverPreview


class DetailPane(VerticalScroll):
    """The chosen row's detail in full (paths, both checksums). Enter on the table comes
    here, the arrows scroll it (at 80×24 it shows a few lines), Esc goes back."""

    BINDINGS = [Binding("escape", "leave_detail", "Back to the table", show=False)]

    class Left(Message):
        """Esc: the operator is done reading."""

    def action_leave_detail(self) -> None:
        self.post_message(self.Left())


class CarryOverPanel(StepPanel):
    """Preview the carry-over, apply it on request, verify it by previewing again."""

    STEP_ID = "carry_over"
    DEFAULT_CSS = (STYLES / "carry_over.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        Binding("a", "apply", "Apply…", tooltip="Write the previewed changes (asks first)"),
        Binding("r", "preview", "Preview", tooltip="Read both releases again"),
    ]
    FOCUS_AFTER = {
        "preview": "#co-apply, #co-table",  # something to write: Apply; else the table (F3)
        "preview.failed": "#co-preview",  # the retry
        "apply": "#co-table",  # written and verified: the table reads "nothing left"; F3
        "apply.failed": "#co-apply, #co-preview",  # the retry
        "detail": "#co-detail-scroll",  # Enter on a row: read its detail, arrows scroll
        "leave_detail": "#co-table",  # Esc: back to the row
    }

    class Previewed(Message, bubble=False):
        def __init__(self, preview: CarryOverPreview) -> None:
            super().__init__()
            self.preview = preview

    class PreviewFailed(Message, bubble=False):
        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    class FileChanged(Message, bubble=False):
        """The carry-over wrote one file (journaled as it happens)."""

        def __init__(self, change: FileChange) -> None:
            super().__init__()
            self.change = change

    class Applied(Message, bubble=False):
        def __init__(self, applied: CarryOverApplied) -> None:
            super().__init__()
            self.applied = applied

    class Idle(Message, bubble=False):
        """The preview or the apply ended, however it ended: the keys are free again."""

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.preview: CarryOverPreview | None = None
        self.busy = False
        self.applying = False  # an apply runs: its end without Applied focuses the retry
        self.written: tuple[FileChange, ...] = ()
        self.columns_width = 0  # the table width the columns were laid out for

    def compose(self) -> ComposeResult:
        yield Static("4. Carry-over", classes="step-title")
        yield Static("Reading both releases…", id="co-summary", markup=False)
        yield DataTable(id="co-table", cursor_type="row", zebra_stripes=True)
        detail = DetailPane(id="co-detail-scroll")
        detail.border_title = "detail · Enter on a row reads it, Esc back"
        with detail:
            yield Static(id="co-detail", markup=False)
        yield Static(id="co-result", markup=False)
        with Horizontal(id="co-buttons"):
            yield Button("Preview again (r)", id="co-preview", compact=True)
            yield Button("Apply (a)", id="co-apply", compact=True, variant="warning")

    def on_mount(self) -> None:
        self.query_one("#co-result").display = False
        self.action_preview()

    def on_resize(self, event: events.Resize) -> None:
        if self.preview is not None and self.table_width() != self.columns_width:
            self.show_preview(self.preview)

    def table_width(self) -> int:
        return self.query_one("#co-table", DataTable).size.width or self.size.width

    # -- preview --------------------------------------------------------------------
    def action_preview(self) -> None:
        pair = self.wizard.pair
        if pair is None or self.busy:
            return
        self.busy = True
        self.refresh_controls()
        self.make_preview(pair.previous.terraform, pair.current.terraform, self.playbook)

    @property
    def playbook(self) -> Playbook:
        return self.wizard.context.playbook

    @work(
        thread=True, exclusive=True, group="carry-over", exit_on_error=False, description="Preview"
    )
    def make_preview(self, source: Path, destination: Path, book: Playbook) -> None:
        try:
            preview = _preview(source, destination, book)
        except MocmError as exc:
            self.post_message(self.PreviewFailed(exc))
            return
        finally:
            self.post_message(self.Idle())
        self.post_message(self.Previewed(preview))

    @on(Idle)
    def not_busy(self) -> None:
        self.busy = False
        self.refresh_controls()
        if self.applying:  # Applied, when it comes next, focuses past the retry
            self.applying = False
            self.focus_after("apply.failed")

    @on(Previewed)
    def previewed(self, event: Previewed) -> None:
        self.show_preview(event.preview)
        self.focus_after("preview")

    @on(PreviewFailed)
    def cannot_preview(self, event: PreviewFailed) -> None:
        exc = event.error
        self.preview = None
        self.query_one("#co-table", DataTable).clear()
        self.query_one("#co-summary", Static).update(
            Content.styled(f"{exc.message} {exc.hint}".strip(), "bold $error")
        )
        self.complete = False
        self.refresh_controls()
        self.focus_after("preview.failed")

    def show_preview(self, preview: CarryOverPreview) -> None:
        """Render the operations; the step is complete when nothing is left to write."""
        self.preview = preview
        table = self.query_one("#co-table", DataTable)
        row = table.cursor_row
        # Fixed widths that wrap (a long reason makes a taller row, never a 1-column one);
        # the checksums only when there is room (the detail below shows them in full).
        self.columns_width = self.table_width()
        ops = preview.operations
        columns = columns_for(
            self.columns_width,
            max((len(op.name) for op in ops), default=0),
            max((len(checksum_cell(op)) for op in ops), default=6),
            max((len(op.reason) for op in ops), default=0),
        )
        table.clear(columns=True)
        for name, width in columns:
            table.add_column(name, width=width, key=name)
        for index, op in enumerate(preview.operations):
            cells = {
                "status": rich_text(status_cell(op), self.app),
                "file": op.name,
                "sha256": checksum_cell(op),
                "what happens": op.reason,
            }
            table.add_row(*(cells[name] for name, _ in columns), key=str(index), height=None)
        table.move_cursor(row=min(max(row, 0), len(preview.operations) - 1))
        self.query_one("#co-summary", Static).update(summary_text(preview))
        self.show_detail()
        self.complete = not preview.blocked and not preview.changes
        self.refresh_controls()

    @on(DataTable.RowHighlighted, "#co-table")
    def show_detail(self) -> None:
        preview = self.preview
        row = self.query_one("#co-table", DataTable).cursor_row
        detail = self.query_one("#co-detail", Static)
        if preview is None or not 0 <= row < len(preview.operations):
            detail.update("")
            return
        detail.update(detail_text(preview.operations[row], preview))

    @on(DataTable.RowSelected, "#co-table")
    def read_detail(self) -> None:
        self.focus_after("detail")

    @on(DetailPane.Left)
    def leave_detail(self) -> None:
        self.focus_after("leave_detail")

    # -- apply ----------------------------------------------------------------------
    def action_apply(self) -> None:
        preview, session = self.preview, self.wizard.session
        if preview is None or session is None or self.busy:
            return
        if preview.blocked:
            self.notify("The carry-over is blocked: nothing was written.", severity="error")
            return
        if not preview.changes:
            return

        def answered(apply: bool | None) -> None:
            if apply and self.preview is preview and not self.busy:
                self.busy = self.applying = True
                self.refresh_controls()
                self.apply(preview, self.playbook)

        title, body = apply_question(preview)
        self.app.push_screen(
            ConfirmDialog(title, body, confirm="Apply", destructive=True, key="a"), answered
        )

    @work(thread=True, group="carry-over", exit_on_error=False, description="Carry-over")
    def apply(self, preview: CarryOverPreview, book: Playbook) -> None:
        def journaled(change: FileChange) -> None:
            self.post_message(self.FileChanged(change))

        try:
            written = apply_carry_over(preview, book, journaled)
            after = _preview(preview.source_dir, preview.destination_dir, book)
        finally:
            self.post_message(self.Idle())
        self.post_message(self.Applied(CarryOverApplied(written, after)))

    @on(FileChanged)
    def file_changed(self, event: FileChanged) -> None:
        session = self.wizard.session
        if session is not None:
            journal_change(session.journal, event.change, self.step_id)

    @on(Applied)
    def applied(self, event: Applied) -> None:
        written, after = event.applied.written, event.applied.after
        self.written = written
        lines = [
            f"{change.op:<7} {relative(change.path, after)} sha256 {short_sha(change.sha256_after)}"
            for change in written
        ]
        verified = not after.changes and not after.blocked
        head = (
            f"Applied: {len(written)} file operation(s), journaled; a second preview finds "
            "nothing left to write — verified."
            if verified
            else "Applied, but a second preview still finds changes: look at the table."
        )
        result = self.query_one("#co-result", Static)
        result.update(
            Content.styled(head + "\n" + "\n".join(lines), "$success" if verified else "$warning")
        )
        result.display = True
        self.show_preview(after)
        self.focus_after("apply")

    # -- keys -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            preview = self.preview
            ready = preview is not None and not preview.blocked and bool(preview.changes)
            return (ready and not self.busy) or None
        if action == "preview":
            return not self.busy or None
        return True

    def refresh_controls(self) -> None:
        self.query_one("#co-apply", Button).disabled = not self.check_action("apply", ())
        self.query_one("#co-preview", Button).disabled = not self.check_action("preview", ())
        self.refresh_bindings()

    @on(Button.Pressed, "#co-apply")
    def apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#co-preview")
    def preview_pressed(self) -> None:
        self.action_preview()


def _preview(source: Path, destination: Path, book: Playbook) -> CarryOverPreview:
    """The option from the backend detection on disk, then the core's preview."""
    option = detect_backend(source, book).option
    if not option:
        raise MocmError(
            "The backend is not decided yet: the previous release is neither Option A (local "
            "state) nor B.2 (state in S3).",
            "Finish the Backend step (3) first.",
        )
    return preview_carry_over(source, destination, book, remote=option == "B.2")
