"""Benchmark: 100,000 lines from a real subprocess streamed into CommandLog.

Usage: python tests/bench/bench_log_stream.py [--rounds 3] [--lines 100000] [--naive-lines 0]

Runs a headless Textual app (``App.run_test``). While the command streams, a
probe coroutine asks the event loop to wake it every 10 ms and records how late
it wakes: that lateness is what the operator feels as a frozen screen.
Wizard: ``CommandLog.run`` (the core runner: lines split and redacted, batched writes).
Baseline, in the same process, alternately: a bare ``Log`` fed by asyncio's subprocess
pipes with one ``write_lines`` every 100 ms (no redaction). Prints medians of the rounds:
``log_stream`` (total), ``log_stream.lag_max`` and ``log_stream.lag_median`` as
``NAME wizard=S baseline=S ratio=X``. Targets: max lag < 100 ms with CommandLog
(issue 2); total ≤ 1.5× (issue 19). ``--naive-lines N`` adds, for comparison, a
naive ``Log.write_line`` per line (slow: ~2 minutes for 100k lines).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual.app import App, ComposeResult
from textual.widgets import Log

from tui.core.exec.runner import RunningCommand, Stream
from tui.core.secrets.redact import Redactor
from tui.widgets.command_log import CommandLog

PROBE_S = 0.010
# Every tenth line goes to stderr, like a tool that logs while it works.
PRODUCER = """
import sys
out, err = sys.stdout.write, sys.stderr.write
text = "module.eks.aws_eks_node_group.general[0]: Still modifying... [id=acme:general, 10s elapsed]"
for i in range(int(sys.argv[1])):
    (err if i % 10 == 0 else out)(f"{i:06d} {text}\\n")
"""


@dataclass
class Measure:
    mode: str
    lines: int
    total_s: float
    lags_ms: list[float]
    shown: int

    def report(self) -> str:
        lags = sorted(self.lags_ms) or [0.0]
        p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        return (
            f"{self.mode:<22} lines={self.lines:>7}  total={self.total_s:6.2f} s  "
            f"lag max={max(lags):7.1f} ms  p99={p99:6.1f} ms  "
            f"median={statistics.median(lags):5.1f} ms  shown={self.shown}"
        )


class Host(App[None]):
    def __init__(self, widget: Log) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


async def probe(lags: list[float], stop: asyncio.Event) -> None:
    """Wake every PROBE_S and record the lateness in ms."""
    while not stop.is_set():
        expected = time.perf_counter() + PROBE_S
        await asyncio.sleep(PROBE_S)
        lags.append(max(0.0, (time.perf_counter() - expected) * 1000))


def producer_argv(lines: int) -> list[str]:
    return [sys.executable, "-c", PRODUCER, str(lines)]


def producer_env() -> dict[str, str]:
    return {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "LC_ALL": "C.UTF-8"}


async def measure_batched(lines: int, cwd: str) -> Measure:
    log = CommandLog(redactor=Redactor(), max_lines=lines + 10)
    app = Host(log)
    async with app.run_test(size=(120, 40)) as pilot:
        lags: list[float] = []
        stop = asyncio.Event()
        probing = asyncio.create_task(probe(lags, stop))
        start = time.perf_counter()
        worker = log.run(producer_argv(lines), env=producer_env(), cwd=cwd, timeout_s=600)
        await worker.wait()
        await pilot.pause()
        total = time.perf_counter() - start
        stop.set()
        await probing
        return Measure("CommandLog (batched)", lines, total, lags, log.line_count)


async def measure_naive(lines: int, cwd: str) -> Measure:
    log = Log(max_lines=lines + 10)
    app = Host(log)
    async with app.run_test(size=(120, 40)) as pilot:
        lags: list[float] = []
        stop = asyncio.Event()
        probing = asyncio.create_task(probe(lags, stop))

        def on_line(stream: Stream, text: str) -> None:
            log.write_line(text)

        start = time.perf_counter()
        command = RunningCommand(
            producer_argv(lines), env=producer_env(), cwd=cwd, timeout_s=600, on_line=on_line
        )
        await command.run()
        await app.workers.wait_for_complete()
        await pilot.pause()
        total = time.perf_counter() - start
        stop.set()
        await probing
        return Measure("Log.write_line per line", lines, total, lags, log.line_count)


async def measure_bare(lines: int, cwd: str) -> Measure:
    log = Log(max_lines=lines + 10)
    app = Host(log)
    async with app.run_test(size=(120, 40)) as pilot:
        lags: list[float] = []
        stop = asyncio.Event()
        probing = asyncio.create_task(probe(lags, stop))
        pending: list[str] = []

        def flush() -> None:
            if pending:
                log.write_lines(pending)
                pending.clear()

        start = time.perf_counter()
        timer = app.set_interval(0.1, flush)
        proc = await asyncio.create_subprocess_exec(
            *producer_argv(lines),
            env=producer_env(),
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )

        async def pump(reader: asyncio.StreamReader, mark: str) -> None:
            rest = b""
            while chunk := await reader.read(1 << 16):
                *done, rest = (rest + chunk).split(b"\n")
                pending.extend(mark + line.decode("utf-8", "replace") for line in done)

        assert proc.stdout is not None and proc.stderr is not None
        await asyncio.gather(pump(proc.stdout, ""), pump(proc.stderr, "┃ "), proc.wait())
        timer.stop()
        flush()
        await pilot.pause()
        total = time.perf_counter() - start
        stop.set()
        await probing
        return Measure("bare Log (batched)", lines, total, lags, log.line_count)


def report(name: str, wizard: list[float], baseline: list[float]) -> None:
    w, b = statistics.median(wizard), statistics.median(baseline)
    print(f"{name} wizard={w:.4f} baseline={b:.4f} ratio={w / b if b else float('inf'):.2f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-lines", type=int, default=0, help="0 to skip")
    args = parser.parse_args()
    sides: dict[str, list[Measure]] = {"wizard": [], "baseline": []}
    with tempfile.TemporaryDirectory() as cwd:
        for _ in range(args.rounds):
            sides["baseline"].append(await measure_bare(args.lines, cwd))
            sides["wizard"].append(await measure_batched(args.lines, cwd))
            for measured in (sides["baseline"][-1], sides["wizard"][-1]):
                print(measured.report(), flush=True)
        if args.naive_lines:
            print((await measure_naive(args.naive_lines, cwd)).report(), flush=True)
    wizard, baseline = sides["wizard"], sides["baseline"]
    report("log_stream", [m.total_s for m in wizard], [m.total_s for m in baseline])
    for name, of in (("lag_max", max), ("lag_median", statistics.median)):
        report(
            f"log_stream.{name}",
            [of(m.lags_ms or [0.0]) / 1000 for m in wizard],
            [of(m.lags_ms or [0.0]) / 1000 for m in baseline],
        )
    worst = statistics.median(max(m.lags_ms or [0.0]) for m in wizard)
    verdict = "OK" if worst < 100 else "OVER TARGET"
    print(f"target: max lag < 100 ms with CommandLog (median of the rounds) -> {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
