"""Process start to first screen painted, for `mocm-upgrade PREV CURR`.

Runs the installed command in a pseudo-terminal with MOCM_UPGRADE_EXIT_AFTER_FIRST_PAINT=1
(the app exits right after its first paint) and prints the median wall-clock time.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.release import make_pair

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
BIN = Path(sys.executable).parent / "mocm-upgrade"


def one_run(prev: Path, curr: Path) -> float:
    env = {**os.environ, "MOCM_UPGRADE_EXIT_AFTER_FIRST_PAINT": "1", "TERM": "xterm-256color"}
    start = time.time()
    child = pexpect.spawn(
        str(BIN), [str(prev), str(curr)], env=env, dimensions=(40, 120), timeout=30
    )
    child.expect(rb"first-paint-at (\d+\.\d+)")
    painted = float(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 0:
        raise SystemExit(f"mocm-upgrade exited {child.exitstatus}: {child.before!r}")
    return painted - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # A fresh pair per run: the first start on a release (a resumed one shows its step).
        pairs = [make_pair(Path(tmp, str(n))) for n in range(RUNS + 1)]
        one_run(*pairs[0])  # warm the OS file cache once
        times = sorted(one_run(*pair) for pair in pairs[1:])
    print(
        f"startup to first paint: median {statistics.median(times):.3f} s, "
        f"min {times[0]:.3f} s, max {times[-1]:.3f} s over {RUNS} runs (target ≤ 0.6 s)"
    )


if __name__ == "__main__":
    main()
