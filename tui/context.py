"""What the wizard is started with: one object shared by the CLI, the demo and tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.playbook.load import Playbook


@dataclass
class WizardContext:
    """Everything the App needs; built by ``tui.launch`` or by a test."""

    playbook: Playbook
    previous: Path | None = None
    current: Path | None = None
    tofu_bin: str = "tofu"
    # The environment every subprocess and boto3 client uses (explicit, never implicit).
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    # Run in a background thread after the first screen is painted (e.g. the demo's seeding).
    startup_tasks: Sequence[Callable[[], object]] = ()
    # Print "first-paint <s>" and exit after the first paint (benchmarks).
    exit_after_first_paint: bool = False
    started_at: float = 0.0
