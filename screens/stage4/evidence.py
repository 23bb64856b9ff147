"""Stage 4, section 1: the evidence over an observation window — its verdict and chart.

The operator picks the window and the idle threshold; a thread worker gathers the
CloudWatch figures and the dependency scan (decided in core) and tells the panel
(``Gathered`` or ``GatherFailed``), which has the section show them — the verdict
journaled with the threshold in force — and moves on in the same turn (the focus, the
references, the gate).
The business cycle, Valkey's part of the evidence, is waived here with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import get_current_worker

from tui.core.errors import MocmError
from tui.core.stage4.connections import WINDOWS
from tui.core.stage4.evidence import Stage4Evidence, gather_stage4_evidence
from tui.core.stage4.gate import (
    ThresholdInvalid,
    business_cycle_waiver,
    idle_explanation,
    idle_summary,
    parse_threshold,
    verdict_record,
)
from tui.screens.base import panel_of
from tui.screens.error_text import error_text
from tui.screens.stage4.render import NO_DATA_CLASS, VERDICT_CLASS, evidence_lines, verdict_text
from tui.screens.stage4.sections import Stage4Context, wizard_of
from tui.widgets.connections_chart import ChartData, ConnectionsChart
from tui.widgets.dialogs.reason import GivenReason, ReasonDialog
from tui.widgets.worker_events import ReportsWorkers

# The demo world says what its CloudWatch history shows (tui.sandbox.world.STORY_ENV).
DEMO_STORY_ENV = "MOCM_SANDBOX_STORY"


@dataclass(frozen=True)
class GatheredEvidence:
    """The evidence over one observation window."""

    evidence: Stage4Evidence
    window_name: str


class EvidenceSection(ReportsWorkers, Vertical):
    """Window and threshold, the verdict, the figures and the connections chart."""

    class Gathered(Message):
        """The evidence over a window: the panel has it shown (``show``), then the rest."""

        def __init__(self, gathered: GatheredEvidence) -> None:
            super().__init__()
            self.gathered = gathered

    class GatherFailed(Message):
        """The evidence could not be gathered: the panel has it said (``show_failure``)."""

        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__(id="s4-evidence")
        self.context: Stage4Context | None = None
        self.region_note: str | None = None
        self.clock: Callable[[], datetime] | None = None
        self.evidence: Stage4Evidence | None = None
        self.window_name = "24h"

    def compose(self) -> ComposeResult:
        with Horizontal(id="s4-controls"):
            yield Label("Window")
            yield Select(
                [(name, name) for name in WINDOWS],
                value="24h",
                allow_blank=False,
                compact=True,
                id="s4-window",
            )
            yield Label("Idle ≤")
            yield Input(compact=True, id="s4-threshold", type="text")
            yield Button("Refresh (r)", id="s4-refresh", compact=True)
        yield Static(id="s4-threshold-error", markup=False)
        yield Static(id="s4-idle-meaning", markup=False)
        yield Static("Gathering the evidence…", id="s4-verdict", markup=False)
        yield Static(id="s4-figures", markup=False)
        yield Static(id="s4-demo-story", markup=False)
        yield ConnectionsChart(id="s4-chart")

    def on_mount(self) -> None:
        self.query_one("#s4-threshold-error").display = False
        context = wizard_of(self).context
        story = self.query_one("#s4-demo-story", Static)
        story.update(Content.styled(context.env.get(DEMO_STORY_ENV, ""), "italic"))
        story.display = DEMO_STORY_ENV in context.env
        threshold = context.playbook.stage4.idle_threshold
        self.query_one("#s4-threshold", Input).value = f"{threshold:g}"

    def configure(
        self, context: Stage4Context, region_note: str | None, clock: Callable[[], datetime]
    ) -> None:
        """Work on ``context``; ``clock`` gives the end of the observation window."""
        self.context = context
        self.region_note = region_note
        self.clock = clock

    def clear_verdict(self) -> None:
        """The step cannot start: no verdict is waited for."""
        self.query_one("#s4-verdict", Static).update("")

    @on(Button.Pressed, "#s4-refresh")
    @on(Input.Submitted, "#s4-threshold")
    def refresh_pressed(self) -> None:
        self.refresh_evidence()

    @on(Select.Changed, "#s4-window")
    def window_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.window_name:
            self.window_name = event.value
            self.refresh_evidence()

    def threshold(self) -> float | None:
        """The typed threshold (parsed in core), or None and a line saying why."""
        raw = self.query_one("#s4-threshold", Input).value
        error = self.query_one("#s4-threshold-error", Static)
        try:
            value = parse_threshold(raw)
        except ThresholdInvalid as exc:
            error.update(Content.styled(f"{exc.message} {exc.hint}", "$error"))
            error.display = True
            return None
        error.display = False
        return value

    def refresh_evidence(self) -> None:
        threshold = self.threshold()
        if self.context is None or self.clock is None or threshold is None:
            return
        verdict = self.query_one("#s4-verdict", Static)
        verdict.update(f"Gathering the evidence for the last {self.window_name}…")
        verdict.set_classes("")
        self.gather(self.context, self.clock, self.window_name, threshold)

    @work(
        thread=True,
        exclusive=True,
        group="stage4-evidence",
        exit_on_error=False,
        description="Stage-4 evidence",
    )
    def gather(
        self,
        context: Stage4Context,
        clock: Callable[[], datetime],
        window_name: str,
        threshold: float,
    ) -> None:
        worker = get_current_worker()
        try:
            evidence = gather_stage4_evidence(
                context.aws,
                context.playbook,
                context.target,
                context.region,
                WINDOWS[window_name],
                threshold,
                clock(),
            )
        except MocmError as exc:
            if not worker.is_cancelled:
                self.post_message(self.GatherFailed(exc))
            raise
        if not worker.is_cancelled:
            self.post_message(self.Gathered(GatheredEvidence(evidence, window_name)))

    def show_failure(self, error: MocmError) -> None:
        """No evidence: the verdict says why, the figures and the chart are emptied."""
        self.evidence = None
        verdict = self.query_one("#s4-verdict", Static)
        verdict.update(error_text(error, "NOT CHECKED"))
        verdict.set_classes("verdict-error")
        self.query_one("#s4-figures", Static).update("")
        self.query_one(ConnectionsChart).show(None)

    def show(self, gathered: GatheredEvidence) -> None:
        """The verdict (journaled with the threshold in force), the figures, the chart."""
        evidence, window_name = gathered.evidence, gathered.window_name
        self.evidence = evidence
        wizard = wizard_of(self)
        session, book = wizard.session, wizard.context.playbook
        if session is not None:  # the evidence, with the threshold in force, in the change record
            threshold, step = book.stage4.idle_threshold, panel_of(self).step_id
            session.journal.append(verdict_record(evidence, window_name, threshold, step))
        verdict = self.query_one("#s4-verdict", Static)
        verdict.update(verdict_text(evidence, window_name))
        verdict.set_classes(VERDICT_CLASS.get(evidence.idleness.verdict, NO_DATA_CLASS))
        self.query_one("#s4-figures", Static).update(evidence_lines(evidence, self.region_note))
        self.query_one(ConnectionsChart).show(
            ChartData(evidence.idleness, evidence.valkey, evidence.idleness.series.window.end)
        )
        idle = evidence.idleness
        meaning = self.query_one("#s4-idle-meaning", Static)
        meaning.update(Content.styled(idle_summary(book.stage4.idle, idle.threshold), "dim"))
        meaning.tooltip = idle_explanation(
            book.stage4.idle, idle.threshold, book.stage4.metric.period_seconds
        )

    def waive_business_cycle(self, then: Callable[[], None]) -> None:
        """Ask the operator's reason for going on before Valkey served a business cycle.

        Once journaled, ``then`` runs in the same turn (the panel's gate).
        """
        evidence, session = self.evidence, wizard_of(self).session
        if evidence is None or session is None:
            return
        title = "Waive the business cycle"
        body = (
            f"{evidence.valkey.message if evidence.valkey else evidence.valkey_note}\n\n"
            "The old cache is the way back until Valkey has served a full business "
            "cycle. Waive it only if that cycle was covered otherwise."
        )

        def record(reason: GivenReason | None) -> None:
            if reason is None or self.evidence is None:
                return
            session.journal.append(business_cycle_waiver(self.evidence, reason.text))
            self.notify("The business cycle: waived (journaled).")
            then()

        self.app.push_screen(ReasonDialog(title, body, action="Waive", destructive=True), record)
