"""Helpers for the Helm screen tests: a seeded sandbox world, the App opened on step 8."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.stage4_screen_support import all_text, settle, text_of, widget_text
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook import load_playbook
from tui.core.steps import FORWARD_STEPS, StepStatus
from tui.sandbox.seed import SeedReport, seed_images
from tui.sandbox.world import World, build_world, world_env

__all__ = [
    "BOOK",
    "all_text",
    "fill_registry",
    "helm_app",
    "helm_world",
    "journal_records",
    "open_helm",
    "settle",
    "text_of",
    "wait_until",
    "widget_text",
]

BOOK = load_playbook()
PLACEHOLDER = re.compile(r'registry: "< REPLACE_VALUE_IMAGE_REGISTRY >"')


def helm_world(root: Path, aws_env: dict[str, str], *, registry: bool = True) -> World:
    """A demo world whose ECR holds every image but the one the seed leaves out on purpose.

    ``registry``: the Values step has filled ``global.image.registry`` (else a placeholder).
    """
    world = build_world(root / "world")
    seed_images(world, dict(aws_env), BOOK, SeedReport())
    if registry:
        fill_registry(world)
    return world


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


async def open_helm(app: WizardApp, pilot: Any) -> None:
    """Mark the steps before Helm done, show it, and wait for its start-up checks."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    for step in FORWARD_STEPS[: FORWARD_STEPS.index("helm")]:
        app.statuses[step] = StepStatus.DONE
    app.show_step("helm")
    await settle_all(app, pilot)


async def settle_all(app: WizardApp, pilot: Any, rounds: int = 20) -> None:
    """Settle until no worker is left: a finished command may start the next one."""
    for _ in range(rounds):
        await settle(app, pilot)
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return


async def wait_until(pilot: Any, condition: Callable[[], bool], timeout_s: float = 20) -> None:
    """Let the app run until ``condition`` holds (no fixed sleep: it returns as soon as it does)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause()


def journal_records(release: Path) -> list[dict[str, Any]]:
    lines = (release / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]
