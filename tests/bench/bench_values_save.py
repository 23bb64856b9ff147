"""Benchmark: saving from the real values screen against a bare ruamel dump + write (issue 19).

Usage: python tests/bench/bench_values_save.py [--repeat 3]

The wizard (its App, the Values step, its keys through Textual's pilot) opens
kube-prometheus-stack 87.10.1 with the corpus' operator edits (previous) against 87.11.0
(template), about 6,000 lines each (tests/data/realworld). Auto-fill carries what the
template's open maps take, the orphans are dropped, then:

* ``values-save-diff``: ``s`` pressed → the final diff on screen;
* ``values-save-write``: ``y`` pressed → the file written and verified (the step done);
* ``values-save``: both together (target: ratio ≤ 1.5);
* ``values-save-cpu``: the CPU time of both (this process, all its threads), which a
  machine shared with other work disturbs far less than the wall clock.

The baseline, run in this same process between the wizard's runs, does the same work the
fastest plain way: ruamel.yaml dumps the template's round-trip tree and writes the file.
Each line reads ``NAME wizard=SECONDS baseline=SECONDS ratio=X`` (medians of N runs);
``values-save-reparsed`` counts the values files parsed while ``y`` ran (target: 0, the
saved file is verified from the merged model in memory, never parsed again).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.release import make_pair  # noqa: E402
from tests.support.values import operator_values  # noqa: E402
from tests.support.values_screen import BOOK, app_on, open_values  # noqa: E402
from tests.support.waiting import settle  # noqa: E402
from tui.core.steps import StepStatus  # noqa: E402
from tui.core.values import load as values_load  # noqa: E402
from tui.core.values import save as values_save  # noqa: E402
from tui.core.values.doc import make_yaml  # noqa: E402
from tui.widgets.dialogs.confirm import ConfirmDialog  # noqa: E402

CHART = ROOT / "tests" / "data" / "realworld" / "charts" / "kube-prometheus-stack"
PREVIOUS, TEMPLATE = CHART / "values-87.10.1.yaml", CHART / "values-87.11.0.yaml"


class ParseCounter:
    """Counts the values files parsed (ruamel round trip or libyaml) while it is on."""

    def __init__(self) -> None:
        self.on = False
        self.count = 0
        self.originals: dict[tuple[Any, str], Any] = {}

    def install(self) -> None:
        for module in (values_load, values_save):
            for name in ("load_values", "parse_values"):
                original = getattr(module, name)
                self.originals[(module, name)] = original
                setattr(module, name, self.counting(original))

    def counting(self, original: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            if self.on:
                self.count += 1
            return original(*args, **kwargs)

        return counted

    def remove(self) -> None:
        for (module, name), original in self.originals.items():
            setattr(module, name, original)


async def one_save(root: Path, counter: ParseCounter) -> tuple[float, float, float, int]:
    """(s → diff shown, y → written, CPU of both, files parsed during y) on a fresh pair."""
    prev, curr = make_pair(root)
    operator_values(PREVIOUS, CHART / "operator-edits.yaml", prev / BOOK.values_file)
    shutil.copy(TEMPLATE, curr / BOOK.values_file)
    app = app_on(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        editing = panel.editing
        assert editing is not None, "the values step did not open"
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        if editing.undecided():  # the orphans, dropped as `D` and its phrase would
            panel.apply(editing.drop_all_operation())
            await settle(app, pilot)
        written: list[float] = []
        original = panel.save_flow.written

        def record(*args: Any) -> None:
            written.append(time.perf_counter())
            original(*args)

        panel.save_flow.written = record  # type: ignore[method-assign,assignment]  # times each write
        cpu = time.process_time()  # every thread of this process: the workers' too
        started = time.perf_counter()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        diff = time.perf_counter() - started
        assert isinstance(app.screen, ConfirmDialog), f"no final diff: {app.screen!r}"
        counter.on, counter.count = True, 0
        started = time.perf_counter()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        counter.on = False
        cpu = time.process_time() - cpu
        assert written and app.statuses["values"] is StepStatus.DONE, "the save did not complete"
        return diff, written[0] - started, cpu, counter.count


def bare_dump(root: Path) -> tuple[float, float]:
    """ruamel.yaml dumps the template's round-trip tree and writes it (the tree loaded before):
    (wall, CPU) seconds."""
    yaml = make_yaml()
    data = yaml.load(TEMPLATE.read_text(encoding="utf-8"))
    out = root / "values.yaml"
    started, cpu = time.perf_counter(), time.process_time()
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    out.write_text(buffer.getvalue(), encoding="utf-8")
    return time.perf_counter() - started, time.process_time() - cpu


def report(name: str, wizard: float, baseline: float) -> None:
    print(f"{name} wizard={wizard:.3f} baseline={baseline:.3f} ratio={wizard / baseline:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    counter = ParseCounter()
    counter.install()
    diffs, writes, totals, cpus, reparsed = [], [], [], [], []
    baselines, baseline_cpus = [], []
    try:
        for run in range(args.repeat):  # wizard and baseline alternate: load hits both
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / f"run{run}"
                diff, write, cpu, parsed = asyncio.run(one_save(root, counter))
                diffs.append(diff)
                writes.append(write)
                totals.append(diff + write)
                cpus.append(cpu)
                reparsed.append(parsed)
                wall, baseline_cpu = bare_dump(Path(tmp))
                baselines.append(wall)
                baseline_cpus.append(baseline_cpu)
    finally:
        counter.remove()
    baseline = statistics.median(baselines)
    report("values-save-diff", statistics.median(diffs), baseline)
    report("values-save-write", statistics.median(writes), baseline)
    report("values-save", statistics.median(totals), baseline)
    report("values-save-cpu", statistics.median(cpus), statistics.median(baseline_cpus))
    print(f"values-save-reparsed files={max(reparsed)} (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
