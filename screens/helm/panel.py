"""Step 8 — Helm: images in ECR, CHANGELOG, revisions, lint, diff, sync, per-release rollback.

Sections as tabs (keys 1–6). Read-only checks start by themselves (ECR, CHANGELOG,
``helm history``); everything that changes something waits for a key and a
confirmation. ``helmfile sync`` stays disabled until the images are in ECR (or
waived), the CHANGELOG is acknowledged, the revisions are recorded and the diff ran.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Static, TabbedContent, TabPane

from tui.core.helm.commands import HelmPlan
from tui.core.helm.deployed_values import SyncValuesCheck
from tui.core.helm.journal_readback import HelmJournalState, RecordedRevision, read_helm_journal
from tui.core.helm.kube_context import KubeContextUnknown, KubeTarget, resolve_kube_target
from tui.core.helm.review import read_review_journal
from tui.core.journal.records import JournalRecord, RecordBody
from tui.resources import STYLES
from tui.screens.base import StepPanel
from tui.screens.error_text import error_text
from tui.screens.helm.diff import DiffSection
from tui.screens.helm.images import ImagesSection
from tui.screens.helm.revisions import HistorySection
from tui.screens.helm.rollback import RollbackSection
from tui.screens.helm.sections import ChangelogSection, LintSection
from tui.screens.helm.support import HelmStep
from tui.screens.helm.sync import SyncSection
from tui.screens.helm.values import ValuesGuard
from tui.widgets.section_tabs import SectionTabs
from tui.wizard import Wizard

SECTIONS = ("images", "changelog", "history", "lint", "diff", "sync")
TITLES = ("Images", "Changes", "Revisions", "Lint", "Diff", "Sync")
# action → the section whose tab must be shown for its key to work
ACTION_SECTION = {
    "check_images": "images",
    "load_images": "images",
    "acknowledge": "changelog",
    "record_history": "history",
    "lint": "lint",
    "diff": "diff",
    "toggle_diff": "diff",
    "sync": "sync",
    "rollback": "sync",
}

# section buttons greyed out exactly when their key is
BUTTONS = {
    "#img-check": "check_images",
    "#img-load": "load_images",
    "#cl-ack": "acknowledge",
    "#hist-again": "record_history",
    "#lint-run": "lint",
    "#diff-run": "diff",
    "#diff-toggle": "toggle_diff",
}


class HelmPanel(StepPanel):
    """The Helm layer of the upgrade, section by section."""

    STEP_ID = "helm"
    # Home is the tab row: 1-6 and every section key work from it, and the section's
    # status says which number is next. A diff lands in its parsed view (n/p at once).
    FOCUS_AFTER = {
        "section": "#helm-tabs Tabs",  # the section's keys and 1-6 work from the tab row
        "check_images": "#img-load, #helm-tabs Tabs",  # missing images: loadimage.sh next
        "check_images.failed": "#img-check",  # the retry (or the waiver below it)
        "load_images": "#img-log",  # then a new check (check_images)
        "acknowledge": "#helm-tabs Tabs",  # "Next: revisions (3)"
        "record_history": "#helm-tabs Tabs",
        "lint": "#helm-tabs Tabs",
        "diff": "#diff-view, #diff-log",
        "toggle_diff": "#diff-view, #diff-log",
        "sync": "#rb-run, #helm-tabs Tabs",  # failed: Roll back (its dialog opens on Cancel)
        "rollback": "#rb-outcome, #rb-run",  # all rolled back: record the outcome
        "cancel": "#helm-tabs Tabs",
    }
    DEFAULT_CSS = (STYLES / "helm.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        *(
            Binding(str(n), f"section('{sid}')", f"Section {n}", show=False)
            for n, sid in enumerate(SECTIONS, start=1)
        ),
        Binding("c", "check_images", "Check ECR", tooltip="Ask ECR for every image again"),
        Binding("l", "load_images", "loadimage.sh", tooltip="Push the missing images"),
        Binding("a", "acknowledge", "Acknowledge", tooltip="I have read the CHANGELOG entry"),
        Binding("h", "record_history", "Revisions", tooltip="Record each release's revision"),
        Binding("i", "lint", "Lint", tooltip="helm lint each chart with the merged values"),
        Binding("d", "diff", "Diff", tooltip="helmfile diff --detailed-exitcode"),
        Binding("o", "toggle_diff", "Output/diff", tooltip="Raw output or the parsed diff"),
        Binding("s", "sync", "Sync", tooltip="helmfile sync (asks first)"),
        Binding("b", "rollback", "Roll back", tooltip="Roll back the failed release (asks)"),
        Binding("x", "cancel", "Cancel", tooltip="Stop the running command (SIGINT)"),
    ]

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.plan: HelmPlan | None = None
        self.kube: KubeTarget | None = None  # the cluster every helm/helmfile command changes
        self.sync_started = False
        self.shown_before = False  # the values are read again each time the step shows again

    def compose(self) -> ComposeResult:
        yield Static("8. Helm — images, CHANGELOG, diff, sync", classes="step-title")
        yield Static(id="helm-context", markup=False)
        yield Static(id="helm-problem", classes="error-box", markup=False)
        with SectionTabs(id="helm-tabs"):
            for number, (sid, title) in enumerate(zip(SECTIONS, TITLES, strict=True), start=1):
                with TabPane(f"{number} {title}", id=f"tab-{sid}"):
                    yield self.section_widget(sid)

    def section_widget(self, sid: str) -> Widget:
        kinds: dict[str, Callable[[HelmStep], Widget]] = {
            "images": ImagesSection,
            "changelog": ChangelogSection,
            "history": HistorySection,
            "lint": LintSection,
            "diff": DiffSection,
            "sync": SyncSection,
        }
        return kinds[sid](self)

    def on_mount(self) -> None:
        self.query_one("#helm-problem").display = False
        pair = self.wizard.pair
        if pair is None:
            problem = self.query_one("#helm-problem", Static)
            problem.update(
                "Choose the releases first (step 1): the Helm step works on the current one."
            )
            problem.display = True
            return
        self.plan = self.pinned_plan(HelmPlan(self.wizard.context.playbook, pair.current.path))
        state = self.journaled_state()
        # a sync ran since the revisions were recorded: recording again would see its result
        self.sync_started = state.last_sync is not None
        review = read_review_journal(self.journal_records(), self.step_id)
        self.query_one(ImagesSection).start()
        self.query_one(ChangelogSection).start(review.acknowledgement)
        self.query_one(DiffSection).restore(review.last_diff)
        self.query_one(HistorySection).open(state.recorded)
        self.query_one(SyncSection).restore(state)
        self.update_gate()
        # Read the values once the step is built: not on its first Show, which was seen to
        # never come under load (the gate then said "values.yaml checked" for good).
        self.query_one(ValuesGuard).recheck()

    def pinned_plan(self, plan: HelmPlan) -> HelmPlan:
        """The plan with the Kubernetes context pinned (--kube-context), shown in the header."""
        shown = self.query_one("#helm-context", Static)
        try:
            self.kube = resolve_kube_target(
                self.wizard.context.env, plan.helmfile_path, self.namespace
            )
        except KubeContextUnknown as exc:
            self.kube = None
            shown.update(error_text(exc, "Kubernetes context unknown: nothing will be synced"))
            return plan
        shown.update(
            Content.assemble(
                ("Kubernetes ", "bold"), (self.kube.shown, "bold $accent"), (" · pinned", "dim")
            )
        )
        shown.tooltip = (
            f"From {self.kube.source}. Every helm and helmfile command gets --kube-context "
            f"{self.kube.context}: switching contexts elsewhere cannot redirect it."
        )
        return replace(plan, kube_context=self.kube.context)

    def journal_records(self) -> list[JournalRecord]:
        session = self.wizard.session
        return list(session.journal.records) if session is not None else []

    def journaled_state(self) -> HelmJournalState:
        """What this step journaled before a restart (nothing on a first visit)."""
        session = self.wizard.session
        reader = session.transcripts.output if session is not None else None
        return read_helm_journal(self.journal_records(), self.releases, self.step_id, reader)

    def on_show(self) -> None:
        # shown again: the values may have changed since (Values step, an editor)
        if self.shown_before:
            self.query_one(ValuesGuard).recheck()
        self.shown_before = True
        # after the base class gave the first widget the focus
        self.call_after_refresh(self.query_one(ImagesSection).focus_registry)

    # -- what the sections share ---------------------------------------------------------------
    @property
    def releases(self) -> tuple[str, ...]:
        return self.wizard.context.playbook.helm_releases

    @property
    def namespace(self) -> str:
        return self.wizard.context.playbook.helm_namespace

    @property
    def recorded(self) -> dict[str, RecordedRevision]:
        """Each release's revision recorded before the sync: the rollback targets."""
        return self.query_one(HistorySection).recorded

    @property
    def values_check(self) -> SyncValuesCheck | None:
        """The values file as last read (None when it could not be)."""
        return self.query_one(ValuesGuard).check

    @property
    def changelog_acknowledged(self) -> bool:
        return self.query_one(ChangelogSection).acknowledged

    def journal_decision(self, record: RecordBody) -> JournalRecord | None:
        session = self.wizard.session
        if session is None:
            return None
        return session.journal.append(record)

    def sync_blockers(self, values: bool = True) -> list[str]:
        """What still stands between the operator and ``helmfile sync``.

        ``values=False``: all but the values file (``s`` reads it again, so it may be fixed).
        """
        images = self.query_one(ImagesSection)
        blockers = []
        if self.kube is None:
            blockers.append("the Kubernetes context known")
        if not images.ready:
            missing = len(images.report.missing) if images.report else 0
            blockers.append(f"images in ECR ({missing} missing)" if missing else "images in ECR")
        if not self.changelog_acknowledged:
            blockers.append("CHANGELOG acknowledged")
        if not self.query_one(HistorySection).ready:
            blockers.append("revisions recorded")
        if not self.query_one(DiffSection).ready:
            blockers.append("diff run")
        if (lint := self.query_one(LintSection).blocker) is not None:
            blockers.append(lint)
        if values and (unfit := self.query_one(ValuesGuard).blocker) is not None:
            blockers.append(unfit)
        if self.busy:
            blockers.append("the running command to end")
        return blockers

    @property
    def busy(self) -> bool:
        """A command or check of this step is running."""
        series = (self.query_one(HistorySection).series, self.query_one(LintSection).series)
        return (
            self.query_one(ImagesSection).busy
            or any(s is not None and s.running for s in series)
            or self.query_one(DiffSection).running
            or self.query_one(SyncSection).running
            or self.query_one(RollbackSection).running_choice is not None
        )

    def update_gate(self) -> None:
        """Re-evaluate the sync gate, the diff's advice, the completion and the keys."""
        self.query_one(DiffSection).show_idle()  # "acknowledge first" until it is
        sync = self.query_one(SyncSection)
        sync.show_gate([] if sync.running else self.sync_blockers(), self.can_run("sync"))
        rollback = self.query_one(RollbackSection)
        # a release rolled back after a good sync: done once its outcome is recorded
        self.complete = (
            sync.succeeded and not rollback.rolled_back_any
        ) or rollback.outcome_recorded
        if self.plan is not None:
            for selector, action in BUTTONS.items():
                self.query_one(selector, Button).disabled = not self.can_run(action)
        self.refresh_bindings()

    # -- keys ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        section = ACTION_SECTION.get(action)
        if section is None:
            if action == "cancel":
                return True if self.busy else None
            return True
        if self.query_one("#helm-tabs", TabbedContent).active != f"tab-{section}":
            return False
        rollback = self.query_one(RollbackSection)
        if action == "rollback" and (not rollback.choices or rollback.optional):
            return False  # nothing failed (a good sync offers one button per release)
        return True if self.can_run(action) else None

    def can_run(self, action: str) -> bool:
        images = self.query_one(ImagesSection)
        checks = {
            "check_images": lambda: images.can_check,
            "load_images": lambda: images.can_load,
            "acknowledge": lambda: not self.changelog_acknowledged and self.plan is not None,
            "record_history": lambda: self.query_one(HistorySection).can_record,
            "lint": lambda: self.query_one(LintSection).can_run,
            "diff": lambda: self.query_one(DiffSection).can_run,
            "toggle_diff": lambda: self.query_one(DiffSection).ready,
            "sync": lambda: not self.sync_blockers(values=False),
            "rollback": lambda: self.query_one(RollbackSection).can_roll_back,
        }
        return checks[action]()

    def focus_after(self, done: str) -> None:
        """Only where the operator looks: work of another section (revisions recorded as
        the step opens) ending in the background leaves the focus where it is."""
        section = ACTION_SECTION.get(done.split(".")[0])
        if (
            section is None
            or self.query_one("#helm-tabs", TabbedContent).active == f"tab-{section}"
        ):
            super().focus_after(done)

    def on_tabbed_content_tab_activated(self) -> None:
        self.refresh_bindings()

    def action_section(self, sid: str) -> None:
        # focus left inside the old pane would switch TabbedContent straight back to it
        self.query_one(self.FOCUS_AFTER["section"]).focus()
        self.query_one("#helm-tabs", TabbedContent).active = f"tab-{sid}"
        self.refresh_bindings()

    def action_check_images(self) -> None:
        self.query_one(ImagesSection).check()

    def action_load_images(self) -> None:
        self.query_one(ImagesSection).load()

    def action_acknowledge(self) -> None:
        self.query_one(ChangelogSection).acknowledge()

    def action_record_history(self) -> None:
        self.query_one(HistorySection).start()

    def action_lint(self) -> None:
        self.query_one(LintSection).run()

    def action_diff(self) -> None:
        self.query_one(DiffSection).run()

    def action_toggle_diff(self) -> None:
        self.query_one(DiffSection).toggle()

    def action_sync(self) -> None:
        self.query_one(SyncSection).ask()

    def action_rollback(self) -> None:
        self.query_one(RollbackSection).ask()

    def action_cancel(self) -> None:
        for section in (
            self.query_one(SyncSection),
            self.query_one(RollbackSection),
            self.query_one(DiffSection),
            self.query_one(ImagesSection),
            self.query_one(HistorySection),
            self.query_one(LintSection),
        ):
            if section.cancel():
                self.notify("Cancel requested: SIGINT sent.", timeout=4)
                self.focus_after("cancel")
                return
