"""Helm step, sections 2 and 4: the CHANGELOG entry, helm lint."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.exec.result import CommandResult
from tui.core.files import sha256_file
from tui.core.helm.changelog import ChangelogEntry, read_entry
from tui.core.helm.commands import HelmCommand, read_helmfile_releases
from tui.core.helm.journal_readback import shown_time
from tui.core.helm.lint import parse_lint
from tui.core.helm.lint_gate import (
    ChartLint,
    LintRun,
    LintState,
    chart_lint,
    failed_lines,
    lint_blocker,
    lint_record,
    lint_waiver,
    read_lint_journal,
    values_fingerprint,
)
from tui.core.helm.review import Acknowledgement, acknowledgement_record
from tui.screens.error_text import error_text
from tui.screens.helm.support import (
    Captured,
    CapturingLog,
    CommandSeries,
    HelmStep,
    missing_program,
    relative,
)
from tui.widgets.dialogs.reason import GivenReason, ReasonDialog
from tui.widgets.focus_in_view import FocusInViewScroll

CHANGELOG = "CHANGELOG.md"  # beside helmfile.yaml, as the guide names it: mocm/CHANGELOG.md


def entry_text(entry: ChangelogEntry, where: str) -> Content:
    """The entry, every Changed / Removed item highlighted."""
    text = Content.styled(f"## [{entry.version}]", "bold")
    text = text.append_text(f" - {entry.date}" if entry.date else "", "bold")
    text = text.append_text(f"   ({where}, line {entry.line})\n", "dim")
    count = len(entry.attention_items)
    if count:
        text = text.append_text(
            f"{count} item{'s' if count != 1 else ''} under Changed / Removed may need edits "
            "to values.yaml beyond the Values step:\n",
            "bold $warning",
        )
    for section in entry.sections:
        text = text.append_text(
            f"\n### {section.name}\n", "bold $warning" if section.needs_attention else "bold"
        )
        for line in section.text:
            text = text.append_text(f"  {line}\n")
        for item in section.items:
            if item.needs_attention:
                text = text.append_text(f"  ▶ {item.text}\n", "bold $background on $warning")
            else:
                text = text.append_text(f"  • {item.text}\n")
    text = text.rstrip()
    return text


class ChangelogSection(FocusInViewScroll):
    """The chart's CHANGELOG entry for this release; the operator acknowledges it."""

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-changelog")
        self.panel = panel
        self.entry: ChangelogEntry | None = None
        self.problem = ""
        self.acknowledged = False

    def compose(self) -> ComposeResult:
        # What to do and its outcome above the entry: at 80×24 the entry fills the view.
        yield Static(id="cl-status", markup=False)
        with Horizontal(classes="helm-buttons"):
            yield Button("Acknowledge (a)", id="cl-ack", compact=True, variant="primary")
        yield Static(id="cl-entry", markup=False)

    def start(self, journaled: Acknowledgement | None = None) -> None:
        """Show the entry; ``journaled``: the acknowledgement read back after a restart."""
        plan = self.panel.plan
        assert plan is not None
        path = plan.chart_dir / CHANGELOG
        version = plan.playbook.chart_version
        try:
            self.entry = read_entry(path, version)
        except MocmError as exc:
            self.problem = exc.message
            message = error_text(exc, "No CHANGELOG entry to show")
            message = message.append_text(
                "\nAcknowledge (a) once you have read the chart's notes by hand."
            )
            self.query_one("#cl-entry", Static).update(message)
        else:
            where = relative(path, plan.release_dir)
            self.query_one("#cl-entry", Static).update(entry_text(self.entry, where))
            self.query_one("#cl-status", Static).update(
                "Read every highlighted item, then acknowledge (a): the diff waits for it."
            )
        if journaled is None:
            return
        at = shown_time(journaled.at)
        if journaled.covers(version, self.entry):
            self.mark_acknowledged(
                f"✔ Acknowledged at {at} (read back from the journal). "
                "Next: revisions (3) and the diff (5)."
            )
        else:
            self.query_one("#cl-status", Static).update(
                Content.styled(
                    f"The entry changed since it was acknowledged at {at}: read it again, "
                    "then acknowledge (a).",
                    "bold $warning",
                )
            )

    @on(Button.Pressed, "#cl-ack")
    def acknowledge(self) -> None:
        if self.acknowledged or self.panel.plan is None:
            return
        version = self.panel.plan.playbook.chart_version
        step = self.panel.step_id
        self.panel.journal_decision(acknowledgement_record(version, self.entry, step, self.problem))
        self.mark_acknowledged("✔ Acknowledged (journaled). Next: revisions (3) and the diff (5).")
        self.panel.focus_after("acknowledge")

    def mark_acknowledged(self, status: str) -> None:
        self.acknowledged = True
        self.query_one("#cl-ack", Button).disabled = True
        self.query_one("#cl-status", Static).update(Content.styled(status, "bold $success"))
        self.panel.update_gate()


class LintSection(Vertical):
    """``helm lint`` of each chart with the merged values: a sync gate, waivable with a reason.

    Each run is journaled with the values' fingerprint: a later edit of the values makes
    it stale. A failed chart blocks the sync until it passes or the operator waives that
    run with a typed reason (journaled, in the change record).
    """

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-lint")
        self.panel = panel
        self.series: CommandSeries | None = None
        self.lines = Content()
        self.fingerprint = ""  # of the values the running lint reads
        self.charts: list[ChartLint] = []

    def compose(self) -> ComposeResult:
        yield Static(
            "helm lint of each chart with the merged values, before the sync. A failure "
            "blocks the sync until fixed, or waived with a reason (journaled).",
            id="lint-intro",
            markup=False,
        )
        with Horizontal(classes="helm-buttons"):
            yield Button("Run helm lint (i)", id="lint-run", compact=True)
            yield Button("Waive the failures…", id="lint-waive", compact=True, variant="error")
        yield Static(id="lint-result", markup=False)
        yield Static(id="lint-gate", markup=False)
        yield CapturingLog(redactor=self.panel.wizard.redactor, id="lint-log", classes="helm-log")

    def on_mount(self) -> None:
        self.query_one("#lint-log").display = False
        self.series = CommandSeries(self.panel, self.query_one("#lint-log", CapturingLog))
        self.show_state()

    @property
    def can_run(self) -> bool:
        return self.panel.plan is not None and not (self.series and self.series.running)

    def state(self) -> LintState:
        """The last lint run and its waiver, as the journal tells them."""
        return read_lint_journal(self.panel.journal_records(), self.panel.step_id)

    @property
    def blocker(self) -> str | None:
        """What the lint still asks before a sync (decided in core), or None."""
        if self.series is not None and self.series.running:
            return "helm lint to finish"
        check = self.panel.values_check
        if check is None:
            return None  # the values guard says what is wrong with the file
        return lint_blocker(self.state(), values_fingerprint(check.sha256))

    def show_state(self) -> None:
        """The gate's word on the last run, and the waiver button when it may be used."""
        state = self.state()
        run = state.run
        waivable = (
            run is not None
            and not run.passed
            and not state.waived_because
            and not (self.series and self.series.running)
            and self.blocker is not None
            and "again" not in (self.blocker or "")
        )
        self.query_one("#lint-waive", Button).display = waivable
        gate = self.query_one("#lint-gate", Static)
        if run is None:
            gate.update(Content.styled("Not run yet: the sync waits for it.", "$warning"))
        elif state.waived_because and not run.passed:
            gate.update(
                Content.styled(
                    f"Failures waived (journaled): {state.waived_because}", "bold $warning"
                )
            )
        elif (blocker := self.blocker) is not None:
            gate.update(Content.styled(f"The sync needs: {blocker}.", "bold $error"))
        else:
            gate.update(Content.styled("✔ Lint passed for these values.", "$success"))

    @on(Button.Pressed, "#lint-run")
    def run(self) -> None:
        plan = self.panel.plan
        if plan is None or self.series is None or not self.can_run:
            return
        result = self.query_one("#lint-result", Static)
        missing = missing_program(plan.helm, self.panel.wizard.context.env)
        try:
            if missing is not None:
                raise missing
            charts = read_helmfile_releases(plan.helmfile_path)
            self.fingerprint = values_fingerprint(
                sha256_file(plan.release_dir / plan.playbook.values_file)
            )
        except (MocmError, OSError) as exc:
            if isinstance(exc, OSError):
                exc = MocmError(f"cannot read the values file: {exc.strerror or exc}")
            result.update(error_text(exc, "Cannot lint"))
            return
        self.lines = Content()
        self.charts = []
        result.update("Linting…")
        self.series.start([plan.lint(c.chart) for c in charts], self.linted)
        self.panel.update_gate()
        self.show_state()

    def linted(self, command: HelmCommand, result: CommandResult, out: Captured) -> bool:
        chart = command.argv[2]
        stopped = result.cancelled or result.timed_out
        report = None if stopped else parse_lint(out.stdout_text, out.stderr_text, result.exit_code)
        self.charts.append(chart_lint(chart, report))
        if report is None:
            self.lines = self.lines.append_text(f"✗ {chart}: not finished\n", "bold $error")
        elif report.passed:
            self.lines = self.lines.append_text(f"✔ {chart}: passed\n", "$success")
        else:
            self.lines = self.lines.append_text(f"✗ {chart}: failed\n", "bold $error")
            for message in report.errors:
                self.lines = self.lines.append_text(f"    [ERROR] {message.text}\n", "$error")
            for other in report.other:
                self.lines = self.lines.append_text(f"    {other}\n", "$error")
        self.query_one("#lint-result", Static).update(self.lines)
        go_on = not stopped
        if not go_on or not (self.series and self.series.pending):  # the run is over
            run_now = LintRun(self.fingerprint, tuple(self.charts))
            self.panel.journal_decision(lint_record(run_now, self.panel.step_id))
        return go_on

    @on(Button.Pressed, "#lint-waive")
    def ask_waiver(self) -> None:
        run = self.state().run
        if run is None or run.passed:
            return
        failures = failed_lines(self.charts) or [f"{chart}: failed" for chart in run.failed]
        body = (
            "\n".join(failures)
            + "\n\nThe sync deploys these charts with these values anyway. Your reason is "
            "journaled and covers this run only: a values edit needs a new lint."
        )
        dialog = ReasonDialog(
            "Waive the helm lint failures", body, action="Waive", destructive=True
        )

        def record(reason: GivenReason | None) -> None:
            if reason is None:
                return
            self.panel.journal_decision(lint_waiver(run, reason.text, self.panel.step_id))
            self.show_state()
            self.panel.update_gate()

        self.app.push_screen(dialog, record)

    @on(CapturingLog.Finished, "#lint-log")
    def command_finished(self, event: CapturingLog.Finished) -> None:
        event.stop()
        if self.series is not None:
            self.series.finished(event.result)
            if not self.series.running:
                self.panel.focus_after("lint")
        self.show_state()
        self.panel.update_gate()

    def cancel(self) -> bool:
        return bool(self.series and self.series.cancel())
