"""Benchmark: 100,000 lines from a real subprocess streamed into CommandLog.

Usage: python tests/bench/bench_log_stream.py [--lines 100000] [--naive-lines 100000]

Runs a headless Textual app (``App.run_test``). While the command streams, a
probe coroutine asks the event loop to wake it every 10 ms and records how late
it wakes: that lateness is what the operator feels as a frozen screen.
Target (issue 2): max lag < 100 ms with the batched CommandLog. For comparison
the same run with a naive ``Log.write_line`` per line (no batching).
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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--naive-lines", type=int, default=100_000, help="0 to skip")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cwd:
        batched = await measure_batched(args.lines, cwd)
        print(batched.report(), flush=True)
        if args.naive_lines:
            print((await measure_naive(args.naive_lines, cwd)).report(), flush=True)
    verdict = "OK" if max(batched.lags_ms or [0.0]) < 100 else "OVER TARGET"
    print(f"target: max lag < 100 ms with CommandLog -> {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
