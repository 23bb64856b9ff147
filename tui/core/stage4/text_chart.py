"""Plain-text charts of a connection series: a block chart with the threshold and a
UTC time axis (for the CLI and logs) and a one-line sparkline (for 80×24).

A column with no datapoint stays blank; a column whose maximum is zero shows ``·``
— "no data" and "zero" must never look alike.
"""

from __future__ import annotations

from datetime import datetime

from tui.core.stage4.connections import ConnectionSeries

LEVELS = " ▁▂▃▄▅▆▇█"
ZERO = "·"
THRESHOLD = "┈"
LABEL_WIDTH = 7


def column_maxima(series: ConnectionSeries, width: int) -> list[float | None]:
    """Split the window into ``width`` columns; each holds its largest value or None."""
    window = series.window
    span = (window.end - window.start).total_seconds() or 1.0
    columns: list[float | None] = [None] * width
    for point in series.points:
        offset = (point.at - window.start).total_seconds() / span
        index = min(width - 1, max(0, int(offset * width)))
        current = columns[index]
        columns[index] = point.value if current is None else max(current, point.value)
    return columns


def _scale_top(columns: list[float | None], threshold: float) -> float:
    peak = max((value for value in columns if value is not None), default=0.0)
    return max(peak, threshold * 1.5, 1.0)  # headroom keeps the threshold row visible


def sparkline(series: ConnectionSeries, threshold: float, width: int = 48) -> str:
    """One line of block characters scaled to max(peak, threshold)."""
    columns = column_maxima(series, width)
    top = _scale_top(columns, threshold)
    out = []
    for value in columns:
        if value is None:
            out.append(" ")
        elif value <= 0:
            out.append(ZERO)
        else:
            out.append(LEVELS[max(1, round(value / top * (len(LEVELS) - 1)))])
    return "".join(out)


def _cell(value: float | None, low: float, high: float, threshold_here: bool) -> str:
    if value is not None and value >= high:
        return LEVELS[-1]
    if value is not None and value > low:
        return LEVELS[max(1, int((value - low) / (high - low) * (len(LEVELS) - 1)))]
    return THRESHOLD if threshold_here else " "


def _stamp(moment: datetime, with_date: bool) -> str:
    return f"{moment:%m-%d %H:%M}" if with_date else f"{moment:%H:%M}"


def time_axis(series: ConnectionSeries, width: int) -> str:
    """Start, middle and end of the window in UTC, spread under ``width`` columns."""
    window = series.window
    with_date = window.start.date() != window.end.date()
    middle = window.start + (window.end - window.start) / 2
    left = _stamp(window.start, with_date)
    centre = _stamp(middle, with_date)
    right = _stamp(window.end, with_date) + " UTC"
    line = [" "] * max(width, len(left) + len(centre) + len(right) + 2)
    line[: len(left)] = left
    mid = max(len(left) + 1, width // 2 - len(centre) // 2)
    line[mid : mid + len(centre)] = centre
    line[len(line) - len(right) :] = right
    return "".join(line)


def block_chart(
    series: ConnectionSeries, threshold: float, width: int = 64, height: int = 8
) -> list[str]:
    """Rows of a block chart: y labels, bars, the threshold as ┈, a UTC time axis."""
    columns = column_maxima(series, width)
    top = _scale_top(columns, threshold)
    step = top / height
    rows = []
    for level in range(height, 0, -1):
        low, high = (level - 1) * step, level * step
        threshold_here = low < threshold <= high or (threshold == 0 and level == 1)
        cells = "".join(_cell(value, low, high, threshold_here) for value in columns)
        if level == 1:  # zero-valued columns get a visible dot on the bottom row
            cells = "".join(
                ZERO if value is not None and value <= 0 else cell
                for value, cell in zip(columns, cells, strict=True)
            )
        if level == height:
            label = f"{top:g}"
        elif threshold_here:
            label = f"≤{threshold:g}"
        else:
            label = ""
        rows.append(f"{label:>{LABEL_WIDTH - 1}}│{cells}")
    rows.append(f"{'0':>{LABEL_WIDTH - 1}}└{'─' * width}")
    rows.append(" " * LABEL_WIDTH + time_axis(series, width))
    return rows


def legend(threshold: float) -> str:
    """What the marks mean."""
    return (
        f"{LEVELS[-1]} connections (max per column)  {THRESHOLD} idle threshold {threshold:g}  "
        f"{ZERO} zero  blank = no datapoint"
    )
