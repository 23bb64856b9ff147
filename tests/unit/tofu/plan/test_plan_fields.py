"""Fields of Terraform ≤ 1.14 and OpenTofu ≤ 1.10 plans the corpus lacks, said in words.

Deferred changes and deferred actions (Terraform ≥ 1.9 / 1.14), OpenTofu's
forget-then-create, ephemeral resources, failed checks, imports of unknown id,
format versions, multi-line attribute diffs and the nesting bound of the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.plan import plan, resource_change, write
from tui.cli import main
from tui.core.errors import ParseError
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.plan.attr_diff import MAX_DEPTH, TOO_DEEP, AttrStatus, diff_resource
from tui.core.tofu.plan.parse import UnsupportedPlanFormat, load_plan, parse_plan
from tui.core.tofu.plan.review import Verdict, review
from tui.core.tofu.plan.vocabulary import ActionKind


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


def test_deferred_changes_and_actions_are_noted_with_their_reason(playbook: Playbook) -> None:
    deferred = resource_change("aws_instance.web[0]", ["create"], after={})
    data = plan(
        [],
        complete=False,
        deferred_changes=[{"reason": "instance_count_unknown", "resource_change": deferred}],
        deferred_action_invocations=[
            {
                "reason": "deferred_prereq",
                "action_invocation": {
                    "address": "action.aws_lambda_invoke.warm",
                    "type": "aws_lambda_invoke",
                    "invoke_action_trigger": {},
                },
            }
        ],
    )
    result = review(parse_plan(data), playbook, "upgrade")
    notes = "\n".join(result.notes)
    assert (
        "1 change(s) deferred to a later plan: aws_instance.web[0] (its count or for_each" in notes
    )
    assert "1 action(s) deferred to a later plan: action.aws_lambda_invoke.warm" in notes
    assert "incomplete: another plan is needed after apply" in notes


def test_opentofu_forget_then_create_is_a_replace_that_blocks(playbook: Playbook) -> None:
    change = resource_change("aws_s3_bucket.logs", ["forget", "create"], before={}, after={})
    parsed = parse_plan(plan([change]))
    (rc,) = parsed.resource_changes
    assert rc.kind is ActionKind.REPLACE and rc.leaves_state and not rc.destroys
    result = review(parsed, playbook, "upgrade")
    assert result.verdict is Verdict.BLOCKED
    assert "replace (forget the old object, then create)" in result.issues[0].reason


def test_ephemeral_resources_are_counted_apart_and_change_nothing(playbook: Playbook) -> None:
    opened = resource_change("ephemeral.random_password.db", ["read"], mode="ephemeral")
    result = review(parse_plan(plan([opened])), playbook, "stage4")
    assert result.counts["ephemeral"] == 1 and result.counts["read"] == 0
    assert result.reviewed == () and not result.plan.has_changes
    assert any("1 ephemeral resource(s) opened during plan and apply" in n for n in result.notes)


def test_failed_checks_are_shown_with_their_message(playbook: Playbook) -> None:
    checks = [
        {
            "address": {"kind": "check", "to_display": "check.health", "name": "health"},
            "status": "fail",
            "instances": [
                {
                    "address": {"to_display": "check.health"},
                    "status": "fail",
                    "problems": [{"message": "the endpoint returned 503"}],
                }
            ],
        },
        {"address": {"kind": "output_value", "to_display": "output.url"}, "status": "unknown"},
    ]
    result = review(parse_plan(plan([], checks=checks)), playbook, "upgrade")
    notes = "\n".join(result.notes)
    assert "check check check.health: FAILED — the endpoint returned 503" in notes
    assert "2 check(s): 1 failed, 1 pending" in notes
    assert "1 check(s) will be evaluated during apply: output.url" in notes


def test_errored_plan_names_the_failed_check_and_is_never_no_changes(playbook: Playbook) -> None:
    checks = [
        {
            "address": {"kind": "resource", "to_display": "aws_instance.web"},
            "status": "error",
            "instances": [{"status": "error", "problems": [{"message": "ami not found"}]}],
        }
    ]
    result = review(parse_plan(plan([], errored=True, checks=checks)), playbook, "upgrade")
    assert result.verdict is Verdict.BLOCKED and not result.override_allowed
    assert any("ami not found" in note for note in result.notes)
    assert not any("no changes" in note for note in result.notes)


def test_import_with_an_id_known_only_at_apply(playbook: Playbook) -> None:
    change = resource_change(
        "aws_s3_bucket.adopted", ["no-op"], before={}, after={}, importing={"unknown": True}
    )
    (rc,) = parse_plan(plan([change])).resource_changes
    assert rc.is_import and rc.importing_id is None
    assert "imported from the existing object with an id known only during apply" in rc.explain()


@pytest.mark.parametrize("version", ["0.1", "0.2", "1.0", "1.1", "1.2"])
def test_format_versions_read(version: str, playbook: Playbook) -> None:
    result = review(parse_plan(plan([], format_version=version)), playbook, "upgrade")
    assert result.verdict is Verdict.SAFE and not any("newer" in n for n in result.notes)


def test_a_newer_minor_is_read_with_a_note_and_another_major_refused(playbook: Playbook) -> None:
    result = review(parse_plan(plan([], format_version="1.3")), playbook, "upgrade")
    assert any(
        "format_version 1.3 is newer than this version reads (1.2)" in n for n in result.notes
    )
    with pytest.raises(UnsupportedPlanFormat, match=r"reads 0\.1 to 1\.2"):
        parse_plan(plan([], format_version="2.0"))


def test_a_state_is_told_apart_from_a_plan() -> None:
    with pytest.raises(ParseError, match="this is a state"):
        parse_plan({"format_version": "1.0", "terraform_version": "1.10.7", "values": {}})


def test_multi_line_attribute_change_gets_a_line_diff() -> None:
    before = {"user_data": "#!/bin/sh\necho one\necho two\n"}
    after = {"user_data": "#!/bin/sh\necho one\necho 2\n"}
    change = resource_change("aws_instance.web", ["update"], before=before, after=after)
    (rc,) = parse_plan(plan([change])).resource_changes
    (attr,) = diff_resource(rc)
    assert attr.status is AttrStatus.CHANGED
    assert "-echo two" in attr.text_lines and "+echo 2" in attr.text_lines
    assert " echo one" in attr.text_lines


def test_values_nested_deeper_than_the_bound_are_one_leaf() -> None:
    deep: object = "bottom"
    for _ in range(MAX_DEPTH + 200):
        deep = {"k": deep}
    walked = resource_change("null_resource.a", ["update"], before={"v": {}}, after={"v": deep})
    leaf = resource_change("null_resource.b", ["update"], before={"v": 1}, after={"v": deep})
    for rc in parse_plan(plan([walked, leaf])).resource_changes:
        (attr,) = diff_resource(rc)
        assert attr.after == TOO_DEEP and attr.status is not AttrStatus.UNCHANGED


def test_a_ten_thousand_level_plan_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format_version": "1.2", "x": ' + "[" * 10_000 + "]" * 10_000 + "}")
    assert main(["plan-review", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "nested too deeply" in err


def test_a_five_thousand_digit_integer_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = plan([resource_change("null_resource.n", ["create"], after={"n": 1})])
    path = write(tmp_path / "big.json", data)
    path.write_text(path.read_text().replace('"n":1', '"n":' + "7" * 5000))
    assert main(["plan-review", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "4300 digits" in err


def test_utf16_without_a_byte_order_mark_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes('{"format_version": "1.2"}'.encode("utf-16-le"))
    with pytest.raises(ParseError, match="UTF-16 without a byte-order mark"):
        load_plan(str(path))
