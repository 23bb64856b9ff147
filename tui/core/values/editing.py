"""One values-editing session: the merge, what the operator did since the last save, the
draft that keeps it, and the save with everything it decides.

Every operation goes through ``apply`` (or ``undo``/``redo``), which changes the merge
and returns the draft to keep (the screen writes it off the event loop with
``DraftStore.keep``). A save is refused while a previous value is undecided; after a
save the session goes on from the merged model in memory: the file just written is not
read again. The journal gets what was written and decided, never a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.journal.events import DraftFate, ValuesChoice, ValuesDecision, ValuesDraftHandled
from tui.core.journal.records import JournalRecord
from tui.core.journal.writer import Journal, utc_now
from tui.core.memory import collector_paused, hold_for, release_for
from tui.core.playbook.model import KnownPlaceholder
from tui.core.values.alignment import MISSING, Presence, Row, RowStatus
from tui.core.values.commands import Command, Edit, MergeDecision, same_node
from tui.core.values.doc import get_node
from tui.core.values.draft import (
    Draft,
    DraftBase,
    DraftCheck,
    DraftStore,
    KnownEntry,
    Operation,
    OperationKind,
    replay_order,
)
from tui.core.values.files import ValuesFiles
from tui.core.values.known import KnownValue, KnownValues, known_edits, plan_known_fills
from tui.core.values.lines import LineMap
from tui.core.values.load import load_values
from tui.core.values.merge import ValuesMerge
from tui.core.values.progress import KEEPABLE
from tui.core.values.save import (
    OnDisk,
    SavePlan,
    SaveResult,
    commit,
    plan_save,
    prefetch_layout,
)
from tui.core.values.scalars import ValueEditRefused

STEP = "values"
# The operator's decisions a save journals, and a resume restores.
DECIDED = {
    MergeDecision.DROPPED_ORPHAN: ValuesChoice.DROPPED,
    MergeDecision.KEPT_TEMPLATE: ValuesChoice.KEPT,
}


class UndecidedLeft(MocmError):
    """Previous values would be left behind without a decision (carry or drop each)."""


@dataclass(frozen=True)
class ReplayResult:
    """What a draft's replay did: every operation applied, or the first one that was not."""

    applied: int
    refused: str | None = None  # the operation refused, and why


class ValuesEditing:
    """The merge being edited, its operations since the last save, and its files."""

    def __init__(
        self,
        files: ValuesFiles,
        merge: ValuesMerge,
        known_placeholders: Sequence[KnownPlaceholder] = (),
        store: DraftStore | None = None,
    ) -> None:
        self.files = files
        self.merge = merge
        self.known_placeholders = tuple(known_placeholders)
        self.store = store
        self.base = DraftBase(
            merge.previous.sha256,
            str(files.working),
            merge.template.sha256,
            merge.pattern.pattern,
        )
        self.on_disk: OnDisk | None = None  # what this session's last save wrote
        self.line_map = LineMap()  # the template's lines in the file on disk
        self._applied: list[Operation] = []
        self._undone: list[Operation] = []

    def close(self) -> None:
        """The session is let go: its trees go back to the garbage collector."""
        release_for(self)

    # -- operations ------------------------------------------------------------------
    def apply(self, op: Operation) -> Command:
        """Run one operation on the merge (ValueEditRefused: nothing changed)."""
        command = self._run(op)
        self._applied.append(op)
        self._undone.clear()
        return command

    def undo(self) -> Command | None:
        command = self.merge.undo()
        if command is not None:
            self._undone.append(self._applied.pop())
        return command

    def redo(self) -> Command | None:
        command = self.merge.redo()
        if command is not None:
            self._applied.append(self._undone.pop())
        return command

    def _run(self, op: Operation) -> Command:
        merge, kind = self.merge, op.kind
        if kind == OperationKind.PORT:
            return merge.port(op.label)
        if kind == OperationKind.PORT_SUBTREE:
            return merge.port_subtree(op.label)
        if kind == OperationKind.EDIT:
            return merge.edit(op.label, op.text)
        if kind == OperationKind.KEEP:
            return merge.keep_template(op.label)
        if kind == OperationKind.CARRY:
            return merge.carry_orphan(op.label)
        if kind == OperationKind.DROP:
            return merge.drop_orphan(op.label)
        if kind == OperationKind.DROP_UNDECIDED:
            return merge.drop_undecided(op.labels)
        if kind == OperationKind.AUTO_FILL:
            return merge.auto_fill(self._known_edits(op.known))
        command = merge.set_image_tag(op.label, op.text)
        if command is None:
            raise ValueEditRefused(f"{op.label} is {op.text} already")
        return command

    def auto_fill_operation(self, known: KnownValues) -> Operation:
        """Auto-fill with the values the wizard read (kept in the draft, replayed the same)."""
        entries = (KnownEntry(s, v.value, v.origin) for s, v in sorted(known.values.items()))
        return Operation(OperationKind.AUTO_FILL, known=tuple(entries))

    def _known_edits(self, known: Sequence[KnownEntry]) -> list[Edit]:
        """The edits of the values the wizard read, as the preview showed them."""
        if not known:
            return []
        values = KnownValues({k.source: KnownValue(k.value, k.origin) for k in known})
        merge = self.merge
        fills, _ = plan_known_fills(
            merge.rows,
            merge.working,
            merge.pattern,
            self.known_placeholders,
            values,
            skip={item.label for item in merge.auto_fill_preview()},
        )
        return known_edits(merge.working, fills)

    # -- what is left to decide -------------------------------------------------------
    def undecided(self) -> list[Row]:
        return self.merge.undecided()

    def drop_all_operation(self) -> Operation:
        """The one operation that drops every undecided value (asked with a typed phrase)."""
        labels = tuple(row.label for row in self.undecided())
        if not labels:
            raise ValueEditRefused("nothing is undecided")
        return Operation(OperationKind.DROP_UNDECIDED, labels=labels)

    def journal_drop_all(self, journal: Journal, op: Operation, phrase: str) -> None:
        choice = ValuesChoice.DROPPED_TOGETHER
        reason = f"confirmed by typing {phrase!r}"
        journal.append(ValuesDecision(choice, op.labels, reason, str(self.files.working), STEP))

    # -- the draft ------------------------------------------------------------------------
    def draft(self) -> Draft | None:
        """The unsaved work to keep; None when the editor holds nothing unsaved."""
        if not self.merge.has_unsaved_changes() or not (self._applied or self._undone):
            return None
        return Draft(self.base, tuple(self._applied), tuple(self._undone), utc_now())

    def check_draft(self) -> DraftCheck | None:
        return self.store.check(self.base) if self.store is not None else None

    def replay(self, draft: Draft) -> ReplayResult:
        """Apply a draft's operations (then undo those it had undone)."""
        applied = 0
        for op in replay_order(draft):
            try:
                self.apply(op)
            except ValueEditRefused as exc:
                return ReplayResult(applied, f"{op.describe()}: {exc.message}")
            applied += 1
        for _ in draft.undone:
            self.undo()
        return ReplayResult(applied)

    # -- saving ----------------------------------------------------------------------------
    def save_refusal(self) -> UndecidedLeft | None:
        """Why saving now would lose a previous value silently; None when it would not."""
        left = self.undecided()
        if not left:
            return None
        orphans = [row.label for row in left if row.status == RowStatus.ORPHAN]
        open_maps = [row.label for row in left if row.status != RowStatus.ORPHAN]
        parts = []
        if orphans:
            parts.append(f"{len(orphans)} orphan(s) undecided ({_first(orphans)})")
        if open_maps:
            parts.append(
                f"{len(open_maps)} value(s) for an open map not carried ({_first(open_maps)})"
            )
        return UndecidedLeft(
            "Not saved: " + "; ".join(parts),
            "c carries the row, x drops it (o goes to the next one); D drops all of them "
            "with a typed confirmation",
        )

    def prepare_saving(self) -> None:
        """Start laying out the template for a save, in a child process (the first ``s``
        then finds it ready instead of parsing the template again)."""
        prefetch_layout(self.merge)

    def plan_save(self, override_reason: str | None) -> SavePlan:
        """Render, verify and diff in memory (refused while anything is undecided)."""
        refusal = self.save_refusal()
        if refusal is not None:
            raise refusal
        files = self.files
        with collector_paused():  # the text, its check and the diff: nothing to free
            return plan_save(
                self.merge, files.destination, files.backup, override_reason, on_disk=self.on_disk
            )

    def commit(self, plan: SavePlan) -> SaveResult:
        """Write the planned text; the session then goes on from it (nothing is re-read)."""
        result = commit(plan)
        merge = self.merge
        self.on_disk = OnDisk(plan.text, result.sha256, plan.secret_lines, plan.same_lines)
        # Values swapped where they stand: every template line is where it was.
        self.line_map = (
            LineMap() if plan.same_lines else LineMap.between(merge.template.text, plan.text)
        )
        self.files = self.files.after_save(result.template_backup)
        self.base = replace(
            self.base, working=str(self.files.working), working_sha256=result.sha256
        )
        merge.mark_saved()
        merge.clear_history()
        self._applied.clear()
        self._undone.clear()
        return result

    def journal_save(self, journal: Journal, plan: SavePlan, result: SaveResult) -> None:
        """The file operations with their checksums, the override reason, the decisions."""
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
        for decision in journaled_decisions(self.merge, result.destination):
            journal.append(decision)  # key paths only, never values


def _first(labels: list[str]) -> str:
    return ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")


def journaled_decisions(merge: ValuesMerge, destination: Path) -> list[ValuesDecision]:
    """What a save journals: the keys ported, edited, carried, kept and dropped (paths only).

    Ported: the previous value copied in; edited: any other new value; carried: a key
    the template lacked; kept and dropped: the operator's decisions. Counted from the
    files as this session opened them; a write undone since (the value is back to the
    template's) is no change and not listed.
    """
    by_path = {row.new_path: row for row in merge.rows if row.new_path is not None}
    keys: dict[ValuesChoice, list[str]] = {choice: [] for choice in ValuesChoice}
    for path, before in merge.touched.items():
        if any(path[:n] in merge.touched for n in range(1, len(path))):
            continue  # inside a subtree written as a whole: its top is listed
        row = by_path.get(path)
        if row is None:
            continue  # removed again since
        try:
            after = get_node(merge.working, path)
        except KeyError:
            continue
        if before is MISSING:
            keys[ValuesChoice.CARRIED].append(row.label)
        elif same_node(before, after):
            continue
        elif row.new_text == row.prev_text:
            keys[ValuesChoice.PORTED].append(row.label)
        else:
            keys[ValuesChoice.EDITED].append(row.label)
    for label, decision in merge.decisions.items():
        keys[DECIDED[decision]].append(label)
    return [
        ValuesDecision(choice, tuple(labels), file=str(destination), step=STEP)
        for choice, labels in keys.items()
        if labels
    ]


def restore_decisions(merge: ValuesMerge, records: Sequence[JournalRecord]) -> int:
    """Mark again the orphans dropped and the values kept at earlier saves; returns how many.

    A decision that no longer applies (the orphan was carried since, the kept value
    now equals the previous one) is not restored.
    """
    decided: dict[str, MergeDecision] = {}
    restorable = {choice: decision for decision, choice in DECIDED.items()}
    for record in records:
        body = record.body
        if isinstance(body, ValuesDecision) and body.step == STEP and body.choice in restorable:
            decided.update(dict.fromkeys(body.keys, restorable[body.choice]))
    restored = 0
    for row in merge.rows:
        decision = decided.get(row.label)
        dropped = decision == MergeDecision.DROPPED_ORPHAN and row.presence == Presence.PREV_ONLY
        kept = decision == MergeDecision.KEPT_TEMPLATE and (
            row.status in KEEPABLE or (row.status == RowStatus.OPEN_MAP and row.topmost)
        )
        if decision is not None and (dropped or kept):
            merge.decisions[row.label] = decision
            restored += 1
    return restored


def open_editing(
    files: ValuesFiles,
    placeholder_pattern: str,
    known_placeholders: Sequence[KnownPlaceholder] = (),
    journal: Journal | None = None,
) -> ValuesEditing:
    """Load both files, restore the journaled decisions and find the draft (a ParseError
    names the file, line and column of bad input).

    The previous values are read for their values only (libyaml, several times faster);
    the working copy with ruamel's round trip, since it is the file written back.
    """
    with collector_paused():  # nothing to free while the trees are built (core/memory.py)
        previous = load_values(files.previous, comments=False)
        working = load_values(files.working)
        merge = ValuesMerge(previous, working, placeholder_pattern)
        if files.resumed and journal is not None:
            restore_decisions(merge, list(journal.records))
        merge.mark_saved()  # the file as loaded is the saved state
    store = DraftStore.beside(journal.workspace.root) if journal is not None else None
    editing = ValuesEditing(files, merge, known_placeholders, store)
    # The trees live as long as the session: full collections need not walk them again
    # (until ``close``).
    hold_for(editing)  # a session dropped unclosed lets go too
    return editing


def journal_draft(journal: Journal, fate: DraftFate, draft: Draft | None, reason: str = "") -> None:
    """A draft restored, discarded or set aside: its operations in words (no value)."""
    operations = tuple(draft.describe()) if draft is not None else ()
    written_at = draft.written_at if draft is not None else ""
    journal.append(ValuesDraftHandled(fate, operations, written_at, reason, STEP))
