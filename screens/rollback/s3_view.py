"""Rollback B (S3 backend): pick the pre-upgrade version of the state object and push it.

Versions of the exact state key only (``.tflock`` objects and delete markers are
left out), the pre-upgrade one preselected by time (the journal's apply start),
downloaded and compared (lineage, serial) with the current state. ``tofu state
push`` needs ``-force`` for an older serial: only after a typed confirmation.
Another lineage is never pushed.
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
from tui.core.journal.events import UNDONE_BY, OverrideTyped, RollbackKind
from tui.core.journal.events import RollbackDone as RollbackRecorded
from tui.core.tofu.backend.detect import S3Backend
from tui.core.tofu.carry_over.apply import journal_change
from tui.core.tofu.plan.reviewed import StateMark
from tui.core.tofu.rollback.s3 import (
    DownloadedVersion,
    PushOutcome,
    StateVersion,
    current_state_mark,
    download_version,
    list_state_versions,
    push_rollback,
)
from tui.screens.base import panel_of
from tui.screens.error_text import error_text
from tui.screens.rollback.messages import RollbackDone
from tui.screens.rollback.s3_render import (
    comparison_text,
    preselected_version,
    short_version_id,
    version_mark,
)
from tui.screens.tofu_flow import commands_for, explain, first_apply_start
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog
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
    """List, pick, download, compare and push one version of the S3 state object."""

    BINDINGS = [
        Binding("d", "download", "Download", tooltip="Download the highlighted version"),
        Binding("P", "push", "Push", tooltip="tofu state push the downloaded version"),
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

    def __init__(self, backend: S3Backend, workdir: Path, download_name: str) -> None:
        super().__init__(id="rb-s3", classes="rollback-view")
        self.backend = backend
        self.workdir = workdir
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
            yield Button("Push state (P)", id="rb-push", variant="error", compact=True)

    @property
    def wizard(self) -> Wizard:
        return panel_of(self).wizard

    def on_mount(self) -> None:
        table = self.query_one("#rb-versions", DataTable)
        table.add_columns("time (UTC)", "", "size", "version id")
        self.query_one("#rb-compare").display = False
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
        started = first_apply_start(session.journal) if session is not None else None
        chosen, why = preselected_version(versions, started)
        newest_first = list(reversed(versions))  # as S3 lists them
        for version in newest_first:
            table.add_row(
                f"{version.last_modified:%Y-%m-%d %H:%M:%S}",
                rich_text(version_mark(version, chosen), self.app),
                f"{version.size:,}",
                short_version_id(version),
                key=version.version_id,
            )
        if chosen is not None:
            table.move_cursor(row=newest_first.index(chosen))
        now = "no state"
        if current is not None:
            now = f"serial {current.serial} (lineage {current.lineage[:8]}…)"
        self._status(Content.styled(f"{len(versions)} version(s) of the state; now {now}.\n{why}"))
        table.focus()
        self._sync()

    # -- download -----------------------------------------------------------------------
    def highlighted(self) -> StateVersion | None:
        table = self.query_one("#rb-versions", DataTable)
        if not self.versions or table.cursor_row >= len(self.versions):
            return None
        return list(reversed(self.versions))[table.cursor_row]

    @on(DataTable.RowSelected, "#rb-versions")
    @on(Button.Pressed, "#rb-download")
    def action_download(self) -> None:
        version = self.highlighted()
        if version is None or self.busy:
            return
        self.busy = True
        self._sync()
        self._status(Content.styled(f"Downloading version {version.version_id}…"))
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
        self._status(Content.styled(f"Downloaded to {got.path} (sha256 {got.sha256[:12]}…)."))
        self._sync()

    @property
    def phrase(self) -> str:
        got = self.downloaded
        return "" if got is None else f"push -force serial {got.mark.serial}"

    # -- push ---------------------------------------------------------------------------
    def push_allowed(self) -> bool:
        got = self.downloaded
        return got is not None and not (self.busy or self.pushed) and got.lineage_matches

    @on(Button.Pressed, "#rb-push")
    def action_push(self) -> None:
        """Push the downloaded version; one that needs -force first needs the typed phrase."""
        got = self.downloaded
        if got is None or not self.push_allowed():
            return
        if not got.needs_force:
            self.push(got, None)
            return
        question = TypedPhraseDialog(
            "Push with -force?",
            f"Version {got.version.version_id} ({got.mark.describe()}) is not newer than the "
            "backend's state: tofu state push needs -force, which skips tofu's own checks.",
            self.phrase,
            action="Push state",
            dialog_id="rb-force-dialog",
        )
        self.app.push_screen(
            question, lambda typed: self.push(got, typed) if typed is not None else None
        )

    def push(self, got: DownloadedVersion, typed: TypedPhrase | None) -> None:
        session = self.wizard.session
        if session is not None and typed is not None:
            session.journal.append(
                OverrideTyped("tofu state push -force", typed.phrase, got.version.version_id, STEP)
            )
        self.busy = True
        self._sync()
        self._status(Content.styled("Pushing the state with tofu state push…"))
        self.run_worker(
            lambda: self._push(got),
            thread=True,
            exit_on_error=False,
            description="tofu state push",
        )

    def _push(self, got: DownloadedVersion) -> None:
        wizard = self.wizard
        commands = commands_for(wizard.context.tofu_bin)
        try:
            outcome = push_rollback(
                commands, self.workdir, wizard.context.env, got, force=got.needs_force
            )
        except MocmError as exc:
            self.post_message(self.Failed(WorkFailure("Push refused", exc)))
            return
        self.post_message(self.Pushed(PushDone(outcome, got)))

    @on(Pushed)
    def _pushed(self, event: Pushed) -> None:
        outcome, got = event.push.outcome, event.push.got
        self.busy = False
        result = outcome.result
        session = self.wizard.session
        if session is not None:
            session.journal.command(
                result.argv, self.workdir, result.exit_code, result.duration_s, None, "", STEP
            )
        if not outcome.ok:
            self._failed(explain(outcome.failure, result, "tofu state push"))
            return
        self.pushed = True
        if session is not None:
            kind = RollbackKind.STATE_VERSION
            said = f"version {got.version.version_id}: {got.mark.describe()}"
            session.journal.append(RollbackRecorded(kind, said, UNDONE_BY[kind], STEP))
        self._status(
            Content.styled(f"✔ State restored from version {got.version.version_id}.", "$success")
        )
        self._sync()
        self.post_message(RollbackDone(self))

    @on(Failed)
    def _work_failed(self, event: Failed) -> None:
        self._failed(error_text(event.failure.error, event.failure.what))

    def _failed(self, text: Content) -> None:
        self.busy = False
        self._status(text)
        self._sync()

    def _status(self, text: Content) -> None:
        self.query_one("#rb-s3-status", Static).update(text)

    def _sync(self) -> None:
        self.query_one("#rb-download", Button).disabled = self.busy or not self.versions
        self.query_one("#rb-push", Button).disabled = not self.push_allowed()
        self.refresh_bindings()
