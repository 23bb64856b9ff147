"""Helm step, sections 2 and 4: the CHANGELOG entry, helm lint."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.exec.result import CommandResult
from tui.core.helm.changelog import ChangelogEntry, read_entry
from tui.core.helm.commands import HelmCommand, read_helmfile_releases
from tui.core.helm.journal_readback import shown_time
from tui.core.helm.lint import parse_lint
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


class ChangelogSection(VerticalScroll):
    """The chart's CHANGELOG entry for this release; the operator acknowledges it."""

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-changelog")
        self.panel = panel
        self.entry: ChangelogEntry | None = None
        self.problem = ""
        self.acknowledged = False

    def compose(self) -> ComposeResult:
        yield Static(id="cl-entry", markup=False)
        yield Static(id="cl-status", markup=False)
        with Horizontal(classes="helm-buttons"):
            yield Button("Acknowledge (a)", id="cl-ack", compact=True, variant="primary")

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

    def mark_acknowledged(self, status: str) -> None:
        self.acknowledged = True
        self.query_one("#cl-ack", Button).disabled = True
        self.query_one("#cl-status", Static).update(Content.styled(status, "bold $success"))
        self.panel.update_gate()


class LintSection(Vertical):
    """Optional ``helm lint`` of each chart with the merged values; failures shown, not blocking."""

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-lint")
        self.panel = panel
        self.series: CommandSeries | None = None
        self.lines = Content()

    def compose(self) -> ComposeResult:
        yield Static(
            "Optional: helm lint of each chart with the merged values. Failures are shown; "
            "you decide whether they matter.",
            id="lint-intro",
            markup=False,
        )
        with Horizontal(classes="helm-buttons"):
            yield Button("Run helm lint (i)", id="lint-run", compact=True)
        yield Static(id="lint-result", markup=False)
        yield CapturingLog(redactor=self.panel.wizard.redactor, id="lint-log", classes="helm-log")

    def on_mount(self) -> None:
        self.query_one("#lint-log").display = False
        self.series = CommandSeries(self.panel, self.query_one("#lint-log", CapturingLog))

    @property
    def can_run(self) -> bool:
        return self.panel.plan is not None and not (self.series and self.series.running)

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
        except MocmError as exc:
            result.update(error_text(exc, "Cannot lint"))
            return
        self.lines = Content()
        result.update("Linting…")
        self.series.start([plan.lint(c.chart) for c in charts], self.linted)
        self.panel.update_gate()

    def linted(self, command: HelmCommand, result: CommandResult, out: Captured) -> bool:
        chart = command.argv[2]
        report = parse_lint(out.stdout_text, out.stderr_text, result.exit_code)
        if report.passed:
            self.lines = self.lines.append_text(f"✔ {chart}: passed\n", "$success")
        else:
            self.lines = self.lines.append_text(f"✗ {chart}: failed\n", "bold $error")
            for message in report.errors:
                self.lines = self.lines.append_text(f"    [ERROR] {message.text}\n", "$error")
            for other in report.other:
                self.lines = self.lines.append_text(f"    {other}\n", "$error")
        self.query_one("#lint-result", Static).update(self.lines)
        return not (result.cancelled or result.timed_out)

    @on(CapturingLog.Finished, "#lint-log")
    def command_finished(self, event: CapturingLog.Finished) -> None:
        event.stop()
        if self.series is not None:
            self.series.finished(event.result)
        self.panel.update_gate()

    def cancel(self) -> bool:
        return bool(self.series and self.series.cancel())
