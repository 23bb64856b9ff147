"""Start the wizard: build the context, run the App, return its exit code."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

STARTED = time.perf_counter()


def launch_wizard(
    previous: Path | None,
    current: Path | None,
    *,
    tofu_bin: str = "tofu",
    playbook: Path | None = None,
    env: dict[str, str] | None = None,
    startup_tasks: Sequence[Callable[[], object]] = (),
) -> int:
    """Run the wizard on two release directories (either may be None: offer siblings)."""
    # Imported here: STARTED is taken before anything heavy loads (the start-up benchmark).
    from tui.core.errors import MocmError
    from tui.core.playbook.load import load_playbook

    try:
        book = load_playbook(playbook)
    except MocmError as exc:
        print(f"mocm-upgrade: {exc}", file=sys.stderr)
        return 1
    from tui.app import make_app  # Textual loads only once the playbook is known to be good
    from tui.context import WizardContext

    context = WizardContext(
        playbook=book,
        previous=previous,
        current=current,
        tofu_bin=tofu_bin,
        env=dict(os.environ if env is None else env),
        startup_tasks=startup_tasks,
        exit_after_first_paint=os.environ.get("MOCM_UPGRADE_EXIT_AFTER_FIRST_PAINT") == "1",
        started_at=STARTED,
    )
    app = make_app(context)
    app.run()
    return app.return_code or 0
