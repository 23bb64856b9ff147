"""Step 3 — Backend: the situation on disk explained; Option A kept, or B.1 migrated to S3.

Detection is re-read from disk every time the step is shown, so a restart lands on
what is true (a migrated release reads as B.2). The carry-over step derives its
option from the same detection.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Log, Static

from screens.backend_form_view import BackendFormView
from screens.backend_migration_dialog import ask_operator_from_thread
from screens.base import StepPanel
from tui.assets import STYLES
from tui.core.aws_session import EnvSession
from tui.core.backend import BackendKind, BackendSituation, detect_backend
from tui.core.backend_form import (
    FORM_FIELDS,
    BackendForm,
    FormProblem,
    check_form_against_aws,
    form_problems,
    prefill_form,
    write_backend_tf,
)
from tui.core.backend_migration import MigrationOutcome, MigrationResult, migrate_state
from tui.core.errors import MocmError
from tui.core.journal_records import Decision, JournalRecord
from tui.core.playbook import Playbook

DECISION = "backend option"
HEADLINE = {
    BackendKind.LOCAL: ("Option A — the state is local", "bold cyan"),
    BackendKind.REMOTE: ("Option B.2 — the state is in S3", "bold green"),
    BackendKind.MIGRATION_PENDING: ("Option B.1 — migration to S3 not finished", "bold yellow"),
    BackendKind.CONTRADICTION: ("Contradiction — check before going on", "bold red"),
    BackendKind.NO_STATE: ("No state found", "bold red"),
}
OUTCOME_STYLE = {
    MigrationOutcome.MIGRATED: "green",
    MigrationOutcome.DECLINED: "yellow",
    MigrationOutcome.FAILED: "red",
    MigrationOutcome.NOT_VERIFIED: "red",
}


@dataclass(frozen=True)
class MigrationRun:
    """What the migration worker needs, gathered on the UI thread."""

    terraform_dir: Path
    playbook: Playbook
    tofu_bin: str
    env: Mapping[str, str]
    s3: Any


class BackendPanel(StepPanel):
    """Explain the backend; keep A, or write backend.tf and migrate (B.1) with the operator."""

    STEP_ID = "backend"
    DEFAULT_CSS = (STYLES / "backend.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        Binding("k", "keep_local", "Keep local (A)", tooltip="Keep the local state (Option A)"),
        Binding("m", "show_form", "Migrate (B.1)", tooltip="Move the state to S3 first"),
        Binding("c", "check", "Check form", tooltip="Check the form against AWS"),
        Binding("r", "detect", "Detect again", tooltip="Read the release directory again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.situation: BackendSituation | None = None
        self.busy = False
        self.form_checked: BackendForm | None = None

    def compose(self) -> ComposeResult:
        yield Static("3. Backend", classes="step-title")
        with VerticalScroll(id="be-scroll"):
            yield Static(id="be-headline", markup=False)
            yield Static(id="be-explain", markup=False)
            with Horizontal(id="be-choice"):
                yield Button("Keep local state (k)", id="be-keep", compact=True)
                yield Button("Migrate to S3 first — B.1 (m)", id="be-b1", compact=True)
            yield BackendFormView()
            with Horizontal(id="be-form-buttons"):
                yield Button("Check against AWS (c)", id="be-check", compact=True)
                yield Button(
                    "Write backend.tf and migrate", id="be-migrate", compact=True, variant="warning"
                )
            yield Static(id="be-status", markup=False)
            yield Log(id="be-output", highlight=False)
            yield Static(id="be-result", markup=False)

    def on_mount(self) -> None:
        for hidden in ("#be-form", "#be-form-buttons", "#be-output", "#be-result", "#be-choice"):
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
            self.say_headline("The backend cannot be read", "bold red")
            self.query_one("#be-explain", Static).update(
                Text(f"{exc.message}\n{exc.hint}".rstrip(), "red")
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
        self.query_one("#be-choice").display = situation.kind is BackendKind.LOCAL
        if situation.kind is BackendKind.MIGRATION_PENDING:
            self.open_form()
        elif situation.kind is not BackendKind.LOCAL:
            self.query_one(BackendFormView).display = False
            self.query_one("#be-form-buttons").display = False
        if situation.kind is BackendKind.REMOTE:
            self.record_once(f"B.2: the state is in S3 ({situation.explanation[0]})")
        self.complete = self.decided(situation)
        self.refresh_controls()

    def say_headline(self, text: str, style: str) -> None:
        self.query_one("#be-headline", Static).update(Text(text, style))

    def decided(self, situation: BackendSituation) -> bool:
        """B.2 is decided by what is on disk; A by the operator's journaled choice."""
        if situation.kind is BackendKind.REMOTE:
            return True
        return situation.kind is BackendKind.LOCAL and self.kept_local()

    def decisions(self) -> list[str]:
        session = self.wizard.session
        records = list(session.journal.records) if session is not None else []
        return [
            r.body.detail
            for r in records
            if isinstance(r, JournalRecord)
            and isinstance(r.body, Decision)
            and r.body.what == DECISION
        ]

    def kept_local(self) -> bool:
        said = self.decisions()
        return bool(said) and said[-1].startswith("A:")

    def record_once(self, detail: str) -> None:
        session = self.wizard.session
        if session is not None and detail not in self.decisions()[-1:]:
            session.journal.decision(DECISION, detail, self.step_id)

    # -- Option A -------------------------------------------------------------------
    def action_keep_local(self) -> None:
        if not self.check_action("keep_local", ()):
            return
        self.record_once("A: keep the local state (the operator's choice)")
        self.query_one("#be-result", Static).update(
            Text(
                "Option A chosen: the local state is copied into the new release in the next "
                "step. You can still migrate to S3 (m) before going on.",
                "green",
            )
        )
        self.query_one("#be-result").display = True
        self.action_detect()

    # -- B.1 form -------------------------------------------------------------------
    def action_show_form(self) -> None:
        if self.check_action("show_form", ()):
            self.open_form()

    def open_form(self) -> None:
        view = self.query_one(BackendFormView)
        if not view.display:
            form = self.initial_form()
            if form is not None:
                view.fill(form)
        view.display = True
        self.query_one("#be-form-buttons").display = True
        self.query_one("#bf-bucket").focus()
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

    def local_problems(self, form: BackendForm) -> list[FormProblem]:
        problems = form_problems(form)
        self.query_one(BackendFormView).show_problems(problems)
        return problems

    def action_check(self, then_migrate: bool = False) -> None:
        if not self.check_action("check", ()):
            return
        form = self.query_one(BackendFormView).form()
        if self.local_problems(form):
            self.status("Correct the fields marked ✖ first.", "red")
            return
        self.busy = True
        self.refresh_controls()
        self.status(f"Checking bucket {form.bucket} and the lock against AWS…", "")
        self.check_in_aws(form, self.wizard.aws(), then_migrate)

    @work(thread=True, group="backend", exit_on_error=False, description="Backend form check")
    def check_in_aws(self, form: BackendForm, aws: EnvSession, then_migrate: bool) -> None:
        try:
            s3 = aws.client("s3", form.region)
            problems = check_form_against_aws(form, s3, aws.client("dynamodb", form.region))
        finally:
            self.app.call_from_thread(self.not_busy)
        self.app.call_from_thread(self.checked, form, problems, then_migrate)

    def not_busy(self) -> None:
        self.busy = False
        self.refresh_controls()

    def checked(self, form: BackendForm, problems: list[FormProblem], then_migrate: bool) -> None:
        self.query_one(BackendFormView).show_problems(problems)
        if problems:
            self.form_checked = None
            self.status(f"{len(problems)} problem(s): nothing was written.", "red")
            return
        self.form_checked = form
        lock = f"lock table {form.dynamodb_table}" if form.dynamodb_table else "S3 lock file"
        self.status(f"✔ bucket {form.bucket} exists, is versioned, in {form.region}; {lock} ok.")
        if then_migrate:
            self.start_migration(form)

    def status(self, text: str, style: str = "green") -> None:
        self.query_one("#be-status", Static).update(Text(text, style))

    # -- B.1 migration --------------------------------------------------------------
    @on(Button.Pressed, "#be-migrate")
    def migrate_pressed(self) -> None:
        self.action_check(then_migrate=True)

    def start_migration(self, form: BackendForm) -> None:
        where, session = self.terraform_dir(), self.wizard.session
        if where is None or session is None:
            return
        book = self.wizard.context.playbook
        try:
            written = write_backend_tf(where, book, form)
        except MocmError as exc:
            self.status(f"{exc.message} {exc.hint}".strip(), "red")
            return
        for op in written.file_ops:
            session.journal.append(op)
        self.status(f"Wrote {written.path.name}; running tofu init -migrate-state…", "")
        self.busy = True
        self.refresh_controls()
        wizard = self.wizard
        s3 = wizard.aws().client("s3", form.region)
        self.migrate(MigrationRun(where, book, wizard.context.tofu_bin, wizard.context.env, s3))

    @work(thread=True, group="backend", exit_on_error=False, description="State migration (B.1)")
    def migrate(self, run: MigrationRun) -> None:
        app, redactor = self.app, self.wizard.redactor
        began = time.monotonic()
        where = run.terraform_dir
        try:
            result = migrate_state(
                where,
                run.playbook,
                run.tofu_bin,
                run.env,
                lambda prompt: ask_operator_from_thread(app, prompt),
                run.s3,
                redactor=redactor,
            )
        finally:
            self.app.call_from_thread(self.not_busy)
        self.app.call_from_thread(self.migrated, result, where, time.monotonic() - began)

    def migrated(self, result: MigrationResult, where: Path, duration_s: float) -> None:
        session = self.wizard.session
        output = self.query_one("#be-output", Log)
        output.clear()
        output.write_lines(result.output)
        output.display = True
        if session is not None:
            with session.transcripts.open(result.argv, where) as transcript:
                for line in result.output:
                    transcript.line("stdout", line)
                transcript.close(result.exit_code, duration_s, result.outcome.value)
            session.journal.command(
                result.argv,
                where,
                result.exit_code,
                duration_s,
                transcript.name,
                result.outcome.value,
                self.step_id,
            )
            for op in result.file_ops:
                session.journal.append(op)
            answers = ", ".join(result.answers) or "none"
            session.journal.decision(
                DECISION, f"B.1: {result.outcome.value} (answered: {answers})", self.step_id
            )
        box = self.query_one("#be-result", Static)
        box.update(Text(result.message, OUTCOME_STYLE[result.outcome]))
        box.display = True
        self.status(f"tofu init -migrate-state: {result.outcome.value}.", "")
        self.action_detect()

    # -- keys -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        kind = self.situation.kind if self.situation is not None else None
        form_open = self.query_one(BackendFormView).display
        if action == "keep_local":
            return (kind is BackendKind.LOCAL and not self.busy) or None
        if action == "show_form":
            return (kind is BackendKind.LOCAL and not self.busy and not form_open) or None
        if action == "check":
            pending = kind in (BackendKind.LOCAL, BackendKind.MIGRATION_PENDING)
            return (pending and form_open and not self.busy) or None
        if action == "detect":
            return not self.busy or None
        return True

    def refresh_controls(self) -> None:
        for button_id, action in (
            ("#be-keep", "keep_local"),
            ("#be-b1", "show_form"),
            ("#be-check", "check"),
            ("#be-migrate", "check"),
        ):
            self.query_one(button_id, Button).disabled = not self.check_action(action, ())
        self.refresh_bindings()

    @on(Button.Pressed, "#be-keep")
    def keep_pressed(self) -> None:
        self.action_keep_local()

    @on(Button.Pressed, "#be-b1")
    def b1_pressed(self) -> None:
        self.action_show_form()

    @on(Button.Pressed, "#be-check")
    def check_pressed(self) -> None:
        self.action_check()
