"""Text helmfile prints: summary tables, helm's upgrade output, the exit-error block (§5.2)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from tui.sandbox import helm_store as store
from tui.sandbox.helm_chart import Release


def go_duration(seconds: float) -> str:
    """``time.Duration.Round(time.Second).String()``: ``12s``, ``2m41s``, ``1h0m5s``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


def summary_table(rows: list[tuple[str, str, str, str, str]]) -> list[str]:
    """go-prettytable: 3-space separator, last column (DURATION) right-aligned."""
    table = [("NAME", "NAMESPACE", "CHART", "VERSION", "DURATION"), *rows]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    widths[1] = max(widths[1], 6)
    widths[2] = max(widths[2], 6)
    widths[3] = max(widths[3], 6)
    return [
        "   ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4]))
        + "   "
        + row[4].rjust(widths[4])
        for row in table
    ]


def summary(title: str, rows: list[tuple[str, str, str, str, str]], style: str) -> list[str]:
    """``\\nUPDATED RELEASES:`` + table (≤1.6) or a centred divider + table (1.7)."""
    table = summary_table(rows)
    if style == "1.7":
        label = f" {title.title()} "
        width = max(len(table[0]), len(label) + 2)
        left = (width - len(label)) // 2
        heading = "=" * left + label + "=" * (width - len(label) - left)
    else:
        heading = f"{title.upper()}:"
    return ["", heading, *table, ""]


def upgrade_output(release: Release, rev: dict[str, object], first_install: bool) -> list[str]:
    """helm upgrade --install's report and helmfile's `helm list` line."""
    updated = int(str(rev["updated_ns"]))
    lines = [
        f'Release "{release.name}" does not exist. Installing it now.'
        if first_install
        else f'Release "{release.name}" has been upgraded. Happy Helming!',
        f"NAME: {release.name}",
        f"LAST DEPLOYED: {store.ansic(updated)}",
        f"NAMESPACE: {release.namespace}",
        f"STATUS: {rev['status']}",
        f"REVISION: {rev['revision']}",
        "TEST SUITE: None",
        "",
        f"Listing releases matching ^{release.name}$",
    ]
    header = ["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]
    row = [
        release.name,
        release.namespace,
        str(rev["revision"]),
        store.go_time_string(updated),
        str(rev["status"]),
        str(rev["chart"]),
        str(rev["app_version"]),
    ]
    # helm list pads every cell to its column, the (unprinted) header included
    cells = [cell.ljust(max(len(cell), len(head))) for cell, head in zip(row, header, strict=True)]
    return [*lines, "\t".join(cells), ""]


def exit_error(helmfile_arg: str, release: Release, helm_args: list[str], error: str) -> list[str]:
    """pkg/helmexec/exit_error.go's block for a failed helm call."""
    helm = shutil.which("helm") or "helm"
    where = helmfile_arg if helmfile_arg.startswith(("/", ".")) else f"./{helmfile_arg}"
    argv = ["helm", *helm_args]
    lines = [
        f"in {where}: failed processing release {release.name}: "
        f'command "{helm}" exited with non-zero status:',
        "",
        "PATH:",
        f"  {helm}",
        "",
        "ARGS:",
    ]
    lines += [f"  {i}: {arg} ({len(arg.encode())} bytes)" for i, arg in enumerate(argv)]
    lines += ["", "ERROR:", "  exit status 1", "", "EXIT STATUS", "  1", "", "STDERR:"]
    lines += [f"  {line}" for line in error.splitlines()]
    lines += ["", "COMBINED OUTPUT:"]
    lines += [f"  {line}" for line in error.splitlines()]
    return lines


def upgrade_args(release: Release, wait: bool, timeout: int, history_max: int) -> list[str]:
    """The ``helm upgrade --install`` arguments helmfile builds for a release."""
    args = ["upgrade", "--install", release.name, release.chart_ref]
    if wait:
        args.append("--wait")
    args += ["--timeout", f"{timeout}s", "--namespace", release.namespace]
    tmp = f"/tmp/helmfile{random.randrange(10**9, 10**10)}"
    for _ in release.values_files:
        suffix = f"{random.randrange(16**9):09x}"
        args += ["--values", str(Path(tmp) / f"{release.namespace}-{release.name}-values-{suffix}")]
    return [*args, "--reset-values", "--history-max", str(history_max)]
