"""``helm lint`` as a gate of the sync: a failed chart blocks until fixed or waived with a reason.

The guide's chart procedure is lint → diff → sync. Each lint run is journaled with the
fingerprint of the values file it read, so a restart keeps its result while the values
are unchanged, and a values edit makes it stale (lint again). A waiver covers the lint
run it was typed for, never a later one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.core.errors import MocmError
from tui.core.helm.lint import LintReport
from tui.core.journal.events import ChartLinted, HelmLinted, WaiverGiven, WaiverSubject
from tui.core.journal.records import JournalRecord

FINGERPRINT_CHARS = 12


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


def lint_record(run: LintRun, step: str) -> HelmLinted:
    """The journal's record of a lint run (the errors stay on screen and in the transcript)."""
    charts = tuple(ChartLinted(c.chart, c.verdict) for c in run.charts)
    return HelmLinted(run.values_fingerprint, charts, step)


def run_from_record(body: HelmLinted) -> LintRun:
    """The run a :func:`lint_record` tells (errors are not kept)."""
    return LintRun(
        body.values_fingerprint, tuple(ChartLint(c.chart, c.verdict) for c in body.charts)
    )


def lint_waiver(run: LintRun, reason: str, step: str) -> WaiverGiven:
    """The journal record that lets a failed lint through (the reason is required)."""
    if not reason.strip():
        raise MocmError("Waiving helm lint needs a reason.", "Type why the failures do not matter.")
    return WaiverGiven(
        WaiverSubject.SYNC_WITH_LINT_FAILED,
        run.failed,
        f"{', '.join(run.failed)} failed helm lint (values {run.values_fingerprint})",
        reason.strip(),
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
        if record.step != step:
            continue
        if isinstance(body, HelmLinted):
            run, waived = run_from_record(body), ""
        elif isinstance(body, WaiverGiven) and body.subject is WaiverSubject.SYNC_WITH_LINT_FAILED:
            waived = body.reason
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
