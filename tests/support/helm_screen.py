"""Helpers for the Helm screen tests: a seeded sandbox world, the App opened on step 8."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.support.sandbox import run_tool
from tests.support.screen_text import all_text, widget_text
from tests.support.waiting import WizardPilot, run_until_idle, settle, wait_until
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook
from tui.core.steps import FORWARD_STEPS, StepStatus
from tui.sandbox.seed_images import seed_images
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World, build_world, world_env
from tui.screens.helm.images import ImagesSection
from tui.screens.helm.panel import HelmPanel
from tui.screens.helm.values import ValuesGuard

__all__ = [
    "BOOK",
    "all_text",
    "fill_registry",
    "helm_app",
    "helm_status",
    "helm_world",
    "history",
    "journal_records",
    "open_helm",
    "panel_of",
    "press",
    "ready_for_sync",
    "run_until_idle",
    "settle",
    "table_text",
    "text_of",
    "values_path",
    "widget_text",
]

BOOK = load_playbook()
PLACEHOLDER = re.compile(r'registry: "< REPLACE_VALUE_IMAGE_REGISTRY >"')
ANY_PLACEHOLDER = re.compile(BOOK.placeholder_pattern)


def helm_world(
    root: Path, aws_env: dict[str, str], *, registry: bool = True, filled: bool = True
) -> World:
    """A demo world whose ECR holds every image but the one the seed leaves out on purpose.

    ``registry``: the Values step has filled ``global.image.registry`` (else a placeholder);
    ``filled``: it has filled every other placeholder too (else they are left in the file).
    """
    world = build_world(root / "world")
    seed_images(world, dict(aws_env), BOOK, SeedReport())
    if registry:
        fill_registry(world)
    if filled:
        fill_placeholders(world)
    return world


def values_path(world: World) -> Path:
    return world.current / BOOK.values_file


def fill_placeholders(world: World) -> None:
    """Every placeholder but the registry's gets a stand-in value (``filled-smtp-host``)."""

    def stand_in(found: re.Match[str]) -> str:
        name = found.group(0).strip("<> ").removeprefix("REPLACE_VALUE_")
        if name == "IMAGE_REGISTRY":  # fill_registry's business
            return found.group(0)
        return "filled-" + name.lower().replace("_", "-")

    path = values_path(world)
    path.write_text(ANY_PLACEHOLDER.sub(stand_in, path.read_text(encoding="utf-8")), "utf-8")


def fill_registry(world: World) -> None:
    """What the Values step does for the registry: the ECR host of the world's account."""
    values = world.current / BOOK.values_file
    host = f'registry: "{world.account_id}.dkr.ecr.{world.region}.amazonaws.com"'
    values.write_text(PLACEHOLDER.sub(host, values.read_text(encoding="utf-8")), encoding="utf-8")


def helm_app(world: World, aws_env: dict[str, str], **extra: str) -> WizardApp:
    """The App on the world's releases, stand-ins first on PATH, no pacing in the stand-ins."""
    env = world_env(world, dict(aws_env)) | {"MOCM_SANDBOX_HELM_SECONDS": "0"} | extra
    context = WizardContext(playbook=BOOK, previous=world.previous, current=world.current, env=env)
    return make_app(context)


async def open_helm(app: WizardApp, pilot: WizardPilot) -> None:
    """Mark the steps before Helm done, show it, and wait for its start-up checks."""
    await settle(app, pilot)
    for step in FORWARD_STEPS[: FORWARD_STEPS.index("helm")]:
        app.statuses[step] = StepStatus.DONE
    app.show_step("helm")
    await run_until_idle(app, pilot)
    # The step reads the values file when it is shown (on_show, after a refresh): under load
    # that can come after the idle above. Wait for what the Sync section then says.
    guard = app.screen.query_one(ValuesGuard)
    await wait_until(
        app,
        pilot,
        lambda: guard.check is not None or guard.error is not None,
        "the Helm step's values check shown",
    )
    # The image check ends by moving the focus to what comes next, after a refresh, scrolled
    # into view: under load that too can come after the idle above (one red snapshot).
    images, panel = app.screen.query_one(ImagesSection), app.screen.query_one(HelmPanel)

    def image_check_settled() -> bool:
        if images.checking:
            return False
        ran = images.report is not None or images.check_error is not None
        return panel.focus_decided or not ran  # no check without a registry: nothing moves

    await wait_until(app, pilot, image_check_settled, "the focus moved after the image check")
    await run_until_idle(app, pilot)


def journal_records(release: Path) -> list[dict[str, Any]]:
    lines = (release / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


async def press(app: WizardApp, pilot: WizardPilot, *keys: str) -> None:
    """Press each key, letting every command or check it starts run to its end."""
    for key in keys:
        await pilot.press(key)
        await run_until_idle(app, pilot)


async def ready_for_sync(app: WizardApp, pilot: WizardPilot, *, load_images: bool = True) -> None:
    """Push the missing image, acknowledge the CHANGELOG, lint, run the diff; end on Sync."""
    if load_images:
        await press(app, pilot, "1", "l")
    await press(app, pilot, "2", "a", "4", "i", "5", "d", "6")


def table_text(app: WizardApp, selector: str) -> str:
    """A DataTable's rows as the operator reads them, one line per row."""
    from textual.widgets import DataTable

    table = app.screen.query_one(selector, DataTable)
    rows = (table.get_row_at(i) for i in range(table.row_count))
    return "\n".join("  ".join(str(cell) for cell in row) for row in rows)


def text_of(app: WizardApp, selector: str) -> str:
    """One widget's text, unwrapped (a Static's content; else what it renders)."""
    from textual.widgets import Static

    widget = app.screen.query_one(selector)
    if isinstance(widget, Static):
        return str(widget.content)
    return widget_text(widget)


def helm_status(app: WizardApp) -> StepStatus:
    """The Helm step's status in the sidebar."""
    return app.statuses["helm"]


def panel_of(app: WizardApp) -> HelmPanel:
    return app.query_one(HelmPanel)


def history(world: World, release: str) -> list[dict[str, object]]:
    """``helm history`` of one release in the sandbox cluster, as helm prints it in JSON."""
    out = run_tool(world, ["helm", "history", release, "-n", "fusion", "-o", "json"])
    assert out.returncode == 0, out.stderr
    releases: list[dict[str, object]] = json.loads(out.stdout)
    return releases
