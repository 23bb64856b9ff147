"""Evidence of idleness against moto's CloudWatch: the four shapes, limits and faults."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.stage4 import (
    CLUSTER_ID,
    NO_RETRY,
    REGION,
    client,
    inject_error,
    record_params,
    sample_shape,
    seed_cluster,
    seed_metric,
    steady_shape,
)
from tui.core.aws.errors import AwsAccessDenied, AwsThrottled
from tui.core.errors import MocmError
from tui.core.playbook.load import load_playbook
from tui.core.stage4.cache_cluster import CacheClusterMissing, describe_cache_cluster
from tui.core.stage4.connections import (
    MAX_POINTS_PER_CALL,
    ConnectionSeries,
    call_ranges,
    datapoints_from_reply,
    fetch_series,
    judge_idleness,
    judge_serving_since,
    metric_window,
    window_length,
)

PLAYBOOK = load_playbook()
METRIC = PLAYBOOK.stage4.metric
THRESHOLD = PLAYBOOK.stage4.idle_threshold


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _evidence(window: str = "24h", cluster_id: str = CLUSTER_ID, region: str = REGION):
    span = metric_window(window_length(window), METRIC.period_seconds, _now())
    series = fetch_series(client("cloudwatch", region), METRIC, cluster_id, span, region)
    return judge_idleness(series, THRESHOLD)


@pytest.mark.parametrize(
    ("sample", "verdict", "peak"),
    [
        ("cw_currconnections.json", "busy", 63.0),
        ("cw_currconnections_idle_zero.json", "idle", 0.0),
        ("cw_currconnections_idle_baseline.json", "idle", 4.0),
    ],
)
def test_seeded_sample_shapes_give_their_verdict(aws, samples: Path, sample, verdict, peak) -> None:
    newest = _now() - timedelta(minutes=5)
    seeded = seed_metric(CLUSTER_ID, sample_shape(samples, sample), newest=newest)
    evidence = _evidence()
    assert (evidence.verdict, evidence.peak, evidence.datapoints) == (verdict, peak, seeded)
    stamps = [point.at for point in evidence.series.points]
    assert stamps == sorted(stamps)
    assert evidence.warnings == ()
    if verdict == "busy":
        assert evidence.last_above is not None and evidence.last_above > newest - timedelta(hours=2)
    else:
        assert evidence.last_above is None


def test_empty_series_is_no_data_not_zero(aws) -> None:
    seed_cluster()
    evidence = _evidence()
    assert evidence.verdict == "no-data"
    assert evidence.peak is None and evidence.datapoints == 0
    assert "not proof of zero" in evidence.warnings[0]


def test_wrong_cluster_id_has_no_data(aws) -> None:
    seed_metric(CLUSTER_ID, steady_shape(24, 0.0), newest=_now() - timedelta(minutes=5))
    assert _evidence(cluster_id="acme-mocm-prod-cahce").verdict == "no-data"


def test_wrong_region_has_no_data(aws) -> None:
    seed_metric(CLUSTER_ID, steady_shape(24, 0.0), newest=_now() - timedelta(minutes=5))
    assert _evidence(region="us-east-1").verdict == "no-data"


def test_data_older_than_the_window_is_no_data(aws) -> None:
    seed_metric(CLUSTER_ID, steady_shape(12, 30.0), newest=_now() - timedelta(hours=30))
    assert _evidence("24h").verdict == "no-data"
    assert _evidence("72h").verdict == "busy"


def test_short_coverage_is_warned(aws) -> None:
    seed_metric(CLUSTER_ID, steady_shape(6, 1.0), newest=_now() - timedelta(minutes=5))
    evidence = _evidence()
    assert evidence.verdict == "idle"
    assert any("covers less than the window" in warning for warning in evidence.warnings)


def test_seven_days_split_into_calls_within_the_limit(aws) -> None:
    seeded = seed_metric(
        CLUSTER_ID, steady_shape(7 * 24 - 0.5, 2.0), newest=_now() - timedelta(minutes=5)
    )
    cloudwatch = client("cloudwatch")
    calls = record_params(cloudwatch, "GetMetricStatistics")
    span = metric_window(window_length("7d"), METRIC.period_seconds, _now())
    series = fetch_series(cloudwatch, METRIC, CLUSTER_ID, span, REGION)
    assert len(calls) == series.calls == 2
    for call in calls:
        points = (call["EndTime"] - call["StartTime"]).total_seconds() / call["Period"]
        assert points <= MAX_POINTS_PER_CALL
    assert calls[0]["EndTime"] == calls[1]["StartTime"]
    assert calls[0]["StartTime"] == span.start and calls[1]["EndTime"] == span.end
    assert len(series.points) == seeded  # nothing lost or doubled at the seam
    assert all(len(r) == 2 for r in call_ranges(span)) and span.expected_points > 1440


def test_cluster_is_confirmed(aws) -> None:
    seed_cluster()
    info = describe_cache_cluster(client("elasticache"), CLUSTER_ID, REGION)
    assert (info.cluster_id, info.status, info.engine) == (CLUSTER_ID, "available", "redis")


@pytest.mark.parametrize(
    ("cluster_id", "region"), [("acme-mocm-prod-cahce", REGION), (CLUSTER_ID, "us-east-1")]
)
def test_missing_cluster_names_id_and_region(aws, cluster_id, region) -> None:
    seed_cluster()
    with pytest.raises(CacheClusterMissing) as caught:
        describe_cache_cluster(client("elasticache", region), cluster_id, region)
    assert f"'{cluster_id}'" in caught.value.message and region in caught.value.message


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        ("Throttling", AwsThrottled, "Wait a minute"),
        ("ThrottlingException", AwsThrottled, "Wait a minute"),
        ("AccessDenied", AwsAccessDenied, "credentials allowed"),
    ],
)
def test_cloudwatch_faults_become_typed_errors(aws, code, error, words) -> None:
    cloudwatch = client("cloudwatch", config=NO_RETRY)
    inject_error(cloudwatch, "GetMetricStatistics", code, "Rate exceeded", 400)
    span = metric_window(window_length("24h"), METRIC.period_seconds, _now())
    with pytest.raises(error) as caught:
        fetch_series(cloudwatch, METRIC, CLUSTER_ID, span, REGION)
    assert caught.value.code == code
    assert f"[{code}]" in caught.value.message and REGION in caught.value.message
    assert words in caught.value.hint


def test_unordered_sample_is_sorted(samples: Path) -> None:
    raw = json.loads((samples / "cw_currconnections.json").read_text())["Datapoints"]
    assert [item["Timestamp"] for item in raw] != sorted(item["Timestamp"] for item in raw)
    points = datapoints_from_reply(raw, "Maximum")
    assert [p.at for p in points] == sorted(p.at for p in points) and len(points) == 288


def test_unknown_window_is_refused() -> None:
    with pytest.raises(MocmError, match="unknown window '2w'"):
        window_length("2w")


def _series(label: str, ages_values: list[tuple[float, float]], now: datetime, hours: int = 48):
    span = metric_window(timedelta(hours=hours), 300, now)
    raw = [{"Timestamp": now - timedelta(hours=a), "Maximum": v} for a, v in ages_values]
    return ConnectionSeries(label, span, tuple(datapoints_from_reply(raw, "Maximum")), 1)


def test_valkey_serving_shorter_than_required_is_warned() -> None:
    now = _now()
    series = _series("grp", [(30, 0.0), (10, 12.0), (1, 20.0)], now)
    served = judge_serving_since(series, 4, 24, now)
    assert not served.long_enough and 9.9 < served.served_hours < 10.1
    assert "wait 14.0 h more" in served.message


def test_valkey_serving_long_enough() -> None:
    now = _now()
    served = judge_serving_since(_series("grp", [(30, 9.0), (1, 20.0)], now), 4, 24, now)
    assert served.long_enough and "required 24 h" in served.message


def test_valkey_without_traffic_is_said() -> None:
    now = _now()
    served = judge_serving_since(_series("grp", [(3, 1.0)], now), 4, 24, now)
    assert served.serving_since is None and not served.long_enough
    assert "no traffic above 4" in served.message
