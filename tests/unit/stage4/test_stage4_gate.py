"""The teardown gate against moto: idle, references and business cycle (waivable), snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from tests.support.stage4 import (
    CLUSTER_ID,
    REAL_ENDPOINT,
    REGION,
    VALUES_CLEAN,
    fresh_newest,
    make_release,
    sample_shape,
    seed_cluster,
    seed_metric,
    seed_valkey_group,
    steady_shape,
)
from tui.core.errors import MocmError
from tui.core.journal.events import IdleVerdict, Stage4Verdict, WaiverSubject
from tui.core.journal.reader import read_journal
from tui.core.journal.words import describe
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import load_playbook
from tui.core.stage4.evidence import Stage4Evidence, gather_stage4_evidence
from tui.core.stage4.gate import (
    Precondition,
    SnapshotDecision,
    Stage4Waivers,
    ThresholdInvalid,
    business_cycle_waiver,
    idle_explanation,
    open_references,
    parse_threshold,
    read_waivers,
    reference_key,
    reference_waiver,
    teardown_allowed,
    teardown_preconditions,
    verdict_record,
)
from tui.core.stage4.targets import load_stage4_target

PLAYBOOK = load_playbook()
IDLE = "cw_currconnections_idle_baseline.json"
BUSY = "cw_currconnections.json"
WITH_REFERENCE = VALUES_CLEAN + f"legacy:\n  host: {REAL_ENDPOINT}\n  # was {REAL_ENDPOINT}\n"


def _evidence(
    samples: Path,
    tmp: Path,
    sample: str = IDLE,
    valkey_hours: float = 40.0,
    values: str = VALUES_CLEAN,
    threshold: float | None = None,
) -> Stage4Evidence:
    seed_cluster()
    members = seed_valkey_group()
    newest = fresh_newest()
    seed_metric(CLUSTER_ID, sample_shape(samples, sample), newest=newest)
    seed_metric(members[0], steady_shape(valkey_hours, 25.0), newest=newest)
    target = load_stage4_target(make_release(tmp, values=values), PLAYBOOK)
    return gather_stage4_evidence(
        boto3.session.Session(),
        PLAYBOOK,
        target,
        REGION,
        timedelta(hours=24),
        PLAYBOOK.stage4.idle_threshold if threshold is None else threshold,
        datetime.now(UTC),
    )


def _lines(states) -> dict[Precondition, tuple[bool, str]]:
    return {s.kind: (s.met, s.line) for s in states}


def test_everything_in_order_allows_the_teardown(aws, samples, tmp_path) -> None:
    evidence = _evidence(samples, tmp_path)
    states = teardown_preconditions(evidence, SnapshotDecision.TAKEN, Stage4Waivers(), "mocm")
    assert teardown_allowed(states)
    lines = _lines(states)
    assert lines[Precondition.REFERENCES] == (True, "no live reference under mocm/")
    assert lines[Precondition.BUSINESS_CYCLE][1].endswith("h: a full business cycle")
    assert lines[Precondition.SNAPSHOT] == (True, "final snapshot taken")


def test_a_short_business_cycle_blocks_until_waived_with_a_reason(aws, samples, tmp_path) -> None:
    evidence = _evidence(samples, tmp_path, valkey_hours=6)
    states = teardown_preconditions(evidence, SnapshotDecision.DECLINED, Stage4Waivers(), "mocm")
    assert not teardown_allowed(states)
    cycle = next(s for s in states if s.kind is Precondition.BUSINESS_CYCLE)
    assert cycle.waivable and not cycle.met
    assert "of the required 24 h: not a full business cycle yet" in cycle.line
    with pytest.raises(MocmError, match="needs a reason"):
        business_cycle_waiver(evidence, "  ")
    decision = business_cycle_waiver(evidence, "weekly batch already ran on Valkey")
    assert decision.subject is WaiverSubject.TEARDOWN_BEFORE_BUSINESS_CYCLE
    assert decision.step == "stage4" and decision.reason == "weekly batch already ran on Valkey"
    assert "of the required 24 h" in decision.detail
    waivers = Stage4Waivers(business_cycle="weekly batch already ran on Valkey")
    states = teardown_preconditions(evidence, SnapshotDecision.DECLINED, waivers, "mocm")
    assert teardown_allowed(states)
    cycle = next(s for s in states if s.kind is Precondition.BUSINESS_CYCLE)
    assert cycle.waived_because == "weekly batch already ran on Valkey"
    assert cycle.line.endswith("— waived with a reason (journaled)")


def test_each_reference_is_waived_on_its_own(aws, samples, tmp_path) -> None:
    evidence = _evidence(samples, tmp_path, values=WITH_REFERENCE)
    [ref] = evidence.scan.references
    assert [r.location for r in evidence.scan.not_live] == ["mocm/values.yaml:10"]
    assert reference_key(ref) == f"mocm/values.yaml:9 (legacy.host) names {REAL_ENDPOINT}"
    states = teardown_preconditions(evidence, SnapshotDecision.TAKEN, Stage4Waivers(), "mocm")
    assert _lines(states)[Precondition.REFERENCES] == (
        False,
        "1 live reference(s) under mocm/ name the old cache (section 2)",
    )
    decision = reference_waiver(ref, "legacy block is not rendered by any chart")
    assert decision.subject is WaiverSubject.TEARDOWN_WITH_REFERENCE
    assert decision.items == (reference_key(ref),)
    waivers = Stage4Waivers({reference_key(ref): "legacy block is not rendered by any chart"})
    assert open_references(evidence.scan, waivers) == ()
    states = teardown_preconditions(evidence, SnapshotDecision.TAKEN, waivers, "mocm")
    assert teardown_allowed(states)


def test_busy_or_not_gathered_never_allows(aws, samples, tmp_path) -> None:
    evidence = _evidence(samples, tmp_path, sample=BUSY)
    waivers = Stage4Waivers(business_cycle="x")
    states = teardown_preconditions(evidence, SnapshotDecision.TAKEN, waivers, "mocm")
    assert not teardown_allowed(states)
    states = teardown_preconditions(None, None, waivers, "mocm")
    assert [s.met for s in states] == [False, False, False, False]
    assert _lines(states)[Precondition.SNAPSHOT][1] == (
        "final snapshot: take it (section 4) or untick it"
    )


def test_waivers_and_the_verdict_are_journaled_and_read_back(aws, samples, tmp_path) -> None:
    evidence = _evidence(samples, tmp_path, values=WITH_REFERENCE, valkey_hours=6, threshold=6)
    journal = Journal.open(Workspace(tmp_path / "mocm-10.6.2605"))
    [ref] = evidence.scan.references
    journal.append(reference_waiver(ref, "not rendered"))
    journal.append(business_cycle_waiver(evidence, "first try: too early"))
    journal.append(business_cycle_waiver(evidence, "cycle confirmed by the app team"))
    journal.append(verdict_record(evidence, "24h", PLAYBOOK.stage4.idle_threshold))
    records = read_journal(journal.path).records
    [verdict] = [r.body for r in records if isinstance(r.body, Stage4Verdict)]
    assert (verdict.verdict, verdict.window, verdict.threshold) == (IdleVerdict.IDLE, "24h", 6)
    assert verdict.threshold_typed  # 6 is not the playbook's 4
    assert verdict.references == ("mocm/values.yaml:9",)
    assert verdict.not_live == ("mocm/values.yaml:10 (YAML comment)",)
    assert "threshold 6 (typed by the operator)" in describe(verdict)
    waivers = read_waivers(Journal.open(Workspace(tmp_path / "mocm-10.6.2605")).records)
    assert waivers.references == {reference_key(ref): "not rendered"}
    assert waivers.business_cycle == "cycle confirmed by the app team"


def test_idle_explanation_says_the_guide_the_baseline_and_the_threshold() -> None:
    idle = PLAYBOOK.stage4.idle
    text = idle_explanation(idle, 4, 300)
    assert "every 5-minute maximum" in text and "at most 4" in text
    assert "The guide says 0 connections" in text and "holds 4 to 6" in text
    assert "Metrics for Valkey and Redis OSS" in text
    assert text.endswith("The playbook's threshold 4 is in force.")
    typed = idle_explanation(idle, 6, 300)
    assert typed.endswith("Threshold in force: 6, typed by the operator (the playbook's is 4).")


def test_a_typed_threshold_is_a_number_of_connections() -> None:
    assert parse_threshold(" 6 ") == 6.0 and parse_threshold("0") == 0.0
    for bad in ("", "four", "-1", "nan", "inf"):
        with pytest.raises(ThresholdInvalid, match="must be a number ≥ 0"):
            parse_threshold(bad)
