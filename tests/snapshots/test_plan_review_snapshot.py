"""Snapshots of the plan review on the upgrade sample (120×40 and 80×24) and of the gate.

Regenerate with `pytest tests/snapshots --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer

from tui.core.playbook.load import load_playbook
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.widgets.apply_gate import ApplyGate
from tui.widgets.plan_review_view import PlanReviewView

SnapCompare = Callable[..., bool]


class ReviewHost(App[None]):
    TITLE = "plan review"

    def __init__(self, plan_review: PlanReview, with_gate: bool = False) -> None:
        super().__init__()
        self.plan_review = plan_review
        self.with_gate = with_gate

    def compose(self) -> ComposeResult:
        yield PlanReviewView(self.plan_review)
        yield Footer()

    def on_mount(self) -> None:
        if self.with_gate:
            ApplyGate(self.plan_review).ask(self, lambda decision: None)


def upgrade_review(samples: Path) -> PlanReview:
    return review(load_plan(str(samples / "plan_upgrade.json")), load_playbook(), "upgrade")


def test_review_of_the_upgrade_sample_120x40(snap_compare: SnapCompare, samples: Path) -> None:
    assert snap_compare(ReviewHost(upgrade_review(samples)), terminal_size=(120, 40))


def test_review_of_the_upgrade_sample_80x24(snap_compare: SnapCompare, samples: Path) -> None:
    assert snap_compare(ReviewHost(upgrade_review(samples)), terminal_size=(80, 24))


def test_review_detail_full_size_80x24(snap_compare: SnapCompare, samples: Path) -> None:
    assert snap_compare(
        ReviewHost(upgrade_review(samples)), press=["enter"], terminal_size=(80, 24)
    )


def test_gate_on_the_blocked_upgrade_sample_80x24(snap_compare: SnapCompare, samples: Path) -> None:
    assert snap_compare(ReviewHost(upgrade_review(samples), with_gate=True), terminal_size=(80, 24))
