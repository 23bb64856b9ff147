"""Stage 4, section 2: the scan's references to the old cache, and their waivers.

The scan comes with the evidence (``show``); each live reference is picked in a list
and waived alone, with its own reason, journaled (one record each). The waivers are
read back from the journal, so they survive a restart. The panel routes the keys (w,
Enter) here and, once one is waived, updates the gate and the focus.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static

from tui.core.stage4.evidence import Stage4Evidence
from tui.core.stage4.gate import (
    Stage4Waivers,
    open_references,
    read_waivers,
    reference_key,
    reference_waiver,
)
from tui.core.stage4.scan import Reference
from tui.screens.stage4.render import not_live_text, reference_option, references_text
from tui.screens.stage4.sections import wizard_of
from tui.widgets.dialogs.reason import GivenReason, ReasonDialog
from tui.widgets.focus_in_view import FocusInViewScroll
from tui.wizard import Wizard


def journal_waivers(wizard: Wizard) -> Stage4Waivers:
    """The Stage-4 waivers the journal holds (they survive a restart)."""
    session = wizard.session
    return read_waivers(session.journal.records) if session is not None else Stage4Waivers()


class ReferencesSection(FocusInViewScroll):
    """The scan's verdict, a picker of its references (open or waived), the rest."""

    def __init__(self) -> None:
        super().__init__(id="s4-scan")
        self.evidence: Stage4Evidence | None = None

    def compose(self) -> ComposeResult:
        yield Static("Scanning…", id="s4-references", markup=False)
        yield OptionList(id="s4-ref-list")
        yield Static(id="s4-not-live", markup=False)

    @property
    def picker(self) -> OptionList:
        return self.query_one("#s4-ref-list", OptionList)

    def not_scanned(self) -> None:
        """The evidence (and with it the scan) could not be gathered."""
        self.evidence = None
        self.query_one("#s4-references", Static).update(
            Content.styled("Not scanned: the evidence could not be gathered.", "$error")
        )

    def show(self, evidence: Stage4Evidence | None) -> None:
        """One line per blocking reference (open or waived), then the rest."""
        if evidence is None:
            return
        self.evidence = evidence
        wizard = wizard_of(self)
        scan, waivers = evidence.scan, journal_waivers(wizard)
        grep_dir = wizard.context.playbook.stage4.grep_dir
        self.query_one("#s4-references", Static).update(references_text(scan, grep_dir, waivers))
        picker = self.picker
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
        index = self.picker.highlighted
        if self.evidence is None or index is None:
            return None
        references = self.evidence.scan.references
        if index >= len(references):
            return None
        ref = references[index]
        return None if reference_key(ref) in journal_waivers(wizard_of(self)).references else ref

    def waive_chosen(self, then: Callable[[], None]) -> None:
        """Ask the reason for the chosen reference alone; journal it (one record each).

        Once waived and shown, ``then`` runs in the same turn (the panel's gate and focus).
        """
        ref, session = self.chosen_open_reference(), wizard_of(self).session
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
            waivers = journal_waivers(wizard_of(self))
            left = len(open_references(self.evidence.scan, waivers)) if self.evidence else 0
            self.notify(f"Waived {ref.where} (journaled); {left} reference(s) still open.")
            self.show(self.evidence)
            then()

        title = f"Waive the reference at {ref.location}"
        self.app.push_screen(ReasonDialog(title, body, action="Waive", destructive=True), record)
