"""Which files the values step reads and writes, so that a resumed session continues.

First visit: the current release's values file *is* the template; saving keeps it
as the template backup (the playbook's ``values.template_backup``) first.
After a save (or the guide's manual ``cp``), the backup exists: it is the template,
and the values file holds the operator's work, which the editor opens and continues.
A later save keeps that work under a free ``.bak`` name before writing over it.
No Textual here: the screen and the tests share it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tui.core.files import sha256_file
from tui.core.journal.records import Decision as JournalDecision
from tui.core.journal.records import JournalRecord
from tui.core.playbook.load import Playbook
from tui.core.releases.directories import ReleasePair
from tui.core.values.alignment import Presence, RowStatus
from tui.core.values.commands import MergeDecision
from tui.core.values.load import load_values_pair
from tui.core.values.merge import ValuesMerge

WORK_BACKUP_SUFFIX = ".bak"
KEEPABLE = (RowStatus.DIFFERS,)  # rows where `k` means something (never a placeholder)
STEP = "values"
DROPS_DECISION = "values orphans dropped"
KEPT_DECISION = "values kept as the template has them"
# The operator's decisions a save journals (a JSON list of key paths each), and a resume restores.
JOURNALED = {
    DROPS_DECISION: MergeDecision.DROPPED_ORPHAN,
    KEPT_DECISION: MergeDecision.KEPT_TEMPLATE,
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


def labels_detail(labels: list[str]) -> str:
    """The journal detail of decided rows at a save (a JSON list of key paths)."""
    return json.dumps(labels, ensure_ascii=False)


def journaled_decisions(merge: ValuesMerge) -> list[tuple[str, str]]:
    """(what, detail) of each kind of decision to journal at a save; none when empty."""
    out = []
    for what, decision in JOURNALED.items():
        labels = [k for k, v in merge.decisions.items() if v == decision]
        if labels:
            out.append((what, labels_detail(labels)))
    return out


def restore_decisions(merge: ValuesMerge, records: Iterable[JournalRecord]) -> int:
    """Mark again the orphans dropped and the values kept at earlier saves; returns how many.

    A decision that no longer applies (the orphan was carried since, the kept value
    now equals the previous one) is not restored.
    """
    decided: dict[str, MergeDecision] = {}
    for record in records:
        body = record.body
        if isinstance(body, JournalDecision) and body.step == STEP and body.what in JOURNALED:
            try:
                labels = [str(label) for label in json.loads(body.detail)]
            except (ValueError, TypeError):
                continue  # a hand-edited or foreign record: the row stays undecided
            decided.update(dict.fromkeys(labels, JOURNALED[body.what]))
    restored = 0
    for row in merge.rows:
        decision = decided.get(row.label)
        if (decision == MergeDecision.DROPPED_ORPHAN and row.presence == Presence.PREV_ONLY) or (
            decision == MergeDecision.KEPT_TEMPLATE and row.status in KEEPABLE
        ):
            merge.decisions[row.label] = decision
            restored += 1
    return restored
