"""Stage 4 expects the three destroys and nothing else (guide, Stage 4; issue 17).

Anything more — an in-place update of another resource included — is unexpected and
blocks behind a typed override. A Valkey in-place update passes only when the
operator types the attributes it changes; a Valkey destroy or replace never passes.
All of it comes from the playbook's ``plan_rules.stage4`` (``only_expected``,
``protected_updates``), not from code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.plan import resource_change, sample, write
from tui.cli import main
from tui.core.errors import PlaybookError
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.playbook.model import PROTECTED_UPDATES_CONFIRM, PROTECTED_UPDATES_REFUSE
from tui.core.tofu.plan.gate import GateMode, gate_policy
from tui.core.tofu.plan.parse import parse_plan
from tui.core.tofu.plan.review import PlanReview, Verdict, review

BUNDLED = Path(__file__).resolve().parents[4] / "assets" / "playbooks"


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


def stage4(samples: Path) -> dict[str, Any]:
    return sample(samples, "plan_stage4.json")


def changed(data: dict[str, Any], address: str, actions: list[str], **after: Any) -> None:
    for rc in data["resource_changes"]:
        if rc["address"] == address:
            rc["change"]["actions"] = actions
            rc["change"]["after"] = {**rc["change"]["before"], **after}
            return
    raise AssertionError(f"{address} is not in the sample")


def reviewed(data: dict[str, Any], playbook: Playbook) -> PlanReview:
    return review(parse_plan(data), playbook, "stage4")


def test_the_playbook_holds_the_stage4_allowance(playbook: Playbook) -> None:
    rules = playbook.rules("stage4")
    assert rules.only_expected and rules.protected_updates == PROTECTED_UPDATES_CONFIRM
    upgrade = playbook.rules("upgrade")
    assert not upgrade.only_expected and upgrade.protected_updates == PROTECTED_UPDATES_REFUSE
    assert playbook.rules("rollback").protected_updates == PROTECTED_UPDATES_REFUSE


def test_exactly_the_three_destroys_is_safe_with_one_confirmation(
    samples: Path, playbook: Playbook
) -> None:
    result = reviewed(stage4(samples), playbook)
    assert result.verdict is Verdict.SAFE and result.issues == ()
    assert gate_policy(result, "acme-mocm-prod-redis").phrase == "acme-mocm-prod-redis"


def test_an_extra_in_place_update_elsewhere_blocks_behind_a_typed_override(
    samples: Path, playbook: Playbook
) -> None:
    data = stage4(samples)
    changed(data, "aws_cloudwatch_log_group.app", ["update"], retention_in_days=90)
    result = reviewed(data, playbook)
    assert result.verdict is Verdict.BLOCKED and result.override_allowed
    (issue,) = result.blockers
    assert issue.address == "aws_cloudwatch_log_group.app" and not issue.destroys
    assert "expects exactly the playbook's changes and nothing else" in issue.reason
    policy = gate_policy(result, "acme-mocm-prod-redis")
    assert policy.mode is GateMode.TYPE_PHRASE
    assert policy.phrase == "change 1 acme-mocm-prod-redis"


def test_an_extra_create_blocks_too(samples: Path, playbook: Playbook) -> None:
    data = stage4(samples)
    data["resource_changes"].append(resource_change("aws_sns_topic.alerts", ["create"], after={}))
    result = reviewed(data, playbook)
    assert result.verdict is Verdict.BLOCKED and result.override_allowed
    assert gate_policy(result).phrase == "change 1"


def test_the_same_update_at_upgrade_is_expected(samples: Path, playbook: Playbook) -> None:
    data = stage4(samples)
    changed(data, "aws_cloudwatch_log_group.app", ["update"], retention_in_days=90)
    upgrade = review(parse_plan(data), playbook, "upgrade")
    assert not any(i.address == "aws_cloudwatch_log_group.app" for i in upgrade.issues)


def test_a_valkey_in_place_update_passes_only_by_typing_its_attributes(
    samples: Path, playbook: Playbook
) -> None:
    data = stage4(samples)
    tags = {"Component": "cache", "Name": "acme-mocm-prod-valkey", "Owner": "platform"}
    changed(data, "aws_elasticache_replication_group.valkey", ["update"], tags=tags)
    result = reviewed(data, playbook)
    assert result.verdict is Verdict.BLOCKED and result.override_allowed
    (issue,) = result.blockers
    assert issue.confirm_attributes == ("tags",)
    assert "neither destroyed nor replaced" in issue.reason
    policy = gate_policy(result, "acme-mocm-prod-redis")
    assert policy.phrase == "update tags acme-mocm-prod-redis"
    assert any("aws_elasticache_replication_group.valkey" in why for why in policy.why)


def test_valkey_attributes_of_several_resources_are_named_once_each(
    samples: Path, playbook: Playbook
) -> None:
    data = stage4(samples)
    changed(data, "aws_elasticache_replication_group.valkey", ["update"], tags={}, tags_all={})
    changed(data, "aws_elasticache_subnet_group.valkey", ["update"], tags={}, description="x")
    policy = gate_policy(reviewed(data, playbook))
    assert policy.phrase == "update description tags tags_all"


@pytest.mark.parametrize("actions", [["delete"], ["delete", "create"], ["create", "delete"]])
def test_a_valkey_destroy_or_replace_can_never_be_applied(
    actions: list[str], samples: Path, playbook: Playbook
) -> None:
    data = stage4(samples)
    changed(data, "aws_elasticache_replication_group.valkey", actions)
    result = reviewed(data, playbook)
    assert result.verdict is Verdict.BLOCKED and not result.override_allowed
    policy = gate_policy(result, "acme-mocm-prod-redis")
    assert policy.mode is GateMode.REFUSE and not policy.can_apply
    assert any("protected resource" in why for why in policy.why)


def test_with_protected_updates_refused_a_valkey_update_cannot_pass(
    samples: Path, playbook: Playbook, tmp_path: Path
) -> None:
    text = (BUNDLED / "10.5.2603-to-10.6.2605.yaml").read_text()
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        text.replace("protected_updates: confirm_attributes", "protected_updates: refuse")
    )
    data = stage4(samples)
    changed(data, "aws_elasticache_replication_group.valkey", ["update"], tags={})
    result = reviewed(data, load_playbook(strict))
    assert not result.override_allowed and gate_policy(result).mode is GateMode.REFUSE


def test_the_headless_review_names_the_override_phrase(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = stage4(samples)
    changed(data, "aws_elasticache_replication_group.valkey", ["update"], tags={})
    changed(data, "aws_cloudwatch_log_group.app", ["update"], retention_in_days=90)
    path = write(tmp_path / "plan.json", data)
    assert main(["plan-review", str(path), "--stage", "stage4", "--json"]) == 3
    report = json.loads(capsys.readouterr().out)
    assert report["override_allowed"] and report["override_phrase"] == "change 1 update tags"
    valkey = next(u for u in report["unexpected"] if "valkey" in u["address"])
    assert valkey["confirm_attributes"] == ["tags"]
    assert main(["plan-review", str(path), "--stage", "stage4"]) == 3
    assert "typed confirmation: 'change 1 update tags'" in capsys.readouterr().out


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("only_expected", "yes", "must be true or false"),
        ("protected_updates", "sometimes", "must be one of refuse, confirm_attributes"),
    ],
)
def test_bad_allowance_fields_are_refused_naming_the_field(
    field: str, value: str, words: str, tmp_path: Path
) -> None:
    text = (BUNDLED / "10.5.2603-to-10.6.2605.yaml").read_text()
    old = (
        "only_expected: true"
        if field == "only_expected"
        else "protected_updates: confirm_attributes"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, f"{field}: {value}"))
    with pytest.raises(PlaybookError, match=f"plan_rules.stage4.{field}' {words}"):
        load_playbook(bad)
