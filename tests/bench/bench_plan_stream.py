"""Benchmark: 100,000 lines of ``tofu plan`` output streamed into the Plan step's log.

Usage: python tests/bench/bench_plan_stream.py [--rounds 3] [--lines 100000]

Wizard: the App on the Plan step of a demo world (carry-over done) with a fake ``tofu``
whose ``plan`` prints ``--lines`` lines (every tenth on stderr); ``p`` runs init, plan,
show -json. Every line goes through the wizard's redactor, into the log and the
command's transcript. Measured from the fake tofu's first plan line to the plan's
closing line shown in the log: ``total`` (and ``lines_per_s``), the event loop's
lateness while streaming (a probe asks to wake every 10 ms; ``lag`` is the median,
``lag.p99``), and the ``key`` latency: ``end`` pressed every 10–20 ms (a seeded jitter, so
the presses do not lock onto the 100 ms flushes), timed from the key to its action running;
every press of every round is one sample and the report gives their median (~60 samples a
round, not a median of round medians). ``key.idle`` is the same press on the same screen
before the stream: the floor a key costs with nothing streaming.
Baseline: a bare App (Header, Log, Footer) that runs the same fake ``tofu plan`` with
asyncio's subprocess, splits the chunks into lines and writes them with one
``Log.write_lines`` every 100 ms: the fastest plain way, without redaction or transcript.
Target (issue 19): total ≤ 1.5×, key latency median ≤ 2×.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from argparse import Namespace
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Log

from tests.bench.screen_bench import (
    Samples,
    add,
    bench_arguments,
    generated_plan,
    open_plan_step,
    plan_step_app,
    send_key,
    side_main,
    stamp_of,
    write_fake_tofu,
)

SIZE = (120, 40)
PROBE_S = 0.010
KEY_EVERY_S = (0.010, 0.020)  # a press every 10-20 ms while streaming
IDLE_KEYS = 40
CHANGES = 100  # the plan JSON shown after the stream: small, the stream is measured


class Probes:
    """The event loop's lateness and the key latency while ``done()`` is false."""

    def __init__(self, app: App[Any], log: Log, done: Callable[[], bool]) -> None:
        self.app, self.log, self.done = app, log, done
        self.lags: list[float] = []
        self.keys: list[float] = []
        self.idle_keys: list[float] = []
        self._sent: list[float] = []
        self._jitter = random.Random(19)
        scroll_end = log.action_scroll_end

        def timed_scroll_end() -> None:
            if self._sent:
                self.keys.append(time.perf_counter() - self._sent.pop(0))
            scroll_end()

        log.action_scroll_end = timed_scroll_end  # type: ignore[method-assign]

    async def lag(self) -> None:
        while not self.done():
            expected = time.perf_counter() + PROBE_S
            await asyncio.sleep(PROBE_S)
            self.lags.append(max(0.0, time.perf_counter() - expected))

    async def press(self) -> None:
        while not self.done():
            await asyncio.sleep(self._jitter.uniform(*KEY_EVERY_S))
            if self.app.focused is self.log and not self._sent:
                self._sent.append(send_key(self.app, "end").wall)

    async def idle(self) -> None:
        """``IDLE_KEYS`` presses before the stream: what a key costs on this screen alone."""
        assert self.app.focused is self.log, "the log must have the focus"
        while len(self.keys) < IDLE_KEYS:
            count = len(self.keys)
            self._sent.append(send_key(self.app, "end").wall)
            while len(self.keys) == count:
                await asyncio.sleep(0.001)
            await asyncio.sleep(self._jitter.uniform(*KEY_EVERY_S))
        self.idle_keys, self.keys = self.keys, []

    def samples(self, prefix: str, lines: int, total: float) -> Samples:
        out: Samples = {}
        add(out, f"{prefix}", total)
        add(out, f"{prefix}.lines_per_s", lines / total)
        add(out, f"{prefix}.lag", statistics.median(self.lags or [0.0]))
        lags = sorted(self.lags or [0.0])
        add(out, f"{prefix}.lag.p99", lags[min(len(lags) - 1, int(len(lags) * 0.99))])
        for key in self.keys or [0.0]:
            add(out, f"{prefix}.key", key)  # every press a sample: the report's median
        for key in self.idle_keys or [0.0]:
            add(out, f"{prefix}.key.idle", key)
        add(out, f"{prefix}.key.count", len(self.keys))
        return out


async def wizard_stream(lines: int) -> Samples:
    from tui.widgets.command_log import CommandLog

    with tempfile.TemporaryDirectory() as tmp:
        app, stamp = plan_step_app(Path(tmp), generated_plan(CHANGES), plan_lines=lines)
        async with app.run_test(size=SIZE) as pilot:
            await open_plan_step(app, pilot)
            log = app.query_one("#plan-log", CommandLog)
            last = f"{lines - 1:06d} "
            ended: list[float] = []
            write_lines = log.write_lines

            def timed_write_lines(new: Any, scroll_end: bool | None = None) -> Any:
                new = list(new)
                written = write_lines(new, scroll_end)
                if not ended and any(line.startswith("── exit 2") for line in new[-3:]):
                    ended.append(time.perf_counter())
                return written

            log.write_lines = timed_write_lines  # type: ignore[method-assign]
            probes = Probes(app, log, lambda: bool(ended))
            log.focus()
            await pilot.pause()
            await probes.idle()
            tasks = [asyncio.create_task(probes.lag()), asyncio.create_task(probes.press())]
            send_key(app, "p")
            while not ended:
                await asyncio.sleep(0.01)
            await asyncio.gather(*tasks)
            assert any(last in line for line in log.lines), "the last line is not shown"
            total = ended[0] - stamp_of(stamp, "plan-start")
            return probes.samples("plan_stream_100k", lines, total)


class BareStream(App[None]):
    """Header, a Log fed by one write_lines every 100 ms, Footer."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Log(max_lines=50_000)
        yield Footer()

    async def stream(self, argv: list[str]) -> None:
        log = self.query_one(Log)
        pending: list[str] = []

        def flush() -> None:
            if pending:
                log.write_lines(pending)
                pending.clear()

        timer = self.set_interval(0.1, flush)
        proc = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )

        async def pump(reader: asyncio.StreamReader, mark: str) -> None:
            rest = b""
            while chunk := await reader.read(1 << 16):
                *done, rest = (rest + chunk).split(b"\n")
                pending.extend(mark + line.decode("utf-8", "replace") for line in done)

        assert proc.stdout is not None and proc.stderr is not None
        await asyncio.gather(pump(proc.stdout, ""), pump(proc.stderr, "┃ "), proc.wait())
        timer.stop()
        pending.append(f"── exit {proc.returncode}")
        flush()


async def baseline_stream(lines: int) -> Samples:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tofu, stamp = write_fake_tofu(folder, generated_plan(CHANGES), lines)
        app = BareStream()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            log = app.query_one(Log)
            log.focus()
            finished: list[float] = []
            probes = Probes(app, log, lambda: bool(finished))
            await probes.idle()
            tasks = [asyncio.create_task(probes.lag()), asyncio.create_task(probes.press())]
            await app.stream([str(tofu), "plan", "-out", str(folder / "tfplan")])
            finished.append(time.perf_counter())
            await asyncio.gather(*tasks)
            total = finished[0] - stamp_of(stamp, "plan-start")
            return probes.samples("plan_stream_100k", lines, total)


def run(args: Namespace) -> Samples:
    side = wizard_stream if args.side == "wizard" else baseline_stream
    return asyncio.run(side(args.lines))


if __name__ == "__main__":
    parser = bench_arguments(__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--lines", type=int, default=100_000)
    side_main(run, parser)
