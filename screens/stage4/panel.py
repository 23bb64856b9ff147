"""Step 9 — Stage 4: decommission the old ElastiCache on evidence.

Sections as tabs (keys 1–6): evidence and chart, dependency scan, Valkey endpoint,
final snapshot, teardown, follow-up. Every AWS call runs in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker

from tui.core.errors import MocmError
from tui.core.preflight.aws_checks import check_identity
from tui.core.stage4.connections import WINDOWS
from tui.core.stage4.evidence import Stage4Evidence, choose_region, gather_stage4_evidence
from tui.core.stage4.followup import FollowUpCheck, check_follow_up
from tui.core.stage4.gate import (
    Precondition,
    Stage4Waivers,
    ThresholdInvalid,
    business_cycle_waiver,
    idle_explanation,
    idle_summary,
    open_references,
    parse_threshold,
    read_waivers,
    reference_key,
    reference_waiver,
    teardown_allowed,
    teardown_preconditions,
    verdict_record,
)
from tui.core.stage4.leftover_vars import (
    LeftoverVariables,
    comment_out_leftovers,
    find_leftover_variables,
)
from tui.core.stage4.scan import Reference
from tui.core.stage4.targets import load_stage4_target
from tui.core.stage4.valkey_endpoint import ValkeyEndpoint, read_valkey_endpoint
from tui.resources import STYLES
from tui.screens.base import StepPanel
from tui.screens.error_text import error_text
from tui.screens.plan.pipeline_view import pipeline_focus
from tui.screens.stage4.aws import EnvAwsSession
from tui.screens.stage4.render import (
    NO_DATA_CLASS,
    VERDICT_CLASS,
    endpoint_text,
    evidence_lines,
    follow_up_text,
    leftover_text,
    not_live_text,
    reference_option,
    references_text,
    verdict_text,
)
from tui.screens.stage4.sections import RenameSection, SnapshotSection, Stage4Context
from tui.screens.stage4.teardown import TeardownRun
from tui.widgets.connections_chart import ChartData, ConnectionsChart
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.reason import GivenReason, ReasonDialog
from tui.widgets.section_tabs import SectionTabs
from tui.widgets.worker_events import WorkFailure
from tui.wizard import Wizard

SECTIONS = ("evidence", "scan", "valkey", "snapshot", "teardown", "followup")
# The section each section-specific key works on, and the button whose state it follows.
SECTION_ACTIONS = {
    "take_snapshot": "snapshot",
    "park": "teardown",
    "plan_teardown": "teardown",
    "apply_teardown": "teardown",
    "waive_reference": "scan",
}
ACTION_BUTTONS = {"take_snapshot": "#s4-snap-take", "park": "#s4-park"}
# The demo world says what its CloudWatch history shows (tui.sandbox.world.STORY_ENV).
DEMO_STORY_ENV = "MOCM_SANDBOX_STORY"


@dataclass(frozen=True)
class GatheredEvidence:
    """The evidence over one observation window."""

    evidence: Stage4Evidence
    window_name: str


@dataclass(frozen=True)
class SectionFailure:
    """A section (by its widget's selector) that could not be filled, and why."""

    selector: str
    failure: WorkFailure


class Stage4Panel(StepPanel):
    """The evidence, the checks and the teardown of the old cache."""

    STEP_ID = "stage4"
    DEFAULT_CSS = (STYLES / "stage4.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        Binding("r", "refresh", "Refresh", tooltip="Gather the evidence again"),
        Binding("escape", "leave_field", "Leave the field", show=False),
        # Each section's action by a key of its own (shown only on that section): no Tab needed.
        Binding("t", "take_snapshot", "Take snapshot", tooltip="Take the final snapshot"),
        Binding("k", "park", "Park file", tooltip="Park the old cache's file (journaled)"),
        Binding("p", "plan_teardown", "Plan", tooltip="Plan the teardown, then review it"),
        Binding("a", "apply_teardown", "Apply…", tooltip="Apply the reviewed teardown plan"),
        Binding("w", "waive_reference", "Waive it…", tooltip="Waive the chosen reference"),
        *(
            Binding(str(n), f"section('{sid}')", f"Section {n}", show=False)
            for n, sid in enumerate(SECTIONS, start=1)
        ),
    ]
    # The tab row is home: 1-6 and r work from it. The teardown's keys: pipeline_focus.
    FOCUS_AFTER = {
        **pipeline_focus("s4-td"),
        # Applied: the follow-up section is shown next, its tab row has the focus.
        "phase.applied": "#s4-tabs Tabs",
        "refresh": "#s4-tabs Tabs",  # the verdict above; 2 (the scan) is next
        "refresh.failed": "#s4-refresh",  # the retry
        "section": "#s4-tabs Tabs",
        "section.scan": "#s4-ref-list",  # references to pick and waive
        # A section's key starts its work; the section shows the progress, 1-6 stay at hand.
        "take_snapshot": "#s4-tabs Tabs",
        "park": "#s4-tabs Tabs",
        "plan_teardown": "#s4-td-log",  # as the pipeline's plan phases
        "apply_teardown": "#s4-td-log",
        "waive_reference": "#s4-ref-list, #s4-tabs Tabs",  # the next reference to decide
        "leave_field": "#s4-tabs Tabs",
    }

    class Gathered(Message, bubble=False):
        def __init__(self, gathered: GatheredEvidence) -> None:
            super().__init__()
            self.gathered = gathered

    class EvidenceFailed(Message, bubble=False):
        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    class EndpointRead(Message, bubble=False):
        def __init__(self, endpoint: ValkeyEndpoint) -> None:
            super().__init__()
            self.endpoint = endpoint

    class FollowUpChecked(Message, bubble=False):
        def __init__(self, check: FollowUpCheck) -> None:
            super().__init__()
            self.check = check

    class SectionFailed(Message, bubble=False):
        def __init__(self, failure: SectionFailure) -> None:
            super().__init__()
            self.failure = failure

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.context: Stage4Context | None = None
        self.region_note: str | None = None
        self.evidence: Stage4Evidence | None = None
        self.window_name = "24h"
        self.applied = False  # the teardown apply succeeded
        self.leftovers: LeftoverVariables | None = None

    def compose(self) -> ComposeResult:
        yield Static("9. Stage 4 — decommission the old ElastiCache", classes="step-title")
        yield Static(id="s4-problem", classes="error-box", markup=False)
        with SectionTabs(id="s4-tabs"):
            with TabPane("Evidence", id="evidence"):
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
            with TabPane("Scan", id="scan"), VerticalScroll():
                yield Static("Scanning…", id="s4-references", markup=False)
                yield OptionList(id="s4-ref-list")
                yield Static(id="s4-not-live", markup=False)
            with TabPane("Valkey", id="valkey"):
                yield Static("Reading the Valkey secret…", id="s4-endpoint", markup=False)
            with TabPane("Snapshot", id="snapshot"):
                yield SnapshotSection()
            with TabPane("Teardown", id="teardown"), VerticalScroll():
                yield RenameSection()
                yield TeardownRun()
            with TabPane("Follow-up", id="followup"), Vertical():
                yield Static("Checking…", id="s4-followup", markup=False)
                yield Button("Check again", id="s4-followup-again", compact=True)
                yield Static(id="s4-leftovers", markup=False)
                yield Button(
                    "Comment them out (backup first)…",
                    id="s4-leftovers-comment",
                    variant="warning",
                    compact=True,
                )

    def now(self) -> datetime:
        """The end of the observation window: now, in UTC."""
        return datetime.now(UTC)

    # -- set-up ----------------------------------------------------------------
    def on_mount(self) -> None:
        self.query_one("#s4-problem").display = False
        self.query_one("#s4-threshold-error").display = False
        self.query_one("#s4-leftovers").display = False
        self.query_one("#s4-leftovers-comment").display = False
        story = self.query_one("#s4-demo-story", Static)
        story.update(Content.styled(self.wizard.context.env.get(DEMO_STORY_ENV, ""), "italic"))
        story.display = DEMO_STORY_ENV in self.wizard.context.env
        book = self.wizard.context.playbook
        self.query_one("#s4-threshold", Input).value = f"{book.stage4.idle_threshold:g}"
        pair = self.wizard.pair
        if pair is None:
            self.show_problem(
                "Choose the releases first (step 1): Stage 4 works on the current one."
            )
            return
        env = self.wizard.context.env
        try:
            target = load_stage4_target(pair.current.path, book)
            choice = choose_region(target.region, env)
        except MocmError as exc:
            self.show_problem(error_text(exc, "Cannot start Stage 4"))
            return
        self.region_note = choice.note
        self.context = Stage4Context(target, choice.region, EnvAwsSession(env), book)
        self.query_one(SnapshotSection).configure(self.context)
        self.query_one(RenameSection).configure(self.context)
        self.query_one(TeardownRun).configure(self.context)
        self.update_gate()
        self.renamed()
        self.refresh_evidence()
        self.read_endpoint(self.context)
        self.check_follow_up(self.context)
        self.ask_identity(self.context)

    def show_problem(self, message: str | Content) -> None:
        problem = self.query_one("#s4-problem", Static)
        problem.update(message)
        problem.display = True
        self.query_one("#s4-verdict", Static).update("")

    # -- keys ------------------------------------------------------------------
    def action_section(self, section: str) -> None:
        self.query_one("#s4-tabs", TabbedContent).active = section
        picker = self.query_one("#s4-ref-list", OptionList)
        # The scan with references: ↑/↓ pick one at once, w waives it.
        self.focus_after("section.scan" if section == "scan" and picker.option_count else "section")

    @on(TabbedContent.TabActivated, "#s4-tabs")
    def section_shown(self) -> None:
        self.refresh_bindings()  # each section's own keys in the footer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        section = SECTION_ACTIONS.get(action)
        if section is None:
            return True
        if self.query_one("#s4-tabs", TabbedContent).active != section:
            return False
        button = ACTION_BUTTONS.get(action)
        if button is not None and self.query_one(button, Button).disabled:
            return None  # greyed: the section says why
        if action == "waive_reference":
            if not self.query_one("#s4-ref-list", OptionList).option_count:
                return False
            return True if self.chosen_open_reference() is not None else None
        return True

    def action_take_snapshot(self) -> None:
        if not self.query_one("#s4-snap-take", Button).disabled:
            self.query_one(SnapshotSection).take()
            self.focus_after("take_snapshot")

    def action_park(self) -> None:
        if not self.query_one("#s4-park", Button).disabled:
            self.query_one(RenameSection).park_file()
            self.focus_after("park")

    def action_plan_teardown(self) -> None:
        view = self.query_one(TeardownRun).view
        if view is not None and view.check_action("plan", ()):
            view.action_plan()
            self.focus_after("plan_teardown")

    def action_apply_teardown(self) -> None:
        view = self.query_one(TeardownRun).view
        if view is not None and view.check_action("apply", ()):
            view.action_apply()
            self.focus_after("apply_teardown")

    def action_refresh(self) -> None:
        self.refresh_evidence()

    @on(Button.Pressed, "#s4-refresh")
    @on(Input.Submitted, "#s4-threshold")
    def refresh_pressed(self) -> None:
        self.refresh_evidence()

    @on(Select.Changed, "#s4-window")
    def window_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.window_name:
            self.window_name = event.value
            self.refresh_evidence()

    def action_leave_field(self) -> None:
        """Escape leaves the threshold field or the reference list (back to the tabs)."""
        fields = (self.query_one("#s4-threshold", Input), self.query_one("#s4-ref-list"))
        if self.app.focused in fields:
            self.focus_after("leave_field")

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

    # -- evidence --------------------------------------------------------------
    def refresh_evidence(self) -> None:
        threshold = self.threshold()
        if self.context is None or threshold is None:
            return
        verdict = self.query_one("#s4-verdict", Static)
        verdict.update(f"Gathering the evidence for the last {self.window_name}…")
        verdict.set_classes("")
        self.gather(self.context, self.window_name, threshold)

    @work(
        thread=True,
        exclusive=True,
        group="stage4-evidence",
        exit_on_error=False,
        description="Stage-4 evidence",
    )
    def gather(self, context: Stage4Context, window_name: str, threshold: float) -> None:
        worker = get_current_worker()
        try:
            evidence = gather_stage4_evidence(
                context.aws,
                context.playbook,
                context.target,
                context.region,
                WINDOWS[window_name],
                threshold,
                self.now(),
            )
        except MocmError as exc:
            if not worker.is_cancelled:
                self.post_message(self.EvidenceFailed(exc))
            raise
        if not worker.is_cancelled:
            self.post_message(self.Gathered(GatheredEvidence(evidence, window_name)))

    @on(EvidenceFailed)
    def evidence_failed(self, event: EvidenceFailed) -> None:
        exc = event.error
        self.evidence = None
        verdict = self.query_one("#s4-verdict", Static)
        verdict.update(error_text(exc, "NOT CHECKED"))
        verdict.set_classes("verdict-error")
        self.query_one("#s4-figures", Static).update("")
        self.query_one(ConnectionsChart).show(None)
        self.query_one("#s4-references", Static).update(
            Content.styled("Not scanned: the evidence could not be gathered.", "$error")
        )
        self.update_gate()
        self.focus_after("refresh.failed")

    @on(Gathered)
    def show_evidence(self, event: Gathered) -> None:
        evidence, window_name = event.gathered.evidence, event.gathered.window_name
        self.evidence = evidence
        session = self.wizard.session
        book = self.wizard.context.playbook
        if session is not None:  # the evidence, with the threshold in force, in the change record
            threshold = book.stage4.idle_threshold
            session.journal.append(verdict_record(evidence, window_name, threshold, self.step_id))
        verdict = self.query_one("#s4-verdict", Static)
        verdict.update(verdict_text(evidence, window_name))
        verdict.set_classes(VERDICT_CLASS.get(evidence.idleness.verdict, NO_DATA_CLASS))
        self.query_one("#s4-figures", Static).update(evidence_lines(evidence, self.region_note))
        self.focus_after("refresh")
        self.query_one(ConnectionsChart).show(
            ChartData(evidence.idleness, evidence.valkey, evidence.idleness.series.window.end)
        )
        idle = evidence.idleness
        meaning = self.query_one("#s4-idle-meaning", Static)
        meaning.update(Content.styled(idle_summary(book.stage4.idle, idle.threshold), "dim"))
        meaning.tooltip = idle_explanation(
            book.stage4.idle, idle.threshold, book.stage4.metric.period_seconds
        )
        self.show_references()
        self.update_gate()

    def waivers(self) -> Stage4Waivers:
        """The Stage-4 waivers the journal holds (they survive a restart)."""
        session = self.wizard.session
        return read_waivers(session.journal.records) if session is not None else Stage4Waivers()

    def show_references(self) -> None:
        """The scan's verdict, one line per blocking reference (open or waived), the rest."""
        if self.evidence is None:
            return
        scan, waivers = self.evidence.scan, self.waivers()
        grep_dir = self.wizard.context.playbook.stage4.grep_dir
        self.query_one("#s4-references", Static).update(references_text(scan, grep_dir, waivers))
        picker = self.query_one("#s4-ref-list", OptionList)
        chosen = picker.highlighted
        picker.clear_options()
        picker.add_options(
            reference_option(ref, waivers.references.get(reference_key(ref)))
            for ref in scan.references
        )
        picker.display = bool(scan.references)
        if scan.references:
            picker.highlighted = min(chosen or 0, len(scan.references) - 1)
        self.query_one("#s4-not-live", Static).update(not_live_text(scan))
        self.refresh_bindings()

    def chosen_open_reference(self) -> Reference | None:
        """The reference highlighted in the picker, unless it is waived already."""
        index = self.query_one("#s4-ref-list", OptionList).highlighted
        if self.evidence is None or index is None:
            return None
        references = self.evidence.scan.references
        if index >= len(references):
            return None
        ref = references[index]
        return None if reference_key(ref) in self.waivers().references else ref

    @on(OptionList.OptionHighlighted, "#s4-ref-list")
    def reference_highlighted(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#s4-ref-list")
    def reference_selected(self) -> None:
        self.action_waive_reference()

    def action_waive_reference(self) -> None:
        """Ask the reason for the chosen reference alone; journal it (one record each)."""
        ref, session = self.chosen_open_reference(), self.wizard.session
        if ref is None or session is None:
            return
        body = (
            f"{ref.where}\n  {ref.text.strip()}\n\nThis value still names the cache the "
            "teardown destroys. Waive it only if nothing reads it; the reason is journaled "
            "and goes into the change record. The other references keep their own."
        )

        def record(reason: GivenReason | None) -> None:
            if reason is None:
                return
            session.journal.append(reference_waiver(ref, reason.text))
            left = len(open_references(self.evidence.scan, self.waivers())) if self.evidence else 0
            self.notify(f"Waived {ref.where} (journaled); {left} reference(s) still open.")
            self.show_references()
            self.update_gate()
            self.focus_after("waive_reference")

        title = f"Waive the reference at {ref.location}"
        self.app.push_screen(ReasonDialog(title, body, action="Waive", destructive=True), record)

    # -- who we are in AWS (the banner shows it) --------------------------------
    @work(
        thread=True,
        exclusive=True,
        group="stage4-identity",
        exit_on_error=False,
        description="AWS identity",
    )
    def ask_identity(self, context: Stage4Context) -> None:
        checked = check_identity(
            context.aws.client("sts", context.region),
            context.region,
            context.target.region,
            "terraform.tfvars",
        )
        if checked.identity is not None:  # a failure shows where the AWS calls fail
            self.post_message(self.IdentityKnown(checked.identity, self.step_id))

    # -- Valkey endpoint and follow-up -----------------------------------------
    @work(
        thread=True,
        exclusive=True,
        group="stage4-valkey",
        exit_on_error=False,
        description="Valkey endpoint",
    )
    def read_endpoint(self, context: Stage4Context) -> None:
        region = context.region
        try:
            endpoint = read_valkey_endpoint(
                context.aws.client("secretsmanager", region),
                context.target.valkey_secret_id,
                region,
            )
        except MocmError as exc:  # not fatal to the teardown: said on the section only
            failure = WorkFailure("Cannot read the Valkey endpoint", exc)
            self.post_message(self.SectionFailed(SectionFailure("#s4-endpoint", failure)))
            return
        self.post_message(self.EndpointRead(endpoint))

    @on(EndpointRead)
    def show_endpoint(self, event: EndpointRead) -> None:
        self.query_one("#s4-endpoint", Static).update(endpoint_text(event.endpoint))

    @on(SectionFailed)
    def section_failed(self, event: SectionFailed) -> None:
        """A read-only section could not be filled: it says why (nothing else waits on it)."""
        failure = event.failure.failure
        text = error_text(failure.error, failure.what)
        self.query_one(event.failure.selector, Static).update(text)

    @on(Button.Pressed, "#s4-followup-again")
    @on(RenameSection.Renamed)
    def follow_up_again(self) -> None:
        if self.context is not None:
            self.check_follow_up(self.context)

    @work(
        thread=True,
        exclusive=True,
        group="stage4-followup",
        exit_on_error=False,
        description="Follow-up check",
    )
    def check_follow_up(self, context: Stage4Context) -> None:
        resource = context.playbook.stage4.follow_up_resource
        try:
            check = check_follow_up(context.target.terraform_dir, resource)
        except MocmError as exc:
            failure = WorkFailure(f"Cannot check {resource}", exc)
            self.post_message(self.SectionFailed(SectionFailure("#s4-followup", failure)))
            return
        self.post_message(self.FollowUpChecked(check))

    @on(FollowUpChecked)
    def show_follow_up(self, event: FollowUpChecked) -> None:
        check = event.check
        self.query_one("#s4-followup", Static).update(follow_up_text(check))
        if self.applied:  # applied, and the follow-up is on screen: the step is done
            self.complete = True

    # -- teardown --------------------------------------------------------------
    @on(SnapshotSection.Decided)
    def update_gate(self) -> None:
        """Tell the teardown section which preconditions hold (decided in core)."""
        outcome = self.query_one(SnapshotSection).outcome
        grep_dir = self.wizard.context.playbook.stage4.grep_dir
        states = teardown_preconditions(self.evidence, outcome, self.waivers(), grep_dir)
        self.query_one(RenameSection).update_gate(states, teardown_allowed(states))
        self.refresh_bindings()

    @on(RenameSection.WaiveAsked)
    def waive(self, event: RenameSection.WaiveAsked) -> None:
        """Ask the operator's reason for one waivable precondition; journal it."""
        evidence, session = self.evidence, self.wizard.session
        if evidence is None or session is None:
            return
        if event.kind is Precondition.REFERENCES:
            # One reference at a time, each with its own reason: the picker on section 2.
            self.action_section("scan")
            self.notify("Pick a reference (↑/↓); w or Enter waives it with its own reason.")
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
            self.update_gate()

        self.app.push_screen(ReasonDialog(title, body, action="Waive", destructive=True), record)

    @on(RenameSection.Renamed)
    def renamed(self) -> None:
        self.query_one(TeardownRun).set_parked(self.query_one(RenameSection).state() == "parked")
        self.refresh_bindings()

    @on(TeardownRun.Applied)
    def teardown_applied(self) -> None:
        self.applied = True
        self.query_one(RenameSection).locked = True
        self.query_one(RenameSection).show_files()
        self.action_section("followup")
        if self.context is not None:
            self.check_follow_up(self.context)
            self.look_for_leftovers(self.context)

    # -- after the teardown: tfvars settings of the parked file's variables -----
    def look_for_leftovers(self, context: Stage4Context) -> None:
        shown = self.query_one("#s4-leftovers", Static)
        shown.display = True
        try:
            self.leftovers = find_leftover_variables(context.target.terraform_dir, context.playbook)
        except MocmError as exc:
            self.leftovers = None
            shown.update(error_text(exc, "Cannot read the tfvars"))
            self.query_one("#s4-leftovers-comment").display = False
            return
        shown.update(leftover_text(self.leftovers))
        self.query_one("#s4-leftovers-comment").display = bool(self.leftovers.assignments)

    @on(Button.Pressed, "#s4-leftovers-comment")
    def comment_out_asked(self) -> None:
        leftovers = self.leftovers
        if leftovers is None or not leftovers.assignments:
            return
        body = (
            f"Comment out {', '.join(leftovers.names)} in {leftovers.tfvars.name}?\n"
            f"A backup ({leftovers.tfvars.name}.pre-stage4) is written first; the new file "
            "is checked to keep every other setting."
        )

        def answered(yes: bool | None) -> None:
            if yes and self.context is not None:
                self.comment_out(self.context, leftovers)

        self.app.push_screen(
            ConfirmDialog("Comment out the leftover settings", body, confirm="Comment out"),
            answered,
        )

    def comment_out(self, context: Stage4Context, leftovers: LeftoverVariables) -> None:
        note = (
            f"commented out by mocm-upgrade after Stage 4: declared only in {leftovers.parked_file}"
        )
        try:
            done = comment_out_leftovers(leftovers, note)
        except MocmError as exc:
            self.query_one("#s4-leftovers", Static).update(error_text(exc, "Nothing was written"))
            return
        session = self.wizard.session
        if session is not None:
            for op in done.file_ops:
                session.journal.append(op)
        self.look_for_leftovers(context)
        self.query_one("#s4-leftovers", Static).update(
            Content.styled(
                f"Commented out {', '.join(done.names)}; backup {done.backup.name} (journaled).",
                "bold $success",
            )
        )
        self.notify(f"Commented out {len(done.names)} setting(s); backup {done.backup.name}.")
