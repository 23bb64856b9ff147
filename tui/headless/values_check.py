"""`mocm-upgrade values-check VALUES [--previous PREV] [--json]`.

Lists the placeholders left in a values file (key paths; comments do not count) and,
with ``--previous``, new keys, orphans, the previous values an open map of the new
file takes (values-merge carries them) and keys whose previous value differs.
Exit 0: no placeholder left; 3: some left; 1: unreadable or malformed input.
Only key paths are printed, never values, so no secret can leak; key paths are
escaped (a values file may hold control characters). Labels are the ones
values-merge prints.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from tui.core.errors import MocmError
from tui.core.playbook.load import load_playbook
from tui.core.printable import printable
from tui.core.values.alignment import (
    Aligner,
    Presence,
    Row,
    RowStatus,
    labels_with,
    open_map_labels,
    orphan_labels,
    topmost_labels,
)
from tui.core.values.load import load_values
from tui.headless.failure import report_failure

EXIT_CLEAN, EXIT_ERROR, EXIT_PLACEHOLDERS = 0, 1, 3

TITLES = {
    "placeholders": "placeholders left",
    "new_keys": "new keys (not in the previous values)",
    "orphans": "orphans (the new file's map has no such key; Helm would ignore them)",
    "open_map": "carried into an open map (the new file leaves the map open: values-merge "
    "carries them)",
    "differs": "differ from the previous values",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("values", type=Path, help="the values.yaml to check")
    parser.add_argument("--previous", type=Path, help="the previous release's values.yaml")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    try:
        pattern = load_playbook().placeholder_pattern
        # Only keys, values and line numbers are needed: comments are not read.
        new = load_values(args.values, comments=False)
        prev = load_values(args.previous, comments=False) if args.previous is not None else None
    except MocmError as exc:
        return report_failure("values-check", exc)
    rows = Aligner(re.compile(pattern)).run(prev.data if prev else CommentedMap(), new.data)
    report = {
        "placeholders": labels_with(rows, RowStatus.PLACEHOLDER),
        "new_keys": topmost_labels(rows, Presence.NEW_ONLY) if prev else [],
        "orphans": orphan_labels(rows) if prev else [],
        "open_map": open_map_labels(rows) if prev else [],
        "differs": labels_with(rows, RowStatus.DIFFERS) if prev else [],
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=True))
    else:
        print("\n".join(_human(report, rows, prev is not None)))
    return EXIT_PLACEHOLDERS if report["placeholders"] else EXIT_CLEAN


def _human(report: dict[str, list[str]], rows: list[Row], with_previous: bool) -> list[str]:
    lines_of = {r.label: r for r in rows}
    out: list[str] = []
    for key, title in TITLES.items():
        if key != "placeholders" and not with_previous:
            continue
        out.append(f"{title}: {len(report[key])}")
        for label in report[key]:
            row = lines_of[label]
            line = row.new_line if row.new_line is not None else row.prev_line
            where = f" (line {line})" if line is not None else ""
            out.append(printable(f"  {label}{where}"))
    return out
