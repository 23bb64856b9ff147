"""The Helm step's command lines, built from the playbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.helm.commands import HelmPlan, RollbackChoice, read_helmfile_releases
from tui.core.playbook.load import load_playbook


@pytest.fixture
def plan(tmp_path: Path) -> HelmPlan:
    return HelmPlan(load_playbook(), tmp_path / "rel")


def test_helmfile_commands_run_in_the_chart_directory(plan: HelmPlan, tmp_path: Path) -> None:
    diff = plan.diff()
    helmfile = ("helmfile", "-f", "helmfile.yaml", "-n", "fusion")
    assert diff.argv == (*helmfile, "diff", "--detailed-exitcode")
    assert diff.cwd == tmp_path / "rel" / "mocm"
    assert plan.diff(detailed_exitcode=False).argv[-1] == "diff"
    sync = plan.sync()
    assert sync.argv == ("helmfile", "-f", "helmfile.yaml", "-n", "fusion", "sync")
    assert sync.purpose == "upgrade the releases mocm-bootstrap-1 → mocm-bootstrap-2 → mocm-service"
    assert sync.timeout_seconds > diff.timeout_seconds
    assert plan.sync_log == tmp_path / "rel" / "mocm" / "helmfile-upgrade.log"


def test_history_for_every_release_in_order(plan: HelmPlan) -> None:
    assert [c.argv for c in plan.histories()] == [
        ("helm", "history", name, "-n", "fusion", "-o", "json")
        for name in ("mocm-bootstrap-1", "mocm-bootstrap-2", "mocm-service")
    ]


def test_rollback_names_the_recorded_revision(plan: HelmPlan) -> None:
    command = plan.rollback(RollbackChoice("mocm-bootstrap-2", 12, "recorded"))
    assert command.argv == ("helm", "rollback", "mocm-bootstrap-2", "12", "-n", "fusion")


def test_lint_uses_the_merged_values(plan: HelmPlan) -> None:
    lint = plan.lint("charts/mocm-service")
    assert lint.argv == ("helm", "lint", "charts/mocm-service", "--values", "values.yaml")
    assert plan.lint("charts/x", with_values=False).argv == ("helm", "lint", "charts/x")


def test_namespace_and_binaries_come_from_outside(tmp_path: Path) -> None:
    playbook = load_playbook().replace(helm_namespace="other", helmfile="hf/h.yaml")
    plan = HelmPlan(playbook, tmp_path, helm="/opt/helm", helmfile="/opt/helmfile")
    assert plan.diff().argv[:5] == ("/opt/helmfile", "-f", "h.yaml", "-n", "other")
    assert plan.diff().cwd == tmp_path / "hf"
    assert plan.history("r").argv[0] == "/opt/helm"


def test_helmfile_releases_in_file_order(samples: Path) -> None:
    releases = read_helmfile_releases(samples / "helmfile.yaml")
    assert [(r.name, r.namespace, r.chart) for r in releases] == [
        ("mocm-bootstrap-1", "fusion", "charts/mocm-bootstrap-1"),
        ("mocm-bootstrap-2", "fusion", "charts/mocm-bootstrap-2"),
        ("mocm-service", "fusion", "charts/mocm-service"),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("releases: [\n", "not valid YAML"),
        ("helmDefaults: {}\n", "no 'releases:' list"),
        ("releases:\n  - chart: x\n", "releases\\[0\\] has no name"),
        ("releases:\n  - name: a\n", "release a has no chart"),
    ],
)
def test_malformed_helmfile(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "helmfile.yaml"
    path.write_text(text)
    with pytest.raises(ParseError, match=reason):
        read_helmfile_releases(path)


def test_missing_helmfile(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot be read"):
        read_helmfile_releases(tmp_path / "absent.yaml")
