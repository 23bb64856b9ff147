"""The demo world's CloudWatch history, judged by Stage 4's own core: the demo can reach the
teardown honestly (idle over 24 h, a full business cycle), and a longer window still sees
the traffic before the cutover."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3

from tests.support.sandbox import new_world
from tui.core.playbook.load import load_playbook
from tui.core.stage4.connections import BUSY, IDLE
from tui.core.stage4.evidence import Stage4Evidence, gather_stage4_evidence
from tui.core.stage4.gate import (
    Precondition,
    SnapshotDecision,
    Stage4Waivers,
    teardown_allowed,
    teardown_preconditions,
)
from tui.core.stage4.targets import load_stage4_target
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.seed import seed_world
from tui.sandbox.world import World

BOOK = load_playbook()


def evidence_over(world: World, hours: int) -> Stage4Evidence:
    return gather_stage4_evidence(
        boto3.session.Session(),
        BOOK,
        load_stage4_target(world.current, BOOK),
        world.region,
        timedelta(hours=hours),
        BOOK.stage4.idle_threshold,
        datetime.now(UTC),
    )


def test_the_demo_world_reaches_the_teardown_on_its_evidence(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    world = new_world(tmp_path)
    seed_world(world, aws.env, BOOK)
    tfvars = Path("terraform/aws/terraform.tfvars")
    shutil.copy(world.previous / tfvars, world.current / tfvars)  # as the carry-over does
    day = evidence_over(world, 24)
    assert day.idleness.verdict == IDLE and day.idleness.peak == 0.0
    assert not day.idleness.warnings  # the window is fully covered
    assert day.valkey is not None and day.valkey.long_enough
    assert 28 <= day.valkey.served_hours <= 33
    states = teardown_preconditions(day, SnapshotDecision.DECLINED, Stage4Waivers(), "mocm")
    met = {state.kind: state.met for state in states}
    assert met[Precondition.IDLE] and met[Precondition.BUSINESS_CYCLE]
    assert met[Precondition.REFERENCES]  # the new release's values name only placeholders
    assert teardown_allowed(states)

    three_days = evidence_over(world, 72)
    assert three_days.idleness.verdict == BUSY  # the traffic before the cutover
    last_busy = three_days.idleness.last_above
    assert last_busy is not None
    assert timedelta(hours=27) < datetime.now(UTC) - last_busy < timedelta(hours=33)
