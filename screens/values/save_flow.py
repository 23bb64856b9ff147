"""Saving from the values step: refusal, override reason, final diff, write, journal.

Order: anything undecided? refused, the cursor goes to it. Placeholders left? a typed
reason first. The core plans the save in a worker (renders and verifies the text in
memory); the operator reads the diff (secrets masked); only then the core keeps the
template (or the earlier work), writes atomically and verifies. The editor then goes
on from the model in memory: nothing is read again.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.core.values.progress import image_tag_warning
from tui.core.values.save import SavePlan, SaveResult
from tui.screens.values.dialogs import override_dialog, save_dialog
from tui.screens.values.editor import ValuesEditor
from tui.widgets.dialogs.reason import GivenReason
from tui.widgets.key_footer import SETTLE_S, KeyFooter


@dataclass(frozen=True)
class SavedFile:
    """What one save wrote."""

    plan: SavePlan
    result: SaveResult


class SaveFlow:
    """The save of one values panel, step by step (each step waits for the operator)."""

    class Planned(Message):
        """The save is rendered and verified in memory: the diff can be shown."""

        def __init__(self, plan: SavePlan) -> None:
            super().__init__()
            self.plan = plan

    class Saved(Message):
        """The file is written and verified."""

        def __init__(self, saved: SavedFile) -> None:
            super().__init__()
            self.saved = saved

    class Refused(Message):
        """The save would leave previous values behind undecided (the first one's label)."""

        def __init__(self, message: str, label: str) -> None:
            super().__init__()
            self.message = message
            self.label = label

    def __init__(self, panel: ValuesEditor) -> None:
        self.panel = panel

    def start(self) -> None:
        panel, editing = self.panel, self.panel.editing
        if editing is None or panel.busy:
            return
        refusal = editing.save_refusal()
        if refusal is not None:
            first = editing.undecided()[0].label
            panel.post_message(self.Refused(f"{refusal.message}. {refusal.hint}", first))
            return
        left = editing.merge.placeholders_left()
        if left:
            panel.app.push_screen(override_dialog(left), self.with_reason)
        else:
            self.prepare(None)

    def with_reason(self, reason: GivenReason | None) -> None:
        if reason is not None:
            self.prepare(reason.text)

    def prepare(self, reason: str | None) -> None:
        panel, editing = self.panel, self.panel.editing
        assert editing is not None
        # Keys are refused while busy (check_action); the footer keeps showing them (held
        # until the save ends): no rebuild for this short state, before the diff dialog,
        # behind it, nor while the file is written after it.
        panel.busy = "saving"
        self.hold_footer(True)

        def render() -> None:
            panel.post_message(self.Planned(editing.plan_save(reason)))

        panel.run_in_thread(render, group="values-save", description="Preparing the save")

    def review(self, plan: SavePlan) -> None:
        panel, pair, editing = self.panel, self.panel.wizard.pair, self.panel.editing
        backups = [str(p.name) for p in (plan.template_backup, plan.destination_backup) if p]
        warning = None
        if editing is not None and pair is not None:  # the tree the plan was rendered from
            key = panel.wizard.context.playbook.image_tag_key
            warning = image_tag_warning(editing.merge.working, key, pair.current.build)
        dialog = save_dialog(
            plan.destination.name,
            plan.diff,
            plan.changed_lines,
            backups,
            plan.override_reason,
            warning,
        )
        panel.app.push_screen(dialog, lambda ok: self.write(plan) if ok else self.cancel())

    def hold_footer(self, held: bool, after: float = 0.0) -> None:
        """Hold the footer over the save (see ``KeyFooter.hold``), or release it."""
        for footer in self.panel.screen.query(KeyFooter):
            if held:
                footer.hold()
            else:
                footer.release(after)

    def cancel(self) -> None:
        self.panel.busy = ""
        self.hold_footer(False)
        self.panel.bindings_changed()
        self.panel.app.notify("Not saved: nothing was written.", timeout=3)

    def write(self, plan: SavePlan) -> None:
        panel, editing = self.panel, self.panel.editing
        assert editing is not None

        def write() -> None:
            panel.post_message(self.Saved(SavedFile(plan, editing.commit(plan))))

        panel.run_in_thread(write, group="values-save", description="Saving the values file")

    def written(self, saved: SavedFile) -> None:
        """Journal what was written (checksums, the reason, the decisions); the step is done."""
        panel, editing = self.panel, self.panel.editing
        result = saved.result
        session = panel.wizard.session
        if session is not None and editing is not None:
            editing.journal_save(session.journal, saved.plan, result)
        kept = f"; kept {result.template_backup.name} first" if result.template_backup else ""
        panel.app.notify(
            f"Saved {result.destination.name} (verified){kept}. F3 goes to the next step.",
            timeout=5,
        )
        panel.busy = ""
        # The step's completion refreshes the keys as it reaches the App: the footer is
        # rebuilt then, once (anything else held back shows once the keys settle).
        self.hold_footer(False, after=SETTLE_S)
        panel.show_title()  # the right pane now holds the saved work
        panel.keep_draft()  # nothing unsaved now: the draft goes
        panel.refresh_view()
        panel.complete = True
