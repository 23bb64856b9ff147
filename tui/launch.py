"""Start the wizard: build the context, run the App, return its exit code."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

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
    run_without_waiting_for_threads(app)
    return app.return_code or 0


def run_without_waiting_for_threads(app: App[int]) -> None:
    """Run ``app`` on an event loop of its own, closed without waiting for thread workers.

    ``App.run()`` goes through ``asyncio.run``, which at the end joins every thread of the
    loop's default executor: Ctrl+Q then waited for whatever a thread worker was doing (the
    demo's endpoint start, an import, a check in flight). A closed loop's executor is shut
    down without waiting; a thread still busy then ends with the process (the demo exits at
    once) or is joined by the interpreter's own exit, as before.
    """
    import asyncio

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        app.run(loop=loop)
        # What asyncio.run does besides the join: cancel the tasks left, finish async generators.
        left = asyncio.all_tasks(loop)
        for task in left:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
