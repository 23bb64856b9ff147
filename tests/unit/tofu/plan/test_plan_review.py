"""Plan review: expected vs unexpected under the playbook's stage rules, and the verdict."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.support.plan import plan, resource_change, sample
from tui.core.errors import PlaybookError
from tui.core.playbook.load import ExpectedChange, PlanRules, Playbook, load_playbook
from tui.core.tofu.plan.gate import GateMode, gate_policy
from tui.core.tofu.plan.parse import parse_plan
from tui.core.tofu.plan.review import COUNT_KEYS, PlanReview, Verdict, review, review_with_rules


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


def reviewed(data: dict[str, Any], playbook: Playbook, stage: str) -> PlanReview:
    return review(parse_plan(data), playbook, stage)


def stage4_required(playbook: Playbook) -> tuple[str, ...]:
    return playbook.rules("stage4").required_destroys


def test_upgrade_sample_replace_is_unexpected_and_blocks(samples: Path, playbook: Playbook) -> None:
    result = reviewed(sample(samples, "plan_upgrade.json"), playbook, "upgrade")
    assert result.verdict is Verdict.BLOCKED
    assert [i.address for i in result.unexpected] == ["aws_security_group_rule.eks_to_elasticache"]
    issue = result.unexpected[0]
    assert issue.actions == ("delete", "create") and issue.blocking and issue.overridable
    assert "replace" in issue.reason and "description" in issue.reason
    assert result.override_allowed
    assert result.counts == {
        "create": 9,
        "update": 2,
        "delete": 0,
        "replace": 1,
        "read": 1,
        "no-op": 7,
        "forget": 0,
        "import": 0,
        "move": 0,
        "ephemeral": 0,
    }
    expected = {r.change.address for r in result.reviewed if r.expected}
    assert "aws_elasticache_replication_group.valkey" in expected
    assert "data.aws_iam_policy_document.valkey_secret_read" in expected


def test_stage4_sample_is_safe(samples: Path, playbook: Playbook) -> None:
    result = reviewed(sample(samples, "plan_stage4.json"), playbook, "stage4")
    assert result.verdict is Verdict.SAFE and result.unexpected == ()
    assert result.missing_destroys == ()
    destroyed = {r.change.address for r in result.reviewed if r.expected and r.change.destroys}
    assert destroyed == set(stage4_required(playbook))
    assert result.counts["delete"] == 3 and result.counts["no-op"] == 10


@pytest.mark.parametrize("stage", ["upgrade", "stage4"])
def test_no_changes_sample(samples: Path, playbook: Playbook, stage: str) -> None:
    result = reviewed(sample(samples, "plan_no_changes.json"), playbook, stage)
    assert result.reviewed == ()
    assert result.counts["no-op"] == 10
    assert sum(n for k, n in result.counts.items() if k != "no-op") == 0
    if stage == "upgrade":
        assert result.verdict is Verdict.SAFE and result.unexpected == ()
    else:  # Stage 4 demands the three destroys: a plan without them is not what it should be
        assert result.verdict is Verdict.BLOCKED
        assert result.missing_destroys == stage4_required(playbook)


def test_action_matrix_each_entry_classified(samples: Path, playbook: Playbook) -> None:
    result = reviewed(sample(samples, "plan_action_matrix.json"), playbook, "upgrade")
    got = {(r.change.address, r.change.deposed): (r.expected, r.blocking) for r in result.reviewed}
    assert got == {
        ("data.aws_caller_identity.current", None): (True, False),  # data read
        ("null_resource.counted[2]", None): (False, True),
        ("null_resource.create", None): (False, False),  # unexpected, yet only a create
        ("null_resource.deposed", "5f3c9a1e"): (False, True),
        ("null_resource.forgotten", None): (False, False),
        ("null_resource.gone", None): (False, True),
        ("null_resource.imported", None): (False, False),
        ('null_resource.keyed["old"]', None): (False, True),
        ("null_resource.moved_target", None): (False, False),
        ("null_resource.replace_cbd", None): (False, True),
        ("null_resource.replace_requested", None): (False, True),
        ("null_resource.replace_tainted", None): (False, True),
        ("null_resource.replace_triggered", None): (False, True),
        ("terraform_data.update", None): (True, False),  # in-place update allowed
        ("module.legacy.null_resource.inner", None): (False, True),
    }
    assert result.counts == {
        "create": 1,
        "update": 1,
        "delete": 5,
        "replace": 4,
        "read": 1,
        "no-op": 3,
        "forget": 1,
        "import": 1,
        "move": 1,
        "ephemeral": 0,
    }
    assert set(result.counts) == set(COUNT_KEYS)
    forgotten = next(i for i in result.unexpected if i.address == "null_resource.forgotten")
    assert "kept" in forgotten.reason
    assert any("leave the state" in note for note in result.notes)
    assert result.verdict is Verdict.BLOCKED and result.override_allowed


def test_stage4_fourth_destroy_blocks(samples: Path, playbook: Playbook) -> None:
    data = sample(samples, "plan_stage4.json")
    for rc in data["resource_changes"]:
        if rc["address"] == "aws_security_group.elasticache":
            rc["change"]["actions"] = ["delete"]
            rc["change"]["after"] = None
            rc["action_reason"] = "delete_because_no_resource_config"
    result = reviewed(data, playbook, "stage4")
    assert result.verdict is Verdict.BLOCKED
    assert [i.address for i in result.blockers] == ["aws_security_group.elasticache"]
    assert "only the playbook's required destroys" in result.blockers[0].reason
    assert result.override_allowed


@pytest.mark.parametrize("missing_index", [0, 1, 2])
def test_stage4_missing_destroy_blocks(
    samples: Path, playbook: Playbook, missing_index: int
) -> None:
    data = sample(samples, "plan_stage4.json")
    missing = stage4_required(playbook)[missing_index]
    for rc in data["resource_changes"]:
        if rc["address"] == missing:
            rc["change"]["actions"] = ["no-op"]
            rc.pop("action_reason", None)
    result = reviewed(data, playbook, "stage4")
    assert result.verdict is Verdict.BLOCKED
    assert result.missing_destroys == (missing,)
    assert [i.address for i in result.unexpected] == [missing]
    assert "required destroy missing" in result.unexpected[0].reason
    assert not result.override_allowed  # no typed phrase can make this the teardown


def test_stage4_required_address_replaced_instead_of_destroyed(
    samples: Path, playbook: Playbook
) -> None:
    data = sample(samples, "plan_stage4.json")
    target = stage4_required(playbook)[0]
    for rc in data["resource_changes"]:
        if rc["address"] == target:
            rc["change"]["actions"] = ["delete", "create"]
            rc["change"]["after"] = copy.deepcopy(rc["change"]["before"])
    result = reviewed(data, playbook, "stage4")
    assert result.verdict is Verdict.BLOCKED
    reasons = [i.reason for i in result.unexpected if i.address == target]
    assert len(reasons) == 2  # the replace itself, and the pure delete it lacks
    assert any("instead of a delete alone" in r for r in reasons)


def test_stage4_valkey_replaced_is_protected_and_not_overridable(
    samples: Path, playbook: Playbook
) -> None:
    data = sample(samples, "plan_stage4.json")
    target = "aws_elasticache_replication_group.valkey"
    for rc in data["resource_changes"]:
        if rc["address"] == target:
            rc["change"]["actions"] = ["delete", "create"]
            rc["change"]["after"] = copy.deepcopy(rc["change"]["before"])
            rc["action_reason"] = "replace_because_cannot_update"
    result = reviewed(data, playbook, "stage4")
    assert result.verdict is Verdict.BLOCKED
    [issue] = result.blockers
    assert issue.address == target and not issue.overridable
    assert "protected" in issue.reason and "no confirmation can override" in issue.reason
    assert not result.override_allowed
    [item] = [r for r in result.reviewed if r.change.address == target]
    assert item.protected and not item.overridable


def test_stage4_protected_update_blocks_until_its_attributes_are_typed(
    samples: Path, playbook: Playbook
) -> None:
    data = sample(samples, "plan_stage4.json")
    for rc in data["resource_changes"]:
        if rc["address"] == "aws_elasticache_subnet_group.valkey":
            rc["change"]["actions"] = ["update"]
            rc["change"]["after"] = {**rc["change"]["before"], "description": "drifted"}
    result = reviewed(data, playbook, "stage4")
    assert result.verdict is Verdict.BLOCKED and result.override_allowed
    (issue,) = result.blockers
    assert issue.confirm_attributes == ("description",)
    assert gate_policy(result).phrase == "update description"


def test_deposed_object_of_required_address_does_not_count_as_the_destroy(
    playbook: Playbook,
) -> None:
    required = stage4_required(playbook)
    changes = [resource_change(a, ["delete"], before={}) for a in required[1:]]
    changes.append(resource_change(required[0], ["delete"], before={}, deposed="0badf00d"))
    result = reviewed(plan(changes), playbook, "stage4")
    assert result.missing_destroys == (required[0],)
    deposed = [i for i in result.blockers if i.deposed == "0badf00d"]
    assert deposed and deposed[0].display_address.endswith("(deposed object 0badf00d)")


def test_errored_plan_is_blocked_without_override(playbook: Playbook) -> None:
    result = reviewed(plan([], errored=True), playbook, "upgrade")
    assert result.verdict is Verdict.BLOCKED and not result.override_allowed
    assert any("cannot be applied" in note for note in result.notes)


def test_expected_rule_needs_exact_actions_and_literal_addresses_match() -> None:
    address = 'aws_s3_bucket.buckets["media"]'
    rules = PlanRules((ExpectedChange(("update",), address, "tags"),), (), ())
    parsed = parse_plan(
        plan(
            [
                resource_change(address, ["update"], before={}, after={}),
                resource_change('aws_s3_bucket.buckets["logs"]', ["update"], before={}, after={}),
                resource_change('aws_s3_bucket.buckets["x"]', ["create"], after={}),
            ]
        )
    )
    result = review_with_rules(parsed, rules, "upgrade")
    assert [r.expected for r in result.reviewed] == [True, False, False]
    assert result.verdict is Verdict.SAFE  # nothing destroyed: unexpected, not blocking


def test_unknown_stage_is_a_playbook_error(playbook: Playbook) -> None:
    with pytest.raises(PlaybookError, match="unknown plan stage"):
        reviewed(plan([]), playbook, "stage5")


def test_generated_benchmark_plan_is_reviewed(playbook: Playbook) -> None:
    from tests.bench.plan_generator import generate_plan

    data = generate_plan(changes=400, seed=3)
    result = reviewed(data, playbook, "upgrade")
    kinds = sum(n for key, n in result.counts.items() if key not in ("import", "move"))
    assert kinds == 400
    assert result.counts["replace"] > 0 and result.counts["delete"] > 0
    assert result.verdict is Verdict.BLOCKED
    assert all(issue.blocking for issue in result.unexpected if "delete" in issue.actions)


def test_a_plan_with_no_changes_is_applied_with_one_confirmation(playbook: Playbook) -> None:
    # Terraform 1.11 marks it applyable: false and still applies the saved plan with
    # exit 0 ("0 added, 0 changed, 0 destroyed"); a rollback onto a restored state
    # that already matches must not be stuck behind a refused gate.
    policy = gate_policy(review(parse_plan(plan([], applyable=False)), playbook, "rollback"))
    assert policy.mode is GateMode.CONFIRM and policy.can_apply
    assert "no changes" in policy.why[0]


def test_a_plan_with_changes_marked_not_applyable_is_refused(playbook: Playbook) -> None:
    change = resource_change("aws_s3_bucket.logs", ["update"], before={"a": 1}, after={"a": 2})
    policy = gate_policy(review(parse_plan(plan([change], applyable=False)), playbook, "upgrade"))
    assert policy.mode is GateMode.REFUSE
    assert "not applyable" in " ".join(policy.why)
