"""Step 9 — Stage 4: decommission the old ElastiCache on evidence.

Sections as tabs (keys 1–6): evidence and chart, dependency scan, Valkey endpoint,
final snapshot, teardown, follow-up — each a widget of its own (``evidence``,
``references``, ``valkey``, ``snapshot``, ``rename``, ``teardown``, ``follow_up``/``leftovers``)
that posts typed messages here. The panel composes them, routes the keys, decides the
focus (``FOCUS_AFTER``) and tells the teardown section which preconditions hold.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, OptionList, Static, TabbedContent, TabPane

from tui.core.errors import MocmError
from tui.core.preflight.aws_checks import check_identity
from tui.core.stage4.evidence import choose_region
from tui.core.stage4.gate import Precondition, teardown_allowed, teardown_preconditions
from tui.core.stage4.targets import load_stage4_target
from tui.resources import STYLES
from tui.screens.base import StepPanel
from tui.screens.error_text import error_text
from tui.screens.plan.pipeline_view import pipeline_focus
from tui.screens.stage4.aws import EnvAwsSession
from tui.screens.stage4.evidence import EvidenceSection
from tui.screens.stage4.follow_up import FollowUpSection
from tui.screens.stage4.leftovers import LeftoversSection
from tui.screens.stage4.references import ReferencesSection, journal_waivers
from tui.screens.stage4.rename import RenameSection
from tui.screens.stage4.sections import Stage4Context
from tui.screens.stage4.snapshot import SnapshotSection
from tui.screens.stage4.teardown import TeardownRun
from tui.screens.stage4.valkey import EndpointSection
from tui.widgets.section_tabs import SectionTabs
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

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.context: Stage4Context | None = None
        self.applied = False  # the teardown apply succeeded

    def compose(self) -> ComposeResult:
        yield Static("9. Stage 4 — decommission the old ElastiCache", classes="step-title")
        yield Static(id="s4-problem", classes="error-box", markup=False)
        with SectionTabs(id="s4-tabs"):
            with TabPane("Evidence", id="evidence"):
                yield EvidenceSection()
            with TabPane("Scan", id="scan"):
                yield ReferencesSection()
            with TabPane("Valkey", id="valkey"):
                yield EndpointSection()
            with TabPane("Snapshot", id="snapshot"):
                yield SnapshotSection()
            with TabPane("Teardown", id="teardown"), VerticalScroll():
                yield RenameSection()
                yield TeardownRun()
            with TabPane("Follow-up", id="followup"), Vertical():
                yield FollowUpSection()
                yield LeftoversSection()

    def now(self) -> datetime:
        """The end of the observation window: now, in UTC."""
        return datetime.now(UTC)

    @property
    def evidence_section(self) -> EvidenceSection:
        return self.query_one(EvidenceSection)

    @property
    def reference_section(self) -> ReferencesSection:
        return self.query_one(ReferencesSection)

    # -- set-up ----------------------------------------------------------------
    def on_mount(self) -> None:
        self.query_one("#s4-problem").display = False
        pair = self.wizard.pair
        if pair is None:
            self.show_problem(
                "Choose the releases first (step 1): Stage 4 works on the current one."
            )
            return
        env, book = self.wizard.context.env, self.wizard.context.playbook
        try:
            target = load_stage4_target(pair.current.path, book)
            choice = choose_region(target.region, env)
        except MocmError as exc:
            self.show_problem(error_text(exc, "Cannot start Stage 4"))
            return
        self.context = Stage4Context(target, choice.region, EnvAwsSession(env), book)
        self.evidence_section.configure(self.context, choice.note, self.now)
        self.query_one(SnapshotSection).configure(self.context)
        self.query_one(RenameSection).configure(self.context)
        self.query_one(TeardownRun).configure(self.context)
        self.update_gate()
        self.renamed()
        self.evidence_section.refresh_evidence()
        self.query_one(EndpointSection).configure(self.context)
        self.query_one(FollowUpSection).configure(self.context)
        self.ask_identity(self.context)

    def show_problem(self, message: str | Content) -> None:
        problem = self.query_one("#s4-problem", Static)
        problem.update(message)
        problem.display = True
        self.evidence_section.clear_verdict()

    # -- keys ------------------------------------------------------------------
    def action_section(self, section: str) -> None:
        self.query_one("#s4-tabs", TabbedContent).active = section
        picker = self.reference_section.picker
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
            if not self.reference_section.picker.option_count:
                return False
            return True if self.reference_section.chosen_open_reference() is not None else None
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
        self.evidence_section.refresh_evidence()

    def action_waive_reference(self) -> None:
        self.reference_section.waive_chosen(then=self.reference_waived)

    @on(OptionList.OptionSelected, "#s4-ref-list")
    def reference_selected(self) -> None:
        self.action_waive_reference()  # Enter on a reference, as w

    def action_leave_field(self) -> None:
        """Escape leaves the threshold field or the reference list (back to the tabs)."""
        fields = (self.query_one("#s4-threshold", Input), self.reference_section.picker)
        if self.app.focused in fields:
            self.focus_after("leave_field")

    # -- what the sections tell ------------------------------------------------
    @on(EvidenceSection.GatherFailed)
    def evidence_failed(self, event: EvidenceSection.GatherFailed) -> None:
        self.evidence_section.show_failure(event.error)
        self.reference_section.not_scanned()
        self.update_gate()
        self.focus_after("refresh.failed")

    @on(EvidenceSection.Gathered)
    def evidence_gathered(self, event: EvidenceSection.Gathered) -> None:
        """Shown, the focus moved, the references and the gate updated: in one turn."""
        self.evidence_section.show(event.gathered)
        self.focus_after("refresh")
        self.reference_section.show(event.gathered.evidence)
        self.update_gate()

    def reference_waived(self) -> None:
        self.update_gate()
        self.focus_after("waive_reference")

    @on(OptionList.OptionHighlighted, "#s4-ref-list")
    def reference_highlighted(self) -> None:
        self.refresh_bindings()  # w follows the highlighted reference

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

    # -- teardown --------------------------------------------------------------
    @on(SnapshotSection.Decided)
    def update_gate(self) -> None:
        """Tell the teardown section which preconditions hold (decided in core)."""
        outcome = self.query_one(SnapshotSection).outcome
        grep_dir = self.wizard.context.playbook.stage4.grep_dir
        waivers = journal_waivers(self.wizard)
        states = teardown_preconditions(self.evidence_section.evidence, outcome, waivers, grep_dir)
        self.query_one(RenameSection).update_gate(states, teardown_allowed(states))
        self.refresh_bindings()

    @on(RenameSection.WaiveAsked)
    def waive(self, event: RenameSection.WaiveAsked) -> None:
        """Ask the operator's reason for one waivable precondition (journaled)."""
        if self.evidence_section.evidence is None or self.wizard.session is None:
            return
        if event.kind is Precondition.REFERENCES:
            # One reference at a time, each with its own reason: the picker on section 2.
            self.action_section("scan")
            self.notify("Pick a reference (↑/↓); w or Enter waives it with its own reason.")
            return
        self.evidence_section.waive_business_cycle(then=self.update_gate)

    @on(RenameSection.Renamed)
    def renamed(self) -> None:
        self.query_one(TeardownRun).set_parked(self.query_one(RenameSection).state() == "parked")
        self.refresh_bindings()

    @on(RenameSection.Renamed)
    def follow_up_again(self) -> None:
        self.query_one(FollowUpSection).check_again()

    @on(TeardownRun.Applied)
    def teardown_applied(self) -> None:
        self.applied = True
        self.query_one(RenameSection).locked = True
        self.query_one(RenameSection).show_files()
        self.action_section("followup")
        if self.context is not None:
            self.query_one(FollowUpSection).check(self.context)
            self.query_one(LeftoversSection).look_for_leftovers(self.context)

    @on(FollowUpSection.Checked)
    def follow_up_checked(self) -> None:
        if self.applied:  # applied, and the follow-up is on screen: the step is done
            self.complete = True
