"""Helm step, section 6: ``helmfile sync`` streamed, teed to helmfile-upgrade.log, per release.

Every line goes to the command log and, as it comes, to the sync log file (like the
guide's ``2>&1 | tee helmfile-upgrade.log``); a ``SyncTracker`` turns the same lines
into per-release progress in the enforced order. Cancelling sends SIGINT.
"""

from __future__ import annotations

from typing import IO

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.exec.result import CommandResult
from tui.core.exec.runner import Stream
from tui.core.helm.commands import HelmCommand
from tui.core.helm.deployed_values import SyncValuesCheck, tag_waiver_record, waiver_record
from tui.core.helm.health import (
    ReleaseHealth,
    ReleaseStatus,
    check_health,
    health_record,
    parse_status,
)
from tui.core.helm.journal_readback import (
    HelmJournalState,
    SyncOutcome,
    shown_time,
    sync_outcome,
    sync_record,
)
from tui.core.helm.sync import ReleaseProgress, SyncEvent, SyncResult, SyncTracker
from tui.core.helm.sync_log import open_sync_log
from tui.screens.error_text import error_text
from tui.screens.helm.rollback import RollbackSection
from tui.screens.helm.support import (
    Captured,
    CapturingLog,
    CommandSeries,
    HelmStep,
    helm_question,
    missing_program,
    relative,
)
from tui.screens.helm.sync_render import (
    needs_rollback,
    outcome_text,
    progress_line,
    restored_progress,
)
from tui.screens.helm.values import ValuesGuard, confirmation_body, waiver_question
from tui.widgets.dialogs.reason import GivenReason
from tui.widgets.focus_in_view import FocusInViewScroll


class SyncSection(FocusInViewScroll):
    """The sync, its live per-release progress, and the rollback it may need."""

    class Progress(Message):
        """A release changed state while the sync streams."""

        def __init__(self, event: SyncEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-sync")
        self.panel = panel
        self.tracker: SyncTracker | None = None
        self.result: SyncResult | None = None
        self.log_file: IO[str] | None = None
        self.restored: SyncOutcome | None = None  # the journaled sync, after a restart
        self.health: CommandSeries | None = None  # helm status of each release after a sync
        self.statuses: list[ReleaseStatus] = []

    def compose(self) -> ComposeResult:
        yield Static(id="sync-gate", markup=False)
        yield ValuesGuard(self.panel)
        yield Static(id="sync-progress", markup=False)
        yield Static(id="sync-outcome", markup=False)
        yield Static(id="sync-health", markup=False)
        with Horizontal(classes="helm-buttons"):
            yield Button("Sync (s)", id="sync-run", compact=True, variant="warning")
            yield Button("Cancel (x)", id="sync-cancel", compact=True)
        yield CapturingLog(redactor=self.panel.wizard.redactor, id="sync-log", classes="helm-log")
        yield CapturingLog(redactor=self.panel.wizard.redactor, id="health-log", classes="helm-log")
        yield RollbackSection(self.panel)

    def on_mount(self) -> None:
        self.query_one("#sync-log").display = False
        self.query_one("#health-log").display = False
        self.health = CommandSeries(self.panel, self.query_one("#health-log", CapturingLog))
        self.show_progress()

    @property
    def running(self) -> bool:
        checking = self.health is not None and self.health.running
        return self.query_one("#sync-log", CapturingLog).running or checking

    @property
    def succeeded(self) -> bool:
        return self.result is not None and self.result.succeeded

    def show_gate(self, missing: list[str], can_sync: bool) -> None:
        """What the sync needs; ``can_sync``: ``s`` may run (it reads the values again first)."""
        gate = self.query_one("#sync-gate", Static)
        if self.running:
            gate.update(Content.styled("Sync running — Cancel (x) sends SIGINT.", "bold $warning"))
        elif missing:
            gate.update(Content.styled("Sync needs: " + " · ".join(missing), "$warning"))
        elif self.succeeded:
            gate.update(Content.styled("Synced. Next (F3) goes on; sync again (s) only if needed."))
        else:
            plan = self.panel.plan
            log = relative(plan.sync_log, plan.release_dir) if plan else "the sync log"
            gate.update(
                Content.styled(f"Ready to sync (s). Output is also written to {log}.", "bold")
            )
        self.query_one("#sync-run", Button).disabled = not can_sync or self.running
        self.query_one("#sync-cancel", Button).disabled = not self.running

    def show_progress(self) -> None:
        releases = self.panel.releases
        tracker = self.tracker
        stopped = self.result is not None
        shown = list(tracker.progress()) if tracker else []
        if tracker is None and self.restored is not None:  # the sync before the restart
            shown, stopped = [restored_progress(r) for r in self.restored.releases], True
        text = Content()
        for number, name in enumerate(releases, start=1):
            progress = next((p for p in shown if p.release == name), ReleaseProgress(name))
            recorded = self.panel.recorded.get(name)
            before = recorded.revision if recorded else None
            text = text.append(progress_line(number, progress, stopped, before))
            text = text.append_text("\n")
        text = text.rstrip()
        self.query_one("#sync-progress", Static).update(text)

    # -- running ------------------------------------------------------------------------------
    @on(Button.Pressed, "#sync-run")
    def ask(self) -> None:
        """Read the values again (they may have changed outside), then ask."""
        if self.panel.plan is None or self.panel.sync_blockers(values=False) or self.running:
            return
        self.query_one(ValuesGuard).recheck(then=self.confirm)

    def confirm(self) -> None:
        plan = self.panel.plan
        if plan is None or self.panel.sync_blockers() or self.running:
            return  # the file stopped parsing: the gate says so
        guard = self.query_one(ValuesGuard)
        check = guard.check
        kube = self.panel.kube
        cluster = f"Kubernetes {kube.shown} (pinned).\n" if kube is not None else ""
        intro = Content.styled(
            f"{cluster}helmfile sync upgrades {', then '.join(self.panel.releases)} in namespace "
            f"{plan.playbook.helm_namespace}, with the merged values.\n"
            "A release that fails can be rolled back on its own to the revision recorded in "
            "section 3."
        )
        body = confirmation_body(intro, check, guard.where)
        if check is not None and check.placeholders:
            self.app.push_screen(waiver_question(body), lambda r: self.waived(check, r))
            return
        self.app.push_screen(
            helm_question("Upgrade the Helm releases?", body, "Sync"),
            lambda yes: self.confirmed(check, bool(yes)),
        )

    def waived(self, check: SyncValuesCheck, reason: GivenReason | None) -> None:
        if reason is not None:
            self.panel.journal_decision(waiver_record(check, reason.text, self.panel.step_id))
            self.confirmed(check, True)

    def confirmed(self, check: SyncValuesCheck | None, yes: bool) -> None:
        if not yes:
            return
        if check is not None and not check.image_tag.matches:
            self.panel.journal_decision(tag_waiver_record(check, self.panel.step_id))
        self.start()

    def start(self) -> None:
        plan = self.panel.plan
        if plan is None:
            return
        missing = missing_program(plan.helmfile, self.panel.wizard.context.env)
        if missing is not None:
            self.query_one("#sync-outcome", Static).update(error_text(missing, "Cannot sync"))
            return
        command = plan.sync()
        try:
            self.log_file = open_sync_log(plan.sync_log)
        except OSError as exc:
            self.query_one("#sync-outcome", Static).update(
                Content.styled(
                    f"Cannot write {plan.sync_log}: {exc.strerror or exc}", "bold $error"
                )
            )
            return
        self.tracker = SyncTracker(self.panel.releases)
        self.result, self.restored = None, None
        self.panel.sync_started = True
        self.query_one(RollbackSection).reset()
        self.query_one("#sync-outcome", Static).update("")
        self.query_one("#sync-health", Static).update("")
        log = self.query_one("#sync-log", CapturingLog)
        log.listener = self.line
        log.clear()
        log.display = True
        self.show_progress()
        self.panel.run_logged(log, command.argv, cwd=command.cwd, timeout_s=command.timeout_seconds)
        self.panel.update_gate()

    def line(self, stream: Stream, text: str) -> None:
        """One line of the running sync: into the log file, then into the tracker."""
        if self.log_file is not None:
            self.log_file.write(text + "\n")
        if self.tracker is None:
            return
        events = self.tracker.feed(text)
        for event in events:
            self.post_message(self.Progress(event))
        if events:
            self.show_progress()

    @on(CapturingLog.Finished, "#sync-log")
    def finished(self, event: CapturingLog.Finished) -> None:
        event.stop()
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None
        outcome = event.result
        stopped = outcome.cancelled or outcome.timed_out
        tracker = self.tracker or SyncTracker(self.panel.releases)
        self.result = tracker.result(None if stopped else outcome.exit_code)
        self.show_progress()
        outcome_now = sync_outcome(self.result, stopped)
        self.panel.journal_decision(sync_record(outcome_now, self.panel.step_id))
        message = outcome_text(self.result, outcome, stopped)
        self.query_one("#sync-outcome", Static).update(message)
        targets = [p.release for p in self.result.releases if needs_rollback(p, stopped)]
        if targets:
            errors = {p.release: p.error for p in self.result.releases if p.error}
            others = [p.release for p in self.result.releases if p.release not in targets]
            self.query_one(RollbackSection).offer(targets, errors, others)
        elif self.result.succeeded:
            self.query_one(RollbackSection).offer_after_success(self.panel.releases)
        if not stopped:
            self.check_health()
        self.panel.update_gate()
        self.panel.focus_after("sync")

    # -- after the sync: helm status per release ----------------------------------------------
    def check_health(self) -> None:
        """``helm status`` of each release: deployed, at a revision past the recorded one."""
        plan = self.panel.plan
        if plan is None or self.health is None or self.health.running:
            return
        self.statuses = []
        self.query_one("#sync-health", Static).update("Checking each release (helm status)…")
        self.health.start(plan.statuses(), self.status_read)

    def status_read(self, command: HelmCommand, result: CommandResult, out: Captured) -> bool:
        release = command.argv[2]
        self.statuses.append(
            parse_status(release, out.stdout_text, out.stderr_text, result.exit_code)
        )
        if result.cancelled or result.timed_out or not (self.health and self.health.pending):
            self.show_health(check_health(self.statuses, self.panel.recorded))
        return not (result.cancelled or result.timed_out)

    def show_health(self, results: tuple[ReleaseHealth, ...]) -> None:
        self.panel.journal_decision(health_record(results, self.panel.step_id))
        self.query_one("#health-log").display = False
        healthy = all(r.healthy for r in results) and len(results) == len(self.panel.releases)
        text = Content.styled(
            "Health after the sync: " + ("every release is healthy.\n" if healthy else "NOT OK.\n"),
            "bold $success" if healthy else "bold $error",
        )
        for health in results:
            text = text.append_text(
                ("✔ " if health.healthy else "✗ ") + health.message + "\n",
                "$success" if health.healthy else "bold $error",
            )
        self.query_one("#sync-health", Static).update(text.rstrip())

    @on(CapturingLog.Finished, "#health-log")
    def health_finished(self, event: CapturingLog.Finished) -> None:
        event.stop()
        if self.health is not None:
            self.health.finished(event.result)
        self.panel.update_gate()

    def restore(self, state: HelmJournalState) -> None:
        """After a restart: what the journaled sync left, and the rollback it still needs."""
        last = state.last_sync
        if last is None:
            if state.synced is not None and state.rollback_offered:
                self.query_one(RollbackSection).offer_after_success(
                    state.rollback_offered, state.targets
                )
            return
        self.restored = last
        self.show_progress()
        if last.cut_off:
            how = "was cut off: the wizard was stopped while it ran"
        elif last.exit_code is None:
            how = "was cancelled"
        else:
            how = f"failed (exit {last.exit_code})"
        self.query_one("#sync-outcome", Static).update(
            Content.styled(
                f"Before the restart, the sync of {shown_time(last.at)} {how}.", "bold $error"
            )
        )
        targets = list(last.needing_rollback)
        if targets and not state.outcome_recorded:
            others = [r.release for r in last.releases if r.release not in targets]
            self.query_one(RollbackSection).offer(targets, {}, others, done=state.rolled_back)

    @on(Button.Pressed, "#sync-cancel")
    def cancel(self) -> bool:
        if self.query_one("#sync-log", CapturingLog).cancel():
            return True
        return self.health is not None and self.health.cancel()
