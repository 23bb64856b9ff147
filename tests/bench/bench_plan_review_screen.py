"""Benchmark: the plan review screen on a generated plan with 10,000 resource changes.

Usage: python tests/bench/bench_plan_review_screen.py [--changes 10000] [--moves 60]

Targets (issue 4): the table shows its first rows ≤ 1.0 s after the JSON is
parsed, and moving the cursor does not lag. Measured in a running (headless)
Textual app, so App start-up is not counted: the clock starts when
``load_plan`` returns; review, mount and the first paint with rows are counted.
A cursor move is a key press processed to idle: table highlight, detail pane
rebuilt (attribute diff of that change), repaint.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual import on
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer

from tests.bench.plan_generator import write_plan
from tui.core.playbook.load import load_playbook
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import review
from tui.widgets.plan_review_view import PlanReviewView


class TimedView(PlanReviewView):
    """Records when the first frame with rows has been painted."""

    painted_at = 0.0
    moved_at = 0.0

    @on(DataTable.RowHighlighted)
    def _timed_highlight(self) -> None:
        # Runs before PlanReviewView's own handler; the refresh after both is the repaint.
        self.call_after_refresh(self._moved)

    def _moved(self) -> None:
        self.moved_at = time.perf_counter()

    def on_mount(self) -> None:
        # Textual runs PlanReviewView.on_mount too (handlers of every class in the MRO).
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        self.painted_at = time.perf_counter()


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Footer()


def spread(label: str, seconds: list[float]) -> str:
    median = statistics.median(seconds) * 1000
    return f"  {label} median {median:6.1f} ms, max {max(seconds) * 1000:6.1f} ms ({len(seconds)})"


async def repainted(view: PlanReviewView) -> float:
    """When the next repaint after now has happened."""
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    view.call_after_refresh(lambda: done.set_result(time.perf_counter()))
    return await done


async def timed_move(pilot: Pilot[None], view: TimedView, key: str) -> float:
    """Key press to the repaint that shows the new row's detail (not pilot's own waits)."""
    view.moved_at = 0.0
    began = time.perf_counter()
    await pilot.press(key)
    while not view.moved_at:
        if time.perf_counter() - began > 10:
            raise SystemExit(f"no repaint 10 s after {key!r} (focus: {view.app.focused})")
        await asyncio.sleep(0)
    await pilot.pause()
    return view.moved_at - began


async def run(path: Path, moves: int, size: tuple[int, int]) -> None:
    playbook = load_playbook()
    app = Host()
    async with app.run_test(size=size) as pilot:
        start = time.perf_counter()
        plan = load_plan(str(path))
        parsed = time.perf_counter()
        plan_review = review(plan, playbook, "upgrade")
        reviewed = time.perf_counter()
        view = TimedView(plan_review)
        await app.mount(view, before=0)
        while not view.painted_at:
            if time.perf_counter() - parsed > 30:
                raise SystemExit("the review never painted (see the app's error above)")
            await asyncio.sleep(0.001)
        first = view.painted_at - parsed
        first_rows = view.loaded_rows
        while view.loaded_rows < len(view.shown):
            await asyncio.sleep(0.005)
        everything = time.perf_counter() - parsed
        durations = [await timed_move(pilot, view, "down") for _ in range(moves)]
        await pilot.press("ctrl+end")
        await pilot.pause()
        deep = [await timed_move(pilot, view, "up") for _ in range(moves // 2)]
        began = time.perf_counter()
        view.action_filter("unexpected")  # what the key `u` does
        refilter = await repainted(view) - began
        shown = len(view.shown)
        view.action_filter("all")
        began = time.perf_counter()
        view.action_toggle_no_ops()  # key `o`: every resource, no-ops included
        with_no_ops = await repainted(view) - began
        while view.loaded_rows < len(view.shown):
            await asyncio.sleep(0.005)
        all_no_ops = time.perf_counter() - began
        await pilot.press("ctrl+end")
        await pilot.pause()
        widest = [await timed_move(pilot, view, "up") for _ in range(moves // 2)]
        total = len(view.shown)
    print(
        f"{len(plan.resource_changes)} resource changes, {len(view.rows)} rows, {size[0]}x{size[1]}"
    )
    print(f"  parse (load_plan)                      {(parsed - start) * 1000:8.1f} ms")
    print(f"  review                                 {(reviewed - parsed) * 1000:8.1f} ms")
    print(
        f"  first rows painted after parse         {first * 1000:8.1f} ms  ({first_rows} rows)"
        f"  target ≤ 1000 ms: {'met' if first <= 1.0 else 'NOT met'}"
    )
    print(f"  all {len(view.rows):5d} rows in the table after   {everything * 1000:8.1f} ms")
    print(spread("cursor move + detail repaint, top   ", durations))
    print(spread("cursor move + detail repaint, bottom", deep))
    print(f"  filter 'u' (only unexpected, {shown} rows)  {refilter * 1000:8.1f} ms")
    print(
        f"  key 'o' (no-ops too, {total} rows): first paint {with_no_ops * 1000:6.1f} ms,"
        f" all rows {all_no_ops * 1000:6.1f} ms"
    )
    print(spread(f"cursor move + detail repaint, row ~{total}", widest))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_plan(Path(tmp) / "plan.json", args.changes)
        for size in ((120, 40), (80, 24)):
            asyncio.run(run(path, args.moves, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
