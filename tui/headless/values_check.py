"""`mocm-upgrade values-check VALUES [--previous PREV] [--json]`.

Lists the placeholders left in a values file (key paths; comments do not count) and,
with ``--previous``, new keys, orphans and keys whose previous value differs.
Exit 0: no placeholder left; 3: some left; 1: unreadable or malformed input.
Only key paths are printed, never values, so no secret can leak.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from tui.core.errors import MocmError
from tui.core.playbook.load import load_playbook
from tui.core.values.alignment import Aligner, Presence, Row, RowStatus
from tui.core.values.load import load_values

EXIT_CLEAN, EXIT_ERROR, EXIT_PLACEHOLDERS = 0, 1, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("values", type=Path, help="the values.yaml to check")
    parser.add_argument("--previous", type=Path, help="the previous release's values.yaml")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    try:
        pattern = load_playbook().placeholder_pattern
        new = load_values(args.values)
        prev = load_values(args.previous) if args.previous is not None else None
    except MocmError as exc:
        print(f"values-check: {exc}", file=sys.stderr)
        return EXIT_ERROR
    rows = Aligner(re.compile(pattern)).run(prev.data if prev else CommentedMap(), new.data)
    report = {
        "placeholders": [r.label for r in rows if r.status == RowStatus.PLACEHOLDER],
        "new_keys": _topmost(rows, Presence.NEW_ONLY) if prev else [],
        "orphans": _topmost(rows, Presence.PREV_ONLY) if prev else [],
        "differs": [r.label for r in rows if r.status == RowStatus.DIFFERS] if prev else [],
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_human(report, rows, prev is not None)
    return EXIT_PLACEHOLDERS if report["placeholders"] else EXIT_CLEAN


def _topmost(rows: list[Row], presence: Presence) -> list[str]:
    return [r.label for r in rows if r.presence == presence and r.topmost]


def _print_human(report: dict[str, list[str]], rows: list[Row], with_previous: bool) -> None:
    lines = {r.label: r for r in rows}
    titles = {
        "placeholders": "placeholders left",
        "new_keys": "new keys (not in the previous values)",
        "orphans": "orphans (in the previous values only; Helm would ignore them)",
        "differs": "differ from the previous values",
    }
    for key, title in titles.items():
        if key != "placeholders" and not with_previous:
            continue
        print(f"{title}: {len(report[key])}")
        for label in report[key]:
            row = lines[label]
            line = row.new_line if row.new_line is not None else row.prev_line
            where = f" (line {line})" if line is not None else ""
            print(f"  {label}{where}")
