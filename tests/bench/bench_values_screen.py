"""Benchmark of the values editor screen on two generated 5,000-line files; prints numbers.

Targets: open to interactive <= 1.5 s (files loaded in a worker, a loading indicator
meanwhile); a cursor move or a port repaints <= 50 ms (median); save <= 1.0 s.
Key timings are measured through Textual's pilot (key posted, handled, screen
refreshed), so they include the pilot's own overhead: an upper bound.
The last lines compare with bare ruamel in the same process (``NAME wizard=S baseline=S
ratio=X``): open against a round-trip load of both files (issue 19: ≤ 1.1), the save's
``s`` and ``y`` against a dump + write of the template's tree (≤ 1.5; wall, and the CPU of
the process, every thread, against the dump's CPU; ``s`` → diff is the median of
``SAVE_SAMPLES``, each but the last cancelled with Esc), and auto-fill's
CPU (``a`` → preview, ``y`` → filled, both settled) against the CPU of the bare load: one
bulk operation over every row should cost about one pass over the files, not one per row.
The open is measured ``--open-rounds`` times (default 5), each in a fresh App, alternating
with the bare load, from a collected heap: medians of the wall clock and of the process's
CPU time (every thread; the save's child process not counted), so that the ratio is not
the load of the moment (one open against one load read 0.78–4.41× on a shared machine).

Usage: python tests/bench/bench_values_screen.py [--open-rounds 5] [--open-only]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from bench_values import LINES, generate  # noqa: E402

from tests.support.release import make_pair  # noqa: E402
from tests.support.values_screen import BOOK, app_on  # noqa: E402
from tests.support.waiting import settle  # noqa: E402
from tui.core.steps import FORWARD_STEPS, StepStatus  # noqa: E402
from tui.core.values.doc import make_yaml  # noqa: E402
from tui.screens.values.panel import ValuesPanel  # noqa: E402

SAMPLES = 31
SAVE_SAMPLES = 5  # `s` → diff, Esc, four times, then `s` → diff, `y`: the medians of the five


CPU: list[float] = []  # process CPU time of the last timed action (other load excluded)


async def timed(action: Callable[[], Awaitable[Any]]) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    await action()
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started


async def median_of(
    action: Callable[[], Awaitable[Any]], before: Callable[[], Awaitable[Any]] | None = None
) -> tuple[float, float]:
    """(median wall, median CPU) over SAMPLES runs."""
    walls, cpus = [], []
    for _ in range(SAMPLES):
        if before is not None:
            await before()
        walls.append(await timed(action))
        cpus.append(CPU[-1])
    return statistics.median(walls), statistics.median(cpus)


async def measure(root: Path) -> dict[str, float | int]:
    prev, curr = make_pair(root)
    (prev / BOOK.values_file).write_text(generate(template=False))
    (curr / BOOK.values_file).write_text(generate(template=True))
    app = app_on(prev, curr)
    out: dict[str, float | int] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for step in FORWARD_STEPS[: FORWARD_STEPS.index("values")]:
            app.statuses[step] = StepStatus.DONE
        started, cpu_started = time.perf_counter(), time.process_time()
        app.show_step("values")
        await pilot.pause()
        out["loading shown"] = time.perf_counter() - started
        panel = app.query_one(ValuesPanel)
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["interactive"] = time.perf_counter() - started
        out["interactive cpu"] = time.process_time() - cpu_started
        out["rows"] = len(panel.merge.rows) if panel.merge else 0

        async def key(*keys: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()

        paints: list[float] = []
        display = app._display

        def painted(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            paints.append(time.perf_counter())

        app._display = painted  # type: ignore[method-assign]  # times each paint

        async def key_to_paint(name: str, before: str | None = None) -> float:
            """Median time from posting the key to the last frame it caused."""
            latencies = []
            for _ in range(SAMPLES):
                if before:
                    await key(before)
                t0 = time.perf_counter()
                await key(name)
                after = [t for t in paints if t > t0]
                latencies.append((after[-1] if after else t0) - t0)
            return statistics.median(latencies)

        out["move paint"] = await key_to_paint("down")
        out["port paint"] = await key_to_paint("right", "p")
        out["no-op key"], out["no-op key cpu"] = await median_of(lambda: key("z"))
        out["move"], out["move cpu"] = await median_of(lambda: key("down"))
        out["page"], out["page cpu"] = await median_of(lambda: key("pagedown"))
        out["port"], out["port cpu"] = await median_of(lambda: key("right"), lambda: key("p"))
        panes = panel.panes
        renders = []
        for _ in range(SAMPLES):
            t0 = time.perf_counter()
            panes.action_move(1)
            for y in range(panes.size.height):
                panes.render_line(y)
            renders.append(time.perf_counter() - t0)
        out["render"] = statistics.median(renders)

        async def auto_fill() -> None:  # the preview, then its confirmation, each settled
            await pilot.press("a")
            await settle(app, pilot)
            await pilot.press("y")
            await settle(app, pilot)

        out["auto-fill"] = await timed(auto_fill)
        out["auto-fill cpu"] = CPU[-1]
        editing = panel.editing
        assert editing is not None
        if editing.undecided():  # the orphans, dropped as `D` and its phrase would
            panel.apply(editing.drop_all_operation())
            await settle(app, pilot)
        written: list[tuple[float, float]] = []  # (wall, CPU) when the write was verified
        original = panel.save_flow.written

        def record(*args: Any) -> None:
            original(*args)
            written.append((time.perf_counter(), time.process_time()))

        panel.save_flow.written = record  # type: ignore[method-assign,assignment]  # times each write

        async def save_diff() -> None:  # `s` → the final diff shown (the plan's worker done)
            await pilot.press("s")
            await app.workers.wait_for_complete()
            await pilot.pause()

        diffs: list[tuple[float, float]] = []
        for sample in range(SAVE_SAMPLES):
            gc.collect()
            diffs.append((await timed(save_diff), CPU[-1]))
            if sample < SAVE_SAMPLES - 1:  # Esc: not saved, nothing written
                await pilot.press("escape")
                await settle(app, pilot)
        out["save: diff shown"] = statistics.median(wall for wall, _ in diffs)
        out["save: diff cpu"] = statistics.median(cpu for _, cpu in diffs)
        t0, cpu = time.perf_counter(), time.process_time()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["save: written+verified"] = written[0][0] - t0 if written else float("nan")
        out["save: write cpu"] = written[0][1] - cpu if written else float("nan")
        out["save: reopened"] = time.perf_counter() - t0
        out["complete"] = int(app.statuses["values"] is StepStatus.DONE)
    return out


async def measure_open(root: Path) -> tuple[float, float]:
    """(wall, CPU) seconds from showing the values step to its panes interactive."""
    prev, curr = make_pair(root)
    (prev / BOOK.values_file).write_text(generate(template=False))
    (curr / BOOK.values_file).write_text(generate(template=True))
    app = app_on(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for step in FORWARD_STEPS[: FORWARD_STEPS.index("values")]:
            app.statuses[step] = StepStatus.DONE
        await pilot.pause()
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        app.show_step("values")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        assert app.query_one(ValuesPanel).merge is not None, "the values did not open"
    return wall, cpu


def alternate_open(rounds: int) -> dict[str, list[float]]:
    """The open and the bare load, alternately, ``rounds`` times each."""
    out: dict[str, list[float]] = {"wall": [], "cpu": [], "floor": []}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            gc.collect()
            out["floor"].append(bare_ruamel(Path(tmp))[0])
            wall, cpu = asyncio.run(measure_open(Path(tmp) / "wizard"))
            out["wall"].append(wall)
            out["cpu"].append(cpu)
    return out


def bare_ruamel(root: Path) -> tuple[float, float]:
    """The floors, from a collected heap: ruamel's round trip loads both generated files;
    then it dumps the template's tree and writes it. (load seconds, dump + write seconds)"""
    gc.collect()
    yaml = make_yaml()
    texts = [generate(template=False), generate(template=True)]
    started = time.perf_counter()
    trees = [yaml.load(text) for text in texts]
    loaded = time.perf_counter() - started
    gc.collect()
    started = time.perf_counter()
    buffer = io.StringIO()
    yaml.dump(trees[1], buffer)
    (root / "bare-values.yaml").write_text(buffer.getvalue(), encoding="utf-8")
    return loaded, time.perf_counter() - started


def bare_dump_cpu(rounds: int) -> float:
    """Median CPU seconds of ruamel's dump of the template's tree + the write (what the
    save's CPU compares with), from a collected heap each time."""
    yaml = make_yaml()
    tree = yaml.load(generate(template=True))
    cpus = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):
            gc.collect()
            started = time.process_time()
            buffer = io.StringIO()
            yaml.dump(tree, buffer)
            (Path(tmp) / "bare-values.yaml").write_text(buffer.getvalue(), encoding="utf-8")
            cpus.append(time.process_time() - started)
    return statistics.median(cpus)


def bare_load_cpu() -> float:
    """CPU seconds of the bare round-trip load alone (what the open's CPU compares with)."""
    gc.collect()
    yaml = make_yaml()
    texts = [generate(template=False), generate(template=True)]
    started = time.process_time()
    for text in texts:
        yaml.load(text)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--open-rounds", type=int, default=5)
    parser.add_argument("--open-only", action="store_true", help="only the alternating open")
    args = parser.parse_args()
    opens = alternate_open(args.open_rounds)
    floor_cpu = statistics.median(bare_load_cpu() for _ in range(args.open_rounds))
    open_lines = [
        ("values-screen-open", statistics.median(opens["wall"]), statistics.median(opens["floor"])),
        ("values-screen-open.cpu", statistics.median(opens["cpu"]), floor_cpu),
    ]
    if args.open_only:
        for name, wizard, baseline in open_lines:
            print(
                f"{name} wizard={wizard:.3f} baseline={baseline:.3f} ratio={wizard / baseline:.2f}"
            )
        return
    with tempfile.TemporaryDirectory() as tmp:
        gc.collect()
        r = asyncio.run(measure(Path(tmp)))
        _, dump = bare_ruamel(Path(tmp))
    dump_cpu = bare_dump_cpu(SAVE_SAMPLES)
    ms = 1000
    print(f"lines per file:                    {LINES} ({r['rows']} rows)")
    print(
        f"show → first frame settled:        {r['loading shown'] * ms:.0f} ms (loading indicator)"
    )
    print(
        f"open to interactive:               {r['interactive']:.3f} s wall, "
        f"{r['interactive cpu']:.3f} s CPU (target <= 1.5 s)"
    )
    print("median per key (wall through the pilot / CPU of this process):  target <= 50 ms")
    for name in ("no-op key", "move", "page", "port"):
        wall, cpu = r[name] * ms, r[f"{name} cpu"] * ms
        print(f"  {name + ' (key→repaint):':<32} {wall:6.1f} ms wall  {cpu:5.1f} ms CPU")
    print(f"  move: key posted → its last frame:  {r['move paint'] * ms:6.1f} ms")
    print(f"  port: key posted → its last frame:  {r['port paint'] * ms:6.1f} ms")
    print(f"move + render visible rows:        {r['render'] * ms:.2f} ms (no pilot)")
    print(
        f"auto-fill (preview + confirm):     {r['auto-fill']:.3f} s wall, "
        f"{r['auto-fill cpu']:.3f} s CPU"
    )
    print(
        f"save: s → final diff shown:        {r['save: diff shown']:.3f} s wall, "
        f"{r['save: diff cpu']:.3f} s CPU (medians of {SAVE_SAMPLES})"
    )
    print(
        f"save: y → written and verified:    {r['save: written+verified']:.3f} s wall, "
        f"{r['save: write cpu']:.3f} s CPU"
    )
    print(f"save: y → reopened from disk:      {r['save: reopened']:.3f} s")
    print(f"step complete after save:          {bool(r['complete'])}")
    for name, wizard, baseline in (
        *open_lines,
        ("values-screen-auto-fill.cpu", r["auto-fill cpu"], floor_cpu),
        ("values-screen-save-diff", r["save: diff shown"], dump),
        ("values-screen-save-write", r["save: written+verified"], dump),
        ("values-screen-save-diff.cpu", r["save: diff cpu"], dump_cpu),
        ("values-screen-save-write.cpu", r["save: write cpu"], dump_cpu),
    ):
        print(f"{name} wizard={wizard:.3f} baseline={baseline:.3f} ratio={wizard / baseline:.2f}")


if __name__ == "__main__":
    main()
