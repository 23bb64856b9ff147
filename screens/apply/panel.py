"""Step 6 — Apply: the reviewed plan only, then archive the previous release.

The plan approved in the Plan step (from the journal, so a restart finds it) is
checked and applied by the pipeline view. An apply the journal saw start and never
end (the wizard was killed) is said, and only a new plan is offered. After success
the previous release is
archived as ``<dir>.tar.gz`` beside it, with a progress bar, verified by
listing it back and journaled with its sha256; the release itself is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import ProgressBar, Static

from tui.core.errors import MocmError
from tui.core.releases.archive import ArchiveProgress, ReleaseArchive, archive_release
from tui.core.tofu.plan.pipeline import Phase, PipelineMode
from tui.core.tofu.plan.target import PipelineTarget
from tui.screens.apply.flow import ApplyFlow
from tui.screens.base import StepPanel
from tui.screens.error_text import error_text
from tui.screens.plan.panel import target_of_current
from tui.screens.plan.pipeline_view import PipelineView, pipeline_focus
from tui.wizard import Wizard


@dataclass(frozen=True)
class ArchiveDone:
    """The previous release archived (and verified) beside itself."""

    archive: ReleaseArchive
    release: Path


class ApplyPanel(StepPanel):
    """Apply the approved plan, then archive the previous release."""

    STEP_ID = "apply"
    BINDINGS = [
        Binding("c", "archive", "Archive", tooltip="Archive the previous release (again)"),
    ]
    # a apply, r plan again, x cancel, l log end in a pipeline phase (pipeline_focus).
    FOCUS_AFTER = {
        **pipeline_focus("apply"),
        "archive": "#apply-log",  # verified (what was applied stays readable); F3 goes on
        "archive.failed": "#apply-log",  # the retry is c (no button: the key says it)
    }

    class Progressed(Message, bubble=False):
        """One more file archived; a newer progress replaces one not shown yet."""

        def __init__(self, progress: ArchiveProgress) -> None:
            super().__init__()
            self.progress = progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ApplyPanel.Progressed)

    class Archived(Message, bubble=False):
        def __init__(self, done: ArchiveDone) -> None:
            super().__init__()
            self.done = done

    class ArchiveFailed(Message, bubble=False):
        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.target: PipelineTarget | None = None
        self.archive: ReleaseArchive | None = None
        self.archiving = False

    def compose(self) -> ComposeResult:
        yield Static("6. Apply — the reviewed plan, then archive", classes="step-title")
        yield Static(id="apply-setup", classes="error-box")
        yield Static(id="archive-status", classes="archive-status")
        yield ProgressBar(id="archive-progress", show_eta=False)

    def on_mount(self) -> None:
        self.query_one("#archive-progress").display = False
        self.query_one("#archive-status").display = False
        setup = self.query_one("#apply-setup", Static)
        try:
            self.target = target_of_current(self.wizard)
        except MocmError as exc:
            setup.update(error_text(exc, "Cannot apply"))
            return
        setup.display = False
        view = PipelineView(self.target, PipelineMode.APPLY, prefix="apply", id="apply-pipeline")
        self.mount(view, before="#archive-status")
        self.call_after_refresh(self.load_plan)

    def on_show(self) -> None:
        """The approval the journal holds now, its next action focused once StepPanel's
        on_show (dispatched after this one) has focused the step's first widget."""
        if self.view is not None:
            self.call_after_refresh(self.load_plan)

    @property
    def view(self) -> PipelineView | None:
        found = self.query(PipelineView)
        return found.first() if found else None

    def load_plan(self) -> None:
        """Take the plan approved in the Plan step (journal), unless an apply is running."""
        view = self.view
        if view is None or view.pipeline is None:
            return
        view.resume()
        view.focus_next_action()
        if self.applied and self.archive is None and not self.archiving:
            self._archive_status(
                Content.styled("Applied. Press c to archive the previous release.")
            )

    @property
    def applied(self) -> bool:
        view = self.view
        return view is not None and view.pipeline is not None and view.core.phase is Phase.APPLIED

    # -- archive ------------------------------------------------------------------------
    @on(PipelineView.Applied)
    def _applied(self, event: PipelineView.Applied) -> None:
        event.stop()
        self.action_archive()

    @on(PipelineView.ReplanRequested)
    def _replan(self, event: PipelineView.ReplanRequested) -> None:
        """The plan cannot be applied: the App shows the Plan step, which plans again."""
        event.stop()
        self.post_message(ApplyFlow.ReplanRequested())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "archive":
            return self.applied and self.archive is None and not self.archiving
        return True

    def action_archive(self) -> None:
        pair = self.wizard.pair
        if pair is None or self.archiving:
            return
        self.archiving = True
        release = pair.previous.path
        bar = self.query_one("#archive-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._archive_status(
            Content.styled(f"Archiving {release} beside it (the release is kept)…")
        )
        self.refresh_bindings()
        self.run_worker(
            lambda: self._archive_in_thread(release),
            thread=True,
            exit_on_error=False,
            group="archive",
            description="archiving the previous release",
        )

    def _archive_in_thread(self, release: Path) -> None:
        def progress(done: ArchiveProgress) -> None:
            self.post_message(self.Progressed(done))

        try:
            archive = archive_release(release, progress)
        except MocmError as exc:
            self.post_message(self.ArchiveFailed(exc))
            return
        self.post_message(self.Archived(ArchiveDone(archive, release)))

    @on(Progressed)
    def _progress(self, event: Progressed) -> None:
        done = event.progress
        bar = self.query_one("#archive-progress", ProgressBar)
        bar.update(total=max(done.bytes_total, 1), progress=done.bytes_done)
        self._archive_status(
            Content.styled(
                f"Archiving: {done.files_done}/{done.files_total} files · {done.current}"
            )
        )

    @on(ArchiveFailed)
    def _archive_failed(self, event: ArchiveFailed) -> None:
        exc = event.error
        self.archiving = False
        self._archive_status(error_text(exc, "The archive failed (nothing was deleted)"))
        self.query_one("#archive-progress").display = False
        self.refresh_bindings()
        self.focus_after("archive.failed")

    @on(Archived)
    def _archived(self, event: Archived) -> None:
        archive, release = event.done.archive, event.done.release
        self.archiving = False
        self.archive = archive
        session = self.wizard.session
        if session is not None:
            session.journal.file_op(
                "write", archive.path, archive.sha256, None, release, self.step_id
            )
        text = Content.styled("✔ Archive verified", "bold $success")
        text = text.append_text(
            f" ({archive.files} files, {archive.bytes:,} bytes; the release is kept): "
        )
        text = text.append_text(f"{archive.path}, sha256 {archive.sha256[:16]}…")
        self._archive_status(text)
        bar = self.query_one("#archive-progress", ProgressBar)
        bar.update(total=max(archive.bytes, 1), progress=max(archive.bytes, 1))
        self.refresh_bindings()
        self.complete = True
        self.focus_after("archive")

    def _archive_status(self, text: Content) -> None:
        status = self.query_one("#archive-status", Static)
        status.display = True
        status.update(text)
