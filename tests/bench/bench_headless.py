"""Benchmark: the headless commands against the bare work they stand on, as processes.

Usage: python tests/bench/bench_headless.py [--repeat 7] [--only NAME ...]

Each line reads ``NAME tool=… baseline=… ratio=…``: wall-clock seconds, best of N, the
tool and its baseline run alternately in this one run so that a busy machine slows
both; then the same for CPU time (user + system of the process and its children),
which a machine shared by other work disturbs far less:

* ``plan-review-100k`` / ``plan-review-10m``: ``mocm-upgrade plan-review --json`` on a
  ~100 KB and a ~10 MB plan against a process that only ``json.load``\\ s it
  (targets ≤ 3× and ≤ 1.5×);
* ``values-merge-6000``: ``values-merge`` of kube-prometheus-stack 87.10.1 (with the
  corpus' operator edits) into 87.11.0, about 6,000 lines each, against a process that
  only round-trips the template through ruamel.yaml (target ≤ 1.3×);
* ``values-check-start`` / ``stage4-check-start``: a trivial run — values-check of a
  three-line file; stage4-check up to its one-line refusal of a missing release
  directory, everything before the first AWS call — against ``python -c pass``
  (target: within 0.15 s; ``ratio`` here is the difference in seconds).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.plan_generator import write_plan  # noqa: E402
from tests.support.values import operator_values  # noqa: E402

PYTHON = sys.executable
ENTRY = Path(PYTHON).with_name("mocm-upgrade")  # the installed command, as operators run it
TOOL = [str(ENTRY)] if ENTRY.exists() else [PYTHON, "-m", "tui.cli"]
CHARTS = ROOT / "tests" / "data" / "realworld" / "charts" / "kube-prometheus-stack"
JSON_LOAD = "import json, sys\nwith open(sys.argv[1], 'rb') as f: json.load(f)"
RUAMEL_ROUND_TRIP = (
    "import sys\n"
    "from ruamel.yaml import YAML\n"
    "yaml = YAML(typ='rt')\n"
    "yaml.preserve_quotes = True\n"
    "with open(sys.argv[1], encoding='utf-8') as f: data = yaml.load(f)\n"
    "with open(sys.argv[2], 'w', encoding='utf-8') as f: yaml.dump(data, f)\n"
)


Timing = tuple[float, float]  # (wall seconds, CPU seconds)


def timed(argv: Sequence[str], expect: Sequence[int] = (0,)) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, check=False, cwd=ROOT)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in expect:
        raise SystemExit(f"{argv[:4]} exited {result.returncode}: {result.stderr.decode()[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def best(timings: list[Timing]) -> Timing:
    return min(t[0] for t in timings), min(t[1] for t in timings)


def best_pair(
    repeat: int, tool: Sequence[str], baseline: Sequence[str], expect: Sequence[int] = (0,)
) -> tuple[Timing, Timing]:
    """Best of ``repeat`` runs of each, alternating so both see the same machine."""
    tools, bases = [], []
    timed(tool, expect)  # warm the file cache and the byte-code of both
    timed(baseline)
    for _ in range(repeat):
        tools.append(timed(tool, expect))
        bases.append(timed(baseline))
    return best(tools), best(bases)


def report(name: str, tool: Timing, baseline: Timing, difference: bool = False) -> None:
    def ratio(a: float, b: float) -> str:
        return f"{a - b:+.3f}s" if difference else f"{a / b:.2f}x"

    wall = f"tool={tool[0]:.3f}s baseline={baseline[0]:.3f}s ratio={ratio(tool[0], baseline[0])}"
    cpu = f"tool={tool[1]:.3f}s baseline={baseline[1]:.3f}s ratio={ratio(tool[1], baseline[1])}"
    print(f"{name} {wall} (cpu: {cpu})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    args = parser.parse_args()
    repeat = args.repeat

    def wanted(name: str) -> bool:
        return not args.only or name in args.only

    # Byte-code as an installed package has it (pip compiles at install); without it
    # every run would compile the sources again (PYTHONDONTWRITEBYTECODE, a fresh tree).
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "tui")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, changes in (("plan-review-100k", 24), ("plan-review-10m", 2_400)):
            if not wanted(name):
                continue
            plan = write_plan(work / f"{name}.json", changes)
            tool = [*TOOL, "plan-review", str(plan), "--json"]
            size = plan.stat().st_size / 1e6
            print(f"# {name}: {changes} resource changes, {size:.2f} MB", flush=True)
            report(name, *best_pair(repeat, tool, [PYTHON, "-c", JSON_LOAD, str(plan)], (0, 3)))

        if wanted("values-merge-6000"):
            values_merge(work, repeat)
        small = work / "small.yaml"
        small.write_text("replicas: 2\nimage:\n  tag: 1.2.3\n", encoding="utf-8")
        bare = [PYTHON, "-c", "pass"]
        if wanted("values-check-start"):
            check = [*TOOL, "values-check", str(small)]
            report("values-check-start", *best_pair(repeat, check, bare), difference=True)
        if wanted("stage4-check-start"):
            stage4 = [*TOOL, "stage4-check", "--release-dir", str(work / "no-such-release")]
            report("stage4-check-start", *best_pair(repeat, stage4, bare, (1,)), difference=True)
    return 0


def values_merge(work: Path, repeat: int) -> None:
    """The merge writes its output: each run starts from no output and no backup."""
    previous = operator_values(
        CHARTS / "values-87.10.1.yaml", CHARTS / "operator-edits.yaml", work / "prev.yaml"
    )
    template = CHARTS / "values-87.11.0.yaml"
    out = work / "merged.yaml"
    merge = [*TOOL, "values-merge", "--previous", str(previous), "--template", str(template)]
    round_trip = [PYTHON, "-c", RUAMEL_ROUND_TRIP, str(template), str(work / "rt.yaml")]
    lines = len(template.read_text().splitlines()), len(previous.read_text().splitlines())
    print(f"# values-merge-6000: {lines[1]} + {lines[0]} lines", flush=True)
    tools, bases = [], []
    for _ in range(repeat + 1):
        for stale in (out, *work.glob("merged.yaml.bak*")):
            stale.unlink(missing_ok=True)
        tools.append(timed([*merge, "--out", str(out)]))
        bases.append(timed(round_trip))
    report("values-merge-6000", best(tools[1:]), best(bases[1:]))


if __name__ == "__main__":
    sys.exit(main())
