"""A release's journal in tests: opened with a fixed operator and clock, its lines read back as
JSON, and its typed records by kind."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tui.core.files import pid_alive
from tui.core.journal.reader import read_journal
from tui.core.journal.records import RecordKind
from tui.core.journal.writer import Journal, Workspace

T = TypeVar("T")

ORDER = ("releases", "preflight", "backend", "carry_over", "plan", "apply")


def make_clock() -> Callable[[], str]:
    ticks = iter(range(10_000))
    return lambda: f"2026-05-01T10:{next(ticks) // 60:02d}:{next(ticks) % 60:02d}.000+00:00"


def open_journal(release: Path, redact: Callable[[str], str] = lambda s: s) -> Journal:
    """The journal in ``release`` opened by alice on jump1, its clock ticking a second a call."""
    return Journal.open(Workspace(release), redact, user="alice", host="jump1", clock=make_clock())


def journal_lines(release: Path) -> list[dict[str, Any]]:
    """Every line of the journal in ``release``, as the JSON objects on disk."""
    text = Workspace(release).journal_path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def lines_of(release: Path, kind: RecordKind) -> list[dict[str, Any]]:
    """The journal's lines of one kind, as written, oldest first."""
    return [line for line in journal_lines(release) if line["kind"] == kind.value]


def bodies_of(release: Path, body: type[T]) -> list[T]:
    """The journal's records of one type, read back as the wizard reads them, oldest first."""
    records = read_journal(Workspace(release).journal_path).records
    return [r.body for r in records if isinstance(r.body, body)]


def dead_pid() -> int:
    """The pid of a process that has exited: the writer of a temp file a kill left behind."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(child.stdout)
    assert pid_alive(pid) is False
    return pid


def killed_write_temp(target: Path, pid: int) -> Path:
    """The temp file an atomic write of ``target`` by process ``pid`` leaves when killed."""
    return target.with_name(f".{target.name}.mocm-{pid}-0123abcd.tmp")
