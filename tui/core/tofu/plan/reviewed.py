"""Safety rule 3: apply only the plan file that was reviewed, unchanged, on the same state.

At review time the plan file's sha256 and the state's lineage and serial are
recorded (``record_review``). Just before apply both are checked again
(``check_before_apply``), which returns a typed result: clear to apply, the plan
file changed (refuse), or the plan is stale (explain, offer a re-plan).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.core.errors import MocmError, ParseError
from tui.core.exec.recorder import CommandRecorder
from tui.core.exec.runner import run_sync
from tui.core.files import sha256_file
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.failures import recognise_failure
from tui.core.tofu.statefile import parse_state

PULL_TIMEOUT_S = 300.0


class ReviewedPlanError(MocmError):
    """The review record cannot be made or read, or the plan cannot be applied."""


@dataclass(frozen=True)
class StateMark:
    """A state's identity at one moment: lineage and serial, and where they were read."""

    lineage: str
    serial: int
    source: str

    def describe(self) -> str:
        """``serial 57 (lineage 8c3f…)`` for the operator."""
        return f"serial {self.serial} (lineage {self.lineage})"


def state_mark_from_bytes(data: bytes, source: str) -> StateMark | None:
    """The mark of state bytes; None for an empty state (nothing applied yet)."""
    if not data.strip():
        return None
    state = parse_state(data, source)
    return StateMark(state.lineage, state.serial, source)


def state_mark_from_file(path: Path) -> StateMark | None:
    """The mark of a local state file; None when the file does not exist yet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ParseError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    return state_mark_from_bytes(data, str(path))


def pull_state_mark(
    commands: TofuCommands,
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float = PULL_TIMEOUT_S,
    on_finished: CommandRecorder | None = None,
) -> StateMark | None:
    """The mark of the backend's current state, via ``tofu state pull`` (remote backends).

    Blocking: call it from a thread worker. A failure raises ReviewedPlanError with
    the recognised cause when there is one. ``on_finished`` records the run (never
    its output: the state holds secrets, so there is no transcript either).
    """
    argv = commands.state_pull()
    chunks: list[str] = []
    result = run_sync(
        argv,
        env=env,
        cwd=cwd,
        timeout_s=timeout_s,
        on_line=lambda stream, line: chunks.append(line) if stream == "stdout" else None,
        on_finished=on_finished,
    )
    if not result.ok:
        known = recognise_failure("\n".join(result.stderr_tail), commands.binary)
        if known is not None:
            raise ReviewedPlanError(known.summary, known.next_action)
        result.check()
    return state_mark_from_bytes("\n".join(chunks).encode("utf-8"), " ".join(argv[1:]))


@dataclass(frozen=True)
class ReviewedPlan:
    """What was reviewed: the plan file (by checksum) and the state it was made from."""

    plan_path: Path
    plan_sha256: str
    state: StateMark | None
    reviewed_at: str

    def to_json(self) -> str:
        """One-line JSON, for the journal (the wizard resumes from it)."""
        state = None if self.state is None else self.state.__dict__
        return json.dumps(
            {
                "plan_path": str(self.plan_path),
                "plan_sha256": self.plan_sha256,
                "state": state,
                "reviewed_at": self.reviewed_at,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ReviewedPlan:
        """Read back ``to_json``; a damaged record raises ReviewedPlanError."""
        try:
            raw = json.loads(text)
            state = raw["state"]
            mark = None if state is None else StateMark(**state)
            return cls(Path(raw["plan_path"]), raw["plan_sha256"], mark, raw["reviewed_at"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ReviewedPlanError(
                "The record of the reviewed plan is damaged.", "Plan and review again."
            ) from exc


def record_review(plan_path: Path, state: StateMark | None) -> ReviewedPlan:
    """Record the reviewed plan file's checksum and the state's mark, now."""
    try:
        digest = sha256_file(plan_path)
    except OSError as exc:
        raise ReviewedPlanError(
            f"Cannot read the plan file {plan_path}: {exc.strerror or exc}.", "Plan again."
        ) from exc
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return ReviewedPlan(plan_path, digest, state, now)


@dataclass(frozen=True)
class ClearToApply:
    """The plan file and the state are exactly as reviewed."""

    reviewed: ReviewedPlan


@dataclass(frozen=True)
class PlanFileChanged:
    """The plan file is not the one reviewed (changed, replaced or deleted): refuse."""

    reviewed: ReviewedPlan
    actual_sha256: str | None

    @property
    def message(self) -> str:
        """What the operator reads."""
        name = self.reviewed.plan_path.name
        if self.actual_sha256 is None:
            return f"The reviewed plan file {name} is gone; nothing was applied."
        return (
            f"{name} is not the plan that was reviewed (sha256 {self.actual_sha256[:12]}… "
            f"≠ {self.reviewed.plan_sha256[:12]}…); nothing was applied."
        )

    hint = "Plan again and review the new plan before applying."


@dataclass(frozen=True)
class StalePlan:
    """The state changed since the review: tofu would refuse the plan; re-plan."""

    reviewed: ReviewedPlan
    current: StateMark | None
    offer_replan: bool = True

    @property
    def message(self) -> str:
        """What the operator reads."""
        before = self.reviewed.state
        was = "no state" if before is None else before.describe()
        now = "no state" if self.current is None else self.current.describe()
        current = self.current
        if before is not None and current is not None and before.lineage != current.lineage:
            why = "the state now belongs to another state history"
        else:
            why = "the state was changed by another operation after the plan was made"
        return f"The plan is stale: {why} (reviewed on {was}, now {now}). Nothing was applied."

    hint = "Make a new plan and review it; the changes may differ from what you reviewed."


ApplyCheck = ClearToApply | PlanFileChanged | StalePlan


def check_before_apply(reviewed: ReviewedPlan, current: StateMark | None) -> ApplyCheck:
    """Compare the plan file and the current state with what was reviewed."""
    try:
        actual: str | None = sha256_file(reviewed.plan_path)
    except FileNotFoundError:
        actual = None
    except OSError as exc:
        raise ReviewedPlanError(
            f"Cannot read the plan file {reviewed.plan_path}: {exc.strerror or exc}."
        ) from exc
    if actual != reviewed.plan_sha256:
        return PlanFileChanged(reviewed, actual)
    before = reviewed.state
    same = (before is None and current is None) or (
        before is not None
        and current is not None
        and (before.lineage, before.serial) == (current.lineage, current.serial)
    )
    return ClearToApply(reviewed) if same else StalePlan(reviewed, current)
