"""helm lint: messages per chart, the verdict from stdout or stderr."""

from __future__ import annotations

from pathlib import Path

from tui.core.helm.lint import LintSeverity, parse_lint


def _read(samples: Path, name: str) -> str:
    return (samples / name).read_text(encoding="utf-8")


def test_lint_ok(samples: Path) -> None:
    report = parse_lint(_read(samples, "helm_lint_ok.stdout.txt"), "", 0)
    assert report.passed
    assert (report.linted, report.failed) == (1, 0)
    assert [c.chart for c in report.charts] == ["charts/mocm-service"]
    assert [(m.severity, m.text) for m in report.charts[0].messages] == [
        (LintSeverity.INFO, "Chart.yaml: icon is recommended")
    ]


def test_lint_failure_shows_the_error(samples: Path) -> None:
    report = parse_lint(
        _read(samples, "helm_lint_fail.stdout.txt"), _read(samples, "helm_lint_fail.stderr.txt"), 1
    )
    assert not report.passed
    assert (report.linted, report.failed) == (1, 1)
    assert [m.severity for m in report.charts[0].messages] == [
        LintSeverity.INFO,
        LintSeverity.ERROR,
        LintSeverity.WARNING,
    ]
    (error,) = report.errors
    assert "nil pointer evaluating interface {}.registry" in error.text
    assert error.text.startswith("templates/: template: mocm-service/templates/api/")


def test_lint_that_could_not_run_is_not_a_pass() -> None:
    report = parse_lint("", 'Error: path "charts/x" not found\n', 1)
    assert not report.passed
    assert report.other == ('Error: path "charts/x" not found',)
