"""What the Preflight step shows: status cells, the summary line, the detail pane, table cells."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tui.core.preflight.readback import is_waived
from tui.core.preflight.result import CheckResult, CheckStatus

STATUS_CELL = {
    CheckStatus.PASS: ("✔ pass", "bold green"),
    CheckStatus.WARN: ("▲ warn", "bold yellow"),
    CheckStatus.FAIL: ("✖ fail", "bold red"),
    CheckStatus.NOT_APPLICABLE: ("– n/a", "dim"),
}


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


def first_line_cut(text: str, width: int) -> str:
    """The first line of a text, cut with an ellipsis to fit a table cell."""
    first = text.splitlines()[0] if text else ""
    return first if len(first) <= width else first[: width - 1] + "…"


def attention_row(results: Sequence[CheckResult]) -> int:
    """Where the cursor goes first: the first failure, else the first warning, else the top."""
    attention = [i for i, r in enumerate(results) if r.blocks]
    attention += [i for i, r in enumerate(results) if r.status is CheckStatus.WARN]
    return attention[0] if attention else 0
