"""Rollback A (local state): keep the failed state, restore ``.pre-upgrade``, then
init -upgrade, plan, review and apply in the previous release — through the same
pipeline view as the upgrade (same review, same gate), with the playbook's rollback
rules. The restore asks first, like every destructive action (Cancel has the focus;
a backup older than the state it replaces needs a typed phrase)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.playbook.model import ROLLBACK
from tui.core.tofu.carry_over.apply import FileChange, journal_change
from tui.core.tofu.plan.pipeline import PipelineMode
from tui.core.tofu.rollback.local import (
    LocalRollbackPlan,
    apply_local_rollback,
    plan_local_rollback,
)
from tui.core.tofu.rollback.reconverge import option_a_target, restored_earlier
from tui.screens.base import panel_of
from tui.screens.error_text import error_text
from tui.screens.plan.pipeline_view import PipelineView
from tui.screens.rollback.messages import RollbackDone
from tui.screens.rollback.questions import Question, ask_before_write
from tui.screens.rollback.render import describe_plan, restore_question
from tui.widgets.dialogs.typed_phrase import TypedPhrase
from tui.widgets.worker_events import ReportsWorkers, WorkFailure
from tui.wizard import Wizard

STEP = "rollback"


@dataclass(frozen=True)
class RestoreDone:
    """The pre-upgrade state is back, and what the restore wrote."""

    plan: LocalRollbackPlan
    written: tuple[FileChange, ...]


class LocalRollbackView(ReportsWorkers, Vertical):
    """Restore the pre-upgrade local state, then re-converge the previous release."""

    BINDINGS = [
        Binding("R", "restore", "Restore…", tooltip="Restore the pre-upgrade state (asks first)"),
    ]

    class FileChanged(Message, bubble=False):
        """The restore wrote one file (journaled as it happens)."""

        def __init__(self, change: FileChange) -> None:
            super().__init__()
            self.change = change

    class Restored(Message, bubble=False):
        def __init__(self, restore: RestoreDone) -> None:
            super().__init__()
            self.restore = restore

    class Failed(Message, bubble=False):
        def __init__(self, failure: WorkFailure) -> None:
            super().__init__()
            self.failure = failure

    def __init__(self) -> None:
        super().__init__(id="rb-local", classes="rollback-view")
        self.plan: LocalRollbackPlan | None = None
        self.restoring = False
        self.restored = False

    @property
    def wizard(self) -> Wizard:
        return panel_of(self).wizard

    def compose(self) -> ComposeResult:
        yield Static(
            "Option A: restore the local state from before the upgrade", classes="rb-heading"
        )
        yield Static("Reading the three states…", id="rb-local-plan")
        with Horizontal(classes="rb-buttons"):
            yield Button("Restore the pre-upgrade state… (R)", id="rb-restore", variant="warning")
        yield Static(id="rb-local-status")

    def on_mount(self) -> None:
        pair = self.wizard.pair
        assert pair is not None  # the Rollback panel shows this view once the pair is chosen
        session = self.wizard.session
        earlier = restored_earlier(session.journal.records) if session is not None else None
        if earlier is not None:  # a restart after the restore: re-converge, never restore twice
            self.restored = True
            self._sync()
            self._status(Content.styled(f"✔ {earlier.words} Now plan (p).", "$success"))
            self._reconverge(pair.previous.terraform)
            return
        try:
            self.plan = plan_local_rollback(
                pair.previous.terraform, pair.current.terraform, self.wizard.context.playbook
            )
        except MocmError as exc:
            self.query_one("#rb-local-plan", Static).update(error_text(exc, "Cannot roll back"))
            self._sync()
            return
        rules = self.wizard.context.playbook.rules(ROLLBACK)
        self.query_one("#rb-local-plan", Static).update(describe_plan(self.plan, rules))
        self._sync()
        panel_of(self).focus_after("open.a")

    def restore_allowed(self) -> bool:
        return self.plan is not None and not (self.restored or self.restoring)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore":
            return self.restore_allowed()
        return True

    def _sync(self) -> None:
        self.query_one("#rb-restore", Button).disabled = not self.restore_allowed()
        self.refresh_bindings()

    @on(Button.Pressed, "#rb-restore")
    def action_restore(self) -> None:
        """Ask first: a confirmation (Cancel focused), or the typed phrase to go back in time."""
        plan = self.plan
        if plan is None or not self.restore_allowed():
            return
        if not plan.target_is_newer:
            question = Question(
                "Restore the pre-upgrade state?",
                restore_question(plan),
                "Restore",
                "rb-restore-dialog",
            )
            ask_before_write(self.app, question, lambda typed: self.restore(plan, typed))
            return
        older = Question(
            "Restore an older state?",
            f"The previous release's state (serial {plan.target_serial}) is newer than the "
            f"backup (serial {plan.restored_serial}): restoring goes back in time. Its present "
            "content is backed up first.",
            "Restore",
            "rb-older-dialog",
        )
        ask_before_write(
            self.app, older, lambda typed: self.restore(plan, typed), phrase=plan.older_phrase
        )

    def restore(self, plan: LocalRollbackPlan, typed: TypedPhrase | None) -> None:
        session = self.wizard.session
        if session is not None:
            phrase = None if typed is None else typed.phrase
            session.journal.append(plan.chosen_record(phrase))
        self.restoring = True
        self._sync()
        self.run_worker(
            lambda: self._restore(plan, plan.target_is_newer),
            thread=True,
            exit_on_error=False,
            description="restoring the pre-upgrade state",
        )

    def _restore(self, plan: LocalRollbackPlan, older: bool) -> None:
        def journaled(change: FileChange) -> None:
            self.post_message(self.FileChanged(change))

        try:
            done = apply_local_rollback(plan, confirmed_older=older, on_change=journaled)
        except MocmError as exc:
            self.post_message(self.Failed(WorkFailure("Restore stopped", exc)))
            return
        self.post_message(self.Restored(RestoreDone(plan, done)))

    @on(FileChanged)
    def _file_changed(self, event: FileChanged) -> None:
        session = self.wizard.session
        if session is not None:
            journal_change(session.journal, event.change, STEP)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.restoring = False
        self._sync()
        self._status(error_text(event.failure.error, event.failure.what))
        panel_of(self).focus_after("restore.failed")

    @on(Restored)
    def _restored(self, event: Restored) -> None:
        plan, done = event.restore.plan, event.restore.written
        self.restoring, self.restored = False, True
        self._sync()
        written = ", ".join(f"{c.op} {c.path.name}" for c in done) or "nothing to write"
        session = self.wizard.session
        if session is not None:
            session.journal.append(plan.done_record())
        self._status(
            Content.styled(
                f"✔ Restored ({written}). Now plan in the previous release (p).", "$success"
            )
        )
        self._reconverge(plan.workdir)
        panel_of(self).focus_after("restore")

    def _reconverge(self, previous_tf: Path) -> None:
        """The previous release planned, reviewed (rollback rules) and applied on its state."""
        target = option_a_target(previous_tf, self.wizard.context.playbook)
        self.query_one("#rb-local-plan").display = False  # room for the plan at 80×24
        self.query_one(".rb-buttons").display = False
        self.add_class("-reconverging")
        panel_of(self).add_class("-reconverging")
        self.mount(PipelineView(target, PipelineMode.WHOLE, prefix="rb", id="rb-pipeline"))

    def _status(self, text: Content) -> None:
        self.query_one("#rb-local-status", Static).update(text)

    @on(PipelineView.Reset)
    @on(PipelineView.Approved)
    def _quiet(self, event: PipelineView.Reset | PipelineView.Approved) -> None:
        event.stop()  # the step is complete only once the previous release is re-applied

    @on(PipelineView.Applied)
    def _applied(self, event: PipelineView.Applied) -> None:
        event.stop()
        self._status(
            Content.styled(
                "✔ The previous release is re-applied on its pre-upgrade state.", "$success"
            )
        )
        self.post_message(RollbackDone(self))
