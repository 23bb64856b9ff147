"""Evidence of idleness: a cache's connection count from CloudWatch, and a verdict.

CloudWatch returns at most 1,440 datapoints per call and in no particular order;
an empty list means "no data" (wrong id, region or window), never "zero".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import explain_aws_error
from tui.core.errors import MocmError
from tui.core.playbook.load import MetricSpec

MAX_POINTS_PER_CALL = 1440
WINDOWS: dict[str, timedelta] = {
    "24h": timedelta(hours=24),
    "72h": timedelta(hours=72),
    "7d": timedelta(days=7),
}
IDLE, BUSY, NO_DATA = "idle", "busy", "no-data"


@dataclass(frozen=True)
class Datapoint:
    """One period's statistic; ``at`` is UTC."""

    at: datetime
    value: float


@dataclass(frozen=True)
class MetricWindow:
    """A half-open time range [start, end) at a fixed period."""

    start: datetime
    end: datetime
    period_seconds: int

    @property
    def expected_points(self) -> int:
        """How many periods the window holds (rounded up)."""
        span = (self.end - self.start).total_seconds()
        return max(1, -(-int(span) // self.period_seconds))

    @property
    def hours(self) -> float:
        """The window's length in hours."""
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class ConnectionSeries:
    """The datapoints of one cache (or a group's members, merged), sorted by time."""

    label: str
    window: MetricWindow
    points: tuple[Datapoint, ...]
    calls: int  # GetMetricStatistics requests it took


@dataclass(frozen=True)
class IdleEvidence:
    """The verdict on the old cluster and the figures behind it."""

    verdict: str  # idle | busy | no-data
    threshold: float
    peak: float | None
    last_above: datetime | None  # last datapoint above the threshold
    datapoints: int
    first: datetime | None
    last: datetime | None
    warnings: tuple[str, ...]
    series: ConnectionSeries


def window_length(name: str) -> timedelta:
    """The length of a named window (``24h``, ``72h`` or ``7d``)."""
    try:
        return WINDOWS[name]
    except KeyError:
        raise MocmError(f"unknown window {name!r}", f"Use one of: {', '.join(WINDOWS)}.") from None


def metric_window(length: timedelta, period_seconds: int, now: datetime) -> MetricWindow:
    """The window ending ``now``, its start aligned down to a whole period."""
    end = now.astimezone(UTC).replace(microsecond=0)
    start = end - length
    epoch = int(start.timestamp())
    start = datetime.fromtimestamp(epoch - epoch % period_seconds, UTC)
    return MetricWindow(start, end, period_seconds)


def call_ranges(
    window: MetricWindow, max_points: int = MAX_POINTS_PER_CALL
) -> list[tuple[datetime, datetime]]:
    """Split a window into consecutive ranges of at most ``max_points`` periods each."""
    step = timedelta(seconds=window.period_seconds * max_points)
    ranges = []
    cursor = window.start
    while cursor < window.end:
        upper = min(cursor + step, window.end)
        ranges.append((cursor, upper))
        cursor = upper
    return ranges


def to_utc(stamp: Any) -> datetime:
    """A datapoint timestamp (datetime, ISO text with Z or offset, or epoch) in UTC."""
    if isinstance(stamp, datetime):
        moment = stamp
    elif isinstance(stamp, int | float):
        moment = datetime.fromtimestamp(float(stamp), UTC)
    else:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def datapoints_from_reply(raw: Iterable[Mapping[str, Any]], statistic: str) -> list[Datapoint]:
    """Datapoints of one reply's ``Datapoints`` list, sorted by time (AWS does not sort)."""
    points = [
        Datapoint(to_utc(item["Timestamp"]), float(item[statistic]))
        for item in raw
        if statistic in item
    ]
    return sorted(points, key=lambda point: point.at)


def merge_points(groups: Iterable[Iterable[Datapoint]]) -> tuple[Datapoint, ...]:
    """Merge series, keeping the largest value per timestamp, sorted by time."""
    best: dict[datetime, float] = {}
    for group in groups:
        for point in group:
            best[point.at] = max(point.value, best.get(point.at, point.value))
    return tuple(Datapoint(at, value) for at, value in sorted(best.items()))


def fetch_series(
    cloudwatch: Any,
    metric: MetricSpec,
    dimension_value: str,
    window: MetricWindow,
    region: str,
    dimension_name: str | None = None,
) -> ConnectionSeries:
    """Query the metric of one dimension value over the window, split into legal calls."""
    dimension = dimension_name or metric.dimension
    batches = []
    ranges = call_ranges(window)
    for start, end in ranges:
        try:
            reply = cloudwatch.get_metric_statistics(
                Namespace=metric.namespace,
                MetricName=metric.name,
                Dimensions=[{"Name": dimension, "Value": dimension_value}],
                StartTime=start,
                EndTime=end,
                Period=metric.period_seconds,
                Statistics=[metric.statistic],
            )
        except (ClientError, BotoCoreError) as exc:
            raise explain_aws_error(exc, "cloudwatch:GetMetricStatistics", region) from exc
        batches.append(datapoints_from_reply(reply.get("Datapoints") or [], metric.statistic))
    return ConnectionSeries(dimension_value, window, merge_points(batches), len(ranges))


def merged_series(label: str, parts: Sequence[ConnectionSeries]) -> ConnectionSeries:
    """One series out of several (a replication group's members), max per timestamp."""
    if not parts:
        raise MocmError(f"no series to merge for {label}")
    return ConnectionSeries(
        label,
        parts[0].window,
        merge_points(part.points for part in parts),
        sum(part.calls for part in parts),
    )


def _coverage_warnings(series: ConnectionSeries) -> list[str]:
    window, points = series.window, series.points
    period = timedelta(seconds=window.period_seconds)
    warnings = []
    if points[0].at > window.start + 2 * period:
        late = (points[0].at - window.start).total_seconds() / 3600
        warnings.append(
            f"the data starts at {points[0].at:%Y-%m-%d %H:%M} UTC, {late:.1f} h into the "
            f"{window.hours:.0f} h window: it covers less than the window"
        )
    if points[-1].at < window.end - 3 * period:
        age = (window.end - points[-1].at).total_seconds() / 60
        warnings.append(
            f"the latest datapoint is {age:.0f} min old ({points[-1].at:%Y-%m-%d %H:%M} UTC)"
        )
    if len(points) < 0.9 * window.expected_points:
        warnings.append(
            f"only {len(points)} of about {window.expected_points} datapoints: the series has gaps"
        )
    return warnings


def judge_idleness(series: ConnectionSeries, threshold: float) -> IdleEvidence:
    """Idle when every datapoint is at or below the threshold; no datapoints is no-data."""
    points = series.points
    if not points:
        return IdleEvidence(
            NO_DATA,
            threshold,
            None,
            None,
            0,
            None,
            None,
            (
                f"CloudWatch has no datapoints for {series.label} in this window: a wrong "
                "cluster id or region, or a cluster that reports nothing — not proof of zero",
            ),
            series,
        )
    peak = max(point.value for point in points)
    above = [point for point in points if point.value > threshold]
    return IdleEvidence(
        BUSY if above else IDLE,
        threshold,
        peak,
        above[-1].at if above else None,
        len(points),
        points[0].at,
        points[-1].at,
        tuple(_coverage_warnings(series)),
        series,
    )


@dataclass(frozen=True)
class ServingEvidence:
    """Since when the new cache has served traffic, against the required observation."""

    label: str
    serving_since: datetime | None  # first datapoint above the threshold
    since_before_window: bool  # traffic already at the series' start: "at least" that long
    served_hours: float
    required_hours: int
    long_enough: bool
    message: str
    series: ConnectionSeries


def judge_serving_since(
    series: ConnectionSeries, threshold: float, required_hours: int, now: datetime
) -> ServingEvidence:
    """How long the new cache has carried traffic; warns when shorter than required."""
    above = [point for point in series.points if point.value > threshold]
    if not above:
        return ServingEvidence(
            series.label,
            None,
            False,
            0.0,
            required_hours,
            False,
            f"{series.label} shows no traffic above {threshold:g} connections in the last "
            f"{series.window.hours:.0f} h: the applications may not use it yet",
            series,
        )
    since = above[0].at
    at_start = since <= series.window.start + timedelta(seconds=series.window.period_seconds)
    hours = (now.astimezone(UTC) - since).total_seconds() / 3600
    enough = hours >= required_hours
    prefix = "at least " if at_start else ""
    message = (
        f"{series.label} has served traffic since {prefix}{since:%Y-%m-%d %H:%M} UTC "
        f"({prefix}{hours:.1f} h; required {required_hours} h)"
    )
    if not enough:
        message += f" — wait {required_hours - hours:.1f} h more for a full business cycle"
    return ServingEvidence(
        series.label, since, at_start, hours, required_hours, enough, message, series
    )
