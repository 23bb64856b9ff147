"""Rollback A (local state): keep the failed state, restore ``.pre-upgrade``, then
init -upgrade, plan, review and apply in the previous release — through the same
PlanFlow and ApplyFlow as the upgrade (same review widget, same gate), with the
playbook's rollback rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.journal.events import UNDONE_BY, RollbackChosen, RollbackKind
from tui.core.journal.events import RollbackDone as RollbackRecorded
from tui.core.playbook.model import ROLLBACK, PlanRules
from tui.core.tofu.carry_over.apply import FileChange, journal_change
from tui.core.tofu.rollback.local import (
    LocalRollbackPlan,
    apply_local_rollback,
    plan_local_rollback,
)
from tui.screens.apply.flow import ApplyFlow
from tui.screens.base import panel_of
from tui.screens.error_text import error_text
from tui.screens.plan.flow import PlanFlow
from tui.screens.rollback.messages import RollbackDone
from tui.screens.tofu_flow import TofuTarget, short_dir
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog
from tui.widgets.worker_events import ReportsWorkers, WorkFailure
from tui.wizard import Wizard

STEP = "rollback"
MAX_LEFT_SHOWN = 12


def rules_text(rules: PlanRules) -> Content:
    """The playbook's rollback rules in one paragraph: what the review will let through."""
    text = Content.styled("The plan is reviewed with the playbook's rollback rules: ", "dim")
    expected = ", ".join(f"{'/'.join(r.actions)} of {r.address}" for r in rules.expected)
    text = text.append_text(f"expected {expected or 'nothing'}; ", "dim")
    if rules.protected:
        text = text.append_text(f"nothing may touch {', '.join(rules.protected)}; ", "dim")
    text = text.append_text("any other destroy or replace needs a typed confirmation.", "dim")
    return text


def short_file(path: Path) -> str:
    """A state file as the operator knows it: ``…/mocm-<build>/terraform/aws/<file>``."""
    return f"{short_dir(path.parent)}/{path.name}"


def describe_plan(plan: LocalRollbackPlan, rules: PlanRules) -> Content:
    """What the restore will write, and what the operator must know first."""
    text = Content()
    if plan.failed_state is not None and plan.failed_copy is not None:
        serial = plan.failed_serial
        text = text.append_text(
            f"1. Keep the failed state {short_file(plan.failed_state)} (serial {serial}) as "
        )
        text = text.append_text(f"{plan.failed_copy.name}", "bold")
        text = text.append_text(" beside it.\n")
    else:
        text = text.append_text("1. The current release has no state: nothing to keep.\n")
    text = text.append_text(
        f"2. Restore {plan.pre_upgrade.name} (serial {plan.restored_serial}) as "
    )
    text = text.append_text(short_file(plan.target), "bold")
    if plan.target_backup is not None:
        text = text.append_text(
            f" — its present content (serial {plan.target_serial}) is backed up to "
        )
        text = text.append_text(plan.target_backup.name, "bold")
    text = text.append_text(".\n")
    text = text.append_text(
        f"3. Then init -upgrade, plan, review and apply in {short_dir(plan.workdir)}.\n"
    )
    text = text.append(rules_text(rules))
    text = text.append_text("\n")
    text = text.append_text(f"All three states share lineage {plan.lineage}.", "dim")
    if plan.left_behind:
        text = text.append_text(
            f"\n⚠ {len(plan.left_behind)} resource(s) the failed apply created are not in the "
            "restored state: tofu will neither manage nor destroy them. Remove them by hand "
            "if they must go:\n",
            "$warning",
        )
        shown = plan.left_behind[:MAX_LEFT_SHOWN]
        text = text.append_text("\n".join(f"  • {address}" for address in shown), "$warning")
        if len(plan.left_behind) > MAX_LEFT_SHOWN:
            text = text.append_text(
                f"\n  … and {len(plan.left_behind) - MAX_LEFT_SHOWN} more", "$warning"
            )
    if plan.target_is_newer:
        text = text.append_text(
            f"\n⚠ The previous release's state (serial {plan.target_serial}) is newer than the "
            f"backup (serial {plan.restored_serial}): restoring goes back in time.",
            "bold $error",
        )
    return text


@dataclass(frozen=True)
class RestoreDone:
    """The pre-upgrade state is back, and what the restore wrote."""

    plan: LocalRollbackPlan
    written: tuple[FileChange, ...]


class LocalRollbackView(ReportsWorkers, Vertical):
    """Restore the pre-upgrade local state, then re-converge the previous release."""

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
            yield Button("Restore the pre-upgrade state", id="rb-restore", variant="warning")
        yield Static(id="rb-local-status")

    def on_mount(self) -> None:
        pair = self.wizard.pair
        assert pair is not None  # the Rollback panel shows this view once the pair is chosen
        try:
            self.plan = plan_local_rollback(
                pair.previous.terraform, pair.current.terraform, self.wizard.context.playbook
            )
        except MocmError as exc:
            self.query_one("#rb-local-plan", Static).update(error_text(exc, "Cannot roll back"))
            self.query_one("#rb-restore", Button).disabled = True
            return
        rules = self.wizard.context.playbook.rules(ROLLBACK)
        self.query_one("#rb-local-plan", Static).update(describe_plan(self.plan, rules))
        self._sync()
        # The step's one action gets the focus, so its key and Enter work at once.
        self.call_after_refresh(self.query_one("#rb-restore").focus)

    @property
    def phrase(self) -> str:
        plan = self.plan
        return "" if plan is None else f"restore serial {plan.restored_serial}"

    def restore_allowed(self) -> bool:
        return self.plan is not None and not self.restored

    def _sync(self) -> None:
        self.query_one("#rb-restore", Button).disabled = not self.restore_allowed()

    @on(Button.Pressed, "#rb-restore")
    def ask_to_restore(self) -> None:
        """Restore now; going back in time (an older serial) first needs the typed phrase."""
        plan = self.plan
        if plan is None or not self.restore_allowed():
            return
        if not plan.target_is_newer:
            self.restore(plan, None)
            return
        question = TypedPhraseDialog(
            "Restore an older state?",
            f"The previous release's state (serial {plan.target_serial}) is newer than the "
            f"backup (serial {plan.restored_serial}): restoring goes back in time. Its present "
            "content is backed up first.",
            self.phrase,
            action="Restore",
            dialog_id="rb-older-dialog",
        )
        self.app.push_screen(
            question, lambda typed: self.restore(plan, typed) if typed is not None else None
        )

    def restore(self, plan: LocalRollbackPlan, typed: TypedPhrase | None) -> None:
        session = self.wizard.session
        if session is not None:
            source = f"{plan.pre_upgrade} (serial {plan.restored_serial})"
            phrase = typed.phrase if typed is not None else ""
            kind = RollbackKind.LOCAL_STATE
            session.journal.append(RollbackChosen(kind, source, str(plan.target), phrase, STEP))
        self.query_one("#rb-restore", Button).disabled = True
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
        self._status(error_text(event.failure.error, event.failure.what))

    @on(Restored)
    def _restored(self, event: Restored) -> None:
        plan, done = event.restore.plan, event.restore.written
        self.restored = True
        written = ", ".join(f"{c.op} {c.path.name}" for c in done) or "nothing to write"
        session = self.wizard.session
        if session is not None:
            kind = RollbackKind.LOCAL_STATE
            said = f"{plan.target} restored from {plan.pre_upgrade} ({written})"
            session.journal.append(RollbackRecorded(kind, said, UNDONE_BY[kind], STEP))
        self._status(
            Content.styled(f"✔ Restored ({written}). Now plan in the previous release.", "$success")
        )
        target = TofuTarget(
            plan.workdir,
            remote=False,
            stage=ROLLBACK,  # reviewed with the playbook's rollback rules, not the upgrade's
            label="previous release (rollback)",
            step=STEP,
        )
        self.query_one("#rb-local-plan").display = False  # room for the plan at 80×24
        self.query_one(".rb-buttons").display = False
        self.mount(PlanFlow(target, id="rb-plan"))
        self.mount(ApplyFlow(target, id="rb-apply"))
        self.call_after_refresh(lambda: self.query_one("#plan-log").focus())

    def _status(self, text: Content) -> None:
        self.query_one("#rb-local-status", Static).update(text)

    @on(PlanFlow.Approved)
    def _approved(self, event: PlanFlow.Approved) -> None:
        event.stop()
        apply = self.query_one(ApplyFlow)
        apply.use_plan(event.reviewed)
        apply.query_one("#apply-log").focus()

    @on(PlanFlow.Reset)
    def _reset(self, event: PlanFlow.Reset) -> None:
        event.stop()
        if self.query(ApplyFlow):
            self.query_one(ApplyFlow).use_plan(None)

    @on(ApplyFlow.ReplanRequested)
    def _replan(self, event: ApplyFlow.ReplanRequested) -> None:
        event.stop()
        self.query_one(PlanFlow).action_plan()

    @on(ApplyFlow.Applied)
    def _applied(self, event: ApplyFlow.Applied) -> None:
        event.stop()
        self._status(
            Content.styled(
                "✔ The previous release is re-applied on its pre-upgrade state.", "$success"
            )
        )
        self.post_message(RollbackDone(self))
