"""Plan review, rule by rule: each case pins one decision of the verdict (make mutate)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.plan import plan, resource_change
from tui.core.playbook.load import ExpectedChange, PlanRules
from tui.core.tofu.plan.parse import parse_plan
from tui.core.tofu.plan.review import (
    COUNT_KEYS,
    PlanReview,
    ReviewIssue,
    Verdict,
    describe_actions,
    review_with_rules,
)

NO_RULES = PlanRules((), (), ())
CACHE = "aws_elasticache_cluster.elasticache"
GROUP = "aws_elasticache_subnet_group.elasticache"
STAGE4 = PlanRules(
    (
        ExpectedChange(("delete",), CACHE, "old Redis cluster"),
        ExpectedChange(("delete",), GROUP, "its subnet group"),
    ),
    (CACHE, GROUP),
    ("*valkey*",),
)


def change(address: str, actions: list[str], **extra: Any) -> dict[str, Any]:
    before = None if actions in (["create"], ["read"]) else {"id": "x"}
    after = None if actions in (["delete"], ["forget"]) else {"id": "y"}
    return resource_change(address, actions, before=before, after=after, **extra)


def run(entries: list[dict[str, Any]], rules: PlanRules, stage: str, **top: Any) -> PlanReview:
    return review_with_rules(parse_plan(plan(entries, **top)), rules, stage)


@pytest.mark.parametrize(
    ("actions", "extra", "words"),
    [
        (["delete", "create"], {}, "replace (destroy, then create)"),
        (["create", "delete"], {}, "replace (create before destroy)"),
        (["create", "forget"], {}, "replace (create, then forget the old object)"),
        (["create"], {}, "create"),
        (["create"], {"importing": {"id": "i-1"}}, "create with import"),
        (["update"], {}, "in-place update"),
        (["delete"], {}, "destroy"),
        (["read"], {}, "data read"),
        (["forget"], {}, "forget"),
        (["no-op"], {}, "no change"),
        (["no-op"], {"importing": {"id": "i-1"}}, "import"),
        (["no-op"], {"previous_address": "aws_s3_bucket.old"}, "move"),
        (["update"], {"previous_address": "aws_s3_bucket.old"}, "in-place update"),
    ],
)
def test_actions_in_words(actions: list[str], extra: dict[str, Any], words: str) -> None:
    [parsed] = parse_plan(plan([change("aws_s3_bucket.b", actions, **extra)])).resource_changes
    assert describe_actions(parsed) == words


def test_counts_cover_every_kind_and_imports_and_moves_on_top() -> None:
    result = run(
        [
            change("a.create", ["create"]),
            change("a.create2", ["create"], importing={"id": "x"}),
            change("a.same", ["no-op"]),
            change("a.moved", ["no-op"], previous_address="a.old"),
            change("a.same2", ["no-op"], previous_address="a.same2"),  # not a move
            change("a.read", ["read"]),
        ],
        NO_RULES,
        "upgrade",
    )
    assert set(result.counts) == set(COUNT_KEYS)
    assert result.counts["create"] == 2 and result.counts["no-op"] == 3
    assert result.counts["read"] == 1 and result.counts["delete"] == 0
    assert (result.counts["import"], result.counts["move"]) == (1, 1)
    # plain no-ops are left out of the review; an import or a move is reviewed
    assert [r.change.address for r in result.reviewed] == [
        "a.create",
        "a.create2",
        "a.moved",
        "a.read",
    ]


def test_unexpected_create_or_update_is_listed_but_does_not_block() -> None:
    result = run([change("a.x", ["create"]), change("a.y", ["update"])], NO_RULES, "upgrade")
    assert result.verdict is Verdict.SAFE and not result.blocked
    assert [(i.address, i.blocking, i.overridable) for i in result.issues] == [
        ("a.x", False, True),
        ("a.y", False, True),
    ]
    assert result.unexpected == result.issues and result.blockers == ()
    assert not result.override_allowed  # nothing to override
    assert (
        "no rule of stage 'upgrade' expects the actions create at this address"
        in result.issues[0].reason
    )


@pytest.mark.parametrize(
    "actions", [["delete"], ["delete", "create"], ["create", "delete"], ["create", "forget"]]
)
def test_unexpected_destroy_or_replace_blocks_and_may_be_overridden(actions: list[str]) -> None:
    result = run([change("aws_s3_bucket.b", actions)], NO_RULES, "upgrade")
    assert result.verdict is Verdict.BLOCKED and result.blocked
    [issue] = result.blockers
    assert (issue.address, issue.actions, issue.overridable) == (
        "aws_s3_bucket.b",
        tuple(actions),
        True,
    )
    assert result.override_allowed


def test_a_forget_alone_is_unexpected_without_blocking() -> None:
    result = run([change("a.kept", ["forget"])], NO_RULES, "upgrade")
    assert result.verdict is Verdict.SAFE
    assert [i.blocking for i in result.issues] == [False]
    assert any(n.startswith("1 object(s) will leave the state") for n in result.notes)


def test_a_rule_needs_the_same_actions_and_a_matching_address() -> None:
    rules = PlanRules(
        (
            ExpectedChange(("delete",), "aws_s3_bucket.*", "buckets go"),
            ExpectedChange(("update",), 'aws_s3_bucket.b["x"]', "literal"),
        ),
        (),
        (),
    )
    result = run(
        [
            change("aws_s3_bucket.old", ["delete"]),
            change("aws_s3_bucket.old2", ["delete", "create"]),
            change("aws_iam_role.r", ["delete"]),
            change('aws_s3_bucket.b["x"]', ["update"]),
            change('aws_s3_bucket.b["y"]', ["update"]),
        ],
        rules,
        "upgrade",
    )
    assert [(r.change.address, r.expected) for r in result.reviewed] == [
        ("aws_s3_bucket.old", True),
        ("aws_s3_bucket.old2", False),
        ("aws_iam_role.r", False),
        ('aws_s3_bucket.b["x"]', True),
        ('aws_s3_bucket.b["y"]', False),
    ]
    first = result.reviewed[0]
    assert (first.reason, first.rule) == ("buckets go", rules.expected[0])
    assert [i.address for i in result.blockers] == ["aws_s3_bucket.old2", "aws_iam_role.r"]


def test_a_protected_address_blocks_without_override_even_if_a_rule_expects_it() -> None:
    rules = PlanRules((ExpectedChange(("update",), "*", "anything"),), (), ("*valkey*",))
    result = run(
        [change("aws_elasticache_replication_group.valkey", ["update"]), change("a.x", ["delete"])],
        rules,
        "upgrade",
    )
    protected = result.reviewed[0]
    assert (protected.expected, protected.blocking, protected.overridable) == (False, True, False)
    assert protected.protected
    assert (
        "matches '*valkey*'" in protected.reason
        and "no confirmation can override" in protected.reason
    )
    assert result.verdict is Verdict.BLOCKED
    assert not result.override_allowed  # one blocker that cannot be overridden is enough


def test_stage4_with_every_required_destroy_is_safe() -> None:
    result = run([change(CACHE, ["delete"]), change(GROUP, ["delete"])], STAGE4, "stage4")
    assert result.verdict is Verdict.SAFE
    assert result.issues == () and result.missing_destroys == ()
    assert [r.reason for r in result.reviewed] == ["old Redis cluster", "its subnet group"]


def test_stage4_missing_destroy_blocks_and_says_what_the_plan_does_instead() -> None:
    result = run([change(CACHE, ["delete"]), change(GROUP, ["update"])], STAGE4, "stage4")
    assert result.missing_destroys == (GROUP,)
    missing = result.issues[-1]
    assert missing == ReviewIssue(
        GROUP,
        ("update",),
        "required destroy missing: the plan has the actions update for this address "
        "instead of a delete alone",
        True,
        False,
    )
    assert not result.override_allowed
    gone = run([change(CACHE, ["delete"])], STAGE4, "stage4")
    assert (
        gone.issues[-1].reason == "required destroy missing: the plan does not destroy this address"
    )
    assert gone.issues[-1].actions == ()


def test_stage4_required_destroy_of_a_deposed_object_does_not_count() -> None:
    result = run(
        [change(CACHE, ["delete"]), change(GROUP, ["delete"], deposed="0badf00d")],
        STAGE4,
        "stage4",
    )
    assert result.missing_destroys == (GROUP,)
    deposed = next(i for i in result.issues if i.deposed == "0badf00d")
    assert deposed.display_address == f"{GROUP} (deposed object 0badf00d)"
    assert deposed.blocking
    assert result.issues[-1].actions == ()  # the deposed object is not the address's own plan


def test_stage4_other_destroys_block_and_required_ones_are_not_required_elsewhere() -> None:
    result = run(
        [
            change(CACHE, ["delete"]),
            change(GROUP, ["delete"]),
            change("aws_iam_role.r", ["delete"]),
        ],
        STAGE4,
        "stage4",
    )
    [other] = result.blockers
    assert other.address == "aws_iam_role.r" and other.overridable
    assert "stage 'stage4' allows only the playbook's required destroys" in other.reason
    assert result.override_allowed
    replaced = run(
        [change(CACHE, ["delete", "create"]), change(GROUP, ["delete"])], STAGE4, "stage4"
    )
    assert replaced.missing_destroys == (CACHE,)
    assert replaced.reviewed[0].expected is False
    # outside stage 4 the required destroys are not required
    upgrade = run([], STAGE4, "upgrade")
    assert upgrade.missing_destroys == () and upgrade.verdict is Verdict.SAFE


def test_stage4_update_or_create_follows_the_rules_like_any_stage() -> None:
    result = run(
        [change(CACHE, ["delete"]), change(GROUP, ["delete"]), change("a.n", ["create"])],
        STAGE4,
        "stage4",
    )
    assert result.verdict is Verdict.SAFE
    assert [i.address for i in result.issues] == ["a.n"]


@pytest.mark.parametrize(
    ("top", "note"),
    [
        (
            {"errored": True},
            "the plan errored (planning stopped on an error): it cannot be applied; "
            "the error is in the output of the plan command",
        ),
        ({"applyable": False}, "the engine marked this plan as not applyable"),
    ],
)
def test_a_plan_that_cannot_be_applied_is_blocked_without_override(
    top: dict[str, Any], note: str
) -> None:
    result = run([change("a.x", ["update"])], NO_RULES, "upgrade", **top)
    assert result.verdict is Verdict.BLOCKED
    assert not result.override_allowed
    assert note in result.notes


def test_notes_say_incomplete_no_changes_and_forgotten() -> None:
    incomplete = run([change("a.x", ["update"])], NO_RULES, "upgrade", complete=False)
    assert incomplete.notes == (
        "the engine says this plan is incomplete: another plan is needed after apply",
    )
    assert run([change("a.x", ["update"])], NO_RULES, "upgrade", complete=True).notes == ()
    empty = run([change("a.same", ["no-op"])], NO_RULES, "upgrade")
    assert empty.notes == ("no changes: the infrastructure already matches the configuration",)
    forgets = run(
        [change("a.k", ["forget"]), change("a.r", ["create", "forget"])], NO_RULES, "upgrade"
    )
    assert forgets.notes == (
        "2 object(s) will leave the state without being destroyed (forget): "
        "they keep running unmanaged",
    )
