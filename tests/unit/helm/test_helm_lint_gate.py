"""helm lint gates the sync: a failed chart blocks until fixed or waived; journaled per values."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sandbox import new_world, run_tool
from tui.core.errors import MocmError
from tui.core.files import sha256_file
from tui.core.helm.commands import HelmPlan, read_helmfile_releases
from tui.core.helm.lint import parse_lint
from tui.core.helm.lint_gate import (
    LintRun,
    LintState,
    chart_lint,
    failed_lines,
    lint_blocker,
    lint_record,
    lint_waiver,
    read_lint_journal,
    run_from_record,
    values_fingerprint,
)
from tui.core.journal.events import HelmLinted, WaiverSubject
from tui.core.journal.reader import read_journal
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import load_playbook

BOOK = load_playbook()
STEP = "helm"


def lint_world(tmp_path: Path, break_values: bool = False) -> tuple[LintRun, Path]:
    """Lint every chart of the demo world's current release with the stand-in helm."""
    world = new_world(tmp_path)
    plan = HelmPlan(BOOK, world.current)
    values = world.current / BOOK.values_file
    if break_values:  # drop a key a chart template needs (bootstrap-2: .Values.cache)
        values.write_text(values.read_text().replace("\ncache:", "\ncache: null\ncacheOld:", 1))
    charts = []
    for release in read_helmfile_releases(plan.helmfile_path):
        command = plan.lint(release.chart)
        run = run_tool(world, list(command.argv), cwd=command.cwd)
        charts.append(chart_lint(release.chart, parse_lint(run.stdout, run.stderr, run.returncode)))
    return LintRun(values_fingerprint(sha256_file(values)), tuple(charts)), values


def test_a_clean_lint_lets_the_sync_through(tmp_path: Path) -> None:
    run, values = lint_world(tmp_path)
    assert run.passed, failed_lines(run.charts)
    assert lint_blocker(LintState(run), values_fingerprint(sha256_file(values))) is None


def test_a_failed_chart_blocks_until_waived_with_a_reason(tmp_path: Path) -> None:
    run, values = lint_world(tmp_path, break_values=True)
    assert not run.passed and run.failed
    lines = failed_lines(run.charts)
    assert lines and "nil pointer evaluating interface {}" in lines[0]
    now = values_fingerprint(sha256_file(values))
    assert lint_blocker(LintState(run), now) == (
        f"helm lint passing ({', '.join(run.failed)}) or waived with a reason"
    )
    with pytest.raises(MocmError, match="needs a reason"):
        lint_waiver(run, " ", STEP)
    (tmp_path / "rel").mkdir()
    journal = Journal.open(Workspace(tmp_path / "rel"))
    journal.append(lint_record(run, STEP))
    waiver = lint_waiver(run, "the image key is rendered by the platform chart", STEP)
    assert waiver.subject is WaiverSubject.SYNC_WITH_LINT_FAILED and waiver.items == run.failed
    journal.append(waiver)
    state = read_lint_journal(Journal.open(Workspace(tmp_path / "rel")).records, STEP)
    assert state.waived_because == "the image key is rendered by the platform chart"
    assert lint_blocker(state, now) is None
    assert lint_blocker(state, "0" * 12) == "helm lint run again (the values changed since)"
    journal.append(lint_record(run, STEP))  # a new lint run: the old waiver does not cover it
    assert read_lint_journal(journal.records, STEP).waived_because == ""


def test_never_linted_blocks_and_the_record_round_trips(tmp_path: Path) -> None:
    assert lint_blocker(LintState(None), "abc") == "helm lint run"
    run = LintRun("0123456789ab", (chart_lint("charts/a", None),))
    journal = Journal.open(Workspace(tmp_path))
    journal.append(lint_record(run, STEP))
    [record] = [r for r in read_journal(journal.path).records if r.step == STEP]
    assert isinstance(record.body, HelmLinted)
    assert run_from_record(record.body) == run and not run.passed
    assert read_lint_journal([record], "values").run is None  # another step's lint is not this
