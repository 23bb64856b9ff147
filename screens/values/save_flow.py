"""Saving from the values step: override reason, final diff, write, journal, reopen.

Order: placeholders left? a typed reason first. ``plan_save`` in a worker renders and
verifies the text in memory; the operator reads the diff (secrets masked); only then
``commit`` keeps the template (or the earlier work), writes atomically and re-reads.
The journal gets the file operations with checksums and the override reason; then
the saved file is reopened so the next save starts from what is on disk.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.core.journal.events import ValuesChoice, ValuesDecision
from tui.core.values.load import load_values
from tui.core.values.merge import ValuesMerge
from tui.core.values.save import SavePlan, SaveResult, commit, plan_save
from tui.screens.values.dialogs import override_dialog, save_dialog
from tui.screens.values.editor import ValuesEditor
from tui.screens.values.files import STEP, ValuesFiles, journaled_decisions, locate_values
from tui.screens.values.view import image_tag_warning
from tui.widgets.dialogs.reason import GivenReason


@dataclass(frozen=True)
class SavedFile:
    """What one save wrote, and the decisions it journals (key paths only)."""

    plan: SavePlan
    result: SaveResult
    decided: list[ValuesDecision]


@dataclass(frozen=True)
class ReopenedFile:
    """The saved file read back: the next save starts from what is on disk."""

    files: ValuesFiles
    merge: ValuesMerge


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

    class Reopened(Message):
        """The saved file is open again in the editor."""

        def __init__(self, reopened: ReopenedFile) -> None:
            super().__init__()
            self.reopened = reopened

    def __init__(self, panel: ValuesEditor) -> None:
        self.panel = panel

    def start(self) -> None:
        panel = self.panel
        if panel.merge is None or panel.busy:
            return
        left = panel.merge.placeholders_left()
        if left:
            panel.app.push_screen(override_dialog(left), self.with_reason)
        else:
            self.prepare(None)

    def with_reason(self, reason: GivenReason | None) -> None:
        if reason is not None:
            self.prepare(reason.text)

    def prepare(self, reason: str | None) -> None:
        panel, merge, files = self.panel, self.panel.merge, self.panel.files
        assert merge is not None and files is not None
        panel.busy = "saving"
        panel.bindings_changed()

        def render() -> None:
            plan = plan_save(merge, files.destination, files.backup, reason)
            panel.post_message(self.Planned(plan))

        panel.run_in_thread(render, group="values-save", description="Preparing the save")

    def review(self, plan: SavePlan) -> None:
        panel, pair = self.panel, self.panel.wizard.pair
        backups = [str(p.name) for p in (plan.template_backup, plan.destination_backup) if p]
        warning = None
        if panel.merge is not None and pair is not None:  # the tree the plan was rendered from
            key = panel.wizard.context.playbook.image_tag_key
            warning = image_tag_warning(panel.merge.working, key, pair.current.build)
        dialog = save_dialog(
            plan.destination.name,
            plan.diff,
            plan.changed_lines,
            backups,
            plan.override_reason,
            warning,
        )
        panel.app.push_screen(dialog, lambda ok: self.write(plan) if ok else self.cancel())

    def cancel(self) -> None:
        self.panel.busy = ""
        self.panel.bindings_changed()
        self.panel.app.notify("Not saved: nothing was written.", timeout=3)

    def write(self, plan: SavePlan) -> None:
        panel, merge = self.panel, self.panel.merge
        pair = panel.wizard.pair
        assert merge is not None and pair is not None
        book = panel.wizard.context.playbook
        decisions = dict(merge.decisions)
        decided = journaled_decisions(merge, plan.destination)

        def write_and_reopen() -> None:
            result = commit(plan)
            panel.post_message(self.Saved(SavedFile(plan, result, decided)))
            files = locate_values(pair, book)
            # The previous file is never edited: reuse it; only the saved file is read again.
            reopened = ValuesMerge(
                merge.previous, load_values(files.working), merge.pattern.pattern
            )
            labels = {row.label for row in reopened.rows}
            reopened.decisions.update({k: v for k, v in decisions.items() if k in labels})
            reopened.mark_saved()
            panel.post_message(self.Reopened(ReopenedFile(files, reopened)))

        panel.run_in_thread(
            write_and_reopen, group="values-save", description="Saving the values file"
        )

    def written(self, saved: SavedFile) -> None:
        """Journal what was written (checksums, the reason) and mark the step done."""
        panel, plan, result = self.panel, saved.plan, saved.result
        session = panel.wizard.session
        if session is not None:
            journal = session.journal
            if result.template_backup is not None:
                journal.file_op(
                    "backup",
                    result.template_backup,
                    plan.template_sha256,
                    source=plan.template_source,
                    step=STEP,
                )
            if result.destination_backup is not None:
                journal.file_op(
                    "backup",
                    result.destination_backup,
                    plan.destination_sha256,
                    source=plan.destination,
                    step=STEP,
                )
            journal.file_op(
                "write", result.destination, result.sha256, plan.destination_sha256, step=STEP
            )
            if result.override_reason:
                journal.append(
                    ValuesDecision(
                        ValuesChoice.PLACEHOLDERS_LEFT,
                        tuple(result.placeholders_left),
                        result.override_reason,
                        str(result.destination),
                        STEP,
                    )
                )
            for decision in saved.decided:  # ported, edited, carried, kept, dropped: key paths
                journal.append(decision)
        kept = f"; kept {result.template_backup.name} first" if result.template_backup else ""
        panel.app.notify(f"Saved {result.destination.name} (verified){kept}.", timeout=5)
        if panel.merge is not None:
            panel.merge.mark_saved()  # until the saved file is reopened, this is what it holds
            panel.refresh_view()
        panel.complete = True

    def reopened(self, reopened: ReopenedFile) -> None:
        label = self.panel.panes.current.label if self.panel.panes.current else None
        self.panel.install(reopened.files, reopened.merge, label)
