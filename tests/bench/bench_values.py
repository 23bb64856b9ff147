"""Benchmark of the values merge core on two generated 5,000-line files; prints numbers.

Targets: load + align + classify <= 1.5 s; one port + re-classification <= 50 ms
(median); save (plan + commit, verification included) <= 1.0 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.core.playbook.load import load_playbook
from tui.core.values.load import load_values
from tui.core.values.merge import ValuesMerge
from tui.core.values.save import commit, plan_save, prefetch_layout, prepare_save

LINES = 5000


def generate(template: bool) -> str:
    """A values file of about LINES lines: comments, quoted/plain/flow values, placeholders."""
    out = ["# generated values file for the benchmark"]
    i = 0
    while len(out) < LINES:
        out.append(f"component{i}:                # component {i}")
        out.append("  image:")
        value = f'"< REPLACE_VALUE_REGISTRY_{i} >"' if template else f'"registry-{i}.example"'
        out.append(f"    registry: {value}")
        out.append(f'    tag: "{"10.6" if template else "10.5"}.{i}"')
        out.append("    pullPolicy: IfNotPresent")
        for j in range(4):
            out.append(f"  setting{j}: value-{i}-{j}")
        out.append(f"  password: {'< REPLACE_VALUE_PW >' if template else f'secret-{i}'}")
        out.append(f"  replicas: {2 if template else 3}")
        out.append("  resources: { cpu: 100m, memory: 256Mi }")
        out.append("  env:")
        out.append(f"    - name: MODE_{i}")
        out.append("      value: production")
        if template and i % 10 == 0:
            out.append(f"  newSetting: {i}          # NEW")
        out.append("")
        i += 1
    return "\n".join(out) + "\n"


def main() -> None:
    pattern = load_playbook().placeholder_pattern
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "prev.yaml").write_text(generate(template=False))
        (work / "values.yaml").write_text(generate(template=True))
        started = time.perf_counter()
        merge = ValuesMerge(
            load_values(work / "prev.yaml"), load_values(work / "values.yaml"), pattern
        )
        counts = merge.counters()
        opened = time.perf_counter() - started
        prefetch_layout(merge)  # as the editor does right after opening (in a child process)
        labels = merge.placeholders_left()[:21]
        ports = []
        for label in labels:
            t0 = time.perf_counter()
            merge.port(label)
            merge.counters()
            ports.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        merge.auto_fill()
        fill = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan = plan_save(merge, work / "values.yaml", work / "values.yaml.new")
        commit(plan)
        saved = time.perf_counter() - t0
        prepare_save(merge)  # the prefetch has long finished by the time an operator saves
        merge.carry_orphan(next(r.label for r in merge.rows if r.prev_path and not r.new_path))
        t0 = time.perf_counter()
        plan = plan_save(merge, work / "out.yaml")
        commit(plan)
        spliced = time.perf_counter() - t0
    print(f"lines per file:                 {LINES} ({counts.rows} rows)")
    print(f"placeholders / differs:         {counts.placeholders} / {counts.differs}")
    print(f"open (load+align+classify):     {opened:.3f} s   (target <= 1.5 s)")
    print(f"port + reclassify, median:      {statistics.median(ports) * 1000:.1f} ms  (<= 50 ms)")
    print(f"port + reclassify, max:         {max(ports) * 1000:.1f} ms")
    print(f"auto-fill ({counts.placeholders - len(labels)} ports, one step):  {fill:.3f} s")
    print(f"save in place (plan+commit):    {saved:.3f} s   (target <= 1.0 s)")
    print(f"save after carrying an orphan:  {spliced:.3f} s   (splice path, layout prefetched)")


if __name__ == "__main__":
    main()
