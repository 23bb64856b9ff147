"""After a sync: each release deployed at a revision past the recorded one (world stand-ins)."""

from __future__ import annotations

from pathlib import Path

from tests.support.sandbox import new_world, run_tool
from tui.core.helm.commands import HelmPlan, rollback_confirmed
from tui.core.helm.health import (
    ReleaseStatus,
    check_health,
    health_record,
    judge_health,
    parse_status,
)
from tui.core.helm.history import read_history
from tui.core.helm.journal_readback import RecordedRevision, recorded_from_history
from tui.core.journal.words import describe
from tui.core.playbook.load import load_playbook
from tui.sandbox.world import World

BOOK = load_playbook()


def recorded_before(world: World, plan: HelmPlan) -> dict[str, RecordedRevision]:
    out = {}
    for command in plan.histories():
        run = run_tool(world, list(command.argv))
        release = command.argv[2]
        history = read_history(release, run.stdout, run.stderr, run.returncode)
        out[release] = recorded_from_history(history, "t")
    return out


def statuses(world: World, plan: HelmPlan) -> list[ReleaseStatus]:
    found = []
    for command in plan.statuses():
        run = run_tool(world, list(command.argv))
        found.append(parse_status(command.argv[2], run.stdout, run.stderr, run.returncode))
    return found


def test_a_successful_sync_is_healthy_release_by_release(tmp_path: Path) -> None:
    world = new_world(tmp_path)
    plan = HelmPlan(BOOK, world.current)
    before = recorded_before(world, plan)
    assert run_tool(world, list(plan.sync().argv)).returncode == 0
    results = check_health(statuses(world, plan), before)
    assert [(r.release, r.healthy) for r in results] == [(r, True) for r in BOOK.helm_releases]
    assert results[0].message == "mocm-bootstrap-1: deployed, revision 8 → 9"
    assert results[2].message == "mocm-service: deployed, revision 6 → 7"
    said = describe(health_record(results, "helm"))
    assert said.startswith(
        "helm health after sync: ok mocm-bootstrap-1: deployed, revision 8 → 9; ok "
    )


def test_a_failed_release_and_an_untouched_one_are_not_healthy(tmp_path: Path) -> None:
    world = new_world(tmp_path)
    plan = HelmPlan(BOOK, world.current)
    before = recorded_before(world, plan)
    failing = {"MOCM_SANDBOX_FAIL_RELEASE": "mocm-bootstrap-2"}
    assert run_tool(world, list(plan.sync().argv), **failing).returncode == 1
    results = {r.release: r for r in check_health(statuses(world, plan), before)}
    assert results["mocm-bootstrap-1"].healthy
    assert not results["mocm-bootstrap-2"].healthy
    assert results["mocm-bootstrap-2"].message == (
        "mocm-bootstrap-2: failed at revision 9 — not deployed"
    )
    assert results["mocm-service"].message == (
        "mocm-service: deployed, but still revision 6 (recorded before the sync: 6)"
    )
    record = health_record(results.values(), "helm")
    assert [r.release for r in record.releases if not r.healthy] == [
        "mocm-bootstrap-2",
        "mocm-service",
    ]
    assert "NOT OK mocm-service" in describe(record)


def test_helm_status_failing_and_a_first_install() -> None:
    missing = parse_status("mocm-x", "", "Error: release: not found\n", 1)
    assert missing.error == "release: not found"
    verdict = judge_health(missing, None)
    assert not verdict.healthy and verdict.message == (
        "mocm-x: helm status failed — release: not found"
    )
    first = parse_status("mocm-x", "NAME: mocm-x\nSTATUS: deployed\nREVISION: 1\n", "", 0)
    assert judge_health(first, None).message == "mocm-x: deployed, revision 1"
    garbled = parse_status("mocm-x", "something else\n", "", 0)
    assert garbled.error == "helm status printed no STATUS/REVISION"


def test_rollback_is_confirmed_by_the_exact_release_name() -> None:
    assert rollback_confirmed("  mocm-service ", "mocm-service")
    assert not rollback_confirmed("mocm-servic", "mocm-service")
    assert not rollback_confirmed("MOCM-SERVICE", "mocm-service")
    assert not rollback_confirmed("", "mocm-service")
