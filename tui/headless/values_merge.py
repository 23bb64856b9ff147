"""`mocm-upgrade values-merge --previous PREV --template TEMPLATE --out OUT [--image-tag TAG]`.

Auto-fills the template's placeholders from the previous values into OUT, keeping the
template's comments and layout; new keys keep the template's values. Orphans and keys
whose previous value differs from the template's are reported on stderr (secrets
masked) and not carried. Exit 0: no placeholder left in OUT; 3: some left; 1: error.
PREV and TEMPLATE are never written; an existing OUT is kept as OUT.bak first.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.playbook.load import load_playbook
from tui.core.values.alignment import Presence, RowStatus
from tui.core.values.load import load_values
from tui.core.values.merge import ValuesMerge
from tui.core.values.save import commit, plan_save

EXIT_CLEAN, EXIT_ERROR, EXIT_PLACEHOLDERS = 0, 1, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--previous", type=Path, required=True, help="previous values.yaml")
    parser.add_argument("--template", type=Path, required=True, help="new values template")
    parser.add_argument("--out", type=Path, required=True, help="where to write the merge")
    parser.add_argument("--image-tag", help="set the image tag (key from the playbook)")


def run(args: argparse.Namespace) -> int:
    try:
        return _merge(args)
    except MocmError as exc:
        print(f"values-merge: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _merge(args: argparse.Namespace) -> int:
    out: Path = args.out
    for name, other in (("--previous", args.previous), ("--template", args.template)):
        if _same_file(out, other):
            message = f"values-merge: --out {out} is the {name} file; refusing to write over it"
            print(message, file=sys.stderr)
            return EXIT_ERROR
    playbook = load_playbook()
    pattern = re.compile(playbook.placeholder_pattern)
    merge = ValuesMerge(load_values(args.previous), load_values(args.template), pattern.pattern)
    filled = len(merge.auto_fill_preview())
    if filled:
        merge.auto_fill()
    if args.image_tag:
        merge.set_image_tag(playbook.image_tag_key, args.image_tag)
    err = sys.stderr
    print(f"values-merge: filled {filled} placeholder(s) from {args.previous}", file=err)
    for row in merge.rows:
        if row.presence == Presence.PREV_ONLY and row.topmost:
            print(f"  orphan, not carried: {row.label} = {row.prev_shown(pattern)}", file=err)
    for row in merge.rows:
        if row.status == RowStatus.DIFFERS:
            print(
                f"  differs, template kept: {row.label}: previous {row.prev_shown(pattern)}"
                f" -> template {row.new_shown(pattern)}",
                file=err,
            )
    left = merge.placeholders_left()
    reason = f"values-merge: {len(left)} placeholder(s) left for the operator" if left else None
    plan = plan_save(merge, out, None, override_reason=reason)
    result = commit(plan)
    if result.destination_backup is not None:
        print(f"  kept the previous {out} as {result.destination_backup}", file=err)
    for label in left:
        print(f"  placeholder left: {label}", file=err)
    print(f"values-merge: wrote {out} ({plan.changed_lines} line(s) changed)", file=err)
    return EXIT_PLACEHOLDERS if left else EXIT_CLEAN


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False
