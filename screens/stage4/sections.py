"""Stage 4: what every section of the step works on (the panel resolves it once).

The sections: `evidence.py`, `references.py`, `valkey.py`, `snapshot.py` (the final
snapshot), `rename.py` (the gate; parking the file), `teardown.py`, `follow_up.py`,
`leftovers.py`. Each owns its worker; failures end in the App's error dialog and stay
written on the section in the error colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widget import Widget

from tui.core.playbook.load import Playbook
from tui.core.stage4.targets import Stage4Target
from tui.screens.base import panel_of
from tui.screens.stage4.aws import EnvAwsSession
from tui.wizard import Wizard


@dataclass(frozen=True)
class Stage4Context:
    """What every section works on, resolved once by the panel."""

    target: Stage4Target
    region: str
    aws: EnvAwsSession
    playbook: Playbook


def wizard_of(widget: Widget) -> Wizard:
    return panel_of(widget).wizard
