"""Benchmark: the review keys of the Plan step on a 10,000-change plan, settled and CPU.

Usage: python tests/bench/bench_plan_review_keys.py [--rounds 3] [--changes 10000] [--samples 5]

Wizard: the App on the Plan step (demo world, fake ``tofu``), the plan reviewed, then
each key pressed as the terminal would send it: ``down``, ``pagedown``, ``d`` (only
destroys & replaces) and ``a`` (all again), search (``/``, one character typed, Enter,
``/`` + Escape to clear), ``v`` (detail full size) and ``v`` (back). Each is timed from
the key to the last frame it caused, once the App is quiet (settled), wall and CPU.
``.nofooter`` repeats the keys with the App's Footer removed: the difference is the
footer's share.
Baseline: a bare App (Header, DataTable, a detail Static, an Input, Footer) doing the
same work the plain way: the cursor moves, the detail shows the change as JSON, a filter
or search is ``clear()`` + one ``add_rows``, the detail full size hides the table.
Target (issue 19): every key ≤ 1.5× settled and ≤ 3× CPU.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from argparse import Namespace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static

from tests.bench.screen_bench import (
    FrameClock,
    Samples,
    add,
    bench_arguments,
    generated_plan,
    now,
    open_plan_step,
    plan_step_app,
    settled,
    side_main,
    timed_key,
)

SIZE = (120, 40)
SEARCH = "7"  # an address character: narrows 10k rows to about a third
# (name, keys before it, untimed; the timed key)
KEYS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("down", (), "down"),
    ("pagedown", (), "pagedown"),
    ("filter_destroys", (), "d"),
    ("filter_all", (), "a"),
    ("search_open", (), "slash"),
    ("search_type", (), SEARCH),
    ("search_enter", (), "enter"),
    ("search_clear", ("slash",), "escape"),
    ("detail_open", (), "v"),
    ("detail_close", (), "v"),
)


async def measure_keys(clock: FrameClock, samples: int, suffix: str = "") -> Samples:
    out: Samples = {}
    for _ in range(samples):
        for name, before, key in KEYS:
            for untimed in before:
                await timed_key(clock, untimed)
            wall, cpu = await timed_key(clock, key)
            add(out, f"plan_review_key_{name}{suffix}", wall)
            add(out, f"plan_review_key_{name}{suffix}.cpu", cpu)
    return out


async def wizard_keys(plan_json: Path, samples: int) -> Samples:
    from tui.widgets.plan_review_view import PlanReviewView

    with tempfile.TemporaryDirectory() as tmp:
        app, _ = plan_step_app(Path(tmp), plan_json)
        async with app.run_test(size=SIZE) as pilot:
            await open_plan_step(app, pilot)
            clock = FrameClock(app)
            app.query_one("#plan-log").focus()
            await pilot.press("p")
            while not app.query(PlanReviewView):
                await asyncio.sleep(0.01)
            await settled(clock, now())
            app.query_one("#plan-table").focus()  # the operator reads the review in its table
            await settled(clock, now())
            out = await measure_keys(clock, samples)
            await app.query_one(Footer).remove()
            out.update(await measure_keys(clock, samples, ".nofooter"))
            return out


class BareReview(App[None]):
    """The same work the plain way: one add_rows per filter, a Static for the detail."""

    BINDINGS = [
        Binding("d", "filter(True)", "Destroys"),
        Binding("a", "filter(False)", "All"),
        Binding("slash", "search", "Search"),
        Binding("v", "detail", "Detail"),
        Binding("escape", "clear", "Clear", show=False),
    ]
    CSS = "DataTable { height: 1fr; } #detail { height: 1fr; } Input { display: none; }"

    def __init__(self, plan_json: Path) -> None:
        super().__init__()
        data = json.loads(plan_json.read_bytes())
        self.changes = [
            rc for rc in data["resource_changes"] if rc["change"]["actions"] != ["no-op"]
        ]
        self.shown = self.changes
        self.destroys_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="search")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("action", 7), ("address", 60), ("review", 10), ("why", 40)):
            table.add_column(label, width=width)
        self.fill()
        table.focus()

    def fill(self) -> None:
        needle = self.query_one(Input).value
        self.shown = [
            rc
            for rc in self.changes
            if (not self.destroys_only or "delete" in rc["change"]["actions"])
            and needle in rc["address"]
        ]
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            (" ".join(rc["change"]["actions"]), rc["address"], "expected", "") for rc in self.shown
        )

    @on(DataTable.RowHighlighted)
    def show_detail(self, event: DataTable.RowHighlighted) -> None:
        change = self.shown[event.cursor_row] if event.cursor_row < len(self.shown) else None
        text = json.dumps(change["change"], indent=2)[:6000] if change else "none"
        self.query_one("#detail", Static).update(text)

    def action_filter(self, destroys_only: bool) -> None:
        self.destroys_only = destroys_only
        self.fill()

    def action_search(self) -> None:
        search = self.query_one(Input)
        search.display = True
        search.focus()

    @on(Input.Changed)
    def searched(self) -> None:
        self.fill()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.query_one(DataTable).focus()

    def action_clear(self) -> None:
        search = self.query_one(Input)
        search.display = False
        search.value = ""
        self.query_one(DataTable).focus()

    def action_detail(self) -> None:
        table = self.query_one(DataTable)
        table.display = not table.display
        (self.query_one("#detail") if not table.display else table).focus()


async def baseline_keys(plan_json: Path, samples: int) -> Samples:
    app = BareReview(plan_json)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock = FrameClock(app)
        await settled(clock, now())
        out = await measure_keys(clock, samples)
        await app.query_one(Footer).remove()
        out.update(await measure_keys(clock, samples, ".nofooter"))
        return out


def run(args: Namespace) -> Samples:
    plan_json = generated_plan(args.changes)
    side = wizard_keys if args.side == "wizard" else baseline_keys
    return asyncio.run(side(plan_json, args.samples))


if __name__ == "__main__":
    parser = bench_arguments(__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=5)
    side_main(run, parser)
