"""Helpers for the Preflight, Backend and Carry-over screen tests: a seeded demo world,
the App on it, a step opened, the journal and the table read back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.widgets import DataTable

from tests.support.sandbox import new_world
from tests.support.waiting import WizardPilot, settle
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook
from tui.core.steps import FORWARD_STEPS, STEP_IDS, StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.seed import seed_world
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World, world_env

BOOK = load_playbook()
TF = Path("terraform") / "aws"


@dataclass(frozen=True)
class SeededWorld:
    """A demo world, the endpoint seeded from it, and the wizard's environment on it."""

    world: World
    seed: SeedReport
    env: dict[str, str]

    @property
    def previous_tf(self) -> Path:
        return self.world.previous / TF

    @property
    def current_tf(self) -> Path:
        return self.world.current / TF


def seeded_world(root: Path, aws: AwsEndpoint) -> SeededWorld:
    """Build the demo world under ``root`` and seed moto with it (stand-ins first on PATH)."""
    world = new_world(root)
    report = seed_world(world, aws.env, BOOK)
    env = world_env(world, aws.env) | {"AWS_MAX_ATTEMPTS": "1", "TZ": "UTC"}
    return SeededWorld(world, report, env)


def world_app(seeded: SeededWorld, tofu_bin: str = "tofu") -> WizardApp:
    """The App on the world's two releases."""
    return make_app(
        WizardContext(
            playbook=BOOK,
            previous=seeded.world.previous,
            current=seeded.world.current,
            env=seeded.env,
            tofu_bin=tofu_bin,
        )
    )


async def open_step(app: WizardApp, pilot: WizardPilot, step: str) -> None:
    """Mark the steps before ``step`` done, show it and wait for its workers."""
    await settle(app, pilot)
    for earlier in FORWARD_STEPS[: FORWARD_STEPS.index(step)]:
        app.statuses[earlier] = StepStatus.DONE
    app.show_step(step)
    await settle(app, pilot)
    await settle(app, pilot)  # a step's first check may start the next from its message


def journal(release: Path) -> list[dict[str, Any]]:
    """Every record of the wizard's journal in ``release``."""
    lines = (release / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def cell_text(cell: object) -> str:
    """A DataTable cell as plain text."""
    if isinstance(cell, str):
        return cell
    console = Console(width=300, record=True, color_system=None, file=None)
    with console.capture() as capture:
        console.print(cell, end="")
    return capture.get()


def table_rows(app: WizardApp, selector: str) -> list[list[str]]:
    """The rows of a DataTable as plain text, in display order."""
    table = app.screen.query_one(selector, DataTable)
    return [[cell_text(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def next_enabled(app: WizardApp) -> bool:
    """Whether Next (F3) may run now, as the footer shows it."""
    return app.check_action("next_step", ()) is True


def steps_as_if_only_mine(app: WizardApp, step: str) -> None:
    """Earlier steps done, this one in progress, later ones not started (snapshots stay
    the same whichever steps other engineers have built meanwhile)."""
    for index, step_id in enumerate(STEP_IDS):
        if step_id == step:
            app.statuses[step_id] = StepStatus.IN_PROGRESS
        elif index < STEP_IDS.index(step):
            app.statuses[step_id] = StepStatus.DONE
        else:
            app.statuses[step_id] = StepStatus.NOT_STARTED
    app.refresh_steps()
