"""`helm lint` output (formats.md §5.5): messages per chart and the verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tui.core.helm.output import output_lines

_CHART = re.compile(r"^==> Linting (?P<chart>.+)$")
_MESSAGE = re.compile(r"^\[(?P<severity>INFO|WARNING|ERROR)\] (?P<text>.*)$")
_SUMMARY = re.compile(r"(?P<linted>\d+) chart\(s\) linted, (?P<failed>\d+) chart\(s\) failed")


class LintSeverity(StrEnum):
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


@dataclass(frozen=True)
class LintMessage:
    severity: LintSeverity
    text: str  # `<path>: <message>` as helm prints it


@dataclass(frozen=True)
class LintedChart:
    chart: str
    messages: tuple[LintMessage, ...]

    @property
    def errors(self) -> tuple[LintMessage, ...]:
        return tuple(m for m in self.messages if m.severity is LintSeverity.ERROR)


@dataclass(frozen=True)
class LintReport:
    charts: tuple[LintedChart, ...]
    linted: int
    failed: int
    passed: bool
    other: tuple[str, ...]  # lines that are neither messages nor the summary (e.g. an Error:)

    @property
    def errors(self) -> tuple[LintMessage, ...]:
        return tuple(m for c in self.charts for m in c.errors)


def parse_lint(stdout: str, stderr: str, exit_code: int) -> LintReport:
    """Messages from stdout; the summary from stdout (pass) or stderr's ``Error:`` (fail)."""
    charts: list[tuple[str, list[LintMessage]]] = []
    linted = failed = 0
    other: list[str] = []
    for line in output_lines(stdout) + output_lines(stderr):
        stripped = line.strip()
        chart = _CHART.match(stripped)
        message = _MESSAGE.match(stripped)
        summary = _SUMMARY.search(stripped)
        if chart:
            charts.append((chart["chart"], []))
        elif message:
            if not charts:
                charts.append(("", []))
            charts[-1][1].append(LintMessage(LintSeverity(message["severity"]), message["text"]))
        elif summary:
            linted, failed = int(summary["linted"]), int(summary["failed"])
        elif stripped:
            other.append(stripped)
    report = tuple(LintedChart(name, tuple(messages)) for name, messages in charts)
    return LintReport(report, linted, failed, exit_code == 0 and failed == 0, tuple(other))
