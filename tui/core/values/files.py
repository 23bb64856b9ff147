"""Which files the values step reads and writes, so that a resumed session continues.

First visit: the current release's values file *is* the template; saving keeps it
as the template backup (the playbook's ``values.template_backup``) first.
After a save (or the guide's manual ``cp``), the backup exists: it is the template,
and the values file holds the operator's work, which the editor opens and continues.
A later save keeps that work under a free ``.bak`` name before writing over it.
No Textual here: the screen and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui.core.files import sha256_file
from tui.core.playbook.load import Playbook
from tui.core.releases.directories import ReleasePair

WORK_BACKUP_SUFFIX = ".bak"


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

    def after_save(self, template_backup: Path | None) -> ValuesFiles:
        """The files once the destination is written (as ``locate_values`` would find them):
        the template is kept at its backup, the destination holds the operator's work,
        and the next save keeps that work under a free ``.bak`` name first."""
        template = self.template
        if template == self.destination:  # first save: the template was kept before the write
            template = template_backup or self.backup
        backup = self.destination.with_name(self.destination.name + WORK_BACKUP_SUFFIX)
        return ValuesFiles(
            self.previous, template, self.destination, self.destination, backup, True
        )


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
