"""Pilot tests of the apply gate: one key for a safe plan, a typed phrase for an override, none
for a plan that may not be applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Button, Footer, Input, Static

from tests.support.plan import plan, resource_change, sample
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import load_playbook
from tui.core.tofu.plan.gate import GateMode
from tui.core.tofu.plan.parse import load_plan, parse_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.widgets.apply_gate import ApplyGate

BOOK = load_playbook()
CLUSTER_ID = "acme-mocm-prod-redis"
ELASTICACHE_RULE = "aws_security_group_rule.eks_to_elasticache"


class GateHost(App[None]):
    """Pushes the gate at start and keeps what it answered."""

    def __init__(self, gate: ApplyGate) -> None:
        super().__init__()
        self.gate = gate
        self.answers: list[bool | None] = []

    def compose(self) -> ComposeResult:
        yield Footer()

    def on_mount(self) -> None:
        self.push_screen(self.gate, self.answers.append)


def review_of(data: dict[str, Any], stage: str = "upgrade") -> PlanReview:
    return review(parse_plan(data), BOOK, stage)


def upgrade_review(samples: Path) -> PlanReview:
    return review(load_plan(str(samples / "plan_upgrade.json")), BOOK, "upgrade")


def stage4_review(samples: Path, data: dict[str, Any] | None = None) -> PlanReview:
    return review_of(data or sample(samples, "plan_stage4.json"), "stage4")


def dialog_text(gate: ApplyGate) -> str:
    return "\n".join(str(w.render()) for w in gate.query(Static) if w.display)


async def test_safe_plan_has_apply_focused_and_one_key_confirms(samples: Path) -> None:
    gate = ApplyGate(stage4_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is gate.query_one("#gate-apply", Button)
        assert not gate.query("#gate-phrase")
        assert "Apply this plan?" in dialog_text(gate)
        await pilot.press("enter")
        assert app.answers == [True]
    assert gate.decision.confirmed and gate.decision.mode is GateMode.CONFIRM
    assert gate.decision.typed_phrase == ""
    assert gate.decision.journal_detail() == (
        "apply confirmed: every destroy and replace was expected"
    )


async def test_blocked_plan_has_cancel_focused_and_apply_disabled(samples: Path) -> None:
    gate = ApplyGate(upgrade_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        apply = gate.query_one("#gate-apply", Button)
        assert apply.disabled and app.focused is gate.query_one("#gate-cancel", Button)
        text = dialog_text(gate)
        assert ELASTICACHE_RULE in text and "destroy 1" in text
        await pilot.press("enter")  # the single key press cancels
        assert app.answers == [False]
    assert not gate.decision.confirmed


async def test_override_needs_the_exact_phrase(samples: Path) -> None:
    gate = ApplyGate(upgrade_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        phrase = gate.query_one("#gate-phrase", Input)
        apply = gate.query_one("#gate-apply", Button)
        await pilot.press("shift+tab")  # from Cancel back to the phrase box
        assert app.focused is phrase
        for wrong in ("destroy", "Destroy 1", "destroy 2", "destroy 1 ", "apply"):
            phrase.value = wrong
            await pilot.pause()
            assert apply.disabled, wrong
        await pilot.press("enter")  # a wrong phrase submitted: told so, nothing applied
        assert "not the phrase" in dialog_text(gate) and app.answers == []
        phrase.value = ""
        await pilot.press(*"destroy", "space", "1")
        assert phrase.value == "destroy 1" and not apply.disabled
        await pilot.press("enter")
        assert app.answers == [True]
    decision = gate.decision
    assert decision.confirmed and decision.mode is GateMode.TYPE_PHRASE
    assert decision.typed_phrase == "destroy 1" and decision.overridden == (ELASTICACHE_RULE,)
    assert "typing 'destroy 1'" in decision.journal_detail()
    assert ELASTICACHE_RULE in decision.journal_detail()


async def test_apply_button_confirms_once_the_phrase_matches(samples: Path) -> None:
    gate = ApplyGate(upgrade_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        gate.query_one("#gate-phrase", Input).value = "destroy 1"
        await pilot.pause()
        assert app.focused is gate.query_one("#gate-cancel", Button)
        await pilot.press("tab")  # Cancel -> Apply, enabled now
        assert app.focused is gate.query_one("#gate-apply", Button)
        await pilot.press("enter")
        assert app.answers == [True]


async def test_protected_resource_offers_no_apply_at_all(samples: Path) -> None:
    data = sample(samples, "plan_stage4.json")
    data["resource_changes"].append(
        resource_change(
            "aws_elasticache_replication_group.valkey",
            ["delete", "create"],
            before={"node_type": "cache.t4g.small"},
            after={"node_type": "cache.t4g.medium"},
        )
    )
    gate = ApplyGate(stage4_review(samples, data), required_phrase=CLUSTER_ID)
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not gate.query("#gate-apply") and not gate.query("#gate-phrase")
        assert app.focused is gate.query_one("#gate-close", Button)
        text = dialog_text(gate)
        assert "cannot be applied" in text and "protected resource" in text
        assert "aws_elasticache_replication_group.valkey" in text
        gate.confirm()  # even called directly, nothing gets through
        await pilot.pause()
        assert app.answers == []
        await pilot.press("enter")
        assert app.answers == [False]


async def test_errored_plan_offers_no_apply(samples: Path) -> None:
    data = plan(
        [resource_change("aws_s3_bucket.logs", ["delete"], before={"bucket": "x"})],
        errored=True,
    )
    gate = ApplyGate(review_of(data))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not gate.query("#gate-apply")
        assert "The plan errored" in dialog_text(gate)
        await pilot.press("escape")
        assert app.answers == [False]


async def test_stage4_missing_destroy_offers_no_apply(samples: Path) -> None:
    data = sample(samples, "plan_stage4.json")
    data["resource_changes"] = [
        rc
        for rc in data["resource_changes"]
        if rc["address"] != "aws_elasticache_subnet_group.elasticache"
    ]
    gate = ApplyGate(stage4_review(samples, data), required_phrase=CLUSTER_ID)
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not gate.query("#gate-apply")
        text = dialog_text(gate)
        assert "lacks required destroy" in text and "aws_elasticache_subnet_group" in text


async def test_caller_can_require_a_phrase_such_as_the_cluster_id(samples: Path) -> None:
    gate = ApplyGate(stage4_review(samples), required_phrase=CLUSTER_ID, phrase_meaning="cluster")
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gate.policy.phrase == CLUSTER_ID
        assert app.focused is gate.query_one("#gate-cancel", Button)
        assert gate.query_one("#gate-apply", Button).disabled
        await pilot.press("shift+tab", *CLUSTER_ID, "enter")
        assert app.answers == [True]
    assert gate.decision.typed_phrase == CLUSTER_ID


async def test_blocked_stage4_plan_needs_both_the_count_and_the_caller_phrase(
    samples: Path,
) -> None:
    data = sample(samples, "plan_stage4.json")
    data["resource_changes"].append(
        resource_change("aws_s3_bucket.old_logs", ["delete"], before={"bucket": "old"})
    )
    gate = ApplyGate(stage4_review(samples, data), required_phrase=CLUSTER_ID)
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gate.policy.phrase == f"destroy 1 {CLUSTER_ID}"
        await pilot.press("shift+tab", *CLUSTER_ID, "enter")
        assert app.answers == []  # the cluster id alone is not enough


async def test_the_decision_goes_to_the_journal(samples: Path, tmp_path: Path) -> None:
    gate = ApplyGate(upgrade_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("shift+tab", *"destroy", "space", "1", "enter")
        assert app.answers == [True]
    journal = Journal.open(Workspace(tmp_path))
    journal.decision("apply-gate", gate.decision.journal_detail(), "plan")
    record = json.loads(journal.path.read_text().splitlines()[-1])
    assert record["kind"] == "decision" and record["what"] == "apply-gate"
    assert "typing 'destroy 1'" in record["detail"] and ELASTICACHE_RULE in record["detail"]
