"""The playbook's rollback rules (Rollback A re-plans the previous release on its restored
pre-upgrade state): what they let through, what they block, and `plan-review --stage rollback`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.plan import plan, resource_change, sample, write
from tui.cli import main
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.plan.gate import GateMode, gate_policy
from tui.core.tofu.plan.parse import parse_plan
from tui.core.tofu.plan.review import PlanReview, Verdict, review

BOOK = load_playbook()
SG = "aws_security_group.elasticache"
RULE = "aws_security_group_rule.eks_to_elasticache"
VALKEY = "aws_elasticache_replication_group.valkey"


def reviewed(changes: list[dict[str, Any]], stage: str = "rollback") -> PlanReview:
    return review(parse_plan(plan(changes)), BOOK, stage)


def why(book: Playbook, actions: tuple[str, ...]) -> str:
    return next(r.why for r in book.plan_rollback.expected if r.actions == actions)


def revert_plan() -> list[dict[str, Any]]:
    """What a rollback plan looks like: an in-place change undone, a replaced object back."""
    return [
        resource_change(SG, ["update"], before={"tags": {"a": "1"}}, after={"tags": {}}),
        resource_change(RULE, ["create"], after={"description": "Redis from the EKS nodes"}),
        resource_change("data.aws_caller_identity.current", ["read"], after={}),
        resource_change("aws_s3_bucket.media", ["no-op"], before={}, after={}),
    ]


def test_reverting_and_recreating_is_expected_at_rollback() -> None:
    result = reviewed(revert_plan())
    assert result.verdict is Verdict.SAFE and result.issues == ()
    reasons = {r.change.address: r.reason for r in result.reviewed}
    assert reasons[SG] == why(BOOK, ("update",))
    assert reasons[RULE] == why(BOOK, ("create",))
    assert "re-creates what the failed upgrade replaced or removed" in reasons[RULE]
    assert gate_policy(result).mode is GateMode.CONFIRM


def test_the_same_plan_under_the_upgrade_rules_is_judged_differently() -> None:
    upgrade = reviewed(revert_plan(), "upgrade")
    assert [i.address for i in upgrade.issues] == [RULE]  # no upgrade rule expects that create
    assert "no rule of stage 'upgrade'" in upgrade.issues[0].reason


@pytest.mark.parametrize(
    ("actions", "words"),
    [(["delete", "create"], "replace (destroy, then create)"), (["delete"], "destroy")],
    ids=["replace", "destroy"],
)
def test_a_destroy_or_replace_at_rollback_needs_the_typed_phrase(
    actions: list[str], words: str
) -> None:
    change = resource_change(SG, actions, before={"description": "x"}, after=None)
    result = reviewed([*revert_plan()[:1], change])
    assert result.verdict is Verdict.BLOCKED and result.override_allowed
    issue = result.blockers[0]
    assert issue.address == SG and issue.overridable
    assert issue.reason.startswith(f"unexpected {words}: no rule of stage 'rollback' expects")
    policy = gate_policy(result)
    assert (policy.mode, policy.phrase) == (GateMode.TYPE_PHRASE, "destroy 1")


@pytest.mark.parametrize("actions", [["update"], ["create"], ["delete"]], ids=lambda a: a[0])
def test_anything_touching_valkey_is_refused_at_rollback(actions: list[str]) -> None:
    change = resource_change(VALKEY, actions, before={} if actions != ["create"] else None)
    result = reviewed([change])
    assert result.verdict is Verdict.BLOCKED and not result.override_allowed
    assert "protected resource (matches '*valkey*')" in result.issues[0].reason
    assert "at stage 'rollback'" in result.issues[0].reason
    assert gate_policy(result).mode is GateMode.REFUSE


def test_the_upgrade_plan_reviewed_as_a_rollback_is_refused(samples: Path) -> None:
    result = review(parse_plan(sample(samples, "plan_upgrade.json")), BOOK, "rollback")
    assert result.verdict is Verdict.BLOCKED and not result.override_allowed
    protected = {r.change.address for r in result.reviewed if r.protected}
    assert VALKEY in protected


def test_forget_is_unexpected_but_destroys_nothing() -> None:
    result = reviewed([resource_change(SG, ["forget"], before={})])
    assert result.verdict is Verdict.SAFE
    assert [(i.address, i.blocking) for i in result.issues] == [(SG, False)]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["plan-review", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_reviews_a_rollback_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "rollback.json", plan(revert_plan()))
    code, out, err = run_cli(capsys, str(path), "--stage", "rollback", "--json")
    data = json.loads(out)
    assert (code, err) == (0, "")
    assert (data["verdict"], data["stage"], data["unexpected"]) == ("safe", "rollback", [])
    assert data["counts"]["create"] == 1 and data["counts"]["update"] == 1


def test_cli_blocks_a_rollback_destroy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "rollback.json", plan([resource_change(SG, ["delete"], before={})]))
    code, out, _ = run_cli(capsys, str(path), "--stage", "rollback")
    assert code == 3
    assert f"[BLOCKS] {SG}" in out and "no rule of stage 'rollback'" in out


def test_cli_upgrade_and_stage4_keep_their_answers(
    samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, str(samples / "plan_upgrade.json"), "--json")
    assert code == 3 and json.loads(out)["stage"] == "upgrade"
    assert [u["address"] for u in json.loads(out)["unexpected"]] == [RULE]
    code, out, _ = run_cli(capsys, str(samples / "plan_stage4.json"), "--stage", "stage4")
    assert code == 0 and "Verdict: safe" in out


def test_cli_rejects_an_unknown_stage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["plan-review", "plan.json", "--stage", "teardown"])
    assert exit_.value.code == 2
    assert "choose from 'upgrade', 'stage4', 'rollback'" in capsys.readouterr().err
