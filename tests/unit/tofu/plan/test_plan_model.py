"""The plan model reads `tofu show -json` output, every action combination and bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.plan import plan, resource_change, sample, write
from tui.core.errors import ParseError
from tui.core.playbook.load import load_playbook
from tui.core.tofu.plan.attr_diff import diff_resource
from tui.core.tofu.plan.model import ResourceChange
from tui.core.tofu.plan.parse import UnsupportedPlanFormat, load_plan, parse_plan, parse_plan_text
from tui.core.tofu.plan.review import Verdict, review
from tui.core.tofu.plan.vocabulary import REASONS, ActionKind, explain_reason, render_path

# Every reason of formats.md §1.3.
ALL_REASONS = [
    "replace_because_tainted",
    "replace_because_cannot_update",
    "replace_by_request",
    "replace_by_triggers",
    "delete_because_no_resource_config",
    "delete_because_wrong_repetition",
    "delete_because_count_index",
    "delete_because_each_key",
    "delete_because_no_module",
    "delete_because_no_move_target",
    "read_because_config_unknown",
    "read_because_dependency_pending",
    "read_because_check_nested",
    "delete_because_enabled_false",
    "forgot_because_lifecycle_destroy_in_state",
    "forgot_because_lifecycle_destroy_in_config",
]


def by_address(path: Path) -> dict[tuple[str, str | None], ResourceChange]:
    return {(rc.address, rc.deposed): rc for rc in load_plan(str(path)).resource_changes}


def test_upgrade_sample_kinds_module_index_and_replace_paths(samples: Path) -> None:
    parsed = load_plan(str(samples / "plan_upgrade.json"))
    assert parsed.format_version == "1.2"
    assert parsed.applyable is None and parsed.complete is None  # OpenTofu has neither
    assert parsed.has_prior_state and parsed.can_apply and parsed.has_changes
    changes = {rc.address: rc for rc in parsed.resource_changes}
    rule = changes["aws_security_group_rule.eks_to_elasticache"]
    assert rule.kind is ActionKind.REPLACE and rule.destroys
    assert rule.replace_paths == ("description",)
    assert "cannot be changed in place" in rule.explain()
    assert "description" in rule.explain()
    node_group = changes['module.eks.aws_eks_node_group.this["general"]']
    assert node_group.module_address == "module.eks"
    assert node_group.index == "general"
    assert node_group.kind is ActionKind.UPDATE and not node_group.destroys
    read = changes["data.aws_iam_policy_document.valkey_secret_read"]
    assert read.kind is ActionKind.READ and read.mode == "data"
    assert len(parsed.resource_drift) == 1
    outputs = {o.name: o for o in parsed.output_changes}
    assert outputs["valkey_primary_endpoint"].kind is ActionKind.CREATE
    assert outputs["valkey_primary_endpoint"].values.after is None  # "after" absent: unknown


def test_action_matrix_every_combination(samples: Path) -> None:
    changes = by_address(samples / "plan_action_matrix.json")
    expected = {
        ("data.aws_caller_identity.current", None): (ActionKind.READ, False),
        ("null_resource.counted[2]", None): (ActionKind.DELETE, True),
        ("null_resource.create", None): (ActionKind.CREATE, False),
        ("null_resource.deposed", "5f3c9a1e"): (ActionKind.DELETE, True),
        ("null_resource.forgotten", None): (ActionKind.FORGET, False),
        ("null_resource.gone", None): (ActionKind.DELETE, True),
        ("null_resource.imported", None): (ActionKind.NO_OP, False),
        ('null_resource.keyed["old"]', None): (ActionKind.DELETE, True),
        ("null_resource.moved_target", None): (ActionKind.NO_OP, False),
        ("null_resource.noop", None): (ActionKind.NO_OP, False),
        ("null_resource.replace_cbd", None): (ActionKind.REPLACE, True),
        ("null_resource.replace_requested", None): (ActionKind.REPLACE, True),
        ("null_resource.replace_tainted", None): (ActionKind.REPLACE, True),
        ("null_resource.replace_triggered", None): (ActionKind.REPLACE, True),
        ("terraform_data.update", None): (ActionKind.UPDATE, False),
        ("module.legacy.null_resource.inner", None): (ActionKind.DELETE, True),
    }
    assert {k: (v.kind, v.destroys) for k, v in changes.items()} == expected
    forgotten = changes[("null_resource.forgotten", None)]
    assert forgotten.leaves_state and "kept" in forgotten.explain()
    imported = changes[("null_resource.imported", None)]
    assert imported.is_import and imported.is_change
    assert "null-12" in imported.explain()
    moved = changes[("null_resource.moved_target", None)]
    assert moved.is_move and moved.is_change
    assert "null_resource.moved_source" in moved.explain()
    assert not changes[("null_resource.noop", None)].is_change
    deposed = changes[("null_resource.deposed", "5f3c9a1e")]
    assert deposed.display_address == "null_resource.deposed (deposed object 5f3c9a1e)"
    assert changes[("null_resource.counted[2]", None)].index == 2
    cbd = changes[("null_resource.replace_cbd", None)]
    assert cbd.actions == ("create", "delete")


def test_no_changes_sample_has_no_changes(samples: Path) -> None:
    parsed = load_plan(str(samples / "plan_no_changes.json"))
    assert len(parsed.resource_changes) == 10
    assert parsed.changes == ()
    assert not parsed.has_changes


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_every_known_reason_is_explained_in_words(reason: str) -> None:
    text = explain_reason(reason)
    assert text and reason not in text and "unspecified" not in text


def test_reason_table_covers_exactly_the_documented_reasons() -> None:
    assert set(REASONS) == set(ALL_REASONS)


def test_unknown_reason_is_unspecified_and_absent_is_empty() -> None:
    assert explain_reason("replace_because_moon_phase") == (
        "unspecified reason (replace_because_moon_phase)"
    )
    assert explain_reason(None) == ""


def test_terraform_create_forget_and_applyable_keys() -> None:
    data = plan(
        [resource_change("aws_s3_bucket.logs", ["create", "forget"], before={}, after={})],
        applyable=True,
        complete=False,
        some_future_key={"ignored": True},
    )
    parsed = parse_plan(data)
    change = parsed.resource_changes[0]
    assert change.kind is ActionKind.REPLACE and change.leaves_state and not change.destroys
    assert parsed.applyable is True and parsed.complete is False
    assert not parsed.has_prior_state


def test_errored_plan_cannot_be_applied() -> None:
    parsed = parse_plan(plan([], errored=True))
    assert not parsed.can_apply
    assert "cannot be applied" in parsed.why_not_applicable()


def test_terraform_not_applyable() -> None:
    change = resource_change("aws_s3_bucket.logs", ["update"], before={"a": 1}, after={"a": 2})
    parsed = parse_plan(plan([change], applyable=False))
    assert not parsed.can_apply and "not applyable" in parsed.why_not_applicable()


def test_terraform_no_changes_is_not_applyable_but_has_nothing_to_apply() -> None:
    # Terraform writes applyable: false when there is nothing to do.
    parsed = parse_plan(plan([], applyable=False))
    assert parsed.nothing_to_apply and "no changes" in parsed.why_not_applicable()


def test_render_path() -> None:
    assert render_path(["ingress", 0, "cidr_blocks"]) == "ingress[0].cidr_blocks"
    assert render_path(["tags", "kubernetes.io/role"]) == 'tags["kubernetes.io/role"]'


def test_output_change_with_documented_wrapper_is_accepted() -> None:
    data = plan([], output_changes={"x": {"change": {"actions": ["delete"], "before": "a"}}})
    assert parse_plan(data).output_changes[0].kind is ActionKind.DELETE


# Bad input: one test per kind, each naming the reason.


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1.2",\n "resource_changes": [,]}\n')
    with pytest.raises(ParseError) as caught:
        load_plan(str(path))
    assert caught.value.line == 2 and caught.value.column == 23
    assert "not valid JSON" in caught.value.reason
    assert f"{path}:2:23" in caught.value.message


def test_format_version_2_is_refused(samples: Path, tmp_path: Path) -> None:
    data = sample(samples, "plan_upgrade.json")
    data["format_version"] = "2.0"
    with pytest.raises(UnsupportedPlanFormat) as caught:
        load_plan(str(write(tmp_path / "p.json", data)))
    assert "format_version 2.0 is not supported" in caught.value.message


def test_json_array_is_refused() -> None:
    with pytest.raises(ParseError, match="must be a JSON object, found an array"):
        parse_plan_text("[]")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        load_plan(str(path))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read the plan: No such file"):
        load_plan(str(tmp_path / "absent.json"))


def test_not_utf8_is_refused() -> None:
    with pytest.raises(ParseError, match="not UTF-8"):
        load_plan("p.json", b"{\xff}")


def test_missing_format_version_is_refused() -> None:
    with pytest.raises(ParseError, match="no format_version"):
        parse_plan({"resource_changes": []})


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"a": 1}, "resource_changes must be a list"),
        ([42], r"resource_changes\[0\] must be an object"),
        ([{"change": {"actions": ["create"]}}], "address must be a non-empty string"),
        ([{"address": "a.b", "change": {"actions": "create"}}], "actions must be a list"),
        ([{"address": "a.b"}], "change must be an object"),
        ([{"address": "a.b", "change": {"actions": ["explode"]}}], "does not know"),
    ],
)
def test_wrong_resource_changes_types_are_refused(changes: object, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_plan({"format_version": "1.2", "resource_changes": changes})


def test_absent_resource_changes_means_empty_plan() -> None:
    assert parse_plan({"format_version": "1.2"}).resource_changes == ()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
PLAYBOOK = load_playbook()
ACTIONS = st.sampled_from(
    [
        ["no-op"],
        ["create"],
        ["update"],
        ["delete"],
        ["delete", "create"],
        ["create", "delete"],
        ["read"],
        ["forget"],
        ["create", "forget"],
    ]
)
CHANGE = st.fixed_dictionaries(
    {"actions": ACTIONS},
    optional={
        key: JSON
        for key in ("before", "after", "after_unknown", "before_sensitive", "after_sensitive")
    }
    | {"replace_paths": JSON, "importing": JSON},
)
ENTRY = st.fixed_dictionaries(
    {"address": st.text(min_size=1, max_size=12), "change": CHANGE},
    optional={
        key: JSON
        for key in ("index", "deposed", "previous_address", "action_reason", "module_address")
    },
)


def blocks_in_upgrade(change: ResourceChange) -> bool:
    """The upgrade rules expect no destroy and no replace: each of them blocks the plan."""
    return change.is_change and (change.destroys or change.kind is ActionKind.REPLACE)


@settings(max_examples=200, deadline=None)
@given(changes=JSON, outputs=JSON, drift=JSON)
def test_any_json_gives_a_plan_or_a_parse_error(changes: Any, outputs: Any, drift: Any) -> None:
    data = {
        "format_version": "1.2",
        "resource_changes": changes,
        "output_changes": outputs,
        "resource_drift": drift,
    }
    try:
        parsed = parse_plan(data)
    except ParseError as error:
        assert error.message.strip()  # a sentence for the operator, never an empty error
        return
    assert all(isinstance(rc, ResourceChange) for rc in parsed.resource_changes)
    result = review(parsed, PLAYBOOK, "upgrade")
    expected = any(blocks_in_upgrade(rc) for rc in parsed.resource_changes)
    assert result.verdict is (Verdict.BLOCKED if expected else Verdict.SAFE)


@settings(max_examples=150, deadline=None)
@given(entries=st.lists(ENTRY, max_size=5))
def test_well_shaped_entries_with_odd_values_are_modelled_reviewed_and_diffed(
    entries: list[dict[str, Any]],
) -> None:
    parsed = parse_plan({"format_version": "1.2", "resource_changes": entries})
    result = review(parsed, PLAYBOOK, "upgrade")
    assert sum(result.counts[k.value] for k in ActionKind) == len(entries)
    # the verdict: blocked exactly when something is destroyed or replaced, each one listed
    blocking = [rc.address for rc in parsed.resource_changes if blocks_in_upgrade(rc)]
    assert result.verdict is (Verdict.BLOCKED if blocking else Verdict.SAFE)
    assert [issue.address for issue in result.blockers] == blocking
    assert result.override_allowed == bool(blocking)  # overridable: nothing here is protected
    for change in parsed.resource_changes:
        change.explain()
        diff_resource(change, include_unchanged=True)
