"""helm history (JSON, table), helm rollback results, and the rollback revision choice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.helm.commands import HelmPlan, RollbackImpossible, choose_rollback_revision
from tui.core.helm.history import (
    ReleaseHistory,
    parse_history_json,
    parse_history_table,
    read_history,
    read_rollback,
)
from tui.core.playbook.load import load_playbook


def _read(samples: Path, name: str) -> str:
    return (samples / name).read_text(encoding="utf-8")


def _rev(number: int, status: str) -> dict[str, object]:
    return {
        "revision": number,
        "updated": "2026-05-19T10:07:51.442017265+02:00",
        "status": status,
        "chart": f"mocm-service-{number}",
        "app_version": "x",
        "description": status,
    }


def test_history_json_and_table_agree(samples: Path) -> None:
    from_json = parse_history_json("mocm-service", _read(samples, "helm_history.json"))
    from_table = parse_history_table("mocm-service", _read(samples, "helm_history.txt"))
    rows = [(r.revision, r.status, r.chart, r.app_version) for r in from_json.revisions]
    assert rows == [
        (4, "superseded", "mocm-service-10.5.2603", "10.5.2603"),
        (5, "superseded", "mocm-service-10.5.2603", "10.5.2603"),
        (6, "failed", "mocm-service-10.6.2605", "10.6.2605"),
        (7, "deployed", "mocm-service-10.5.2603", "10.5.2603"),
    ]
    assert [(r.revision, r.status, r.chart, r.app_version) for r in from_table.revisions] == rows
    assert [r.description for r in from_table.revisions] == [
        r.description for r in from_json.revisions
    ]
    assert from_table.revisions[1].updated == "Mon Apr  6 14:03:29 2026"
    assert from_json.last_deployed is not None and from_json.last_deployed.revision == 7


def test_sample_history_records_revision_7(samples: Path) -> None:
    history = read_history("mocm-service", _read(samples, "helm_history.json"), "", 0)
    choice = choose_rollback_revision(history)
    assert (choice.possible, choice.revision) == (True, 7)


def test_failed_revisions_last_never_become_the_target() -> None:
    # helm rollback without a revision would pick 8 (current - 1): a failed one.
    raw = json.dumps(
        [_rev(6, "superseded"), _rev(7, "deployed"), _rev(8, "failed"), _rev(9, "failed")]
    )
    choice = choose_rollback_revision(parse_history_json("mocm-service", raw))
    assert choice.revision == 7
    command = HelmPlan(load_playbook(), Path("/rel")).rollback(choice)
    assert command.argv == ("helm", "rollback", "mocm-service", "7", "-n", "fusion")


def test_first_install_has_no_rollback(samples: Path) -> None:
    history = read_history(
        "mocm-service", "", _read(samples, "helm_rollback_not_found.stderr.txt"), 1
    )
    assert history == ReleaseHistory("mocm-service", ())
    choice = choose_rollback_revision(history)
    assert not choice.possible
    assert choice.reason == "no rollback possible: first install, uninstall instead"
    with pytest.raises(RollbackImpossible, match="first install, uninstall instead"):
        HelmPlan(load_playbook(), Path("/rel")).rollback(choice)


def test_history_without_a_deployed_revision_has_no_rollback() -> None:
    raw = json.dumps([_rev(1, "failed")])
    choice = choose_rollback_revision(parse_history_json("mocm-service", raw))
    assert not choice.possible
    assert "no deployed revision" in choice.reason and "1 failed" in choice.reason


def test_history_other_errors_are_reported() -> None:
    with pytest.raises(ParseError, match="Kubernetes cluster unreachable"):
        read_history("x", "", "Error: Kubernetes cluster unreachable: dial tcp\n", 1)


@pytest.mark.parametrize(
    ("stdout", "reason"),
    [
        ("not json", "not valid JSON"),
        ('{"revision": 1}', "expected a list"),
        ('[{"revision": "7"}]', "'revision' must be a whole number"),
        ('[{"revision": 7, "status": 3}]', "'status' must be a string"),
    ],
)
def test_malformed_history_json(stdout: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_history_json("mocm-service", stdout)


def test_malformed_history_table() -> None:
    with pytest.raises(ParseError, match="unexpected header"):
        parse_history_table("x", "NAME\tSTATUS\n1\tdeployed\n")
    header = "REVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\tDESCRIPTION\n"
    with pytest.raises(ParseError, match=":2: a row must have 6"):
        parse_history_table("x", header + "seven\tx\n")


def test_rollback_success(samples: Path) -> None:
    result = read_rollback("mocm-service", 7, _read(samples, "helm_rollback.stdout.txt"), "", 0)
    assert result.succeeded
    assert result.message == "mocm-service rolled back to revision 7."


def test_rollback_not_found(samples: Path) -> None:
    stderr = _read(samples, "helm_rollback_not_found.stderr.txt")
    result = read_rollback("mocm-service", 7, "", stderr, 1)
    assert not result.succeeded
    assert result.message == "mocm-service does not exist in the cluster: nothing to roll back."


def test_rollback_bad_revision(samples: Path) -> None:
    stderr = _read(samples, "helm_rollback_bad_revision.stderr.txt")
    result = read_rollback("mocm-service", 9, "", stderr, 1)
    assert not result.succeeded
    assert result.message == "mocm-service has no revision 9: pick one from its history."


def test_rollback_other_failure_quotes_helm() -> None:
    result = read_rollback("mocm-service", 7, "", "Error: timed out waiting for the condition\n", 1)
    assert not result.succeeded
    assert result.message.endswith("failed: timed out waiting for the condition")
