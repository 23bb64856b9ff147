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
from tui.core.tofu.plan.ledger import gate_record
from tui.core.tofu.plan.parse import load_plan, parse_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.core.tofu.plan.target import InitMode, PipelineTarget
from tui.widgets.apply_gate import ApplyGate, GateDecision
from tui.widgets.dialogs.typed_phrase import TypedPhrase

BOOK = load_playbook()
CLUSTER_ID = "acme-mocm-prod-redis"
ELASTICACHE_RULE = "aws_security_group_rule.eks_to_elasticache"


class GateHost(App[None]):
    """Opens the gate at start and keeps the decisions it handed back."""

    def __init__(self, gate: ApplyGate) -> None:
        super().__init__()
        self.gate = gate
        self.decisions: list[GateDecision] = []

    def compose(self) -> ComposeResult:
        yield Footer()

    def on_mount(self) -> None:
        self.gate.ask(self, self.decisions.append)

    @property
    def answers(self) -> list[bool]:
        return [decision.confirmed for decision in self.decisions]

    @property
    def decision(self) -> GateDecision:
        [decision] = self.decisions
        return decision


def review_of(data: dict[str, Any], stage: str = "upgrade") -> PlanReview:
    return review(parse_plan(data), BOOK, stage)


def upgrade_review(samples: Path) -> PlanReview:
    return review(load_plan(str(samples / "plan_upgrade.json")), BOOK, "upgrade")


def stage4_review(samples: Path, data: dict[str, Any] | None = None) -> PlanReview:
    return review_of(data or sample(samples, "plan_stage4.json"), "stage4")


def dialog_text(app: App[None]) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def test_safe_plan_opens_on_cancel_and_enter_cancels(samples: Path) -> None:
    gate = ApplyGate(stage4_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#dialog-cancel", Button)
        assert not app.screen.query("#dialog-input")
        assert "Apply this plan?" in dialog_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert app.answers == [False]
    assert app.decision.journal_detail() == "apply not confirmed (gate: confirm)"


async def test_safe_plan_is_applied_with_its_key(samples: Path) -> None:
    gate = ApplyGate(stage4_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#dialog-confirm", Button).label) == "Apply (y)"
        await pilot.press("y")
        await pilot.pause()
    assert app.answers == [True]
    assert app.decision.confirmed and app.decision.mode is GateMode.CONFIRM
    assert app.decision.typed_phrase == ""
    assert app.decision.journal_detail() == (
        "apply confirmed: 3 destroy(s) and 0 replace(s), each one expected"
    )


async def test_blocked_plan_has_cancel_focused_and_apply_disabled(samples: Path) -> None:
    gate = ApplyGate(upgrade_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        apply = app.screen.query_one("#dialog-confirm", Button)
        assert apply.disabled and app.focused is app.screen.query_one("#dialog-cancel", Button)
        text = dialog_text(app)
        assert ELASTICACHE_RULE in text and "destroy 1" in text
        await pilot.press("enter")  # the single key press cancels
        assert app.answers == [False]
    assert not app.decision.confirmed


async def test_override_needs_the_exact_phrase(samples: Path) -> None:
    gate = ApplyGate(upgrade_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        phrase = app.screen.query_one("#dialog-input", Input)
        apply = app.screen.query_one("#dialog-confirm", Button)
        await pilot.press("shift+tab")  # from Cancel back to the phrase box
        assert app.focused is phrase
        for wrong in ("destroy", "Destroy 1", "destroy 2", "destroy 1 ", "apply"):
            phrase.value = wrong
            await pilot.pause()
            assert apply.disabled, wrong
        await pilot.press("enter")  # a wrong phrase submitted: told so, nothing applied
        assert "not the phrase" in dialog_text(app) and app.answers == []
        phrase.value = ""
        await pilot.press(*"destroy", "space", "1")
        assert phrase.value == "destroy 1" and not apply.disabled
        await pilot.press("enter")
        assert app.answers == [True]
    decision = app.decision
    assert decision.confirmed and decision.mode is GateMode.TYPE_PHRASE
    assert decision.typed_phrase == "destroy 1" and decision.overridden == (ELASTICACHE_RULE,)
    assert "typing 'destroy 1'" in decision.journal_detail()
    assert ELASTICACHE_RULE in decision.journal_detail()


async def test_apply_button_confirms_once_the_phrase_matches(samples: Path) -> None:
    gate = ApplyGate(upgrade_review(samples))
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#dialog-input", Input).value = "destroy 1"
        await pilot.pause()
        assert app.focused is app.screen.query_one("#dialog-cancel", Button)
        await pilot.press("tab")  # Cancel -> Apply, enabled now
        assert app.focused is app.screen.query_one("#dialog-confirm", Button)
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
        assert not app.screen.query("#dialog-confirm") and not app.screen.query("#dialog-input")
        assert app.focused is app.screen.query_one("#close", Button)
        text = dialog_text(app)
        assert "cannot be applied" in text and "protected resource" in text
        assert "aws_elasticache_replication_group.valkey" in text
        # No answer a dialog could give gets a refused plan through.
        assert not gate.decision(True).confirmed
        assert not gate.decision(TypedPhrase(CLUSTER_ID)).confirmed
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
        assert not app.screen.query("#dialog-confirm")
        assert "The plan errored" in dialog_text(app)
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
        assert not app.screen.query("#dialog-confirm")
        text = dialog_text(app)
        assert "lacks required destroy" in text and "aws_elasticache_subnet_group" in text


async def test_caller_can_require_a_phrase_such_as_the_cluster_id(samples: Path) -> None:
    gate = ApplyGate(stage4_review(samples), required_phrase=CLUSTER_ID, phrase_meaning="cluster")
    app = GateHost(gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gate.policy.phrase == CLUSTER_ID
        assert app.focused is app.screen.query_one("#dialog-cancel", Button)
        assert app.screen.query_one("#dialog-confirm", Button).disabled
        await pilot.press("shift+tab", *CLUSTER_ID, "enter")
        assert app.answers == [True]
    assert app.decision.typed_phrase == CLUSTER_ID


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
    target = PipelineTarget(tmp_path, "upgrade", "current release", InitMode.NONE, remote=False)
    journal.append(gate_record(target, app.decision, None, "plan"))
    record = json.loads(journal.path.read_text().splitlines()[-1])
    assert record["kind"] == "gate_answered" and record["question"] == "type-phrase"
    assert record["confirmed"] is True and record["typed_phrase"] == "destroy 1"
    assert record["overridden"] == [ELASTICACHE_RULE] and record["step"] == "plan"
    assert (record["workdir"], record["stage"]) == (str(tmp_path), "upgrade")
