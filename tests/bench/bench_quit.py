"""Ctrl+Q to process gone: `mocm-upgrade demo` against a bare Textual app, in the same run.

Both run in a pseudo-terminal (120x40). The bare app (Header, Static, Footer) quits
on Ctrl+Q once painted. The demo wizard quits on Ctrl+Q once its AWS world is up
(the "AWS world …" notification), and again right after its first paint, while the
world is still being replayed or seeded; its time ends when the process has exited
and nothing started for the world (the endpoint, stand-ins) runs any more.

Prints: quit wizard=<median s> baseline=<median s> ratio=<wizard/baseline>
and the mid-startup figure. Target (issue 11): wizard <= 0.5 s.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.sandbox import world_processes

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
BIN = Path(sys.executable).parent / "mocm-upgrade"
BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare app ready")
        yield Footer()


Bare().run()
"""


def terminal_env() -> dict[str, str]:
    return {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}


def quit_and_wait(child: pexpect.spawn) -> float:
    """Ctrl+Q, then wait until the process has exited; the moment Ctrl+Q was sent."""
    started = time.perf_counter()
    child.sendcontrol("q")
    child.expect(pexpect.EOF, timeout=60)
    child.wait()
    return started


def bare_quit(script: Path) -> float:
    child = pexpect.spawn(
        sys.executable, [str(script)], env=terminal_env(), dimensions=(40, 120), timeout=60
    )
    child.expect("bare app ready")
    started = quit_and_wait(child)
    return time.perf_counter() - started


def endpoint_port(world: Path) -> int:
    match = re.search(
        r'AWS_ENDPOINT_URL="http://127\.0\.0\.1:(\d+)"', (world / "env.sh").read_text()
    )
    if match is None:
        raise SystemExit(f"{world}/env.sh names no endpoint")
    return int(match.group(1))


def wizard_quit(world: Path, *, when_ready: bool) -> float:
    child = pexpect.spawn(
        str(BIN), ["demo", "--dir", str(world)], env=terminal_env(), dimensions=(40, 120)
    )
    child.expect("10.6.2605", timeout=120)
    if when_ready:
        child.expect(r"AWS\s+world", timeout=300)
    started = quit_and_wait(child)
    port = endpoint_port(world)
    while world_processes(world, port):
        if time.perf_counter() - started > 30:
            raise SystemExit(f"still running after the wizard: {world_processes(world, port)}")
        time.sleep(0.005)  # polling interval
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-quit-") as tmp:
        script = Path(tmp) / "bare.py"
        script.write_text(BARE_APP)
        world = Path(tmp) / "world"
        bare_quit(script)  # warm-up: page cache, .pyc files
        wizard_quit(world, when_ready=True)  # builds and seeds the world once
        baseline = [bare_quit(script) for _ in range(RUNS)]
        ready = [wizard_quit(world, when_ready=True) for _ in range(RUNS)]
        starting = [wizard_quit(world, when_ready=False) for _ in range(RUNS)]
    wizard, bare = statistics.median(ready), statistics.median(baseline)
    print(f"quit wizard={wizard:.3f}s baseline={bare:.3f}s ratio={wizard / bare:.2f}")
    print(
        f"  wizard (AWS world up) {RUNS} runs: min {min(ready):.3f} s, max {max(ready):.3f} s; "
        f"bare app: min {min(baseline):.3f} s, max {max(baseline):.3f} s"
    )
    print(
        f"  wizard quit right after first paint (replaying): median "
        f"{statistics.median(starting):.3f} s, max {max(starting):.3f} s"
    )


if __name__ == "__main__":
    main()
