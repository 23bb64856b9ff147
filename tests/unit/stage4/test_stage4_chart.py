"""The plain-text chart: zero and no data look different; threshold and UTC axis shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.core.stage4.connections import ConnectionSeries, Datapoint, metric_window
from tui.core.stage4.text_chart import THRESHOLD, ZERO, block_chart, column_maxima, sparkline

NOW = datetime(2026, 6, 23, 12, 0, tzinfo=UTC)


def _series(values: dict[float, float]) -> ConnectionSeries:
    """Points at the given ages in hours."""
    window = metric_window(timedelta(hours=24), 300, NOW)
    points = sorted(
        (Datapoint(NOW - timedelta(hours=age), value) for age, value in values.items()),
        key=lambda p: p.at,
    )
    return ConnectionSeries("c", window, tuple(points), 1)


def test_zero_and_no_data_differ() -> None:
    series = _series({23.5: 0.0, 0.5: 0.0})  # data only at both ends
    line = sparkline(series, 4, width=24)
    assert line[0] == ZERO and line[-1] == ZERO and line[12] == " "
    bottom = block_chart(series, 4, width=24, height=4)[3]
    assert bottom.endswith(ZERO) and f"{ZERO}{' ' * 5}" in bottom


def test_threshold_row_and_utc_axis() -> None:
    rows = block_chart(_series({h / 12: 2.0 for h in range(288)}), 4, width=48, height=6)
    assert len(rows) == 8
    threshold_rows = [row for row in rows if row.lstrip().startswith("≤4│")]
    assert len(threshold_rows) == 1 and THRESHOLD in threshold_rows[0]
    assert rows[-1].strip().startswith("06-22 12:00") and rows[-1].endswith("06-23 12:00 UTC")
    assert all(len(row) == len(rows[0]) for row in rows[:-1])


def test_busy_peak_fills_the_top_row() -> None:
    series = _series({1.0: 60.0, 2.0: 3.0})
    rows = block_chart(series, 4, width=24, height=5)
    assert rows[0].startswith("    60│") and "█" in rows[0]
    assert max(v for v in column_maxima(series, 24) if v is not None) == 60.0
