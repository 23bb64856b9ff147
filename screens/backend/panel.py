"""Step 3 — Backend: the situation on disk explained; Option A kept, or B.1 migrated to S3.

Detection is re-read from disk every time the step is shown, so a restart lands on
what is true (a migrated release reads as B.2). The carry-over step derives its
option from the same detection. The B.1 form and migration live in
:class:`StateMigrationFlow`; this panel explains, records the choice and holds the keys.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.journal.events import BackendChosen, BackendMigrated, BackendOption
from tui.core.journal.records import JournalRecord
from tui.core.tofu.backend.detect import BackendKind, BackendSituation, detect_backend
from tui.core.tofu.backend.form import FORM_FIELDS, BackendForm, prefill_form
from tui.resources import STYLES
from tui.screens.backend.migration_flow import OUTCOME_STYLE, StateMigrationFlow
from tui.screens.base import StepPanel
from tui.wizard import Wizard

HEADLINE = {
    BackendKind.LOCAL: ("Option A — the state is local", "bold $text-secondary"),
    BackendKind.REMOTE: ("Option B.2 — the state is in S3", "bold $success"),
    BackendKind.MIGRATION_PENDING: ("Option B.1 — migration to S3 not finished", "bold $warning"),
    BackendKind.CONTRADICTION: ("Contradiction — check before going on", "bold $error"),
    BackendKind.NO_STATE: ("No state found", "bold $error"),
}


class BackendPanel(StepPanel):
    """Explain the backend; keep A, or write backend.tf and migrate (B.1) with the operator."""

    STEP_ID = "backend"
    DEFAULT_CSS = (STYLES / "backend.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        Binding("k", "keep_local", "Keep local", tooltip="Keep the local state (Option A)"),
        Binding("m", "show_form", "Migrate B.1", tooltip="Move the state to S3 first (form)"),
        Binding("c", "check", "Check", tooltip="Check the form against AWS"),
        Binding(
            "w",
            "migrate",
            "Write+migrate",
            tooltip="Check, write backend.tf and run tofu init -migrate-state",
        ),
        Binding("x", "stop", "Stop init", tooltip="Stop tofu init -migrate-state (SIGINT)"),
        Binding("r", "detect", "Detect", tooltip="Read the release directory again"),
    ]
    FOCUS_AFTER = {
        "keep_local": "#be-keep",  # chosen: F3 goes on, m still migrates instead
        "show_form": "#be-check",  # not a field: a typed c would replace its prefilled text
        "check": "#be-migrate",  # AWS agrees: write backend.tf and migrate next
        "check.fields": "BackendFormView .-problem",  # the first field marked ✖
        "check.problems": "#be-check",  # fixed in AWS, then checked again
        "migrate.running": "#be-output",  # out of the inputs: x stops the tool
        "migrate": "#be-output",  # B.2 now: what tofu said; F3 goes on
        "migrate.failed": "#be-migrate, #be-check",  # the retry
        "stop": "#be-migrate, #be-check",
        "detect": "#be-keep, #be-check, #be-scroll",
    }

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.situation: BackendSituation | None = None

    def compose(self) -> ComposeResult:
        yield Static("3. Backend", classes="step-title")
        with VerticalScroll(id="be-scroll"):
            yield Static(id="be-headline", markup=False)
            yield Static(id="be-explain", markup=False)
            with Horizontal(id="be-choice"):
                yield Button("Keep local state (k)", id="be-keep", compact=True)
                yield Button("Migrate to S3 first — B.1 (m)", id="be-b1", compact=True)
            yield StateMigrationFlow()
            yield Static(id="be-result", markup=False)

    def on_mount(self) -> None:
        for hidden in ("#be-migration", "#be-result", "#be-choice"):
            self.query_one(hidden).display = False
        self.action_detect()

    # -- detection ------------------------------------------------------------------
    def terraform_dir(self) -> Path | None:
        pair = self.wizard.pair
        return pair.previous.terraform if pair is not None else None

    def action_detect(self) -> None:
        where = self.terraform_dir()
        if where is None:
            self.say_headline("Choose the releases first (step 1).", "bold")
            return
        try:
            situation = detect_backend(where, self.wizard.context.playbook)
        except MocmError as exc:
            self.situation = None
            self.say_headline("The backend cannot be read", "bold $error")
            self.query_one("#be-explain", Static).update(
                Content.styled(f"{exc.message}\n{exc.hint}".rstrip(), "$error")
            )
            self.complete = False
            self.refresh_controls()
            return
        self.situation = situation
        self.say_headline(*HEADLINE[situation.kind])
        said = list(situation.explanation)
        if situation.offers_b1:
            said.append(
                "B.1 is recommended for production: the state then lives in a versioned S3 "
                "bucket with a lock, and every later release points at the same place."
            )
        self.query_one("#be-explain", Static).update("\n".join(said))
        if situation.kind is BackendKind.MIGRATION_PENDING:
            self.open_form()
        elif situation.kind is not BackendKind.LOCAL:
            self.flow.close_form()
        if situation.kind is BackendKind.REMOTE:
            self.record_once(
                BackendChosen(
                    BackendOption.REMOTE,
                    f"the state is in S3 ({situation.explanation[0]})",
                    self.step_id,
                )
            )
        self.complete = self.decided(situation)
        self.refresh_controls()
        self.focus_after("detect")  # an action that re-detects focuses after this

    def say_headline(self, text: str, style: str) -> None:
        self.query_one("#be-headline", Static).update(Content.styled(text, style))

    def decided(self, situation: BackendSituation) -> bool:
        """B.2 is decided by what is on disk; A by the operator's journaled choice."""
        if situation.kind is BackendKind.REMOTE:
            return True
        return situation.kind is BackendKind.LOCAL and self.kept_local()

    def decisions(self) -> list[BackendChosen | BackendMigrated]:
        """The backend choices journaled so far (B.1 runs included), oldest first."""
        session = self.wizard.session
        records = list(session.journal.records) if session is not None else []
        return [
            r.body
            for r in records
            if isinstance(r, JournalRecord) and isinstance(r.body, BackendChosen | BackendMigrated)
        ]

    def kept_local(self) -> bool:
        said = self.decisions()
        last = said[-1] if said else None
        return isinstance(last, BackendChosen) and last.option is BackendOption.KEEP_LOCAL

    def record_once(self, choice: BackendChosen) -> None:
        session = self.wizard.session
        if session is not None and choice not in self.decisions()[-1:]:
            session.journal.append(choice)

    # -- Option A -------------------------------------------------------------------
    def action_keep_local(self) -> None:
        if not self.check_action("keep_local", ()):
            return
        self.record_once(
            BackendChosen(BackendOption.KEEP_LOCAL, "keep the local state (the operator's choice)")
        )
        self.query_one("#be-result", Static).update(
            Content.styled(
                "Option A chosen: the local state is copied into the new release in the next "
                "step (F3). You can still migrate to S3 (m) before going on.",
                "$success",
            )
        )
        self.query_one("#be-result").display = True
        self.action_detect()
        self.focus_after("keep_local")

    # -- B.1 ------------------------------------------------------------------------
    @property
    def flow(self) -> StateMigrationFlow:
        return self.query_one(StateMigrationFlow)

    def action_show_form(self) -> None:
        if self.check_action("show_form", ()):
            self.open_form()

    def open_form(self) -> None:
        self.flow.open(self.initial_form())
        self.refresh_controls()

    def initial_form(self) -> BackendForm | None:
        """An existing backend.tf's settings (B.1 pending), else backend.tf.example's."""
        situation, pair = self.situation, self.wizard.pair
        if situation is None or pair is None:
            return None
        written = situation.backend
        if written is None:
            book = self.wizard.context.playbook
            return prefill_form(situation.terraform_dir, book, pair.name_prefix, pair.aws_region)
        extra = {k: v for k, v in written.settings.items() if k not in FORM_FIELDS}
        return BackendForm(
            written.bucket,
            written.key,
            written.region or pair.aws_region,
            written.dynamodb_table or "",
            written.use_lockfile,
            written.encrypt,
            extra,
        )

    def action_check(self) -> None:
        if self.check_action("check", ()):
            self.flow.check()

    def action_migrate(self) -> None:
        if self.check_action("migrate", ()):
            self.flow.check(then_migrate=True)

    def action_stop(self) -> None:
        if self.check_action("stop", ()):
            self.flow.stop()  # the migration then ends: Finished focuses the retry

    def on_state_migration_flow_changed(self, event: StateMigrationFlow.Changed) -> None:
        self.refresh_controls()

    def on_state_migration_flow_finished(self, event: StateMigrationFlow.Finished) -> None:
        box = self.query_one("#be-result", Static)
        box.update(Content.styled(event.result.message, OUTCOME_STYLE[event.result.outcome]))
        box.display = True
        self.action_detect()
        if self.complete:
            box.update(
                Content.styled(event.result.message, OUTCOME_STYLE[event.result.outcome])
                + Content.styled("\nNext: F3 (the carry-over).", "bold")
            )
        self.focus_after("migrate" if self.complete else "migrate.failed")
        self.call_after_refresh(box.scroll_visible)

    # -- keys -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that cannot apply to this situation are hidden (the footer has room for
        the ones that do); keys that apply but wait for the tool are greyed."""
        kind = self.situation.kind if self.situation is not None else None
        flow = self.flow
        busy, form_open = flow.busy, flow.form_open
        if action == "keep_local":
            return False if kind is not BackendKind.LOCAL else (not busy or None)
        if action == "show_form":
            if kind is not BackendKind.LOCAL or form_open:
                return False
            return not busy or None
        if action in ("check", "migrate"):
            pending = kind in (BackendKind.LOCAL, BackendKind.MIGRATION_PENDING)
            if not (pending and form_open):
                return False
            return not busy or None
        if action == "stop":
            return flow.migrating or False
        if action == "detect":
            return not busy or None
        return True

    def refresh_controls(self) -> None:
        for button_id, action in (
            ("#be-keep", "keep_local"),
            ("#be-b1", "show_form"),
            ("#be-check", "check"),
            ("#be-migrate", "migrate"),
        ):
            self.query_one(button_id, Button).disabled = not self.check_action(action, ())
        self.query_one("#be-choice").display = (
            self.situation is not None
            and self.situation.kind is BackendKind.LOCAL
            and not self.flow.form_open
        )
        self.refresh_bindings()

    @on(Button.Pressed, "#be-keep")
    def keep_pressed(self) -> None:
        self.action_keep_local()

    @on(Button.Pressed, "#be-b1")
    def b1_pressed(self) -> None:
        self.action_show_form()
