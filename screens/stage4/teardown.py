"""Stage 4, the teardown run: plan, review with the stage-4 rules, gate, apply.

``tofu plan -out tfplan`` and ``tofu apply tfplan`` stream into a CommandLog
(transcript + journal via ``StepPanel.run_logged``); ``tofu show -json`` is read in
a thread worker and never shown (it may hold sensitive values). The apply runs
only for the plan file reviewed, unchanged, against the state it was made from.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.exec.recorder import CommandRecorder
from tui.core.exec.runner import run_sync
from tui.core.journal.events import PlanApplied
from tui.core.tofu.commands import PLAN_FILE, TofuCommands, tofu_environment
from tui.core.tofu.failures import recognise_failure
from tui.core.tofu.plan.gate import gate_policy
from tui.core.tofu.plan.parse import parse_plan_text
from tui.core.tofu.plan.review import PlanReview, review
from tui.core.tofu.plan.reviewed import (
    ClearToApply,
    ReviewedPlan,
    check_before_apply,
    pull_state_mark,
    record_review,
)
from tui.screens.base import StepPanel, panel_of
from tui.screens.plan.show import ShownPlan
from tui.screens.stage4.sections import Stage4Context
from tui.screens.tofu_flow import gate_record, review_record
from tui.widgets.apply_gate import ApplyGate, GateDecision
from tui.widgets.command_log import CommandLog
from tui.widgets.plan_review_view import PlanReviewView
from tui.widgets.worker_events import ReportsWorkers

STAGE = "stage4"
PLAN_TIMEOUT_S = 1800.0
APPLY_TIMEOUT_S = 3600.0
SHOW_TIMEOUT_S = 300.0


class TeardownFailed(MocmError):
    """A teardown command failed; the message names it and what to do."""


class TeardownRun(ReportsWorkers, Vertical):
    """Plan → review (stage4) → gate (type the cluster id) → apply of that plan only."""

    class Applied(Message):
        """The teardown apply succeeded."""

    class Reviewed(Message, bubble=False):
        """The teardown plan is reviewed with the stage-4 rules, plan file and state recorded."""

        def __init__(self, shown: ShownPlan) -> None:
            super().__init__()
            self.shown = shown

    class Cleared(Message, bubble=False):
        """The plan file and the state are those reviewed: apply."""

    class ApplyRefused(Message, bubble=False):
        """The plan file or the state changed since the review (the error dialog says which)."""

    def __init__(self) -> None:
        super().__init__(id="s4-run")
        self.context: Stage4Context | None = None
        self.tofu_bin = "tofu"
        self.running: str | None = None  # "plan" | "apply" while a command runs
        self.review: PlanReview | None = None
        self.reviewed: ReviewedPlan | None = None
        self.parked = False
        self.applied = False

    def compose(self) -> ComposeResult:
        yield Static("Teardown: plan, review, apply", classes="s4-label")
        with Horizontal(classes="s4-buttons"):
            yield Button("Plan the teardown", id="s4-plan", compact=True)
            yield Button("Apply the reviewed plan…", id="s4-apply", variant="error", compact=True)
        yield Static(id="s4-run-status", markup=False)
        yield CommandLog(redactor=self.panel().wizard.redactor, id="s4-log")
        yield Vertical(id="s4-review-host")

    def on_mount(self) -> None:
        self.query_one("#s4-log").display = False
        self.show_buttons()

    def configure(self, context: Stage4Context, tofu_bin: str) -> None:
        self.context = context
        self.tofu_bin = tofu_bin

    @property
    def commands(self) -> TofuCommands:
        return TofuCommands(self.tofu_bin, color=False)

    @property
    def folder(self) -> Path:
        assert self.context is not None
        return self.context.target.terraform_dir

    def panel(self) -> StepPanel:
        return panel_of(self)

    def tofu_env(self) -> dict[str, str]:
        """The environment tofu runs with (read on the app's thread, handed to workers)."""
        return tofu_environment(self.panel().wizard.context.env)

    def say(self, text: str | Content, style: str = "") -> None:
        self.query_one("#s4-run-status", Static).update(
            Content.styled(text, style) if isinstance(text, str) else text
        )

    def set_parked(self, parked: bool) -> None:
        """The file's state changed: a plan made before is no longer the one to apply."""
        if parked != self.parked:
            self.parked = parked
            self.forget_review()
        self.show_buttons()

    def forget_review(self) -> None:
        self.review, self.reviewed = None, None
        self.query_one("#s4-review-host").remove_children()

    def show_buttons(self) -> None:
        idle = self.running is None and not self.applied
        self.query_one("#s4-plan", Button).disabled = not (idle and self.parked)
        can_apply = self.review is not None and gate_policy(self.review).can_apply
        self.query_one("#s4-apply", Button).disabled = not (idle and can_apply)

    # -- plan ----------------------------------------------------------------------
    @on(Button.Pressed, "#s4-plan")
    def plan(self) -> None:
        if self.context is None or self.running or not self.parked:
            return
        self.forget_review()
        self.start("plan", self.commands.plan(), PLAN_TIMEOUT_S)
        self.say("Planning the teardown…")

    def start(self, what: str, argv: tuple[str, ...], timeout_s: float) -> None:
        log = self.query_one("#s4-log", CommandLog)
        log.display = True
        self.running = what
        self.show_buttons()
        self.panel().run_logged(log, argv, cwd=self.folder, timeout_s=timeout_s)

    @on(CommandLog.Finished, "#s4-log")
    def command_finished(self, event: CommandLog.Finished) -> None:
        what, self.running = self.running, None
        result = event.result
        ok = result.exit_code in (0, 2) if what == "plan" else result.ok
        if not ok:
            known = recognise_failure("\n".join(result.stderr_tail), self.tofu_bin)
            words = known.summary if known else f"{self.tofu_bin} {what} failed"
            hint = known.next_action if known else "Read the log above, fix the cause, try again."
            self.say(
                Content.assemble((f"{words} (exit {result.exit_code}). ", "bold $error"), hint)
            )
        elif what == "plan":
            self.say("Reading the plan (tofu show -json)…")
            self.read_plan(self.tofu_env(), self.panel().command_recorder())
        elif what == "apply":
            self.applied = True
            journal = self.panel().wizard.session
            if journal is not None:
                sha = self.reviewed.plan_sha256 if self.reviewed is not None else ""
                journal.journal.append(PlanApplied(sha, str(self.folder), STAGE))
            self.say("Teardown applied: the old cache is destroyed.", "bold $success")
            self.post_message(self.Applied())
        self.show_buttons()

    @work(
        thread=True,
        exclusive=True,
        group="stage4-review",
        exit_on_error=False,
        description="Teardown plan review",
    )
    def read_plan(self, env: dict[str, str], recorder: CommandRecorder | None) -> None:
        assert self.context is not None
        chunks: list[str] = []
        result = run_sync(
            self.commands.show_json(PLAN_FILE),
            env=env,
            cwd=self.folder,
            timeout_s=SHOW_TIMEOUT_S,
            on_line=lambda stream, line: chunks.append(line) if stream == "stdout" else None,
            on_finished=recorder,
        )
        if not result.ok:
            known = recognise_failure("\n".join(result.stderr_tail), self.tofu_bin)
            raise TeardownFailed(
                known.summary if known else f"{self.tofu_bin} show -json {PLAN_FILE} failed",
                known.next_action if known else "Plan the teardown again.",
            )
        plan = parse_plan_text("".join(chunks), str(self.folder / PLAN_FILE))
        checked = review(plan, self.context.playbook, STAGE)
        mark = pull_state_mark(self.commands, self.folder, env, on_finished=recorder)
        reviewed = record_review(self.folder / PLAN_FILE, mark)
        self.post_message(self.Reviewed(ShownPlan(checked, reviewed)))

    @on(Reviewed)
    def show_review(self, event: Reviewed) -> None:
        checked, reviewed = event.shown.review, event.shown.reviewed
        self.review, self.reviewed = checked, reviewed
        host = self.query_one("#s4-review-host")
        host.remove_children()
        host.mount(PlanReviewView(checked, self.panel().wizard.redactor.redact, id="s4-review"))
        session = self.panel().wizard.session
        if session is not None:
            session.journal.append(review_record(checked, reviewed, self.folder, STAGE))
        policy = gate_policy(checked)
        if not policy.can_apply:
            self.say(
                Content.styled(
                    "This plan cannot be applied: " + " ".join(policy.why), "bold $error"
                )
            )
        elif checked.blocked:
            self.say(
                Content.styled(
                    "Unexpected changes: read the review before anything else.", "bold $error"
                )
            )
        else:
            self.say("The plan holds exactly the expected destroys. Apply when ready.", "$success")
        self.show_buttons()

    # -- apply ---------------------------------------------------------------------
    @on(Button.Pressed, "#s4-apply")
    def ask_to_apply(self) -> None:
        if self.review is None or self.context is None or self.running:
            return
        gate = ApplyGate(
            self.review,
            required_phrase=self.context.target.cluster_id,
            phrase_meaning="the id of the cluster to destroy",
            apply_label="Destroy the old cache",
        )

        def decided(decision: GateDecision) -> None:
            session = self.panel().wizard.session
            if session is not None:
                session.journal.append(gate_record(decision, self.reviewed, STAGE))
            if decision.confirmed and self.reviewed is not None:
                self.say("Checking the plan file and the state against the review…")
                recorder = self.panel().command_recorder()
                self.check_then_apply(self.reviewed, self.tofu_env(), recorder)

        gate.ask(self.app, decided)

    @work(
        thread=True,
        exclusive=True,
        group="stage4-apply-check",
        exit_on_error=False,
        description="Teardown apply check",
    )
    def check_then_apply(
        self, reviewed: ReviewedPlan, env: dict[str, str], recorder: CommandRecorder | None
    ) -> None:
        mark = pull_state_mark(self.commands, self.folder, env, on_finished=recorder)
        verdict = check_before_apply(reviewed, mark)
        if not isinstance(verdict, ClearToApply):
            self.post_message(self.ApplyRefused())
            raise TeardownFailed(verdict.message, verdict.hint)
        self.post_message(self.Cleared())

    @on(ApplyRefused)
    def apply_refused(self) -> None:
        """The plan file or the state changed since the review: plan again."""
        self.forget_review()
        self.show_buttons()

    @on(Cleared)
    def apply_now(self) -> None:
        self.start("apply", self.commands.apply(PLAN_FILE), APPLY_TIMEOUT_S)
