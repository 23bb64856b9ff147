"""`mocm-upgrade values-merge --previous PREV --template TEMPLATE --out OUT [--image-tag TAG]`.

Auto-fills the template's placeholders from the previous values into OUT, keeping the
template's comments and layout (values carried from PREV come without PREV's comments);
new keys keep the template's values. The previous values under an open map of the
template (``resources: {}``) are carried. Orphans (keys a closed map of the template
no longer has) and keys whose previous value differs from the template's are
reported on stderr (secrets masked) and not carried.
Exit 0: no placeholder left in OUT; 3: some left; 1: error (one line on stderr).
PREV and TEMPLATE are never written; an existing OUT is kept as OUT.bak first; an OUT
that is not a regular file or a new path is refused.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import os
import re
import sys
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.playbook.load import load_playbook
from tui.core.printable import printable
from tui.core.values.alignment import Row, RowStatus
from tui.core.values.doc import get_node
from tui.core.values.load import load_values
from tui.core.values.merge import ValuesMerge
from tui.core.values.save import SaveRefused, check_destination, commit, plan_save
from tui.headless.failure import report_failure

EXIT_CLEAN, EXIT_ERROR, EXIT_PLACEHOLDERS = 0, 1, 3
PROG = "values-merge"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--previous", type=Path, required=True, help="previous values.yaml")
    parser.add_argument("--template", type=Path, required=True, help="new values template")
    parser.add_argument("--out", type=Path, required=True, help="where to write the merge")
    parser.add_argument("--image-tag", help="set the image tag (key from the playbook)")


def run(args: argparse.Namespace) -> int:
    try:
        return _merge(args)
    except MocmError as exc:
        return report_failure(PROG, exc)


def _merge(args: argparse.Namespace) -> int:
    out: Path = args.out
    check_destination(out)
    for name, other in (("--previous", args.previous), ("--template", args.template)):
        if _same_file(out, other):
            raise SaveRefused(f"--out {out} is the {name} file; refusing to write over it")
    playbook = load_playbook()
    pattern = re.compile(playbook.placeholder_pattern)
    # The previous file is read for its values only: its comments are not needed.
    previous = load_values(args.previous, comments=False)
    template = load_values(args.template)
    # Both trees live until the command ends: the collector need not walk them again (a
    # full collection of two 6,000-line trees costs ~15 ms, and frees nothing here).
    gc.freeze()
    merge = ValuesMerge(previous, template, pattern.pattern)
    filled = len(merge.auto_fill_preview()) - len(merge.carryable())
    orphans = [r for r in merge.rows if r.status == RowStatus.ORPHAN and r.topmost]
    differs = [r for r in merge.rows if r.status == RowStatus.DIFFERS]
    carried = [r.label for r in merge.carryable()]
    if merge.auto_fill_preview():
        merge.auto_fill()
    if args.image_tag:
        merge.set_image_tag(playbook.image_tag_key, args.image_tag)
    lines = [f"{PROG}: filled {filled} placeholder(s) from {args.previous}"]
    lines += [f"  carried into an open map: {label}" for label in carried]
    lines += [f"  orphan, not carried: {row.label} = {row.prev_shown(pattern)}" for row in orphans]
    for row in differs:
        lines += _differs(merge, row, pattern)
    left = merge.placeholders_left()
    reason = f"{PROG}: {len(left)} placeholder(s) left for the operator" if left else None
    plan = plan_save(merge, out, None, override_reason=reason)
    result = commit(plan)
    if result.destination_backup is not None:
        lines.append(f"  kept the previous {out} as {result.destination_backup}")
    lines += [f"  placeholder left: {label}" for label in left]
    lines.append(f"{PROG}: wrote {out} ({plan.changed_lines} line(s) changed)")
    print("\n".join(printable(line) for line in lines), file=sys.stderr)
    return EXIT_PLACEHOLDERS if left else EXIT_CLEAN


def _differs(merge: ValuesMerge, row: Row, pattern: re.Pattern[str]) -> list[str]:
    """A differing value on one line; two multi-line texts as a line diff (never a secret)."""
    head = f"  differs, template kept: {row.label}:"
    before = get_node(merge.previous.data, row.prev_path) if row.prev_path else None
    after = get_node(merge.working, row.new_path) if row.new_path else None
    multi_line = isinstance(before, str) and isinstance(after, str) and "\n" in before + after
    if row.secret or not multi_line:
        return [f"{head} previous {row.prev_shown(pattern)} -> template {row.new_shown(pattern)}"]
    diff = difflib.unified_diff(
        str(before).splitlines(), str(after).splitlines(), "previous", "template", lineterm="", n=1
    )
    return [head, *(f"      {line}" for line in diff)]


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return False
