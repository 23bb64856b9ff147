"""Benchmark: opening and saving on the real values screen against bare ruamel (issue 19).

Usage: python tests/bench/bench_values_save.py [--repeat 3]

The wizard (its App, the Values step, its keys as the terminal driver posts them) opens
kube-prometheus-stack 87.10.1 with the corpus' operator edits (previous) against 87.11.0
(template), about 6,000 lines each (tests/data/realworld). Auto-fill carries what the
template's open maps take, the orphans are dropped, then:

* ``values-open``: the step shown → the first frame painted with both panes (target:
  ratio ≤ 1.1 against the floor, a bare ruamel round-trip load of both files), and
  ``values-open-cpu``, the CPU time of both;
* ``values-save-diff``: ``s`` posted → the first frame painted with the final diff;
* ``values-save-write``: ``y`` pressed → the file written and verified (the step done);
* ``values-save``: both together (target: ratio ≤ 1.5 against a bare ruamel dump + write);
* ``values-save-cpu``: the CPU time (this process, all its threads) over the same two
  windows, which a machine shared with other work disturbs far less than the wall clock;
* ``values-save-cpu-settled``: the CPU time from ``s`` until the step is done and every
  message handled: the dialog's close and the screen drawn again behind it included, and
  the test driver's own pauses (its walks over every widget), which no baseline pays.

Frames are timed where Textual hands them to the driver. Each run, wizard or baseline,
starts from a collected heap; the baselines run in this same process between the
wizard's runs and do the same work the fastest plain way. Each line reads
``NAME wizard=SECONDS baseline=SECONDS ratio=X`` (medians of N runs);
``values-save-reparsed`` counts the values files parsed while ``y`` ran (target: 0, the
saved file is verified from the merged model in memory, never parsed again).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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

from tests.bench.screen_bench import send_key  # noqa: E402
from tests.support.release import make_pair  # noqa: E402
from tests.support.values import operator_values  # noqa: E402
from tests.support.values_screen import BOOK, app_on, flush_footer, values_loaded  # noqa: E402
from tests.support.waiting import settle  # noqa: E402
from tui.core.steps import FORWARD_STEPS, StepStatus  # noqa: E402
from tui.core.values import load as values_load  # noqa: E402
from tui.core.values import save as values_save  # noqa: E402
from tui.core.values.doc import make_yaml  # noqa: E402
from tui.screens.values.panel import ValuesPanel  # noqa: E402
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


class Paints:
    """Times every frame the App hands to the driver, and the first one that shows what
    ``seen()`` checks (tested once per frame, right after it is painted)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: Any = None
        self.at = 0.0
        self.cpu = 0.0  # process CPU time (every thread) at that frame
        display = app._display

        def timed(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None and self.seen is not None and not self.at and self.seen():
                self.at, self.cpu = time.perf_counter(), time.process_time()

        app._display = timed

    def expect(self, seen: Any) -> None:
        self.seen, self.at = seen, 0.0

    async def painted(self, what: str) -> float:
        """When the frame showing it was painted (fails after 60 s)."""
        give_up = time.perf_counter() + 60
        while not self.at:
            if time.perf_counter() > give_up:
                raise SystemExit(f"never painted: {what}")
            await asyncio.sleep(0.002)
        return self.at


async def one_save(root: Path, counter: ParseCounter) -> dict[str, float]:
    """Open, ``s`` → diff painted, ``y`` → written, CPU of ``s`` and ``y``, files parsed
    during ``y``, on a fresh pair."""
    prev, curr = make_pair(root)
    operator_values(PREVIOUS, CHART / "operator-edits.yaml", prev / BOOK.values_file)
    shutil.copy(TEMPLATE, curr / BOOK.values_file)
    app = app_on(prev, curr)
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        paints = Paints(app)
        for step in FORWARD_STEPS[: FORWARD_STEPS.index("values")]:
            app.statuses[step] = StepStatus.DONE

        def panes_shown() -> bool:
            panels = app.query(ValuesPanel)
            return bool(panels) and panels.first().editing is not None and app.screen is main_screen

        main_screen = app.screen
        gc.collect()
        paints.expect(panes_shown)
        started, cpu = time.perf_counter(), time.process_time()
        app.show_step("values")
        out["open"] = await paints.painted("the values panes") - started
        out["open-cpu"] = paints.cpu - cpu
        panel = await values_loaded(app, pilot)
        editing = panel.editing
        assert editing is not None, "the values step did not open"
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        if editing.undecided():  # the orphans, dropped as `D` and its phrase would
            panel.apply(editing.drop_all_operation())
            await settle(app, pilot)
        written: list[tuple[float, float]] = []  # (wall, CPU) at each write
        original = panel.save_flow.written

        def record(*args: Any) -> None:
            written.append((time.perf_counter(), time.process_time()))
            original(*args)

        panel.save_flow.written = record  # type: ignore[method-assign,assignment]  # times each write
        await settle(app, pilot)
        # The footer as the operator reads it before pressing s: the edits' footer rebuild
        # (due FOOTER_SETTLE after the last one) done now, not inside the measured keys.
        await flush_footer(panel, pilot)
        paints.expect(lambda: isinstance(app.screen, ConfirmDialog) and app.screen.is_mounted)
        cpu = time.process_time()  # every thread of this process: the workers' too
        pressed = send_key(app, "s")
        out["diff"] = await paints.painted("the final diff") - pressed.wall
        diff_cpu = paints.cpu - pressed.cpu
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog), f"no final diff: {app.screen!r}"
        counter.on, counter.count = True, 0
        pressed = send_key(app, "y")
        await written_at(written)
        await settle(app, pilot)
        counter.on = False
        out["cpu-settled"] = time.process_time() - cpu
        assert written and app.statuses["values"] is StepStatus.DONE, "the save did not complete"
        out["write"] = written[0][0] - pressed.wall
        out["cpu"] = diff_cpu + written[0][1] - pressed.cpu
        out["parsed"] = counter.count
    return out


async def written_at(written: list[tuple[float, float]]) -> None:
    """Until the save flow says the file is written (fails after 60 s)."""
    give_up = time.perf_counter() + 60
    while not written:
        if time.perf_counter() > give_up:
            raise SystemExit("never written: the values file")
        await asyncio.sleep(0.002)


def bare_load() -> tuple[float, float, Any]:
    """The floor of opening: ruamel's round trip loads both files (from a collected heap):
    (wall, CPU, the template's tree)."""
    gc.collect()
    yaml = make_yaml()
    started, cpu = time.perf_counter(), time.process_time()
    texts = [path.read_text(encoding="utf-8") for path in (PREVIOUS, TEMPLATE)]
    trees = [yaml.load(text) for text in texts]
    return time.perf_counter() - started, time.process_time() - cpu, trees[1]


def bare_dump(root: Path, data: Any) -> tuple[float, float]:
    """ruamel.yaml dumps the template's round-trip tree and writes it (the tree loaded
    before): (wall, CPU) seconds."""
    yaml = make_yaml()
    out = root / "values.yaml"
    gc.collect()
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
    runs: list[dict[str, float]] = []
    loads, load_cpus, dumps, dump_cpus = [], [], [], []
    try:
        for run in range(args.repeat):  # wizard and baseline alternate: load hits both
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / f"run{run}"
                runs.append(asyncio.run(one_save(root, counter)))
                wall, cpu, tree = bare_load()
                loads.append(wall)
                load_cpus.append(cpu)
                wall, cpu = bare_dump(Path(tmp), tree)
                dumps.append(wall)
                dump_cpus.append(cpu)
                del tree
    finally:
        counter.remove()

    def median(name: str) -> float:
        return statistics.median(run[name] for run in runs)

    dump = statistics.median(dumps)
    report("values-open", median("open"), statistics.median(loads))
    report("values-open-cpu", median("open-cpu"), statistics.median(load_cpus))
    report("values-save-diff", median("diff"), dump)
    report("values-save-write", median("write"), dump)
    report("values-save", statistics.median(r["diff"] + r["write"] for r in runs), dump)
    report("values-save-cpu", median("cpu"), statistics.median(dump_cpus))
    report("values-save-cpu-settled", median("cpu-settled"), statistics.median(dump_cpus))
    print(f"values-save-reparsed files={max(int(r['parsed']) for r in runs)} (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
