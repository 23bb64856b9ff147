"""What the Preflight step shows: status cells, the summary line, the detail pane, table cells."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from tui.core.preflight.readback import is_waived
from tui.core.preflight.result import CheckResult, CheckStatus

STATUS_CELL = {
    CheckStatus.PASS: ("✔ pass", "bold $success"),
    CheckStatus.WARN: ("▲ warn", "bold $warning"),
    CheckStatus.FAIL: ("✖ fail", "bold $error"),
    CheckStatus.NOT_APPLICABLE: ("– n/a", "dim"),
}


def status_cell(item: CheckResult, waived: bool) -> Content:
    """The coloured status of one row; a waived finding says so."""
    if waived:
        return Content.styled(f"≈ waived ({item.status.value})", "bold $text-primary")
    label, style = STATUS_CELL[item.status]
    return Content.styled(label, style)


def summary_text(results: Sequence[CheckResult], records: Sequence[object]) -> Content:
    """The one line above the table: counts, and what stands between the operator and Next."""
    counts = {status: 0 for status in CheckStatus}
    waived = 0
    for item in results:
        if is_waived(records, item):
            waived += 1
        else:
            counts[item.status] += 1
    text = Content()
    text = text.append_text(
        f"{counts[CheckStatus.FAIL]} fail", "bold $error" if counts[CheckStatus.FAIL] else ""
    )
    text = text.append_text(" · ")
    text = text.append_text(
        f"{counts[CheckStatus.WARN]} warn", "$warning" if counts[CheckStatus.WARN] else ""
    )
    text = text.append_text(f" · {counts[CheckStatus.PASS]} pass")
    if waived:
        text = text.append_text(f" · {waived} waived", "$text-primary")
    if counts[CheckStatus.FAIL]:
        text = text.append_text("  — fix or waive (w) each failure to go on", "$error")
    return text


def detail_text(item: CheckResult, waived_because: str | None) -> Content:
    """The highlighted item in full: what was found, what to do, the details, the waiver."""
    label, style = STATUS_CELL[item.status]
    text = Content()
    text = text.append_text(f"{item.name}: ", "bold")
    text = text.append_text(label, style)
    text = text.append_text(f"\n{item.summary}")
    if item.action:
        text = text.append_text("\nWhat to do: ", "bold")
        text = text.append_text(item.action)
    for line in item.details:
        text = text.append_text(f"\n  • {line}", "dim")
    if waived_because is not None:
        text = text.append_text("\nWaived: ", "bold $text-primary")
        text = text.append_text(waived_because)
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
