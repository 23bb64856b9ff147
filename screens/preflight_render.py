"""What the Preflight step shows, and what it reads back from the journal (waivers, backups)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text

from tui.core.fsops import sha256_file
from tui.core.journal_records import Decision, FileOp, JournalRecord
from tui.core.playbook import Playbook
from tui.core.preflight_result import CheckResult, CheckStatus

WAIVE_WHAT = "waive preflight item"  # what tui.core.preflight.record_waivers journals
STATUS_CELL = {
    CheckStatus.PASS: ("✔ pass", "bold green"),
    CheckStatus.WARN: ("▲ warn", "bold yellow"),
    CheckStatus.FAIL: ("✖ fail", "bold red"),
    CheckStatus.NOT_APPLICABLE: ("– n/a", "dim"),
}


def _waiver_prefix(item: CheckResult) -> str:
    return f"{item.name} ({item.status.value}): {item.summary} — reason: "


def waiver_reason(records: Sequence[object], item: CheckResult) -> str | None:
    """The reason of the journaled waiver of exactly this finding (same status and summary)."""
    prefix = _waiver_prefix(item)
    for record in reversed(records):
        body = record.body if isinstance(record, JournalRecord) else None
        if (
            isinstance(body, Decision)
            and body.what == WAIVE_WHAT
            and body.detail.startswith(prefix)
        ):
            return body.detail[len(prefix) :]
    return None


def is_waived(records: Sequence[object], item: CheckResult) -> bool:
    """True when this failing or warning finding was waived (in this run or before a restart)."""
    return item.status in (CheckStatus.FAIL, CheckStatus.WARN) and (
        waiver_reason(records, item) is not None
    )


def status_cell(item: CheckResult, waived: bool) -> Text:
    """The coloured status of one row; a waived finding says so."""
    if waived:
        return Text(f"≈ waived ({item.status.value})", "bold magenta")
    label, style = STATUS_CELL[item.status]
    return Text(label, style)


def summary_text(results: Sequence[CheckResult], records: Sequence[object]) -> Text:
    """The one line above the table: counts, and what stands between the operator and Next."""
    counts = {status: 0 for status in CheckStatus}
    waived = 0
    for item in results:
        if is_waived(records, item):
            waived += 1
        else:
            counts[item.status] += 1
    text = Text()
    text.append(f"{counts[CheckStatus.FAIL]} fail", "bold red" if counts[CheckStatus.FAIL] else "")
    text.append(" · ")
    text.append(f"{counts[CheckStatus.WARN]} warn", "yellow" if counts[CheckStatus.WARN] else "")
    text.append(f" · {counts[CheckStatus.PASS]} pass")
    if waived:
        text.append(f" · {waived} waived", "magenta")
    if counts[CheckStatus.FAIL]:
        text.append("  — fix or waive (w) each failure to go on", "red")
    return text


def detail_text(item: CheckResult, waived_because: str | None) -> Text:
    """The highlighted item in full: what was found, what to do, the details, the waiver."""
    label, style = STATUS_CELL[item.status]
    text = Text()
    text.append(f"{item.name}: ", "bold")
    text.append(label, style)
    text.append(f"\n{item.summary}")
    if item.action:
        text.append("\nWhat to do: ", "bold")
        text.append(item.action)
    for line in item.details:
        text.append(f"\n  • {line}", "dim")
    if waived_because is not None:
        text.append("\nWaived: ", "bold magenta")
        text.append(waived_because)
    return text


def backup_from_journal(
    records: Sequence[object], terraform_dir: Path | None, playbook: Playbook
) -> Path | None:
    """A journaled state backup that still holds exactly the current local state, if any."""
    if terraform_dir is None:
        return None
    state = terraform_dir / playbook.state_file
    try:
        current = sha256_file(state)
    except OSError:
        return None
    for record in reversed(records):
        body = record.body if isinstance(record, JournalRecord) else None
        if not (isinstance(body, FileOp) and body.op == "backup" and body.step == "preflight"):
            continue
        if body.source != str(state) or body.sha256_after != current:
            continue
        path = Path(body.path)
        try:
            if sha256_file(path) == current:
                return path
        except OSError:
            continue
    return None
