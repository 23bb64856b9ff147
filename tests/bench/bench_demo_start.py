"""`mocm-upgrade demo` start to first screen painted, building the world included.

Each run builds a new world in a fresh folder and runs the installed command in a
pseudo-terminal with MOCM_UPGRADE_EXIT_AFTER_FIRST_PAINT=1 (the app prints
`first-paint-at <epoch>` and exits right after its first paint). Prints the
median, min and max wall-clock seconds. Target: median <= 1.0 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

RUNS = int(os.environ.get("BENCH_RUNS", "11"))
BIN = Path(sys.executable).parent / "mocm-upgrade"


def one_run(folder: Path) -> float:
    env = {**os.environ, "MOCM_UPGRADE_EXIT_AFTER_FIRST_PAINT": "1", "TERM": "xterm-256color"}
    start = time.time()
    child = pexpect.spawn(
        str(BIN), ["demo", "--dir", str(folder)], env=env, dimensions=(40, 120), timeout=60
    )
    child.expect(rb"first-paint-at (\d+\.\d+)")
    painted = float(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 0:
        raise SystemExit(f"mocm-upgrade demo exited {child.exitstatus}: {child.before!r}")
    if not (folder / "releases").is_dir():
        raise SystemExit(f"no world was built in {folder}")
    return painted - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        one_run(Path(tmp) / "warm-up")  # page cache and .pyc files
        times = [one_run(Path(tmp) / f"world-{n}") for n in range(RUNS)]
    print(
        f"mocm-upgrade demo -> first paint (world build included), {RUNS} runs: "
        f"median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s"
    )


if __name__ == "__main__":
    main()
