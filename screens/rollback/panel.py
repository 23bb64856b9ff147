"""Step 10 — Rollback, reachable from anywhere (ctrl+r).

The backend decides the way back: Option A (local state) restores the
pre-upgrade backup, Option B (S3) restores an earlier version of the state
object with ``tofu state push``; both then re-converge the previous release
through the same plan pipeline as the upgrade, with the rollback rules. A Helm
failure needs neither: Helm rolls back per release in the Helm step.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from tui.core.errors import MocmError
from tui.core.tofu.backend.detect import BackendKind, detect_backend
from tui.resources import STYLES
from tui.screens.base import StepPanel
from tui.screens.error_text import error_text
from tui.screens.plan.pipeline_view import PipelineView, pipeline_focus
from tui.screens.rollback.local_view import LocalRollbackView
from tui.screens.rollback.messages import RollbackDone
from tui.screens.rollback.s3_view import S3RollbackView

ROLLBACK_CSS = (STYLES / "rollback.tcss").read_text(encoding="utf-8")


def helm_note() -> Content:
    """Why a Helm failure needs no OpenTofu rollback, in one line."""
    text = Content.styled("Helm failed? ", "bold")
    text = text.append_text("Roll back only that release in the Helm step; OpenTofu needs nothing.")
    return text


class RollbackPanel(StepPanel):
    """Option A or B, detected from the releases on disk."""

    STEP_ID = "rollback"
    DEFAULT_CSS = ROLLBACK_CSS
    # A: R restores; B: d downloads, P pushes; then the re-convergence (pipeline_focus).
    FOCUS_AFTER = {
        **pipeline_focus("rb"),
        "open.a": "#rb-restore",  # the step's one action: R or Enter (it asks first)
        "open.b": "#rb-versions",  # pick the version; d or Enter downloads it
        "restore": "#rb-plan-button",  # restored: plan the previous release (p)
        "restore.failed": "#rb-restore",  # the retry
        "download": "#rb-push, #rb-versions",  # its lineage differs: choose another version
        "download.failed": "#rb-download, #rb-versions",
        "push": "#rb-plan-button",  # pushed: plan the previous release (p)
        "push.failed": "#rb-push, #rb-download",
    }

    def compose(self) -> ComposeResult:
        yield Static(
            "10. Rollback — back to the state from before the upgrade", classes="step-title"
        )
        yield Static(helm_note(), id="rb-helm")
        yield Static(id="rb-situation")
        yield VerticalScroll(id="rb-body")

    def on_mount(self) -> None:
        situation = self.query_one("#rb-situation", Static)
        pair = self.wizard.pair
        if pair is None:
            situation.update(Content.styled("Choose the releases first (step 1).", "bold $error"))
            return
        book = self.wizard.context.playbook
        try:
            current = detect_backend(pair.current.terraform, book)
            kind = current.kind
            backend = current.backend
            if kind not in (BackendKind.LOCAL, BackendKind.REMOTE):
                previous = detect_backend(pair.previous.terraform, book)
                kind, backend = previous.kind, previous.backend
        except MocmError as exc:
            situation.update(error_text(exc, "Cannot tell how the state is kept"))
            return
        body = self.query_one("#rb-body", VerticalScroll)
        if kind is BackendKind.REMOTE and backend is not None:
            situation.update(Content.styled("The state is in S3 (Option B).", "bold"))
            body.mount(
                S3RollbackView(
                    backend,
                    pair.current.terraform,
                    pair.previous.terraform,
                    book.state_rollback_download,
                )
            )
        elif kind is BackendKind.LOCAL:
            situation.update(Content.styled("The state is local (Option A).", "bold"))
            body.mount(LocalRollbackView())
        else:
            situation.update(
                Content.styled(
                    "Neither a local state nor an S3 backend was found: "
                    + " ".join(current.explanation),
                    "$error",
                )
            )

    def on_show(self) -> None:
        """After the step's first widget took the focus (StepPanel): a re-convergence under
        way (a restart after the restore) gets it back on its next action."""
        self.call_after_refresh(self._focus_pipeline)

    def focus_home(self) -> Widget | None:
        """A re-convergence under way keeps the keys on its next action (a dialog closing
        after the restore may hand the focus to the step list)."""
        for view in self.query(PipelineView):
            if view.pipeline is not None and view.display:
                return view.next_action_widget()
        return None

    def _focus_pipeline(self) -> None:
        for view in self.query(PipelineView):
            if view.pipeline is not None:
                view.focus_next_action()

    @on(RollbackDone)
    def _done(self, event: RollbackDone) -> None:
        self.complete = True
