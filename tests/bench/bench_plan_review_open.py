"""Benchmark: the Plan step's review, plan JSON on disk → rows visible (1k and 10k changes).

Usage: python tests/bench/bench_plan_review_open.py [--rounds 3] [--changes 1000,10000]

Wizard: the App on the Plan step of a demo world (carry-over done) with a fake ``tofu``
whose ``show -json`` writes a generated plan; ``p`` runs init, plan, show -json. The
clock starts when the fake tofu has written the JSON; ``open`` ends at the first frame
showing rows of the review table, ``settled`` at the last frame once the App is quiet.
Baseline: a bare App (Header, DataTable, Footer) that reads the same file with
``json.loads`` and shows one row per change with one ``DataTable.add_rows``.
Target (issue 19): open ≤ 2× at 1k and 10k; memory growth ≤ 1.5× the baseline's.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import tempfile
from argparse import Namespace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from tests.bench.screen_bench import (
    Frame,
    FrameClock,
    Samples,
    add,
    bench_arguments,
    generated_plan,
    now,
    open_plan_step,
    plan_step_app,
    rss_mb,
    settled,
    side_main,
    stamp_of,
)

SIZE = (120, 40)


def table_shows_rows(table: DataTable[Any] | None) -> bool:
    return table is not None and table.row_count > 0 and table.region.height > 0


async def wizard_open(plan_json: Path) -> dict[str, float]:
    import tui.screens.plan.pipeline_view as pipeline_view
    from tui.widgets.plan_review_view import PlanReviewView

    review_started: list[Frame] = []
    rss_before: list[float] = []
    review_shown_plan = pipeline_view.review_shown_plan

    def timed_review(*args: Any) -> Any:
        rss_before.append(rss_mb())
        review_started.append(now())
        return review_shown_plan(*args)

    pipeline_view.review_shown_plan = timed_review  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        app, stamp = plan_step_app(Path(tmp), plan_json)
        async with app.run_test(size=SIZE) as pilot:
            await open_plan_step(app, pilot)
            clock = FrameClock(app)
            first_rows: list[Frame] = []

            def watch(frame: Frame) -> None:
                views = app.query(PlanReviewView)
                table = views.first().query_one("#plan-table", DataTable) if views else None
                if not first_rows and table_shows_rows(table):
                    first_rows.append(frame)

            clock.watchers.append(watch)
            app.query_one("#plan-log").focus()
            gc.collect()  # both sides start from a collected heap
            await pilot.press("p")
            while not first_rows:
                await asyncio.sleep(0.005)
            end = await settled(clock, first_rows[0])
            on_disk = stamp_of(stamp, "json-on-disk")
            rows = app.query_one(PlanReviewView).loaded_rows
            return {
                "open": first_rows[0].wall - on_disk,
                "settled": end.wall - on_disk,
                "settled.cpu": end.cpu - review_started[0].cpu,
                "rss_mb": rss_mb() - rss_before[0],
                "rows": rows,
            }


class BareReview(App[None]):
    """Header, a DataTable filled with one add_rows, Footer."""

    def __init__(self, plan_json: Path) -> None:
        super().__init__()
        self.plan_json = plan_json

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def load(self) -> None:
        data = json.loads(self.plan_json.read_bytes())
        rows = [
            (" ".join(rc["change"]["actions"]), rc["address"], "expected", "")
            for rc in data["resource_changes"]
            if rc["change"]["actions"] != ["no-op"]
        ]
        table = self.query_one(DataTable)
        for label, width in (("action", 7), ("address", 60), ("review", 10), ("why", 40)):
            table.add_column(label, width=width)
        table.add_rows(rows)


async def baseline_open(plan_json: Path) -> dict[str, float]:
    app = BareReview(plan_json)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock = FrameClock(app)
        await settled(clock, now())
        first_rows: list[Frame] = []
        table = app.query_one(DataTable)
        clock.watchers.append(
            lambda frame: first_rows.append(frame) if table_shows_rows(table) else None
        )
        gc.collect()  # both sides start from a collected heap
        before = rss_mb()
        started = now()
        app.load()
        while not first_rows:
            await asyncio.sleep(0.005)
        end = await settled(clock, started)
        return {
            "open": first_rows[0].wall - started.wall,
            "settled": end.wall - started.wall,
            "settled.cpu": end.cpu - started.cpu,
            "rss_mb": rss_mb() - before,
            "rows": table.row_count,
        }


def run(args: Namespace) -> Samples:
    samples: Samples = {}
    for changes in (int(c) for c in args.changes.split(",")):
        plan_json = generated_plan(changes)
        side = wizard_open if args.side == "wizard" else baseline_open
        result = asyncio.run(side(plan_json))
        label = f"{changes // 1000}k" if changes >= 1000 else str(changes)
        for key, value in result.items():
            add(samples, f"plan_review_open_{label}.{key}".replace(".open", ""), value)
    return samples


if __name__ == "__main__":
    parser = bench_arguments(__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--changes", default="1000,10000")
    side_main(run, parser)
