"""Step 2 — Preflight: every check as pass / warn / fail, the state backup, waivers, snapshots.

The checks run in a thread worker (tools through the core's async ``check_tools``
with the wizard's tofu binary and environment; AWS through ``wizard.aws()``).
Waivers and backups are read back from the journal, so a restart keeps them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from tui.core.aws.session import EnvSession
from tui.core.playbook.load import Playbook
from tui.core.preflight.checklist import (
    PreflightReport,
    PreflightSettings,
    record_waivers,
    run_preflight,
)
from tui.core.preflight.readback import (
    BACKUP_ITEM,
    backup_item,
    backup_ready,
    blocking,
    is_waived,
    waiver_reason,
    with_journaled_backup,
)
from tui.core.preflight.result import CheckResult, CheckStatus
from tui.resources import STYLES
from tui.screens.base import StepPanel
from tui.screens.preflight.backup import BackupLine
from tui.screens.preflight.render import (
    attention_row,
    detail_text,
    first_line_cut,
    status_cell,
    summary_text,
)
from tui.screens.preflight.snapshot import SnapshotLine
from tui.widgets.dialogs.reason import GivenReason, ReasonDialog
from tui.widgets.theme import rich_text
from tui.wizard import Wizard


class PreflightPanel(StepPanel):
    """Run the checks, show them, take the backup, record waivers."""

    STEP_ID = "preflight"
    DEFAULT_CSS = (STYLES / "preflight.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        Binding("r", "refresh", "Re-run checks", tooltip="Run every check again"),
        Binding("b", "backup", "Back up state", tooltip="Copy the state to its .pre-upgrade file"),
        Binding("w", "waive", "Waive item", tooltip="Go on despite the highlighted item"),
        Binding("s", "snapshot", "Snapshot", tooltip="Optional ElastiCache / RDS snapshot"),
    ]
    FOCUS_AFTER = {
        "refresh": "#pf-checks",  # the results: waive (w) or back up (b) from the row
        "refresh.failed": "#pf-refresh",  # the retry
        "backup": "#pf-checks",  # the backup row now says what was taken
        "waive": "#pf-checks",  # the cursor stays on the waived row
        "snapshot": "#pf-checks",
    }

    class Reported(Message, bubble=False):
        """Every check ran: the report."""

        def __init__(self, report: PreflightReport) -> None:
            super().__init__()
            self.report = report

    class ChecksEnded(Message, bubble=False):
        """The checks' worker ended, however it ended."""

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.report: PreflightReport | None = None
        self.running = False
        self.cursor_placed = False

    def compose(self) -> ComposeResult:
        yield Static("2. Preflight", classes="step-title")
        yield Static("Running the checks…", id="pf-summary", markup=False)
        yield DataTable(id="pf-checks", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="pf-detail-scroll"):
            yield Static(id="pf-detail", markup=False)
        yield BackupLine()
        yield SnapshotLine()
        with Horizontal(id="pf-buttons"):
            yield Button("Re-run (r)", id="pf-refresh", compact=True)
            yield Button("Back up state (b)", id="pf-backup-now", compact=True)
            yield Button("Waive (w)", id="pf-waive", compact=True)
            yield Button("Snapshot (s)", id="pf-snap", compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#pf-checks", DataTable)
        table.add_columns("status", "item", "found", "what to do")
        self.query_one("#pf-backup").display = False
        self.query_one("#pf-snapshot").display = False
        self.action_refresh()

    # -- checks -------------------------------------------------------------------
    def terraform_dir(self) -> Path | None:
        pair = self.wizard.pair
        return pair.previous.terraform if pair is not None else None

    def action_refresh(self) -> None:
        where = self.terraform_dir()
        if where is None:
            self.query_one("#pf-summary", Static).update("Choose the releases first (step 1).")
            return
        context = self.wizard.context
        settings = PreflightSettings(
            env=dict(context.env), tofu_bin=context.tofu_bin, on_finished=self.command_recorder()
        )
        self.running = True
        self.query_one("#pf-summary", Static).update("Running the checks…")
        self.refresh_controls()
        self.run_checks(where, context.playbook, self.wizard.aws(), settings)

    @work(
        thread=True, exclusive=True, group="preflight", exit_on_error=False, description="Preflight"
    )
    def run_checks(
        self, where: Path, book: Playbook, aws: EnvSession, settings: PreflightSettings
    ) -> None:
        try:
            report = run_preflight(where, book, aws, settings, datetime.now(UTC))
        finally:
            self.post_message(self.ChecksEnded())
        self.post_message(self.Reported(report))

    @on(ChecksEnded)
    def checks_ended(self) -> None:
        self.running = False
        self.refresh_controls()
        # The retry; when the run reported, Reported (posted after this) focuses the table.
        self.focus_after("refresh.failed")

    @on(Reported)
    def reported(self, event: Reported) -> None:
        self.show_report(event.report)
        self.focus_after("refresh")

    def show_report(self, report: PreflightReport) -> None:
        """Render every item, tell the banner who we are, and decide completion."""
        self.report = report
        if report.identity is not None:
            self.post_message(self.IdentityKnown(report.identity, self.step_id))
        self.render_table()

    def shown_results(self) -> list[CheckResult]:
        """The report's items, the backup item replaced when a journaled backup stands."""
        if self.report is None:
            return []
        return with_journaled_backup(
            self.report.results,
            self.journal_records(),
            self.terraform_dir(),
            self.wizard.context.playbook,
        )

    def journal_records(self) -> list[object]:
        session = self.wizard.session
        return list(session.journal.records) if session is not None else []

    def render_table(self) -> None:
        table = self.query_one("#pf-checks", DataTable)
        row = table.cursor_row
        table.clear()
        records = self.journal_records()
        results = self.shown_results()
        # The two text columns share what is left of the width; the detail pane has it all.
        room = max(self.size.width - 38, 20)  # never wider than the table: the last column clips
        found_width = room * 11 // 20
        for index, item in enumerate(results):
            waived = is_waived(records, item)
            table.add_row(
                rich_text(status_cell(item, waived), self.app),
                item.name,
                first_line_cut(item.summary, found_width),
                first_line_cut(item.action, room - found_width),
                key=str(index),
            )
        if results and not self.cursor_placed:
            # First look: the cursor on the first item that needs attention.
            self.cursor_placed = True
            row = attention_row(results)
        if results:
            table.move_cursor(row=min(max(row, 0), len(results) - 1))
        self.query_one("#pf-summary", Static).update(summary_text(results, records))
        self.show_detail()
        self.update_complete()

    def highlighted(self) -> CheckResult | None:
        results = self.shown_results()
        row = self.query_one("#pf-checks", DataTable).cursor_row
        return results[row] if 0 <= row < len(results) else None

    @on(DataTable.RowHighlighted, "#pf-checks")
    def show_detail(self) -> None:
        item = self.highlighted()
        detail = self.query_one("#pf-detail", Static)
        if item is None:
            detail.update("")
        else:
            detail.update(detail_text(item, waiver_reason(self.journal_records(), item)))
        self.refresh_controls()

    def update_complete(self) -> None:
        results = self.shown_results()
        self.complete = (
            self.report is not None
            and not blocking(results, self.journal_records())
            and backup_ready(results)
        )
        self.refresh_controls()

    def refresh_controls(self) -> None:
        for button_id, action in (
            ("#pf-refresh", "refresh"),
            ("#pf-backup-now", "backup"),
            ("#pf-waive", "waive"),
            ("#pf-snap", "snapshot"),
        ):
            self.query_one(button_id, Button).disabled = not self.check_action(action, ())
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "refresh":
            return not self.running or None
        if action == "backup":
            results = self.shown_results()
            item = backup_item(results)
            ready = item is not None and item.status in (CheckStatus.WARN, CheckStatus.FAIL)
            return (
                ready and not self.query_one(BackupLine).running and not backup_ready(results)
            ) or None
        if action == "waive":
            item = self.highlighted()
            return (
                item is not None
                and item.status in (CheckStatus.FAIL, CheckStatus.WARN)
                and not is_waived(self.journal_records(), item)
            ) or None
        if action == "snapshot":
            running = self.query_one(SnapshotLine).running
            return (self.wizard.session is not None and not running) or None
        return True

    @on(Button.Pressed, "#pf-refresh")
    def refresh_pressed(self) -> None:
        self.action_refresh()

    @on(Button.Pressed, "#pf-backup-now")
    def backup_pressed(self) -> None:
        self.action_backup()

    @on(Button.Pressed, "#pf-waive")
    def waive_pressed(self) -> None:
        self.action_waive()

    @on(Button.Pressed, "#pf-snap")
    def snapshot_pressed(self) -> None:
        self.action_snapshot()

    def action_snapshot(self) -> None:
        wizard = self.wizard
        if wizard.pair is None or wizard.session is None:
            return
        book, prefix = wizard.context.playbook, wizard.pair.name_prefix
        self.query_one(SnapshotLine).ask(book, prefix, wizard.aws(), wizard.session.journal)

    # -- waivers ------------------------------------------------------------------
    def action_waive(self) -> None:
        item = self.highlighted()
        if item is None or not self.check_action("waive", ()):
            return
        message = (
            f"{item.name} ({item.status.value}): {item.summary}\n\n"
            "Going on anyway is your decision; your reason is journaled."
        )

        def record(reason: GivenReason | None) -> None:
            session = self.wizard.session
            if reason is None or session is None:
                return
            record_waivers(session.journal, [item], reason.text)
            self.notify(f"{item.name}: waived (journaled).")
            self.render_table()
            self.focus_after("waive")

        dialog = ReasonDialog(
            f"Waive “{item.name}”",
            message,
            action="Waive",
            refusal="Type a reason first: a waiver without one is not recorded.",
        )
        self.app.push_screen(dialog, record)

    # -- state backup -------------------------------------------------------------
    def action_backup(self) -> None:
        where = self.terraform_dir()
        if where is None:
            return
        session = self.wizard.session
        journal = session.journal if session is not None else None
        self.query_one(BackupLine).start(where, self.wizard.context.playbook, journal, None)

    @on(BackupLine.RunningChanged)
    def backup_running_changed(self) -> None:
        self.refresh_controls()

    @on(BackupLine.Taken)
    def backup_taken(self, event: BackupLine.Taken) -> None:
        if self.report is not None:
            report = self.report
            results = tuple(event.item if r.name == BACKUP_ITEM else r for r in report.results)
            self.report = PreflightReport(results, report.identity, report.notes)
        self.render_table()
        self.focus_after("backup")
