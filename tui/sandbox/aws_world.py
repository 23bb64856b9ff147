"""The demo world's AWS side at each start: restored from its recording, or seeded once.

A world is seeded once, and its marker says so (``mark_seeded``); every later
start replays the recording instead (``tui.sandbox.endpoint_server``), so what
the operator did in AWS stays: images pushed, state objects and their versions,
a deleted cluster. Seeding again would bring back what the operator removed, so
it only happens when seeding never finished, or (said loudly) when the
recording is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.core.playbook.load import Playbook
from tui.sandbox.aws_recording import Recording
from tui.sandbox.seed import seed_world
from tui.sandbox.seed_metrics import continue_metrics
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World, is_seeded, mark_seeded

# What seeds a world's AWS side: the stand-in's seed_world, or the Terraform engine's.
Seeder = Callable[[dict[str, str], Playbook | None], SeedReport]


@dataclass(frozen=True)
class AwsWorldStart:
    """What this start did to the AWS side, in one sentence for the screen and stdout."""

    message: str
    restored: bool
    report: SeedReport | None = None  # set when this start seeded


def bring_up(
    world: World,
    env: dict[str, str],
    recording: Recording,
    playbook: Playbook,
    seed: Seeder | None = None,
) -> AwsWorldStart:
    """Seed (``seed``, by default ``seed_world``) or continue the world on an endpoint that
    has replayed ``recording`` already."""
    seed = seed or (lambda seed_env, book: seed_world(world, seed_env, book))
    restored = not recording.empty
    parts = []
    if restored:
        parts.append(f"AWS world restored from {recording.path} ({recording.requests} requests)")
        if recording.torn_line_dropped:
            parts.append("its last request, cut short by a kill, was dropped")
    report = None
    if not is_seeded(world):
        report = seed(env, playbook)
        mark_seeded(world)
        parts.append(
            "the seeding a stop interrupted was finished"
            if restored
            else f"AWS world seeded anew, recorded in {recording.path}"
        )
    elif not restored:
        report = seed(env, playbook)
        parts.append(
            f"the recorded AWS world {recording.path} was empty: seeded a new one "
            "(what was done in AWS before is lost; --fresh starts the whole demo over)"
        )
    else:
        added = continue_metrics(world, env, playbook, datetime.now(UTC))
        if added:
            parts.append(f"CloudWatch series continued to now (+{added} points)")
    return AwsWorldStart("; ".join(parts) + ".", restored, report)
