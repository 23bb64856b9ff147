"""helmfile diff: helm-diff blocks per release, counts, redaction, exit-code meaning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.helm.diff import (
    MASKED_VALUE,
    DiffLineKind,
    DiffOutcome,
    classify_line,
    diff_outcome,
    parse_diff,
    parse_diff_body,
    parse_diff_combined,
    parse_diff_log,
)


def _read(samples: Path, name: str) -> str:
    return (samples / name).read_text(encoding="utf-8")


def _summary(report_releases: tuple[Any, ...]) -> list[tuple[str, int, int, int]]:
    return [(r.release, len(r.resources), r.added, r.removed) for r in report_releases]


def test_sample_diff_is_grouped_per_release_with_counts(samples: Path) -> None:
    report = parse_diff(
        _read(samples, "helmfile_diff.stdout.txt"), _read(samples, "helmfile_diff.stderr.txt"), 2
    )
    assert report.outcome is DiffOutcome.CHANGES
    assert _summary(report.releases) == [
        ("mocm-bootstrap-2", 1, 5, 4),
        ("mocm-service", 5, 39, 26),
    ]
    assert report.release("mocm-bootstrap-1") is None  # compared, unchanged
    service = report.release("mocm-service")
    assert service is not None
    assert [(r.kind, r.name, r.message, r.added, r.removed) for r in service.resources] == [
        ("Deployment", "mocm-service-api", "has changed:", 4, 4),
        ("Deployment", "mocm-service-worker", "has changed:", 4, 4),
        ("Deployment", "mocm-service-notifier", "has been added:", 28, 0),
        ("Secret", "mocm-service-credentials", "has changed:", 3, 1),
        ("Job", "mocm-service-legacy-redis-check", "has been removed:", 0, 17),
    ]
    assert service.resources[0].header == (
        "fusion, mocm-service-api, Deployment (apps) has changed:"
    )
    assert service.resources[4].group == "batch"


def test_combined_stream_gives_the_same_releases(samples: Path) -> None:
    split = parse_diff(
        _read(samples, "helmfile_diff.stdout.txt"), _read(samples, "helmfile_diff.stderr.txt"), 2
    )
    combined = parse_diff_combined(_read(samples, "helmfile_diff.txt").splitlines(), 2)
    assert combined.releases == split.releases
    assert combined.log.compared == split.log.compared
    assert combined.log.affected == split.log.affected


def test_body_alone_is_named_after_its_charts(samples: Path) -> None:
    releases = parse_diff_body(_read(samples, "helmfile_diff.stdout.txt"))
    assert [r.release for r in releases] == ["mocm-bootstrap-2", "mocm-service"]


def test_secret_lines_stay_redacted_as_helm_diff_prints_them(samples: Path) -> None:
    releases = parse_diff_body(_read(samples, "helmfile_diff.stdout.txt"), ["b2", "svc"])
    secret = releases[1].resources[3]
    flagged = [line.text for line in secret.lines if line.secret]
    assert flagged == [
        "    ADMIN_PASSWORD: 'REDACTED # (24 bytes)'",
        "    MONGODB_URI: 'REDACTED # (118 bytes)'",
        "+   VALKEY_PASSWORD: '++++++++ # (32 bytes)'",
        "+   VALKEY_USERNAME: '++++++++ # (6 bytes)'",
    ]


def test_secret_value_printed_in_clear_is_masked() -> None:
    stdout = (
        "fusion, creds, Secret (v1) has changed:\n"
        "  kind: Secret\n"
        "  data:\n"
        "-   PASSWORD: aHVudGVyMg==\n"
        "+   PASSWORD: c2VjcmV0IQ==\n"
        "  type: Opaque\n\n"
    )
    (release,) = parse_diff_body(stdout, ["svc"])
    texts = [line.text for line in release.resources[0].lines]
    assert "aHVudGVyMg==" not in "\n".join(texts)
    assert "c2VjcmV0IQ==" not in "\n".join(texts)
    assert f"-   PASSWORD: {MASKED_VALUE}" in texts
    assert f"+   PASSWORD: {MASKED_VALUE}" in texts
    assert "  type: Opaque" in texts  # after the data map: not a secret


def test_colour_codes_are_stripped_and_lines_classified() -> None:
    stdout = "\x1b[33mfusion, cm, ConfigMap (v1) has changed:\x1b[0m\n\x1b[31m- a: 1\x1b[0m\n...\n"
    (release,) = parse_diff_body(stdout, ["r"])
    assert [line.kind for line in release.resources[0].lines] == [
        DiffLineKind.REMOVED,
        DiffLineKind.SKIPPED,
    ]
    assert classify_line("+ x") is DiffLineKind.ADDED
    assert classify_line("  x") is DiffLineKind.CONTEXT
    assert classify_line("") is DiffLineKind.BLANK


def test_stderr_log_with_and_without_namespace(samples: Path) -> None:
    log = parse_diff_log(_read(samples, "helmfile_diff.stderr.txt"))
    assert [(c.release, c.namespace) for c in log.compared] == [
        ("mocm-bootstrap-1", "fusion"),
        ("mocm-bootstrap-2", "fusion"),
        ("mocm-service", "fusion"),
    ]
    assert [(a.release, a.change) for a in log.affected] == [
        ("mocm-bootstrap-2", "UPDATED"),
        ("mocm-service", "UPDATED"),
    ]
    assert log.other[0].startswith("Building dependency")
    old = parse_diff_log("Comparing release=mocm-service, chart=charts/mocm-service\n")
    assert [(c.release, c.chart, c.namespace) for c in old.compared] == [
        ("mocm-service", "charts/mocm-service", None)
    ]


def test_detailed_exitcode_tail_and_no_changes(samples: Path) -> None:
    tail = parse_diff_log(_read(samples, "helmfile_diff_detailed_exitcode.stderr.tail.txt"))
    assert tail.identified_change
    report = parse_diff("", _read(samples, "helmfile_diff_no_changes.stderr.txt"), 0)
    assert report.outcome is DiffOutcome.NO_CHANGES
    assert report.releases == ()
    assert len(report.log.compared) == 3


@pytest.mark.parametrize(
    ("code", "detailed", "has_changes", "expected"),
    [
        (0, True, False, DiffOutcome.NO_CHANGES),
        (2, True, True, DiffOutcome.CHANGES),
        (1, True, False, DiffOutcome.FAILED),
        (0, False, True, DiffOutcome.CHANGES),  # plain diff exits 0 even with changes
        (0, False, False, DiffOutcome.NO_CHANGES),
        (1, False, False, DiffOutcome.FAILED),
    ],
)
def test_exit_code_meaning(
    code: int, detailed: bool, has_changes: bool, expected: DiffOutcome
) -> None:
    assert diff_outcome(code, detailed, has_changes) is expected


def test_empty_manifest_line_before_a_block_end_stays_in_its_release() -> None:
    stdout = (
        "fusion, a, ConfigMap (v1) has changed:\n"
        "  # Source: chart-x/templates/a.yaml\n"
        "- k: 1\n"
        "\n\n"  # an empty common line, then the block's end: looks like a release break
        "fusion, b, ConfigMap (v1) has changed:\n"
        "  # Source: chart-x/templates/b.yaml\n"
        "+ k: 2\n\n\n"
    )
    releases = parse_diff_body(stdout, ["only-release"])
    assert [(r.release, len(r.resources)) for r in releases] == [("chart-x", 2)]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.text(max_size=200))
def test_any_output_is_read_without_crashing(stdout: str, stderr: str) -> None:
    report = parse_diff(stdout, stderr, 1)
    assert report.outcome is DiffOutcome.FAILED


def test_suppressed_secret_body_is_flagged() -> None:
    stdout = (
        "fusion, creds, Secret (v1) has changed:\n"
        "+ Changes suppressed on sensitive content of type Secret\n\n"
    )
    (release,) = parse_diff_body(stdout, ["svc"])
    (line,) = release.resources[0].lines
    assert (line.kind, line.secret) == (DiffLineKind.ADDED, True)
