"""Public plan JSONs (tests/data/realworld/plans, see SOURCES.md) reviewed like ours.

Each plan is asserted on its counts, its verdict under the bundled playbook's upgrade
rules and its unexpected changes; the counts are also checked against a plain count of
the raw ``actions`` lists. Every plan re-encoded as UTF-8 with a BOM and as UTF-16
(what PowerShell's ``>`` writes) gets the same review, and an escape code slipped into
an address never reaches the terminal raw.
"""

from __future__ import annotations

import codecs
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import PlanReview, Verdict, review

PLANS = Path(__file__).resolve().parents[2] / "data" / "realworld" / "plans"

# file -> (non-zero counts, verdict at stage "upgrade", number of unexpected changes)
EXPECTED: dict[str, tuple[dict[str, int], str, int]] = {
    "infracost__example-0.2.json": ({"create": 2}, "safe", 2),
    "infracost__terraform-v0.14.json": ({"create": 12, "update": 1, "no-op": 13}, "safe", 12),
    "opentofu__drift.json": ({"update": 2}, "safe", 0),
    "opentofu__identity-create.json": ({"create": 1}, "safe", 1),
    "opentofu__identity-destroy.json": ({"delete": 1}, "blocked", 1),
    "opentofu__identity-update.json": ({"update": 1}, "safe", 0),
    "opentofu__moved.json": ({"update": 1, "move": 1}, "safe", 0),
    "opentofu__plan-error.json": ({}, "blocked", 0),
    "opentofu__requires-replace.json": ({"replace": 1}, "blocked", 1),
    "terraform-cloud__import-config-gen.json": ({"no-op": 1, "import": 1}, "safe", 1),
    "terraform-cloud__no-changes.json": ({"no-op": 1}, "safe", 0),
    "terraform-cloud__plan-json-full.json": ({"create": 2}, "safe", 2),
    "terraform-json__013-module-depends-on.json": ({"create": 2, "read": 1}, "safe", 3),
    "terraform-json__110-basic.json": ({"create": 7}, "safe", 7),
    "terraform-json__120-basic.json": ({"create": 7}, "safe", 7),
    "terraform-json__action-reason.json": ({"replace": 1}, "blocked", 1),
    "terraform-json__actions.json": ({}, "blocked", 1),
    "terraform-json__basic-0.15.json": ({"create": 1}, "safe", 1),
    "terraform-json__basic.json": ({"create": 7, "read": 1}, "safe", 7),
    "terraform-json__explicit-null.json": ({"create": 3}, "safe", 3),
    "terraform-json__has-changes.json": ({"no-op": 6}, "safe", 0),
    "terraform-json__has-checks.json": ({"create": 2}, "safe", 2),
    "terraform-json__identity-import.json": ({"update": 1, "import": 1}, "safe", 0),
    "terraform-json__moved-block.json": ({"no-op": 1, "move": 1}, "safe", 1),
    "terraform-json__no-changes.json": ({"no-op": 6}, "safe", 0),
    "terraform-json__numerics.json": ({"create": 1}, "safe", 1),
    "terraform__actions-config.json": ({"create": 1}, "safe", 1),
    "terraform__basic-create.json": ({"create": 3}, "safe", 3),
    "terraform__basic-delete.json": ({"update": 1, "delete": 1}, "blocked", 1),
    "terraform__basic-update.json": ({"no-op": 1}, "safe", 0),
    "terraform__conditions-refresh-only.json": ({}, "safe", 0),
    "terraform__conditions.json": ({"create": 2}, "safe", 2),
    "terraform__drift.json": ({"update": 2}, "safe", 0),
    "terraform__modules.json": ({"create": 4}, "safe", 4),
    "terraform__moved-drift.json": ({"update": 2, "move": 1}, "safe", 0),
    "terraform__moved.json": ({"update": 1, "move": 1}, "safe", 0),
    "terraform__multi-resource-update.json": ({"create": 1, "no-op": 1, "move": 1}, "safe", 2),
    "terraform__nested-modules.json": ({"create": 1}, "safe", 1),
    "terraform__plan-error.json": ({}, "blocked", 0),
    "terraform__provider-aliasing.json": ({"create": 10}, "safe", 10),
    "terraform__requires-replace.json": ({"replace": 1}, "blocked", 1),
    "terraform__sensitive-values.json": ({"create": 1}, "safe", 1),
    "terraform__unknown-output.json": ({}, "safe", 0),
    "tf-plan-format__create.json": ({"create": 1}, "safe", 1),
    "tf-plan-format__delete-create.json": ({"replace": 1}, "blocked", 1),
    "tf-plan-format__delete.json": ({"delete": 1}, "blocked", 1),
    "tf-plan-format__no-op.json": ({"no-op": 1}, "safe", 0),
    "tf-plan-format__no-resources.json": ({}, "safe", 0),
    "tf-plan-format__sensitive.json": ({"replace": 1}, "blocked", 1),
    "tf-plan-format__update.json": ({"update": 1}, "safe", 0),
    "tf-summarize__example.json": ({"create": 7, "no-op": 1}, "safe", 7),
}
# The kind of each raw ``actions`` list, written out here apart from the parser's table.
RAW_KINDS = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("read",): "read",
    ("no-op",): "no-op",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
}


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


def reviewed(name: str, playbook: Playbook, stage: str = "upgrade") -> PlanReview:
    return review(load_plan(str(PLANS / name)), playbook, stage)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["plan-review", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_corpus_holds_at_least_thirty_plans_all_expected() -> None:
    on_disk = {p.name for p in PLANS.iterdir() if p.suffix == ".json"}
    assert on_disk == set(EXPECTED) and len(on_disk) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_verdict_and_unexpected(name: str, playbook: Playbook) -> None:
    counts, verdict, unexpected = EXPECTED[name]
    result = reviewed(name, playbook)
    assert {k: n for k, n in result.counts.items() if n} == counts
    assert result.verdict.value == verdict
    assert len(result.issues) == unexpected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_agree_with_the_raw_actions(name: str, playbook: Playbook) -> None:
    raw = json.loads((PLANS / name).read_text(encoding="utf-8"))
    kinds = Counter(
        RAW_KINDS[tuple(rc["change"]["actions"])] for rc in raw.get("resource_changes", [])
    )
    counts = reviewed(name, playbook).counts
    assert {k: n for k, n in counts.items() if n and k in set(RAW_KINDS.values())} == dict(kinds)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exit_code_follows_the_verdict(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, str(PLANS / name), "--json")
    assert err == ""
    report = json.loads(out)
    assert report["verdict"] == EXPECTED[name][1]
    assert code == (3 if report["verdict"] == "blocked" else 0)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
    ids=["utf8-bom", "utf16-le", "utf16-be"],
)
def test_re_encoded_twin_gets_the_same_review(
    name: str, bom: bytes, codec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = PLANS / name
    twin = tmp_path / name
    twin.write_bytes(bom + original.read_text(encoding="utf-8").encode(codec))
    code, out, err = run_cli(capsys, str(original), "--json")
    twin_code, twin_out, twin_err = run_cli(capsys, str(twin), "--json")
    assert (twin_code, twin_err) == (code, err)
    assert json.loads(twin_out) == json.loads(out)


def text_of(capsys: pytest.CaptureFixture[str], name: str, *extra: str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, str(PLANS / name), *extra)
    assert err == ""
    return code, out


def test_errored_plans_are_blocked_and_never_called_no_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("terraform__plan-error.json", "opentofu__plan-error.json"):
        code, out = text_of(capsys, name)
        assert code == 3
        assert "Verdict: blocked (no override possible): The plan errored" in out
        assert "no changes" not in out


def test_plans_with_nothing_to_do_are_safe_even_when_not_applyable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Terraform writes applyable: false when a plan has no changes.
    raw = json.loads((PLANS / "terraform__basic-update.json").read_text())
    assert raw["applyable"] is False
    names = ("terraform__basic-update.json", "tf-plan-format__no-op.json")
    for name in (*names, "tf-plan-format__no-resources.json"):
        code, out = text_of(capsys, name)
        assert code == 0 and out.rstrip().endswith("Verdict: safe (nothing to apply)")


def test_terraform_1_14_action_invocation_blocks_with_a_typed_override(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = text_of(capsys, "terraform-json__actions.json", "--json")
    report = json.loads(out)
    assert code == 3 and report["action_invocations"] == ["action.bufo_print.success"]
    assert report["override_allowed"] and report["override_phrase"] == "change 1"
    _, text = text_of(capsys, "terraform-json__actions.json")
    assert "runs action action.bufo_print.success (bufo_print) invoked directly (-invoke)" in text


def test_import_by_identity_is_said_in_words_never_as_a_python_dict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out = text_of(capsys, "terraform-json__identity-import.json")
    assert "corner_user_identity.user: imported from the existing object with identity " in out
    assert "identity email=a@example.com" in out
    assert "{'" not in out and "'}" not in out


def test_import_with_generated_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = text_of(capsys, "terraform-cloud__import-config-gen.json")
    assert "imported from the existing object with id bar (configuration generated for it)" in out


def test_moves_drift_checks_and_unknown_outputs_in_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, moved = text_of(capsys, "terraform__multi-resource-update.json")
    assert "test_instance.test[0]: moved from test_instance.test" in moved
    _, drift = text_of(capsys, "terraform__drift.json")
    assert "changed outside the engine since the last apply" in drift
    assert "test_instance.should_refresh" in drift
    _, checks = text_of(capsys, "terraform-json__has-checks.json")
    assert "Note: 2 check(s): 2 passed" in checks
    _, outputs = text_of(capsys, "terraform__unknown-output.json")
    assert "2 output(s) known only after apply (in whole or in part): bar, baz" in outputs


def test_old_formats_and_the_redacted_plan_are_read(playbook: Playbook) -> None:
    assert load_plan(str(PLANS / "infracost__terraform-v0.14.json")).format_version == "0.1"
    assert load_plan(str(PLANS / "infracost__example-0.2.json")).format_version == "0.2"
    redacted = reviewed("terraform-cloud__plan-json-full.json", playbook)
    assert any("redacted JSON plan" in note for note in redacted.notes)


def test_the_terraform_wrapper_output_is_refused_saying_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = PLANS / "infracost__terraform-wrapper.txt"
    code, out, err = run_cli(capsys, str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and str(path) in err
    assert "the terraform wrapper's '[command]' line precedes the JSON" in err


def test_stage4_refuses_every_corpus_plan(playbook: Playbook) -> None:
    # None of them is the teardown: each lacks the three required destroys.
    for name in EXPECTED:
        result = reviewed(name, playbook, "stage4")
        assert result.verdict is Verdict.BLOCKED and len(result.missing_destroys) == 3


def address_with_escapes(raw: dict[str, Any]) -> dict[str, Any]:
    change = raw["resource_changes"][0]
    change["address"] = change["address"] + "\x1b[2J\x1b]0;pwned\x07"
    return raw


@pytest.mark.parametrize("stage", ["upgrade", "stage4"])
def test_escape_codes_in_an_address_are_shown_escaped(
    stage: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.loads((PLANS / "tf-plan-format__delete.json").read_text())
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(address_with_escapes(raw)), encoding="utf-8")
    code, out, err = run_cli(capsys, str(hostile), "--stage", stage)
    assert code == 3 and err == ""
    assert "\x1b" not in out and "\x07" not in out
    assert "terraform_data.foo-bar\\x1b[2J\\x1b]0;pwned\\x07" in out
    _, as_json, _ = run_cli(capsys, str(hostile), "--json")
    assert "\x1b" not in as_json and "\\u001b[2J" in as_json
