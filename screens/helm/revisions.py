"""Helm step, section 3: each release's revision before the sync (the rollback target)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Static

from tui.core.errors import MocmError
from tui.core.exec.result import CommandResult
from tui.core.helm.commands import HelmCommand
from tui.core.helm.history import read_history
from tui.core.helm.journal_readback import (
    RecordedRevision,
    recorded_from_history,
    shown_time,
)
from tui.core.journal.writer import utc_now
from tui.screens.error_text import error_text
from tui.screens.helm.support import (
    Captured,
    CapturingLog,
    CommandSeries,
    HelmStep,
    missing_program,
)


def revision_cells(recorded: RecordedRevision) -> tuple[str, str, str]:
    """Deployed then / rollback target / chart or note, for the table."""
    if recorded.first_install:
        return "—", "none", "first install: not in the cluster yet"
    choice = recorded.rollback_choice()
    now = f"rev {recorded.revision}" if recorded.revision is not None else "none deployed"
    target = str(choice.revision) if choice.possible else "none"
    return now, target, recorded.chart or choice.reason


class HistorySection(Vertical):
    """Each release's revision before the sync: the revision a rollback goes back to.

    Read with ``helm history`` and journaled; after a restart, read back from the
    journal instead (the cluster may already hold what the sync left).
    """

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-history")
        self.panel = panel
        self.recorded: dict[str, RecordedRevision] = {}
        self.series: CommandSeries | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="hist-intro", markup=False)
        yield DataTable(id="hist-table", cursor_type="row")
        yield Static(id="hist-status", markup=False)
        with Horizontal(classes="helm-buttons"):
            yield Button("Record again (h)", id="hist-again", compact=True)
        yield CapturingLog(redactor=self.panel.wizard.redactor, id="hist-log", classes="helm-log")

    def on_mount(self) -> None:
        table = self.query_one("#hist-table", DataTable)
        table.add_columns("release", "deployed", "rollback to", "chart / note")
        self.query_one("#hist-log").display = False
        self.series = CommandSeries(self.panel, self.query_one("#hist-log", CapturingLog))

    @property
    def ready(self) -> bool:
        plan = self.panel.plan
        return plan is not None and all(r in self.recorded for r in plan.playbook.helm_releases)

    @property
    def can_record(self) -> bool:
        return not self.panel.sync_started and not (self.series and self.series.running)

    def open(self, journaled: Mapping[str, RecordedRevision]) -> None:
        """Take the revisions the journal holds; ask helm only for the releases it lacks."""
        plan = self.panel.plan
        if plan is None or not journaled:
            self.start()
            return
        self.recorded = dict(journaled)
        self.show_rows()
        at = shown_time(max(r.recorded_at for r in journaled.values()))
        self.query_one("#hist-intro", Static).update(
            f"Recorded before sync at {at}, read back from the journal: helm history is not "
            "asked again (after a sync it would show what the sync left, maybe a failed "
            "revision)."
        )
        missing = [r for r in plan.playbook.helm_releases if r not in self.recorded]
        if missing:
            self.read([plan.history(r) for r in missing])
            return
        self.show_status(
            Content.styled(
                f"✔ Revisions recorded before sync at {at} (from the journal).", "bold $success"
            )
        )

    def start(self) -> None:
        """Read every release's history now and record it (before any sync)."""
        plan = self.panel.plan
        if plan is None or not self.can_record:
            return
        self.recorded.clear()
        self.query_one("#hist-table", DataTable).clear()
        self.read(list(plan.histories()))

    def read(self, commands: list[HelmCommand]) -> None:
        plan = self.panel.plan
        if plan is None or self.series is None:
            return
        if not self.recorded:
            self.query_one("#hist-intro", Static).update(
                f"helm history RELEASE -n {plan.playbook.helm_namespace} -o json, before the "
                "sync: the deployed revision is the one a rollback goes back to."
            )
        missing = missing_program(plan.helm, self.panel.wizard.context.env)
        if missing is not None:
            self.show_status(error_text(missing, "Cannot record the revisions"))
            return
        self.show_status(Content.styled("Reading the history of each release…"))
        self.series.start(commands, self.recorded_one)
        self.panel.update_gate()

    def recorded_one(self, command: HelmCommand, result: CommandResult, out: Captured) -> bool:
        release = command.argv[2]
        if result.cancelled or result.timed_out:
            self.show_status(
                Content.styled(f"helm history {release} did not finish.", "bold $error")
            )
            return False
        try:
            history = read_history(release, out.stdout_text, out.stderr_text, result.exit_code)
        except MocmError as exc:
            self.show_status(error_text(exc, f"Cannot read the history of {release}"))
            return False
        revision = recorded_from_history(history, "")
        record = self.panel.journal_decision(revision.record(self.panel.step_id))
        stamp = record.ts if record is not None else utc_now()
        self.recorded[release] = replace(revision, recorded_at=stamp)
        self.show_rows()
        if self.ready:
            self.show_status(
                Content.styled(
                    f"✔ Revisions recorded before sync at {shown_time(stamp)} (journaled).",
                    "bold $success",
                )
            )
        return True

    def show_rows(self) -> None:
        table = self.query_one("#hist-table", DataTable)
        table.clear()
        for release in self.panel.releases:
            if release in self.recorded:
                table.add_row(release, *revision_cells(self.recorded[release]))

    def show_status(self, message: Content) -> None:
        self.query_one("#hist-status", Static).update(message)
        self.panel.update_gate()

    @on(CapturingLog.Finished, "#hist-log")
    def command_finished(self, event: CapturingLog.Finished) -> None:
        event.stop()
        if self.series is not None:
            self.series.finished(event.result)
            if not self.series.running:
                self.panel.focus_after("record_history")
        self.panel.update_gate()

    @on(Button.Pressed, "#hist-again")
    def again(self) -> None:
        self.start()

    def cancel(self) -> bool:
        return bool(self.series and self.series.cancel())
