"""Helpers for the values editor's pilot, snapshot and benchmark code."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from textual.widgets import Static

from tests.support.release import make_pair
from tests.support.waiting import WizardPilot, settle, wait_until
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook
from tui.core.steps import FORWARD_STEPS, StepStatus
from tui.screens.values.panel import ValuesPanel

BOOK = load_playbook()
VALUES = BOOK.values_file
# The clear values of the sample's secret keys: none may ever be on screen unrevealed.
SAMPLE_SECRETS = (
    "MOCM-ACME-7F3K-Q9LD-22XW-8HJ4",
    "Vq8#nT2!eL6@rW4z",
    "c9R$kP3^wQ7&mZ1x",
    "BLw3hY8xRk2pQ9vN5tZ7cM1aS4dF6gJ0",
)


# A key the previous file has under `host:`, a closed map of the template: a true orphan.
ORPHAN_LABEL = "host.legacyRedirect"


def add_orphan(prev: Path) -> None:
    """Give the previous release's values a key the new template no longer has."""
    path = prev / VALUES
    path.write_text(
        path.read_text().replace(
            "  ingressClassName: alb\n", "  ingressClassName: alb\n  legacyRedirect: true\n"
        )
    )


def draft_file(curr: Path) -> Path:
    """Where the values step keeps the unsaved edits of the current release."""
    return curr / ".mocm-upgrade" / "values-draft.json"


def values_app(root: Path) -> tuple[WizardApp, Path, Path]:
    """The App on a fresh sample release pair under ``root`` (previous, current)."""
    prev, curr = make_pair(root)
    return app_on(prev, curr), prev, curr


def app_on(prev: Path, curr: Path) -> WizardApp:
    return make_app(WizardContext(playbook=BOOK, previous=prev, current=curr))


async def open_values(app: WizardApp, pilot: WizardPilot) -> ValuesPanel:
    """Mark the steps before Values done, show it and wait until the files are loaded
    (or the problem opening them is shown): opening has ended."""
    await settle(app, pilot)
    for step in FORWARD_STEPS[: FORWARD_STEPS.index("values")]:
        app.statuses[step] = StepStatus.DONE
    app.show_step("values")
    return await values_loaded(app, pilot)


async def values_loaded(app: WizardApp, pilot: WizardPilot) -> ValuesPanel:
    """The Values step shown has opened its files or said why not. The load starts after
    the panel's first refresh, in a worker: wait for its outcome, not for the workers
    running now (on a busy machine there may be none yet)."""

    def opened() -> bool:
        panels = app.query(ValuesPanel)
        return bool(panels) and (panels.first().editing is not None or not panels.first().opening)

    await wait_until(app, pilot, opened, "the values step opened (or said why not)")
    await settle(app, pilot)
    return app.query_one(ValuesPanel)


async def flush_footer(panel: ValuesPanel, pilot: WizardPilot) -> None:
    """Redraw the footer now instead of after the keys settle (for snapshots)."""
    if panel.footer_timer is not None:
        panel.footer_timer.stop()
    panel.refresh_bindings()
    await pilot.pause()
    await pilot.pause()


_TAG = re.compile(r"<[^>]+>")


def screen_text(app: WizardApp) -> str:
    """Every character on the terminal right now (from the SVG screenshot Textual exports)."""
    svg = app.export_screenshot()
    body = svg[svg.index("<g class=") :] if "<g class=" in svg else svg
    texts = re.findall(r"<text[^>]*>(.*?)</text>", body, flags=re.S)
    return html.unescape("".join(_TAG.sub("", t) for t in texts)).replace("\xa0", " ")


async def auto_fill(app: WizardApp, pilot: WizardPilot) -> None:
    """Press `a`, wait for the preview (the Valkey secret is read in a worker), confirm it."""
    await pilot.press("a")
    await settle(app, pilot)
    await pilot.press("y")
    await settle(app, pilot)


def status(panel: ValuesPanel) -> str:
    """The status line (counters) of the values panel."""
    return str(panel.query_one("#values-status", Static).render())


def detail(panel: ValuesPanel) -> str:
    """The two lines about the row under the cursor."""
    return str(panel.query_one("#values-detail", Static).render())


def journal(curr: Path) -> list[dict[str, object]]:
    """The current release's journal records."""
    lines = (curr / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]
