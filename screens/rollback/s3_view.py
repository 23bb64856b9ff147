"""Rollback B (S3 backend): pick the pre-upgrade version of the state object, push it,
then re-converge the previous release on it.

Versions of the exact state key only (``.tflock`` objects and delete markers are
left out), the pre-upgrade one preselected by time (the journal's apply start),
downloaded and compared (lineage, serial) with the current state; the resources the
restored version lacks are listed (tofu no longer manages them, they stay in AWS).
``tofu state push`` asks first (Cancel focused); ``-force`` for an older serial only
after a typed phrase; another lineage is never pushed. After the push the previous
release is planned, reviewed (rollback rules) and applied through the plan pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from tui.core.errors import MocmError
from tui.core.exec.recorder import CommandRecorder
from tui.core.tofu.backend.detect import S3Backend
from tui.core.tofu.carry_over.apply import journal_change
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.plan.ledger import first_apply_start
from tui.core.tofu.plan.pipeline import PipelineMode
from tui.core.tofu.plan.reviewed import StateMark
from tui.core.tofu.plan.stopped import explain_known
from tui.core.tofu.rollback.reconverge import option_b_target, restored_earlier
from tui.core.tofu.rollback.s3 import (
    DownloadedVersion,
    PushOutcome,
    StateVersion,
    current_state_mark,
    download_version,
    force_record,
    list_state_versions,
    preselect_version,
    push_rollback,
    restored_records,
)
from tui.screens.base import panel_of
from tui.screens.error_text import error_text
from tui.screens.plan.pipeline_view import PipelineView
from tui.screens.plan.pipeline_words import stop_text
from tui.screens.rollback.messages import RollbackDone
from tui.screens.rollback.questions import Question, ask_before_write
from tui.screens.rollback.render import (
    comparison_text,
    left_behind_text,
    preselection_words,
    push_question,
    short_version_id,
    version_mark,
)
from tui.widgets.dialogs.typed_phrase import TypedPhrase
from tui.widgets.theme import rich_text
from tui.widgets.worker_events import ReportsWorkers, WorkFailure
from tui.wizard import Wizard

STEP = "rollback"


@dataclass(frozen=True)
class VersionListing:
    """The versions of the state object (oldest first) and the backend's state now."""

    versions: tuple[StateVersion, ...]
    current: StateMark | None


@dataclass(frozen=True)
class PushDone:
    """``tofu state push`` ran for a downloaded version (it may have refused)."""

    outcome: PushOutcome
    got: DownloadedVersion


class S3RollbackView(ReportsWorkers, Vertical):
    """List, pick, download, compare and push one version of the S3 state; re-converge."""

    BINDINGS = [
        Binding("d", "download", "Download", tooltip="Download the highlighted version"),
        Binding("P", "push", "Push…", tooltip="tofu state push the downloaded version (asks)"),
    ]

    class Listed(Message, bubble=False):
        """The state object's versions and the backend's state now."""

        def __init__(self, listing: VersionListing) -> None:
            super().__init__()
            self.listing = listing

    class Downloaded(Message, bubble=False):
        def __init__(self, got: DownloadedVersion) -> None:
            super().__init__()
            self.got = got

    class Pushed(Message, bubble=False):
        def __init__(self, push: PushDone) -> None:
            super().__init__()
            self.push = push

    class Failed(Message, bubble=False):
        """Listing, downloading or pushing failed (said on the view, nothing changed)."""

        def __init__(self, failure: WorkFailure) -> None:
            super().__init__()
            self.failure = failure

    def __init__(
        self, backend: S3Backend, workdir: Path, previous_tf: Path, download_name: str
    ) -> None:
        super().__init__(id="rb-s3", classes="rollback-view")
        self.backend = backend
        self.workdir = workdir  # where the push runs (initialised for the S3 backend)
        self.previous_tf = previous_tf  # re-converged on the pushed state
        self.target = workdir / download_name
        self.versions: tuple[StateVersion, ...] = ()
        self.downloaded: DownloadedVersion | None = None
        self.pushed = False
        self.busy = False

    def compose(self) -> ComposeResult:
        where = f"s3://{self.backend.bucket}/{self.backend.key}"
        yield Static("Option B: restore an earlier version of the state", classes="rb-heading")
        yield Static(where, id="rb-s3-where", markup=False)
        yield Static("Listing the versions…", id="rb-s3-status", markup=False)
        yield DataTable(id="rb-versions", cursor_type="row", zebra_stripes=True)
        yield Static(id="rb-compare")
        with Horizontal(classes="rb-buttons"):
            yield Button("Download (d)", id="rb-download", compact=True)
            yield Button("Push state… (P)", id="rb-push", variant="error", compact=True)
        yield Static(id="rb-left-behind")
        yield Static(id="rb-reconverge-problem", classes="error-box")

    @property
    def wizard(self) -> Wizard:
        return panel_of(self).wizard

    def on_mount(self) -> None:
        table = self.query_one("#rb-versions", DataTable)
        table.add_columns("time (UTC)", "", "size", "version id")
        self.query_one("#rb-compare").display = False
        self.query_one("#rb-left-behind").display = False
        self.query_one("#rb-reconverge-problem").display = False
        session = self.wizard.session
        earlier = restored_earlier(session.journal.records) if session is not None else None
        if earlier is not None:  # a restart after the push: re-converge, never push twice
            self.pushed = True
            self._sync()
            self._status(Content.styled(f"✔ {earlier.words} Now plan (p).", "$success"))
            self.reconverge()
            return
        self._sync()
        self.busy = True
        self.run_worker(
            self._list, thread=True, exit_on_error=False, description="listing versions"
        )

    def s3(self) -> Any:
        return self.wizard.aws().client("s3", region_name=self.backend.region)

    # -- list ---------------------------------------------------------------------------
    def _list(self) -> None:
        try:
            s3 = self.s3()
            versions = list_state_versions(s3, self.backend.bucket, self.backend.key)
            current = current_state_mark(s3, self.backend.bucket, self.backend.key)
        except MocmError as exc:
            self.post_message(self.Failed(WorkFailure("Cannot list the versions", exc)))
            return
        self.post_message(self.Listed(VersionListing(versions, current)))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        versions, current = event.listing.versions, event.listing.current
        self.busy = False
        self.versions = versions
        table = self.query_one("#rb-versions", DataTable)
        session = self.wizard.session
        started = first_apply_start(session.journal.records) if session is not None else None
        choice = preselect_version(versions, started)
        newest_first = list(reversed(versions))  # as S3 lists them
        for version in newest_first:
            table.add_row(
                f"{version.last_modified:%Y-%m-%d %H:%M:%S}",
                rich_text(version_mark(version, choice.version), self.app),
                f"{version.size:,}",
                short_version_id(version),
                key=version.version_id,
            )
        if choice.version is not None:
            table.move_cursor(row=newest_first.index(choice.version))
        now = "no state"
        if current is not None:
            now = f"serial {current.serial} (lineage {current.lineage[:8]}…)"
        words = preselection_words(choice)
        self._status(Content(f"{len(versions)} version(s) of the state; now {now}.\n{words}"))
        self._sync()
        panel_of(self).focus_after("open.b")

    # -- download -----------------------------------------------------------------------
    def highlighted(self) -> StateVersion | None:
        table = self.query_one("#rb-versions", DataTable)
        if not self.versions or table.cursor_row >= len(self.versions):
            return None
        return list(reversed(self.versions))[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "download":
            return not (self.busy or self.pushed) and bool(self.versions)
        if action == "push":
            return self.push_allowed()
        return True

    @on(DataTable.RowSelected, "#rb-versions")
    @on(Button.Pressed, "#rb-download")
    def action_download(self) -> None:
        version = self.highlighted()
        if version is None or self.busy or self.pushed:
            return
        self.busy = True
        self._sync()
        self._status(Content(f"Downloading version {version.version_id}…"))
        self.run_worker(
            lambda: self._download(version),
            thread=True,
            exit_on_error=False,
            description="downloading the state version",
        )

    def _download(self, version: StateVersion) -> None:
        try:
            got = download_version(
                self.s3(), self.backend.bucket, self.backend.key, version, self.target
            )
        except MocmError as exc:
            self.post_message(self.Failed(WorkFailure("Download failed", exc)))
            return
        self.post_message(self.Downloaded(got))

    @on(Downloaded)
    def _downloaded(self, event: Downloaded) -> None:
        got = event.got
        self.busy = False
        self.downloaded = got
        session = self.wizard.session
        if session is not None:
            for change in got.changes:
                journal_change(session.journal, change, STEP)
        compare = self.query_one("#rb-compare", Static)
        compare.display = True
        compare.update(comparison_text(got))
        self._status(Content(f"Downloaded to {got.path} (sha256 {got.sha256[:12]}…)."))
        self._sync()
        panel_of(self).focus_after("download")

    # -- push ---------------------------------------------------------------------------
    def push_allowed(self) -> bool:
        got = self.downloaded
        return got is not None and not (self.busy or self.pushed) and got.lineage_matches

    @on(Button.Pressed, "#rb-push")
    def action_push(self) -> None:
        """Ask first (Cancel focused); a push that needs -force asks for the typed phrase."""
        got = self.downloaded
        if got is None or not self.push_allowed():
            return
        if not got.needs_force:
            question = Question(
                "Push this state?", push_question(got), "Push state", "rb-push-dialog"
            )
            ask_before_write(self.app, question, lambda typed: self.push(got, typed))
            return
        forced = Question(
            "Push with -force?",
            f"Version {got.version.version_id} ({got.mark.describe()}) is not newer than the "
            "backend's state: tofu state push needs -force, which skips tofu's own checks.",
            "Push state",
            "rb-force-dialog",
        )
        ask_before_write(
            self.app, forced, lambda typed: self.push(got, typed), phrase=got.force_phrase
        )

    def push(self, got: DownloadedVersion, typed: TypedPhrase | None) -> None:
        session = self.wizard.session
        if session is not None and typed is not None:
            session.journal.append(force_record(got, typed.phrase))
        self.busy = True
        self._sync()
        self._status(Content("Pushing the state with tofu state push…"))
        wizard, recorder = self.wizard, panel_of(self).command_recorder()
        commands = TofuCommands(wizard.context.tofu_bin, color=False)
        env = wizard.context.env
        self.run_worker(
            lambda: self._push(commands, env, got, recorder),
            thread=True,
            exit_on_error=False,
            description="tofu state push",
        )

    def _push(
        self,
        commands: TofuCommands,
        env: dict[str, str],
        got: DownloadedVersion,
        recorder: CommandRecorder | None,
    ) -> None:
        try:
            outcome = push_rollback(
                commands, self.workdir, env, got, force=got.needs_force, on_finished=recorder
            )
        except MocmError as exc:
            self.post_message(self.Failed(WorkFailure("Push refused", exc)))
            return
        self.post_message(self.Pushed(PushDone(outcome, got)))

    @on(Pushed)
    def _pushed(self, event: Pushed) -> None:
        outcome, got = event.push.outcome, event.push.got
        self.busy = False
        if not outcome.ok:
            self._failed(
                stop_text(explain_known(outcome.failure, outcome.result, "tofu state push"))
            )
            return
        self.pushed = True
        session = self.wizard.session
        if session is not None:
            for record in restored_records(got):
                session.journal.append(record)
        self._status(
            Content.styled(
                f"✔ State restored from version {got.version.version_id}. "
                "Now re-converge the previous release (p).",
                "$success",
            )
        )
        if got.left_behind:
            left = self.query_one("#rb-left-behind", Static)
            left.display = True
            left.update(left_behind_text(got.left_behind, "of the state after the upgrade"))
        self._sync()
        self.reconverge()
        panel_of(self).focus_after("push")

    def reconverge(self) -> None:
        """Plan, review (rollback rules) and apply the previous release on the pushed state."""
        try:
            target = option_b_target(self.previous_tf, self.backend, self.wizard.context.playbook)
        except MocmError as exc:
            problem = self.query_one("#rb-reconverge-problem", Static)
            problem.display = True
            problem.update(error_text(exc, "Cannot re-converge the previous release"))
            return
        self.query_one("#rb-versions").display = False  # room for the plan at 80×24
        self.query_one("#rb-compare").display = False
        self.query_one(".rb-buttons").display = False
        self.add_class("-reconverging")
        panel_of(self).add_class("-reconverging")
        self.mount(
            PipelineView(target, PipelineMode.WHOLE, prefix="rb", id="rb-pipeline"),
            before="#rb-left-behind",
        )

    @on(PipelineView.Reset)
    @on(PipelineView.Approved)
    def _quiet(self, event: PipelineView.Reset | PipelineView.Approved) -> None:
        event.stop()  # the step is complete only once the previous release is re-applied

    @on(PipelineView.Applied)
    def _applied(self, event: PipelineView.Applied) -> None:
        event.stop()
        self._status(
            Content.styled(
                "✔ The previous release is re-applied on the restored state.", "$success"
            )
        )
        self.post_message(RollbackDone(self))

    @on(Failed)
    def _work_failed(self, event: Failed) -> None:
        self._failed(error_text(event.failure.error, event.failure.what))

    def _failed(self, text: Content) -> None:
        self.busy = False
        self._status(text)
        self._sync()
        panel_of(self).focus_after("push.failed" if self.downloaded else "download.failed")

    def _status(self, text: Content) -> None:
        self.query_one("#rb-s3-status", Static).update(text)

    def _sync(self) -> None:
        self.query_one("#rb-download", Button).disabled = (
            self.busy or self.pushed or not self.versions
        )
        self.query_one("#rb-push", Button).disabled = not self.push_allowed()
        self.refresh_bindings()
