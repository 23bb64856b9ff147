"""Benchmark: kill -9 at random instants during atomic writes and lock takes; count the damage.

Usage: python tests/bench/bench_atomic_kill.py [--kills 200] [--seed 14]

Part 1: a child rewrites ``values.yaml`` in a loop (atomic_write, 300 kB then 200 kB);
it is SIGKILLed after a random number of whole writes plus a random delay, ``--kills``
times. After each kill the file must be exactly one of the two contents (never torn).
Part 2: a child takes and releases the release lock in a loop, killed the same way;
``lock.json`` must be absent or a whole owner record.
Then ``remove_stale_temp_files`` (what the App calls on start) runs on both folders:
the temp files left before and after it are counted. Target (issue 14): no torn file,
no temp file left after the cleanup.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.core.files import remove_stale_temp_files  # noqa: E402

BLOCKS = (b"password: A\n" * 25_000, b"password: B\n" * 16_000)
WRITER = """
import sys
from pathlib import Path
from tui.core.files import atomic_write
target = Path(sys.argv[1])
blocks = (b"password: A\\n" * 25_000, b"password: B\\n" * 16_000)
n = 0
while True:
    atomic_write(target, blocks[n % 2])
    n += 1
    print(n, flush=True)
"""
LOCKER = """
import sys
from pathlib import Path
from tui.core.journal.lock import ReleaseLock
from tui.core.journal.writer import Workspace
workspace = Workspace(Path(sys.argv[1]))
n = 0
while True:
    with ReleaseLock(workspace):
        n += 1
    print(n, flush=True)
"""


def kill_at_random(code: str, arg: Path, rng: random.Random) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(arg)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    for _ in range(rng.randint(0, 3)):
        if not child.stdout.readline():
            raise SystemExit(f"the child died on its own (exit {child.wait()})")
    time.sleep(rng.uniform(0.0, 0.004))  # a random instant inside the next operation
    child.kill()
    child.wait()
    child.stdout.close()


def temp_files(directory: Path, keep: set[str]) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name not in keep)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "mocm"
        folder.mkdir()
        target = folder / "values.yaml"
        target.write_bytes(BLOCKS[0])
        torn = 0
        started = time.monotonic()
        for _ in range(args.kills):
            kill_at_random(WRITER, target, rng)
            torn += target.read_bytes() not in BLOCKS
        write_s = time.monotonic() - started
        left_writes = temp_files(folder, {"values.yaml"})

        release = Path(tmp) / "release"
        release.mkdir()
        torn_locks = 0
        for _ in range(args.kills):
            kill_at_random(LOCKER, release, rng)
            lock = release / ".mocm-upgrade" / "lock.json"
            if lock.exists():
                try:
                    json.loads(lock.read_text())
                except ValueError:
                    torn_locks += 1
        work = release / ".mocm-upgrade"
        left_locks = temp_files(work, {"lock.json", "transcripts"})

        removed = remove_stale_temp_files([folder, work])
        after = temp_files(folder, {"values.yaml"}) + temp_files(work, {"lock.json", "transcripts"})
        mode = oct(target.stat().st_mode & 0o777)
    print(
        f"atomic writes: {args.kills} kills in {write_s:.1f} s, torn files {torn}, "
        f"temp files left {len(left_writes)}, values.yaml mode {mode}"
    )
    print(
        f"release lock: {args.kills} kills, torn lock files {torn_locks}, "
        f"temp files left {len(left_locks)}"
    )
    print(f"cleanup removed {len(removed)}; temp files left after it: {len(after)}")
    if torn or torn_locks or after:
        raise SystemExit("FAILED: a torn file or a temp file survived the cleanup")


if __name__ == "__main__":
    main()
