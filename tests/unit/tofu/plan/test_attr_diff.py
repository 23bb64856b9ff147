"""Attribute diff: what changed, with secrets masked and unknowns shown as such."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.plan import SECRET, plan, resource_change, sample, secret_plan
from tui.core.tofu.plan.attr_diff import SENSITIVE, UNKNOWN, AttrStatus, diff_resource, diff_values
from tui.core.tofu.plan.model import ChangeValues, Plan, ResourceChange
from tui.core.tofu.plan.parse import parse_plan


def change_of(parsed: Plan, address: str) -> ResourceChange:
    return next(rc for rc in parsed.resource_changes if rc.address == address)


def test_replace_marks_the_forcing_path_and_unknown_ids(samples: Path) -> None:
    parsed = parse_plan(sample(samples, "plan_upgrade.json"))
    diff = {
        d.path: d
        for d in diff_resource(change_of(parsed, "aws_security_group_rule.eks_to_elasticache"))
    }
    assert set(diff) == {"description", "id", "security_group_rule_id"}
    assert diff["description"].forces_replacement
    assert diff["description"].before == '"Redis from EKS nodes"'
    assert diff["description"].status is AttrStatus.CHANGED
    assert diff["id"].after == UNKNOWN and diff["id"].unknown
    assert not diff["id"].forces_replacement


def test_create_with_sensitive_unknown_result_is_masked(samples: Path) -> None:
    parsed = parse_plan(sample(samples, "plan_upgrade.json"))
    diff = {d.path: d for d in diff_resource(change_of(parsed, "random_password.valkey"))}
    assert diff["result"].after == SENSITIVE and diff["result"].sensitive
    assert diff["id"].after == UNKNOWN
    assert diff["length"].after == "32" and diff["length"].status is AttrStatus.ADDED
    assert "keepers" not in diff  # null attributes of a create are noise


def test_nested_map_key_rendered_as_path(samples: Path) -> None:
    parsed = parse_plan(sample(samples, "plan_upgrade.json"))
    diff = diff_resource(change_of(parsed, 'module.eks.aws_eks_node_group.this["general"]'))
    assert [d.path for d in diff] == ['labels["mocm.io/release"]']


def test_sensitive_values_never_rendered() -> None:
    parsed = parse_plan(secret_plan())
    rendered = []
    for rc in parsed.resource_changes:
        for item in diff_resource(rc, include_unchanged=True):
            rendered.extend([item.path, item.before or "", item.after or ""])
    for output in parsed.output_changes:
        for item in diff_values(output.values, include_unchanged=True):
            rendered.extend([item.before or "", item.after or ""])
    text = "\n".join(rendered)
    assert SECRET not in text
    assert text.count(SENSITIVE) >= 6
    assert '"AWSCURRENT"' in text  # what is not sensitive is still shown


def test_changed_sensitive_value_is_reported_as_changed_but_masked() -> None:
    parsed = parse_plan(secret_plan())
    [item] = diff_resource(parsed.resource_changes[0])
    assert (item.path, item.before, item.after, item.status) == (
        "secret_string",
        SENSITIVE,
        SENSITIVE,
        AttrStatus.CHANGED,
    )
    [pw] = [d for d in diff_resource(parsed.resource_changes[1]) if d.path == "passwords"]
    assert pw.forces_replacement and pw.after == SENSITIVE


def test_delete_lists_removed_attributes_and_unchanged_are_hidden() -> None:
    parsed = parse_plan(
        plan(
            [
                resource_change("aws_s3_bucket.a", ["delete"], before={"bucket": "b", "x": None}),
                resource_change(
                    "aws_s3_bucket.b",
                    ["update"],
                    before={"tags": {"a": "1", "b": "2"}, "list": [1, 2]},
                    after={"tags": {"a": "1", "c": "3"}, "list": [1, 3, 4]},
                ),
            ]
        )
    )
    [removed] = diff_resource(parsed.resource_changes[0])
    assert (removed.path, removed.before, removed.after, removed.status) == (
        "bucket",
        '"b"',
        None,
        AttrStatus.REMOVED,
    )
    diff = {d.path: d.status for d in diff_resource(parsed.resource_changes[1])}
    assert diff == {
        "list[1]": AttrStatus.CHANGED,
        "list[2]": AttrStatus.ADDED,
        "tags.b": AttrStatus.REMOVED,
        "tags.c": AttrStatus.ADDED,
    }
    full = {d.path for d in diff_resource(parsed.resource_changes[1], include_unchanged=True)}
    assert {"tags.a", "list[0]"} <= full


def test_unknown_whole_list_and_unknown_output() -> None:
    parsed = parse_plan(
        plan(
            [
                resource_change(
                    "aws_instance.a",
                    ["update"],
                    before={"ips": ["10.0.0.1"]},
                    after={"ips": None},
                    after_unknown={"ips": True},
                )
            ],
            output_changes={
                "endpoint": {
                    "actions": ["create"],
                    "before": None,
                    "after_unknown": True,
                    "before_sensitive": False,
                    "after_sensitive": False,
                }
            },
        )
    )
    [ips] = diff_resource(parsed.resource_changes[0])
    assert (ips.path, ips.before, ips.after) == ("ips", '["10.0.0.1"]', UNKNOWN)
    [endpoint] = diff_values(parsed.output_changes[0].values)
    assert (endpoint.path, endpoint.after, endpoint.status) == (
        "(value)",
        UNKNOWN,
        AttrStatus.ADDED,
    )


# (value, sensitivity tree) pairs: every leaf holding the secret is marked sensitive.
LEAF = st.one_of(
    st.tuples(st.just(SECRET), st.just(True)),
    st.tuples(st.none() | st.integers() | st.text(alphabet="abc", max_size=4), st.just(False)),
)
MARKED = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(
            lambda items: ([v for v, _ in items], [m for _, m in items])
        ),
        st.dictionaries(st.sampled_from("pqrs"), inner, max_size=3).map(
            lambda items: (
                {k: v for k, (v, _) in items.items()},
                {k: m for k, (_, m) in items.items()},
            )
        ),
        # a whole subtree marked sensitive at its root
        inner.map(lambda pair: ({"blob": [pair[0], SECRET]}, {"blob": True})),
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(before=MARKED, after=MARKED, unknown=st.sampled_from([{}, True, {"p": True}]))
def test_secret_never_rendered_whatever_the_shape(
    before: tuple[Any, Any], after: tuple[Any, Any], unknown: Any
) -> None:
    values = ChangeValues(
        {
            "actions": ["update"],
            "before": before[0],
            "after": after[0],
            "after_unknown": unknown,
            "before_sensitive": before[1],
            "after_sensitive": after[1],
        }
    )
    for item in diff_values(values, include_unchanged=True):
        assert SECRET not in f"{item.path}{item.before}{item.after}"


def test_mark_tree_of_another_shape_masks_rather_than_leaks() -> None:
    values = ChangeValues(
        {
            "actions": ["update"],
            "before": {"token": {"a": SECRET}, "plain": "x"},
            "after": {"token": {"a": SECRET + "2"}, "plain": "y"},
            "before_sensitive": {"token": [True]},  # a list where the value is an object
            "after_sensitive": {"token": [True]},
        }
    )
    diff = {d.path: d for d in diff_values(values)}
    assert diff["token.a"].before == SENSITIVE and diff["token.a"].after == SENSITIVE
    assert diff["plain"].after == '"y"'
