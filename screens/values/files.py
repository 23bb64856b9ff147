"""Which files the values step reads and writes, so that a resumed session continues.

First visit: the current release's values file *is* the template; saving keeps it
as the template backup (the playbook's ``values.template_backup``) first.
After a save (or the guide's manual ``cp``), the backup exists: it is the template,
and the values file holds the operator's work, which the editor opens and continues.
A later save keeps that work under a free ``.bak`` name before writing over it.
No Textual here: the screen and the tests share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tui.core.files import sha256_file
from tui.core.journal.events import ValuesChoice, ValuesDecision
from tui.core.journal.records import JournalRecord
from tui.core.playbook.load import Playbook
from tui.core.releases.directories import ReleasePair
from tui.core.values.alignment import MISSING, Presence, RowStatus
from tui.core.values.commands import MergeDecision, same_node
from tui.core.values.doc import get_node
from tui.core.values.load import load_values_pair
from tui.core.values.merge import ValuesMerge

WORK_BACKUP_SUFFIX = ".bak"
KEEPABLE = (RowStatus.DIFFERS,)  # rows where `k` means something (never a placeholder)
STEP = "values"
# The operator's decisions a save journals, and a resume restores.
DECIDED = {
    MergeDecision.DROPPED_ORPHAN: ValuesChoice.DROPPED,
    MergeDecision.KEPT_TEMPLATE: ValuesChoice.KEPT,
}


@dataclass(frozen=True)
class ValuesFiles:
    """The previous values, the template, the copy being edited and where a save goes."""

    previous: Path
    template: Path
    working: Path  # loaded on the right: the template, or the operator's saved work
    destination: Path
    backup: Path  # handed to plan_save: kept there before the destination is written
    resumed: bool  # the template backup exists: the working copy holds earlier work

    @property
    def working_is_template(self) -> bool:
        return self.working == self.template


def locate_values(pair: ReleasePair, playbook: Playbook) -> ValuesFiles:
    """Decide which file is the template and which the working copy (see the module)."""
    destination = pair.current.path / playbook.values_file
    template_backup = pair.current.path / playbook.values_template_backup
    previous = pair.previous.path / playbook.values_file
    if not template_backup.is_file():
        return ValuesFiles(previous, destination, destination, destination, template_backup, False)
    if not destination.is_file():
        # The values file is gone but the template was kept: start again from the template.
        return ValuesFiles(
            previous, template_backup, template_backup, destination, template_backup, True
        )
    same = sha256_file(destination) == sha256_file(template_backup)
    # An unchanged copy needs no second backup; earlier work is kept before it is replaced.
    backup = (
        template_backup if same else destination.with_name(destination.name + WORK_BACKUP_SUFFIX)
    )
    return ValuesFiles(previous, template_backup, destination, destination, backup, True)


def open_merge(files: ValuesFiles, placeholder_pattern: str) -> ValuesMerge:
    """Load both sides (ParseError with line and column on bad input)."""
    previous, working = load_values_pair(files.previous, files.working)
    return ValuesMerge(previous, working, placeholder_pattern)


def journaled_decisions(merge: ValuesMerge, destination: Path) -> list[ValuesDecision]:
    """What a save journals: the keys ported, edited, carried, kept and dropped (paths only).

    Ported: the previous value copied in; edited: any other new value; carried: a key
    the template lacked; kept and dropped: the operator's decisions. A write undone
    since the load (the value is back to the template's) is no change and not listed.
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


def restore_decisions(merge: ValuesMerge, records: Iterable[JournalRecord]) -> int:
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
        if (decision == MergeDecision.DROPPED_ORPHAN and row.presence == Presence.PREV_ONLY) or (
            decision == MergeDecision.KEPT_TEMPLATE and row.status in KEEPABLE
        ):
            merge.decisions[row.label] = decision
            restored += 1
    return restored
