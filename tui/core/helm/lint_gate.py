"""``helm lint`` as a gate of the sync: a failed chart blocks until fixed or waived with a reason.

The guide's chart procedure is lint → diff → sync. Each lint run is journaled with the
fingerprint of the values file it read, so a restart keeps its result while the values
are unchanged, and a values edit makes it stale (lint again). A waiver covers the lint
run it was typed for, never a later one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.core.errors import MocmError
from tui.core.helm.lint import LintReport
from tui.core.journal.records import Decision, JournalRecord, Note

LINT_NOTE = "helm lint"
LINT_WAIVED = "helm lint failures waived"
FINGERPRINT_CHARS = 12
_NOTE = re.compile(rf"^{LINT_NOTE} \(values (?P<fp>[0-9a-f]+)\): (?P<items>.+)$")
_ITEM = re.compile(r"^(?P<chart>\S+) (?P<verdict>passed|failed|not finished)$")


@dataclass(frozen=True)
class ChartLint:
    """One chart's lint: passed, failed, or the command did not finish."""

    chart: str
    verdict: str  # passed | failed | not finished
    errors: tuple[str, ...] = ()  # helm's [ERROR] lines and other error output


@dataclass(frozen=True)
class LintRun:
    """One lint of every chart, with the fingerprint of the values it read."""

    values_fingerprint: str
    charts: tuple[ChartLint, ...]

    @property
    def passed(self) -> bool:
        return bool(self.charts) and all(c.verdict == "passed" for c in self.charts)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(c.chart for c in self.charts if c.verdict != "passed")


def chart_lint(chart: str, report: LintReport | None) -> ChartLint:
    """A chart's verdict from its report (None: cancelled or timed out)."""
    if report is None:
        return ChartLint(chart, "not finished")
    if report.passed:
        return ChartLint(chart, "passed")
    return ChartLint(chart, "failed", tuple(m.text for m in report.errors) + report.other)


def values_fingerprint(sha256: str) -> str:
    """The short form of the values file's sha256 the journal keeps."""
    return sha256[:FINGERPRINT_CHARS]


def lint_note(run: LintRun) -> str:
    """``helm lint (values 3f2a…): charts/a passed, charts/b failed``."""
    items = ", ".join(f"{c.chart} {c.verdict}" for c in run.charts)
    return f"{LINT_NOTE} (values {run.values_fingerprint}): {items}"


def parse_lint_note(text: str) -> LintRun | None:
    """The run a :func:`lint_note` tells (errors are not kept); None for any other note."""
    found = _NOTE.match(text)
    if found is None:
        return None
    charts = []
    for item in found["items"].split(", "):
        parsed = _ITEM.match(item)
        if parsed is None:
            return None
        charts.append(ChartLint(parsed["chart"], parsed["verdict"]))
    return LintRun(found["fp"], tuple(charts))


def lint_waiver(run: LintRun, reason: str, step: str) -> Decision:
    """The journal decision that lets a failed lint through (the reason is required)."""
    if not reason.strip():
        raise MocmError("Waiving helm lint needs a reason.", "Type why the failures do not matter.")
    return Decision(
        LINT_WAIVED,
        f"{', '.join(run.failed)} (values {run.values_fingerprint}) — reason: {reason.strip()}",
        step,
    )


@dataclass(frozen=True)
class LintState:
    """The last lint run the journal tells of, and the reason it was waived (if it was)."""

    run: LintRun | None
    waived_because: str = ""


def read_lint_journal(records: Iterable[JournalRecord], step: str) -> LintState:
    """The newest lint run of ``step`` and a waiver typed after it."""
    run: LintRun | None = None
    waived = ""
    for record in records:
        body = record.body
        if isinstance(body, Note) and body.step == step:
            parsed = parse_lint_note(body.text)
            if parsed is not None:
                run, waived = parsed, ""
        elif isinstance(body, Decision) and body.step == step and body.what == LINT_WAIVED:
            waived = body.detail.rsplit(" — reason: ", 1)[-1]
    return LintState(run, waived)


def lint_blocker(state: LintState, current_fingerprint: str) -> str | None:
    """What the lint still asks before a sync, or None when it passed or was waived."""
    run = state.run
    if run is None:
        return "helm lint run"
    if run.values_fingerprint != current_fingerprint:
        return "helm lint run again (the values changed since)"
    if run.passed or state.waived_because:
        return None
    return f"helm lint passing ({', '.join(run.failed)}) or waived with a reason"


def failed_lines(charts: Sequence[ChartLint]) -> list[str]:
    """Every failed chart's errors, one line each, for the screen and the waiver dialog."""
    return [f"{c.chart}: {error}" for c in charts if c.verdict != "passed" for error in c.errors]
