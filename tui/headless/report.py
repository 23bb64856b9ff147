"""`mocm-upgrade report`: write the Markdown change record of a release's journal."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.files import SECRET_FILE, atomic_write
from tui.core.journal.reader import read_journal
from tui.core.journal.report import change_record
from tui.core.journal.resume import fold
from tui.core.journal.writer import Workspace, utc_now
from tui.core.secrets.redact import Redactor
from tui.core.steps import STEP_IDS, STEPS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--release",
        type=Path,
        default=None,
        help="current release directory holding .mocm-upgrade/ (default: the working directory)",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="file to write (default: <release>/.mocm-upgrade/change-record-<UTC time>.md; "
        "'-' for standard output)",
    )


def run(args: argparse.Namespace) -> int:
    release: Path = args.release if args.release is not None else Path.cwd()
    if not release.is_dir():
        what = "is not a directory" if release.exists() else "does not exist (moved or deleted?)"
        print(f"mocm-upgrade report: {release}: the release directory {what}.", file=sys.stderr)
        return 1
    workspace = Workspace(release)
    try:
        read = read_journal(workspace.journal_path)
    except MocmError as exc:
        print(f"mocm-upgrade report: {exc}", file=sys.stderr)
        return 1
    for warning in read.warnings:
        print(f"mocm-upgrade report: warning: {warning}", file=sys.stderr)
    markdown = change_record(
        fold(read.records, read.warnings),
        redact=Redactor().redact,
        step_order=STEP_IDS,
        step_titles={step.id: step.title for step in STEPS},
        generated_at=utc_now(),
    )
    if args.out == "-":
        sys.stdout.write(markdown)
        return 0
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out) if args.out else workspace.root / f"change-record-{stamp}.md"
    if not out.parent.is_dir():
        print(f"mocm-upgrade report: {out.parent} is not a directory.", file=sys.stderr)
        return 1
    try:
        # the record names hosts, users and paths: keep it private like the journal
        atomic_write(out, markdown.encode("utf-8"), SECRET_FILE)
    except (OSError, MocmError) as exc:
        print(f"mocm-upgrade report: cannot write {out}: {exc}", file=sys.stderr)
        return 1
    print(f"Change record written to {out}")
    return 0
