"""B.1 in one widget: the form checked against AWS, backend.tf written, the state migrated.

``tofu init -migrate-state`` streams into the log; its own prompt is shown in a
dialog and answered only with the operator's yes or no; ``x`` stops it (SIGINT).
Its transcript and journal record are written however it ends. The panel gets
``Changed`` when the flow becomes busy or idle, and ``Finished`` with the result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static

from tui.core.aws.session import EnvSession
from tui.core.errors import MocmError
from tui.core.exec.runner import Stream
from tui.core.journal.events import BackendMigrated
from tui.core.journal.transcripts import Transcript
from tui.core.tofu.backend.form import (
    BackendForm,
    FormProblem,
    check_form_against_aws,
    form_problems,
    write_backend_tf,
)
from tui.core.tofu.backend.migration import (
    STEP,
    MigrationOutcome,
    MigrationRequest,
    MigrationResult,
    StateMigration,
)
from tui.screens.backend.form_view import BackendFormView
from tui.screens.backend.migration_dialog import ask_operator
from tui.screens.base import panel_of
from tui.widgets.command_log import CommandLog, summary
from tui.widgets.worker_events import ReportsWorkers
from tui.wizard import Wizard

OUTCOME_STYLE = {
    MigrationOutcome.MIGRATED: "$success",
    MigrationOutcome.DECLINED: "$warning",
    MigrationOutcome.CANCELLED: "$warning",
    MigrationOutcome.FAILED: "$error",
    MigrationOutcome.NOT_VERIFIED: "$error",
}


@dataclass(frozen=True)
class FormCheck:
    """The form as checked against AWS, what AWS found, and whether to migrate next."""

    form: BackendForm
    problems: tuple[FormProblem, ...]
    then_migrate: bool


class StateMigrationFlow(ReportsWorkers, Vertical):
    """The B.1 form, its AWS check, and the prompted migration with the operator."""

    DEFAULT_CSS = "StateMigrationFlow { height: auto; }"

    class Changed(Message):
        """The flow became busy or idle: the panel refreshes its keys."""

    class Finished(Message):
        """The migration ended (whatever the outcome); journaled already."""

        def __init__(self, result: MigrationResult) -> None:
            super().__init__()
            self.result = result

    class Checked(Message, bubble=False):
        """AWS answered the form's check (problems, or none)."""

        def __init__(self, check: FormCheck) -> None:
            super().__init__()
            self.check = check

    class CheckEnded(Message, bubble=False):
        """The AWS check ended, however it ended."""

    def __init__(self) -> None:
        super().__init__(id="be-migration")
        self.busy = False
        self.migration: StateMigration | None = None

    @property
    def wizard(self) -> Wizard:
        return panel_of(self).wizard

    def compose(self) -> ComposeResult:
        yield BackendFormView()
        with Horizontal(id="be-form-buttons"):
            yield Button("Check against AWS (c)", id="be-check", compact=True)
            yield Button(
                "Write backend.tf and migrate (w)", id="be-migrate", compact=True, variant="warning"
            )
        yield Static(id="be-status", markup=False)
        yield CommandLog(redactor=self.wizard.redactor, id="be-output")

    def on_mount(self) -> None:
        self.query_one("#be-output").display = False

    @property
    def migrating(self) -> bool:
        """True while ``init -migrate-state`` runs (the stop key applies)."""
        return self.migration is not None

    def set_busy(self, busy: bool) -> None:
        """Busy while AWS is asked or the tool runs; the panel greys out its keys."""
        self.busy = busy
        self.post_message(self.Changed())

    @property
    def form_open(self) -> bool:
        """True while the form is on screen (its check and migrate keys apply)."""
        return bool(self.display and self.query_one(BackendFormView).display)

    def open(self, form: BackendForm | None) -> None:
        """Show the form (filled with ``form`` the first time) with its Check button focused.

        Not the bucket field: an Input selects its text on focus, so the advertised
        check key (c) would have replaced the prefilled bucket name.
        """
        view = self.query_one(BackendFormView)
        if not self.form_open and form is not None:
            view.fill(form)
        self.display = view.display = True
        self.query_one("#be-form-buttons").display = True
        panel_of(self).focus_after("show_form")

    def close_form(self) -> None:
        """Hide the form; the last run's status and output stay on screen."""
        self.query_one(BackendFormView).display = False
        self.query_one("#be-form-buttons").display = False
        self.display = bool(self.query_one("#be-output").display)

    def status(self, text: str, style: str = "$success") -> None:
        self.query_one("#be-status", Static).update(Content.styled(text, style))

    # -- check against AWS ------------------------------------------------------------
    def check(self, then_migrate: bool = False) -> None:
        """Check the fields here, then bucket and lock in AWS; migrate next if asked."""
        if self.busy:
            return
        view = self.query_one(BackendFormView)
        form = view.form()
        problems = form_problems(form)
        view.show_problems(problems)
        if problems:
            self.status("Correct the fields marked ✖ first.", "$error")
            panel_of(self).focus_after("check.fields")
            return
        self.set_busy(True)
        self.status(f"Checking bucket {form.bucket} and the lock against AWS…", "")
        self.check_in_aws(form, self.wizard.aws(), then_migrate)

    @work(thread=True, group="backend", exit_on_error=False, description="Backend form check")
    def check_in_aws(self, form: BackendForm, aws: EnvSession, then_migrate: bool) -> None:
        try:
            s3 = aws.client("s3", form.region)
            problems = check_form_against_aws(form, s3, aws.client("dynamodb", form.region))
        finally:
            self.post_message(self.CheckEnded())
        self.post_message(self.Checked(FormCheck(form, tuple(problems), then_migrate)))

    @on(CheckEnded)
    def check_ended(self) -> None:
        self.set_busy(False)

    @on(Checked)
    def checked(self, event: Checked) -> None:
        """Say what AWS found; the focus goes where the operator acts next."""
        form, problems = event.check.form, list(event.check.problems)
        self.query_one(BackendFormView).show_problems(problems)
        if problems:
            # Fixed in AWS, not in a field: Check keeps the focus (a key typed into a
            # field would replace its prefilled value).
            self.status(f"{len(problems)} problem(s): nothing was written.", "$error")
            panel_of(self).focus_after("check.problems")
            return
        lock = f"lock table {form.dynamodb_table}" if form.dynamodb_table else "S3 lock file"
        found = f"✔ bucket {form.bucket} exists, is versioned, in {form.region}; {lock} ok."
        if event.check.then_migrate:
            self.status(found)
            self.start_migration(form)
        else:
            self.status(f"{found} Next: w writes backend.tf and migrates.")
            panel_of(self).focus_after("check")

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field checks the form again."""
        event.stop()
        self.check()

    # -- the migration ------------------------------------------------------------------
    @on(Button.Pressed, "#be-migrate")
    def migrate_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.check(then_migrate=True)

    @on(Button.Pressed, "#be-check")
    def check_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.check()

    def start_migration(self, form: BackendForm) -> None:
        wizard = self.wizard
        pair, session = wizard.pair, wizard.session
        if pair is None or session is None:
            return
        where, book = pair.previous.terraform, wizard.context.playbook
        try:
            written = write_backend_tf(where, book, form)
        except MocmError as exc:
            self.status(f"{exc.message} {exc.hint}".strip(), "$error")
            return
        for op in written.file_ops:
            session.journal.append(op)
        self.status(f"Wrote {written.path.name}; running tofu init -migrate-state…", "")
        s3 = wizard.aws().client("s3", form.region)
        request = MigrationRequest(where, book, wizard.context.tofu_bin, wizard.context.env, s3)
        log = self.query_one("#be-output", CommandLog)
        log.clear()
        log.display = True
        panel_of(self).focus_after("migrate.running")
        self.set_busy(True)
        self.migrate(request)

    def stop(self) -> None:
        """Stop the running migration (SIGINT first); the prompt, if up, is taken down."""
        if self.migration is not None:
            self.status("Stopping tofu init -migrate-state (SIGINT)…", "$warning")
            self.migration.cancel()

    @work(group="backend", exit_on_error=False, description="State migration (B.1)")
    async def migrate(self, request: MigrationRequest) -> None:
        wizard, log = self.wizard, self.query_one("#be-output", CommandLog)
        session = wizard.session
        assert session is not None  # start_migration checked it
        transcript: Transcript | None = None

        def on_line(stream: Stream, text: str) -> None:
            log.append_line(stream, text)
            if transcript is not None:
                transcript.line(stream, text)

        migration = StateMigration(
            request, partial(ask_operator, self.app), redactor=wizard.redactor, on_line=on_line
        )
        argv = migration.command.argv
        transcript = session.transcripts.open(argv, request.terraform_dir)
        log.append_line("stdout", f"$ {' '.join(argv)}")
        run_id = session.journal.command_started(argv, request.terraform_dir, transcript.name, STEP)
        self.migration, began = migration, time.monotonic()
        self.post_message(self.Changed())
        result: MigrationResult | None = None
        try:
            result = await migration.run()
        except MocmError as error:
            log.append_line("stderr", f"✗ {error.message}")
            raise
        finally:
            self.migration = None
            self.set_busy(False)
            log.flush_pending()
            took = time.monotonic() - began
            self.record(transcript, argv, request.terraform_dir, result, took, run_id)
        log.append_line("stdout", summary(result.command))
        log.flush_pending()
        self.status(f"tofu init -migrate-state: {result.outcome.value}.", "")
        self.post_message(self.Finished(result))

    def record(
        self,
        transcript: Transcript,
        argv: tuple[str, ...],
        cwd: Path,
        result: MigrationResult | None,
        duration_s: float,
        run_id: str = "",
    ) -> None:
        """Close the transcript; journal the command, the file ops and the operator's answers."""
        journal = self.wizard.session.journal if self.wizard.session is not None else None
        code = result.command.exit_code if result is not None else None
        outcome = result.outcome.value if result is not None else "interrupted"
        if result is not None:
            duration_s = result.command.duration_s
        transcript.close(code, duration_s, outcome)
        if journal is None:
            return
        journal.command(argv, cwd, code, duration_s, transcript.name, outcome, STEP, run_id)
        if result is None:
            return
        for op in result.file_ops:
            journal.append(op)
        basis = result.check.basis if result.check is not None else ""
        journal.append(BackendMigrated(result.outcome, result.answers, basis, STEP))
