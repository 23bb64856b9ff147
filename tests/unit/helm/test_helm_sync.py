"""helmfile sync: per-release progress as lines stream in, both summary styles, failures."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.helm.sync import (
    ReleaseState,
    SyncEvent,
    SyncResult,
    SyncTracker,
    parse_sync,
    parse_sync_summary,
)
from tui.core.helm.sync_log import open_sync_log
from tui.core.playbook.load import load_playbook

RELEASES = load_playbook().helm_releases


def _lines(samples: Path, name: str) -> list[str]:
    return (samples / name).read_text(encoding="utf-8").splitlines(keepends=True)


def _states(result: SyncResult) -> list[tuple[str, str, int | None]]:
    return [(r.release, r.state.value, r.revision) for r in result.releases]


def test_successful_sync_deploys_three_releases_with_revisions(samples: Path) -> None:
    result = parse_sync(_lines(samples, "helmfile_sync.txt"), RELEASES, 0)
    assert _states(result) == [
        ("mocm-bootstrap-1", "deployed", 9),
        ("mocm-bootstrap-2", "deployed", 9),
        ("mocm-service", "deployed", 8),
    ]
    assert [r.duration for r in result.releases] == ["12s", "19s", "2m41s"]
    assert result.succeeded
    assert result.failed == ()


def test_progress_is_known_while_the_sync_still_runs(samples: Path) -> None:
    tracker = SyncTracker(RELEASES)
    lines = _lines(samples, "helmfile_sync.txt")
    upto = next(i for i, line in enumerate(lines) if line.startswith("REVISION: 9"))
    events: list[SyncEvent] = []
    for line in lines[: upto + 1]:
        events += tracker.feed(line)
    assert events == [
        SyncEvent("mocm-bootstrap-1", ReleaseState.UPGRADING),
        SyncEvent("mocm-bootstrap-1", ReleaseState.DEPLOYED, 9),
    ]
    assert [p.state for p in tracker.progress()] == [
        ReleaseState.DEPLOYED,
        ReleaseState.NOT_STARTED,
        ReleaseState.NOT_STARTED,
    ]
    # Cut off here (cancelled): nothing claims success.
    assert not tracker.result(None).succeeded


def test_line_by_line_equals_whole_text(samples: Path) -> None:
    for name, code in [("helmfile_sync.txt", 0), ("helmfile_sync_failed.txt", 1)]:
        tracker = SyncTracker(RELEASES)
        for line in _lines(samples, name):
            tracker.feed(line)
        whole = parse_sync((samples / name).read_text().splitlines(), RELEASES, code)
        assert tracker.result(code) == whole


def test_failed_sync_names_the_failed_release_and_leaves_the_others(samples: Path) -> None:
    result = parse_sync(_lines(samples, "helmfile_sync_failed.txt"), RELEASES, 1)
    assert result.failed == ("mocm-service",)
    assert _states(result) == [
        ("mocm-bootstrap-1", "not started", None),
        ("mocm-bootstrap-2", "not started", None),
        ("mocm-service", "failed", None),
    ]
    service = result.release("mocm-service")
    assert service.error == "Error: UPGRADE FAILED: context deadline exceeded"
    assert service.duration == "5m3s"
    assert result.failure_output == ("Error: UPGRADE FAILED: context deadline exceeded",)
    assert [(r.release, r.version) for r in result.summary.failed] == [("mocm-service", "")]
    assert not result.succeeded


def test_v17_divider_summary_reads_like_the_classic_table(samples: Path) -> None:
    classic = parse_sync_summary(_lines(samples, "helmfile_sync.txt"))
    divider = parse_sync_summary(_lines(samples, "helmfile_sync_v1.7_summary.txt"))
    assert divider == classic
    assert [(r.release, r.chart, r.version) for r in divider.updated] == [
        ("mocm-bootstrap-1", "charts/mocm-bootstrap-1", "10.6.2605"),
        ("mocm-bootstrap-2", "charts/mocm-bootstrap-2", "10.6.2605"),
        ("mocm-service", "charts/mocm-service", "10.6.2605"),
    ]
    only_summary = parse_sync(_lines(samples, "helmfile_sync_v1.7_summary.txt"), RELEASES, 0)
    assert [r.state for r in only_summary.releases] == [ReleaseState.DEPLOYED] * 3


def test_v17_failed_divider_marks_the_release_failed() -> None:
    log = [
        "Upgrading release=mocm-service, chart=charts/mocm-service, namespace=fusion",
        "",
        "============================= Failed Releases ==============================",
        "NAME           NAMESPACE   CHART                 VERSION   DURATION",
        "mocm-service   fusion      charts/mocm-service                 5m3s",
        "",
    ]
    result = parse_sync(log, RELEASES, 1)
    assert result.failed == ("mocm-service",)


def test_first_install_is_reported_as_installed() -> None:
    log = [
        "Upgrading release=mocm-bootstrap-1, chart=charts/mocm-bootstrap-1, namespace=fusion",
        'Release "mocm-bootstrap-1" does not exist. Installing it now.',
        "NAME: mocm-bootstrap-1",
        "STATUS: deployed",
        "REVISION: 1",
    ]
    result = parse_sync(log, RELEASES, 0)
    first = result.release("mocm-bootstrap-1")
    assert (first.state, first.revision, first.installed) == (ReleaseState.DEPLOYED, 1, True)


def test_summary_row_never_hides_an_earlier_failure() -> None:
    log = [
        "Upgrading release=mocm-service, chart=charts/mocm-service, namespace=fusion",
        "NAME: mocm-service",
        "STATUS: failed",
        "REVISION: 9",
        "",
        "UPDATED RELEASES:",
        "NAME           NAMESPACE   CHART                 VERSION     DURATION",
        "mocm-service   fusion      charts/mocm-service   10.6.2605      2m41s",
    ]
    result = parse_sync(log, RELEASES, 1)
    assert result.release("mocm-service").state is ReleaseState.FAILED
    assert result.release("mocm-service").error == "helm reports status failed"


def test_error_without_a_release_is_kept_for_the_operator() -> None:
    log = [
        "in ./helmfile.yaml: failed to read helmfile.yaml: yaml: line 3: did not find key",
    ]
    result = parse_sync(log, RELEASES, 1)
    assert result.error_lines == (log[0],)
    assert result.failed == ()
    assert not result.succeeded


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=30))
def test_any_output_is_read_without_crashing(lines: list[str]) -> None:
    tracker = SyncTracker(RELEASES)
    for line in lines:
        tracker.feed(line)
    result = tracker.result(1)
    assert [r.release for r in result.releases][:3] == list(RELEASES)
    assert not result.succeeded


def test_the_sync_log_keeps_an_earlier_one_and_is_owner_only(tmp_path: Path) -> None:
    log = tmp_path / "mocm" / "helmfile-upgrade.log"
    with open_sync_log(log) as handle:
        handle.write("first run\n")
    with open_sync_log(log) as handle:
        handle.write("second run\n")
    with open_sync_log(log) as handle:
        handle.write("third run\n")
    assert log.read_text() == "third run\n"
    assert (tmp_path / "mocm" / "helmfile-upgrade.log.previous").read_text() == "first run\n"
    assert (tmp_path / "mocm" / "helmfile-upgrade.log.previous.1").read_text() == "second run\n"
    assert log.stat().st_mode & 0o777 == 0o600
