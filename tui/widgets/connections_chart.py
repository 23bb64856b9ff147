"""The Stage-4 connections chart: the old cache against the threshold, Valkey beside it.

A textual-plotext line chart with a UTC time axis when there is room; below
``COMPACT_WIDTH`` columns or ``COMPACT_HEIGHT`` rows (80×24) a sparkline with the
figures instead. "No data" is drawn as nothing, never as a line at zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
from textual.widgets import Static
from textual_plotext import PlotextPlot

from tui.core.stage4.connections import ConnectionSeries, IdleEvidence, ServingEvidence
from tui.core.stage4.text_chart import sparkline
from tui.widgets.theme import Palette

COMPACT_WIDTH = 64
COMPACT_HEIGHT = 12
# The old cache as what goes away, Valkey as what stays, the threshold as the line to watch.
OLD_STYLE, VALKEY_STYLE, THRESHOLD_STYLE, CYCLE_STYLE = (
    "$error",
    "$success",
    "$warning",
    "$text-secondary",
)
LABEL = 8  # width of the sparkline row labels


@dataclass(frozen=True)
class ChartData:
    """What the chart draws: the old cache's evidence and, if known, Valkey's."""

    idleness: IdleEvidence
    valkey: ServingEvidence | None
    now: datetime

    @property
    def coverage(self) -> float:
        """Datapoints received against the periods the window holds (0..1)."""
        window = self.idleness.series.window
        return min(1.0, self.idleness.datapoints / window.expected_points)

    def valkey_in_window(self) -> ConnectionSeries | None:
        """Valkey's points clipped to the old cache's window (its query spans longer)."""
        if self.valkey is None:
            return None
        window = self.idleness.series.window
        points = tuple(p for p in self.valkey.series.points if window.start <= p.at <= window.end)
        return ConnectionSeries(self.valkey.label, window, points, self.valkey.series.calls)


def utc(moment: datetime | None, with_date: bool = True) -> str:
    """A UTC time as the operator reads it everywhere on this screen."""
    if moment is None:
        return "—"
    return f"{moment:%Y-%m-%d %H:%M} UTC" if with_date else f"{moment:%H:%M}"


def figures_line(data: ChartData) -> str:
    """Peak, last above the threshold, datapoints and coverage, in one line."""
    idle = data.idleness
    if not idle.datapoints:
        return "no datapoints in the window (not zero) · coverage 0%"
    above = utc(idle.last_above) if idle.last_above else "never"
    return (
        f"peak {idle.peak:g} · last above {idle.threshold:g}: {above} · "
        f"{idle.datapoints} datapoints · coverage {data.coverage:.0%}"
    )


def caption(data: ChartData) -> Content:
    """The legend and Valkey's serving-since against the required cycle."""
    text = Content.assemble(
        ("── old cache", OLD_STYLE),
        "  ",
        ("── Valkey", VALKEY_STYLE),
        "  ",
        (f"── idle ≤ {data.idleness.threshold:g}", THRESHOLD_STYLE),
    )
    if data.valkey is not None:
        text = text.append_text(f"  │ {data.valkey.required_hours} h cycle", CYCLE_STYLE)
    return text


RGB = tuple[int, int, int]


def plot_colours(palette: Palette) -> tuple[RGB, RGB, RGB, RGB]:
    """Old cache, Valkey, threshold and cycle line as plotext draws them (RGB triples)."""
    return (
        Color.parse(palette.error).rgb,
        Color.parse(palette.success).rgb,
        Color.parse(palette.warning).rgb,
        Color.parse(palette.secondary).rgb,
    )


class ConnectionsChart(Vertical):
    """Line chart when there is room, sparkline with figures when there is not."""

    DEFAULT_CSS = """
    ConnectionsChart { height: 1fr; min-height: 4; }
    ConnectionsChart > PlotextPlot { height: 1fr; }
    ConnectionsChart > #chart-spark { height: auto; }
    ConnectionsChart > #chart-caption { height: auto; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: ChartData | None = None

    def compose(self) -> ComposeResult:
        yield PlotextPlot(id="chart-plot")
        yield Static(id="chart-spark", markup=False)
        yield Static(id="chart-caption", markup=False)

    @property
    def compact(self) -> bool:
        """True when the widget is too small for a readable line chart."""
        width, height = self.size
        return width < COMPACT_WIDTH or height < COMPACT_HEIGHT

    def on_resize(self, _: Resize) -> None:
        self.refresh_mode()

    def on_mount(self) -> None:
        self.refresh_mode()

    def show(self, data: ChartData | None) -> None:
        """Draw new evidence (None: nothing gathered yet)."""
        self.data = data
        self.refresh_mode()

    def refresh_mode(self) -> None:
        plot = self.query_one("#chart-plot", PlotextPlot)
        spark = self.query_one("#chart-spark", Static)
        plot.display = not self.compact and self.data is not None
        spark.display = self.compact or self.data is None
        cap = self.query_one("#chart-caption", Static)
        if self.data is None:
            spark.update("No evidence yet.")
            cap.update("")
            return
        cap.update(caption(self.data))
        if self.compact:
            spark.update(self.sparkline_text(max(16, self.size.width - LABEL)))
        else:
            self.draw_plot(plot)

    def sparkline_text(self, width: int) -> Content:
        """Two sparklines (old cache, Valkey) on the same time scale, then the figures."""
        assert self.data is not None
        idle = self.data.idleness
        text = Content.styled(f"{'old':<{LABEL}}", "bold")
        text = text.append_text(sparkline(idle.series, idle.threshold, width), OLD_STYLE)
        valkey = self.data.valkey_in_window()
        if valkey is not None:
            text = text.append_text(f"\n{'Valkey':<{LABEL}}", "bold")
            text = text.append_text(sparkline(valkey, idle.threshold, width), VALKEY_STYLE)
        window = idle.series.window
        span = f"{window.start:%Y-%m-%d %H:%M} → {utc(window.end)}"
        text = text.append_text(f"\n{' ' * LABEL}{span}\n", "dim")
        text = text.append(figures_line(self.data))
        return text

    def draw_plot(self, plot: PlotextPlot) -> None:
        assert self.data is not None
        idle, window = self.data.idleness, self.data.idleness.series.window
        plt = plot.plt
        plt.clear_figure()
        old, valkey_colour, threshold, cycle = plot_colours(Palette.of(self.app))
        hours = window.hours

        def x_of(moment: datetime) -> float:
            return (moment - window.start).total_seconds() / 3600

        points = idle.series.points
        top = max([idle.threshold * 1.5, 1.0, *(p.value for p in points)])
        if points:
            plt.plot(
                [x_of(p.at) for p in points],
                [p.value for p in points],
                color=old,
                marker="braille",
            )
        else:
            plt.title("no datapoints for the old cache — this is not zero")
        valkey = self.data.valkey_in_window()
        if valkey is not None and valkey.points:
            plt.plot(
                [x_of(p.at) for p in valkey.points],
                [p.value for p in valkey.points],
                color=valkey_colour,
                marker="braille",
            )
            top = max(top, *(p.value for p in valkey.points))
        plt.plot([0, hours], [idle.threshold, idle.threshold], color=threshold, marker="braille")
        if self.data.valkey is not None:
            cycle_start = self.data.now - timedelta(hours=self.data.valkey.required_hours)
            if window.start <= cycle_start <= window.end:
                plt.vline(x_of(cycle_start), cycle)
        ticks = [hours * i / 4 for i in range(5)]
        with_date = hours > 26  # a 24 h window, aligned, is a little over 24 h
        labels = [utc(window.start + timedelta(hours=t), with_date=False) for t in ticks]
        if with_date:
            labels = [f"{window.start + timedelta(hours=t):%d %H:%M}" for t in ticks]
        plt.xticks(ticks, labels)
        plt.xlim(0, hours)
        plt.ylim(0, top * 1.05)
        plt.xlabel("UTC (day hh:mm)" if with_date else "UTC")
        plot.refresh()
