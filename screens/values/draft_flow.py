"""The draft of the values step: unsaved edits kept beside the journal, offered back.

Every change is kept as a draft, written off the event loop (the draft store serialises
the writes: none is cancelled); a draft that cannot be written is said once, not at every
key. When the step opens on a draft, the operator restores it (replayed; an edit that no
longer applies sets the draft aside, nothing of it lost) or discards it; a draft written
for other files (stale) is set aside or discarded, never applied. Each answer is
journaled.
"""

from __future__ import annotations

from textual.message import Message

from tui.core.journal.events import DraftFate
from tui.core.values.draft import DraftCheck, DraftFound, DraftStale
from tui.core.values.editing import journal_draft
from tui.screens.values.dialogs import restore_draft_dialog, stale_draft_dialog
from tui.screens.values.editor import ValuesEditor

DRAFT_GROUP = "values-draft"


class DraftFlow:
    """One values panel's draft: offered back at the opening, kept after each change."""

    class NotKept(Message):
        """The draft could not be written (the reason); the edits are still in the editor."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, panel: ValuesEditor) -> None:
        self.panel = panel
        self.problem = ""  # the last reason told (said once, not at every key)

    def offer(self, check: DraftCheck | None) -> None:
        """Ask about the draft found when the step opened (if any)."""
        app = self.panel.app
        if isinstance(check, DraftFound):
            app.push_screen(
                restore_draft_dialog(check.draft), lambda discard: self.restore(check, discard)
            )
        elif isinstance(check, DraftStale):
            app.push_screen(stale_draft_dialog(check), lambda discard: self.stale(check, discard))

    def restore(self, check: DraftFound, discard: bool | None) -> None:
        panel, editing, journal = self.panel, self.panel.editing, self.panel.journal()
        assert editing is not None and editing.store is not None
        if discard:
            editing.store.remove()
            if journal is not None:
                journal_draft(journal, DraftFate.DISCARDED, check.draft)
            panel.app.notify("The unsaved edits of the draft are discarded.", timeout=4)
            return
        result = editing.replay(check.draft)
        if journal is not None:
            journal_draft(journal, DraftFate.RESTORED, check.draft)
        if result.refused is not None:
            aside = editing.store.set_aside()  # nothing of it is lost: the rest is read there
            panel.app.notify(
                f"Restored {result.applied} edit(s); then {result.refused}. The draft is kept "
                f"as {aside.name}.",
                severity="warning",
                timeout=10,
            )
        else:
            panel.app.notify(f"Restored {result.applied} unsaved edit(s): s saves them.", timeout=5)
        panel.refresh_view(None)
        self.keep()

    def stale(self, check: DraftStale, discard: bool | None) -> None:
        editing, journal = self.panel.editing, self.panel.journal()
        assert editing is not None and editing.store is not None
        if discard:
            editing.store.remove()
            if journal is not None:
                journal_draft(journal, DraftFate.DISCARDED, check.draft, check.reason)
            return
        aside = editing.store.set_aside()
        if journal is not None:
            journal_draft(
                journal, DraftFate.SET_ASIDE, check.draft, f"{check.reason}; kept as {aside}"
            )
        self.panel.app.notify(f"The draft is kept as {aside} (not applied).", timeout=6)

    def keep(self) -> None:
        """Write the unsaved work as the draft (or remove it), off the event loop."""
        panel, editing = self.panel, self.panel.editing
        if editing is None or editing.store is None:
            return
        store, ticket, draft = editing.store, editing.store.ticket(), editing.draft()

        def keep() -> None:
            try:
                store.keep(ticket, draft)
            except OSError as exc:
                panel.post_message(self.NotKept(f"{store.path}: {exc.strerror or exc}"))

        panel.run_in_thread(keep, group=DRAFT_GROUP, description="Keeping the unsaved edits")

    def not_kept(self, reason: str) -> None:
        """Tell the operator the draft cannot be written, once per reason."""
        if reason != self.problem:
            self.problem = reason
            self.panel.app.notify(
                f"Unsaved edits cannot be kept as a draft ({reason}); save (s) to keep them.",
                severity="warning",
                timeout=8,
            )
