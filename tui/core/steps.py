"""The wizard's steps, in order. Product structure, not release facts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class StepStatus(Enum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    DONE = "done"
    WAIVED = "waived"
    ROLLED_BACK = "rolled back"  # a rollback reverted its work (the change record says which)


@dataclass(frozen=True)
class StepInfo:
    id: str
    title: str
    number: int


STEPS: tuple[StepInfo, ...] = tuple(
    StepInfo(step_id, title, n)
    for n, (step_id, title) in enumerate(
        [
            ("releases", "Releases"),
            ("preflight", "Preflight"),
            ("backend", "Backend"),
            ("carry_over", "Carry-over"),
            ("plan", "Plan"),
            ("apply", "Apply"),
            ("values", "Values"),
            ("helm", "Helm"),
            ("stage4", "Stage 4"),
            ("rollback", "Rollback"),
        ],
        start=1,
    )
)
STEP_IDS: tuple[str, ...] = tuple(step.id for step in STEPS)
# Rollback is reachable from anywhere and is not part of the forward path.
FORWARD_STEPS: tuple[str, ...] = tuple(s for s in STEP_IDS if s != "rollback")


def step_info(step_id: str) -> StepInfo:
    """The step with this id (KeyError for an unknown one)."""
    for step in STEPS:
        if step.id == step_id:
            return step
    raise KeyError(step_id)
