"""Helm step, section 5: ``helmfile diff --detailed-exitcode`` streamed, then shown parsed.

The run is streamed in a command log; once it ends the parsed diff replaces the log:
grouped per release with a count of changed resources, ``+`` and ``-`` coloured,
Secret values masked. Exit code 0 means no change, 2 changes, anything else failed.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from tui.core.helm.diff import DiffOutcome, DiffReport, parse_diff
from tui.core.helm.journal_readback import shown_time
from tui.core.helm.review import JournaledDiff, diff_record
from tui.screens.error_text import error_text
from tui.screens.helm.support import Captured, CapturingLog, HelmStep, missing_program
from tui.widgets.helm_diff_view import HelmDiffView, plural


class DiffSection(Vertical):
    """Run the diff, then read it release by release."""

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-diff")
        self.panel = panel
        self.captured = Captured()
        self.report: DiffReport | None = None
        self.journaled: JournaledDiff | None = None  # the last diff before a restart

    def compose(self) -> ComposeResult:
        yield Static(id="diff-status", markup=False)
        with Horizontal(classes="helm-buttons"):
            yield Button("Run diff (d)", id="diff-run", compact=True, variant="primary")
            yield Button("Output ↔ diff (o)", id="diff-toggle", compact=True)
        yield CapturingLog(redactor=self.panel.wizard.redactor, id="diff-log")
        yield HelmDiffView(id="diff-view")

    def on_mount(self) -> None:
        self.query_one("#diff-log").display = False
        self.query_one("#diff-view").display = False
        self.show_idle()

    def restore(self, last: JournaledDiff | None) -> None:
        """After a restart: say when the diff last ran and what it said (it runs again)."""
        self.journaled = last
        self.show_idle()

    def show_idle(self) -> None:
        """The status before this session's diff: what to do first, the journaled result."""
        if self.report is not None or self.running:
            return
        text = Content()
        if self.journaled is not None:
            style = "$error" if self.journaled.failed else "dim"
            text = text.append_text(
                f"Last diff before the restart, at {shown_time(self.journaled.at)} "
                f"(from the journal): {self.journaled.result}.\n",
                style,
            )
        if self.panel.changelog_acknowledged and self.journaled is not None:
            text = text.append_text(
                "Run the diff again (d): the sync waits for a diff of this session."
            )
        elif self.panel.changelog_acknowledged:
            text = text.append_text("Run the diff (d): the sync waits for it.")
        else:
            text = text.append_text("Acknowledge the CHANGELOG (2) first; then run the diff (d).")
        self.show_status(text)

    @property
    def running(self) -> bool:
        return self.query_one("#diff-log", CapturingLog).running

    @property
    def can_run(self) -> bool:
        return self.panel.changelog_acknowledged and not self.running

    @property
    def ready(self) -> bool:
        """The diff ran and was understood (changes or none)."""
        return self.report is not None and self.report.outcome is not DiffOutcome.FAILED

    def show_status(self, message: Content) -> None:
        self.query_one("#diff-status", Static).update(message)

    @on(Button.Pressed, "#diff-run")
    def run(self) -> None:
        plan = self.panel.plan
        if plan is None or not self.can_run:
            return
        missing = missing_program(plan.helmfile, self.panel.wizard.context.env)
        if missing is not None:
            self.show_status(error_text(missing, "Cannot run the diff"))
            return
        command = plan.diff()
        self.captured = Captured()
        self.report = None
        log = self.query_one("#diff-log", CapturingLog)
        log.listener = self.captured
        log.clear()
        log.display = True
        self.query_one("#diff-view").display = False
        self.show_status(Content.styled("Comparing the cluster with the new charts and values…"))
        self.panel.run_logged(log, command.argv, cwd=command.cwd, timeout_s=command.timeout_seconds)
        self.panel.update_gate()

    @on(CapturingLog.Finished, "#diff-log")
    def finished(self, event: CapturingLog.Finished) -> None:
        event.stop()
        result = event.result
        if result.cancelled or result.timed_out:
            self.show_status(
                Content.styled("The diff did not finish (cancelled or timed out).", "bold $error")
            )
            self.panel.update_gate()
            return
        report = parse_diff(self.captured.stdout_text, self.captured.stderr_text, result.exit_code)
        self.report = report
        self.panel.journal_decision(diff_record(report, self.panel.step_id, result.exit_code))
        if report.outcome is DiffOutcome.FAILED:
            last = next((ln for ln in reversed(self.captured.stderr) if ln.strip()), "no output")
            self.show_status(
                Content.styled(
                    f"helmfile diff failed (exit {result.exit_code}): {last}", "bold $error"
                )
            )
        else:
            if report.outcome is DiffOutcome.NO_CHANGES:
                self.show_status(
                    Content.styled("No changes (exit 0 with --detailed-exitcode).", "bold $success")
                )
            else:
                count = len(report.releases)
                self.show_status(
                    Content.styled(
                        f"{plural(count, 'release')} will change (exit 2). "
                        "n/p: next/previous release · o: raw output.",
                        "bold",
                    )
                )
            self.query_one("#diff-log").display = False
            view = self.query_one("#diff-view", HelmDiffView)
            view.display = True
            view.show(report, self.panel.releases)
            self.panel.focus_after("diff")  # n / p move between releases straight away
        self.panel.update_gate()

    @on(Button.Pressed, "#diff-toggle")
    def toggle(self) -> None:
        """Switch between the raw output and the parsed diff."""
        if self.report is None:
            return
        log, view = self.query_one("#diff-log"), self.query_one("#diff-view")
        log.display, view.display = view.display, log.display
        self.panel.focus_after("toggle_diff")

    def cancel(self) -> bool:
        return self.query_one("#diff-log", CapturingLog).cancel()
