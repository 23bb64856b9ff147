"""Helm step, section 7: roll back only the release that failed, to the recorded revision.

``helm rollback RELEASE`` alone goes to current − 1, which after a failed upgrade may be
a failed revision; the wizard always names the revision recorded before the sync.
Helm releases are independent of the OpenTofu layer, which needs no rollback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from tui.core.helm.commands import RollbackChoice
from tui.core.helm.history import read_rollback
from tui.core.helm.journal_readback import RecordedRevision
from tui.core.journal.events import HelmRollbackClosed, HelmRolledBack
from tui.screens.error_text import error_text
from tui.screens.helm.support import (
    Captured,
    CapturingLog,
    HelmStep,
    missing_program,
)
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog

TOFU_NOTE = (
    "The OpenTofu layer needs no rollback: a Helm failure leaves the infrastructure as applied."
)


class RollbackSection(Vertical):
    """Offers, confirms and runs ``helm rollback R REV -n NS`` for each failed release."""

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-rollback")
        self.panel = panel
        self.choices: list[RollbackChoice] = []
        self.done: dict[str, bool] = {}  # release → rolled back successfully
        self.captured = Captured()
        self.running_choice: RollbackChoice | None = None
        self.outcome_recorded = False
        self.optional = False  # offered after a successful sync: each release on request

    def compose(self) -> ComposeResult:
        yield Static(id="rb-offer", markup=False)
        with Horizontal(classes="helm-buttons"):
            yield Button("Roll back (b)", id="rb-run", compact=True, variant="error")
        yield Horizontal(id="rb-choices", classes="helm-buttons")
        yield CapturingLog(redactor=self.panel.wizard.redactor, id="rb-log", classes="helm-log")
        yield Static(id="rb-result", markup=False)
        with Horizontal(id="rb-outcome-row", classes="helm-row"):
            yield Input(placeholder="outcome to record (what you saw, what next)", id="rb-outcome")
            yield Button("Record", id="rb-record", compact=True)

    def on_mount(self) -> None:
        self.display = False
        self.query_one("#rb-log").display = False
        self.query_one("#rb-outcome-row").display = False

    def reset(self) -> None:
        """A new sync starts: forget the previous offer."""
        self.choices, self.done, self.running_choice = [], {}, None
        self.outcome_recorded = False
        self.optional = False
        self.query_one("#rb-choices").remove_children()
        self.display = False

    @property
    def rolled_back_any(self) -> bool:
        return any(self.done.values())

    def offer_after_success(
        self, releases: Sequence[str], targets: Mapping[str, RecordedRevision] | None = None
    ) -> None:
        """After a successful sync: each release can go back to its recorded revision."""
        recorded = self.panel.recorded if targets is None else targets
        self.optional = True
        self.choices = [recorded[r].rollback_choice() for r in releases if r in recorded]
        self.choices = [c for c in self.choices if c.possible]
        self.done = {}
        if not self.choices:
            self.display = False
            return
        text = Content.styled("Rollback stays within reach. ", "bold")
        text = text.append_text(
            "Should a release misbehave, roll it back alone to the revision recorded before "
            "the sync (you type its name to confirm):\n"
        )
        for choice in self.choices:
            text = text.append_text(f"  {choice.release} → revision {choice.revision}\n")
        text = text.append_text(TOFU_NOTE, "dim")
        self.query_one("#rb-offer", Static).update(text)
        row = self.query_one("#rb-choices", Horizontal)
        row.remove_children()
        row.mount_all(
            Button(
                f"Roll back {c.release}…",
                id=f"rb-choice-{index}",
                classes="rb-choice",
                compact=True,
                variant="error",
            )
            for index, c in enumerate(self.choices)
        )
        self.display = True
        self.refresh_button()

    @on(Button.Pressed, ".rb-choice")
    def choice_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "").rsplit("-", 1)[-1])
        if 0 <= index < len(self.choices) and self.running_choice is None:
            self.ask_for(self.choices[index])

    @property
    def pending(self) -> RollbackChoice | None:
        """The next release that can and still must be rolled back."""
        return next((c for c in self.choices if c.possible and not self.done.get(c.release)), None)

    @property
    def can_roll_back(self) -> bool:
        return self.pending is not None and self.running_choice is None

    @property
    def all_rolled_back(self) -> bool:
        return bool(self.choices) and all(self.done.get(c.release) for c in self.choices)

    def offer(
        self,
        releases: Sequence[str],
        errors: Mapping[str, str],
        others: Sequence[str],
        done: Iterable[str] = (),
    ) -> None:
        """Name each release that failed (or was interrupted) and its recorded revision.

        ``errors``: helm's message per release, when known; ``done``: releases already
        rolled back (before a restart).
        """
        recorded = self.panel.recorded
        self.choices = [
            recorded[r].rollback_choice()
            if r in recorded
            else RollbackChoice(r, None, "no rollback possible: its revision was not recorded")
            for r in releases
        ]
        self.done = {r: True for r in done if r in releases}
        self.optional = False
        self.query_one("#rb-choices").remove_children()
        text = Content()
        for choice in self.choices:
            error = errors.get(choice.release, "")
            text = text.append_text(f"{choice.release} failed", "bold $error")
            text = text.append_text(f": {error}\n" if error else ".\n", "$error")
            if self.done.get(choice.release):
                text = text.append_text(
                    f"{choice.release} was rolled back to revision {choice.revision}.\n"
                )
            elif choice.possible:
                text = text.append_text(
                    f"Roll back {choice.release} only, to revision {choice.revision} — "
                    f"{choice.reason}; never helm's implicit “previous”, which may be a failed "
                    "revision.\n"
                )
            else:
                text = text.append_text(f"{choice.reason}\n", "bold $warning")
        if others:
            text = text.append_text(
                f"{', '.join(others)}: left as they are (no rollback).\n", "dim"
            )
        text = text.append_text(TOFU_NOTE, "bold")
        self.query_one("#rb-offer", Static).update(text)
        self.display = True
        self.refresh_button()
        if self.all_rolled_back:
            self.ask_outcome(
                Content.styled("Every failed release is rolled back.", "bold $success")
            )
        self.call_after_refresh(self.scroll_visible, animate=False)

    def refresh_button(self) -> None:
        button = self.query_one("#rb-run", Button)
        choice = None if self.optional else self.pending
        for other in self.query(".rb-choice").results(Button):
            other.disabled = self.running_choice is not None
        button.display = choice is not None
        if choice is not None:
            button.label = f"Roll back {choice.release} to revision {choice.revision} (b)"
        button.disabled = not self.can_roll_back

    @on(Button.Pressed, "#rb-run")
    def ask(self) -> None:
        choice = self.pending
        if choice is None or not self.can_roll_back or self.optional:
            return
        self.ask_for(choice)

    def ask_for(self, choice: RollbackChoice) -> None:
        """Confirmed by typing the exact release name (the dialog opens on Cancel)."""
        kube = self.panel.kube
        where = f"\nOn {kube.shown}." if kube is not None else ""
        body = Content.styled(
            f"helm rollback {choice.release} {choice.revision} -n "
            f"{self.panel.namespace}{where}\n\nOnly {choice.release} changes. {TOFU_NOTE}"
        )
        dialog = TypedPhraseDialog(
            f"Roll back {choice.release}?",
            body,
            choice.release,
            action="Roll back",
            meaning="the release's name",
            dialog_id="helm-rollback-confirm",
        )

        def answered(typed: TypedPhrase | None) -> None:
            if typed is not None and typed.phrase == choice.release:
                self.start(choice)

        self.app.push_screen(dialog, answered)

    def start(self, choice: RollbackChoice) -> None:
        plan = self.panel.plan
        if plan is None or self.running_choice is not None:
            return
        result = self.query_one("#rb-result", Static)
        missing = missing_program(plan.helm, self.panel.wizard.context.env)
        if missing is not None:
            result.update(error_text(missing, "Cannot roll back"))
            return
        command = plan.rollback(choice)
        self.running_choice = choice
        self.captured = Captured()
        log = self.query_one("#rb-log", CapturingLog)
        log.listener = self.captured
        log.display = True
        result.update(
            Content.styled(f"Rolling {choice.release} back to revision {choice.revision}…")
        )
        self.refresh_button()
        self.panel.run_logged(log, command.argv, cwd=command.cwd, timeout_s=command.timeout_seconds)
        self.panel.update_gate()

    @on(CapturingLog.Finished, "#rb-log")
    def finished(self, event: CapturingLog.Finished) -> None:
        event.stop()
        choice, self.running_choice = self.running_choice, None
        if choice is None or choice.revision is None:
            return
        run = event.result
        outcome = read_rollback(
            choice.release,
            choice.revision,
            self.captured.stdout_text,
            self.captured.stderr_text,
            run.exit_code,
        )
        if run.cancelled or run.timed_out:
            message = f"helm rollback of {choice.release} did not finish (cancelled or timed out)."
            succeeded = False
        else:
            message, succeeded = outcome.message, outcome.succeeded
        self.done[choice.release] = succeeded
        self.panel.journal_decision(
            HelmRolledBack(choice.release, choice.revision, succeeded, message, self.panel.step_id)
        )
        text = Content.styled(
            ("✔ " if succeeded else "✗ ") + message, "bold $success" if succeeded else "bold $error"
        )
        if succeeded:
            text = text.append_text(f"\n{TOFU_NOTE}")
        if self.all_rolled_back or (self.optional and succeeded):
            self.ask_outcome(text)
        else:
            if not succeeded:
                text = text.append_text("\nYou can try again (b) once the cause is fixed.")
            self.query_one("#rb-result", Static).update(text)
        self.refresh_button()
        self.panel.update_gate()

    def ask_outcome(self, text: Content) -> None:
        """Everything is rolled back: the operator records what happened to finish."""
        text = text.append_text("\nRecord the outcome below to finish the step.", "bold")
        self.query_one("#rb-result", Static).update(text)
        self.query_one("#rb-outcome-row").display = True
        self.panel.focus_after("rollback")

    @on(Button.Pressed, "#rb-record")
    @on(Input.Submitted, "#rb-outcome")
    def record(self) -> None:
        field = self.query_one("#rb-outcome", Input)
        outcome = field.value.strip()
        if not outcome or not (self.all_rolled_back or (self.optional and self.rolled_back_any)):
            field.focus()
            return
        rolled = ", ".join(
            f"{c.release} → {c.revision}" for c in self.choices if self.done.get(c.release)
        )
        self.panel.journal_decision(HelmRollbackClosed(rolled, outcome, self.panel.step_id))
        self.outcome_recorded = True
        self.query_one("#rb-outcome-row").display = False
        self.query_one("#rb-result", Static).update(
            Content.styled(
                f"✔ Rolled back ({rolled}); outcome recorded: {outcome}", "bold $success"
            )
        )
        self.panel.update_gate()

    def cancel(self) -> bool:
        return self.query_one("#rb-log", CapturingLog).cancel()
