"""First paint of `mocm-upgrade PREV CURR` against a bare Textual app, measured the same way.

Both run in a detached tmux session at 120×40 (a real terminal). The clock starts just
before tmux starts the program and stops when the screen, read with `capture-pane`,
shows both builds ("build 10.5.2603" and "build 10.6.2605"): the wizard's Releases
step, and a bare app (Header, a Static with the same two lines, Footer). Runs alternate
between the two so that a busy machine slows both alike; the medians are compared.

Prints `first-paint wizard=<s> baseline=<s> ratio=<wizard/baseline>` (target ratio ≤ 1.5).
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.bare_textual_app import BUILDS
from tests.support.release import make_pair

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
WIZARD = Path(sys.executable).parent / "mocm-upgrade"
SOCKET = ["-L", f"mocm-bench-{os.getpid()}"]  # a private tmux server for this run
BOUND_S = 120.0  # a run that shows nothing by then has failed, not been slow
BARE_APP = Path(__file__).with_name("bare_textual_app.py")


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *SOCKET, *args], capture_output=True, text=True, check=False)


def first_paint(argv: list[str], cwd: Path) -> float:
    """Seconds from starting ``argv`` in a 120×40 terminal to both builds on its screen."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    env = f"env TERM=xterm-256color COLORTERM=truecolor HOME={shlex.quote(str(cwd))}"
    command = f"cd {shlex.quote(str(cwd))} && exec {env} {shlex.join(argv)}"
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
    try:
        while True:
            shown = tmux("capture-pane", "-p", "-t", name)
            if shown.returncode != 0:
                raise SystemExit(f"{argv[0]} ended before its first paint: {shown.stderr.strip()}")
            screen = shown.stdout
            if all(build in screen for build in BUILDS):
                return time.perf_counter() - started
            if time.perf_counter() - started > BOUND_S:
                raise SystemExit(f"{argv[0]}: no builds on screen after {BOUND_S:.0f} s:\n{screen}")
            time.sleep(0.005)  # the polling interval of the screen reader
    finally:
        tmux("kill-session", "-t", name)


def main() -> None:
    # One idle session keeps the private server up between runs (a server whose last
    # session ends exits, and may take the next run's new session down with it).
    tmux("new-session", "-d", "-s", "keeper", "-x", "120", "-y", "40", "sleep 86400")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
            root = Path(tmp)
            # A fresh pair per run: the first start on a release (a resumed one shows its step).
            pairs = [make_pair(root / str(n)) for n in range(RUNS + 1)]
            bare = [sys.executable, str(BARE_APP)]
            first_paint([str(WIZARD), *map(str, pairs[0])], root)  # warm the file cache
            first_paint(bare, root)
            wizard_s, baseline_s = [], []
            for prev, curr in pairs[1:]:
                wizard_s.append(first_paint([str(WIZARD), str(prev), str(curr)], root))
                baseline_s.append(first_paint(bare, root))
    finally:
        tmux("kill-server")
    wizard, baseline = statistics.median(wizard_s), statistics.median(baseline_s)
    print(
        f"first-paint wizard={wizard:.3f} baseline={baseline:.3f} ratio={wizard / baseline:.2f}"
        f" (medians of {RUNS} runs each, tmux 120x40; target ratio <= 1.5)"
    )


if __name__ == "__main__":
    main()
