"""Fold the journal into the state a restarted wizard resumes from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from tui.core.journal.reader import read_journal
from tui.core.journal.records import (
    CommandRun,
    Decision,
    FileOp,
    JournalRecord,
    Note,
    SessionStarted,
    StepCompleted,
    StepEntered,
    StepStarted,
    StepWaived,
)
from tui.core.journal.writer import Workspace
from tui.core.steps import StepStatus

T = TypeVar("T")


@dataclass(frozen=True)
class StepState:
    """Where one step stands, and when and by whom it got there."""

    step: str
    status: StepStatus = StepStatus.NOT_STARTED
    started_at: str | None = None
    started_by: str | None = None
    completed_at: str | None = None
    completed_by: str | None = None
    summary: str = ""
    waived_reason: str = ""


@dataclass(frozen=True)
class Stamped(Generic[T]):
    """A journal body with the envelope of the record that carried it."""

    body: T
    ts: str
    user: str
    host: str


@dataclass(frozen=True)
class JournalState:
    """Everything the journal says so far, folded for resume and the report."""

    steps: Mapping[str, StepState] = field(default_factory=dict)
    last_entered: str | None = None
    sessions: tuple[Stamped[SessionStarted], ...] = ()
    commands: tuple[Stamped[CommandRun], ...] = ()
    file_ops: tuple[Stamped[FileOp], ...] = ()
    decisions: tuple[Stamped[Decision], ...] = ()
    waivers: tuple[Stamped[StepWaived], ...] = ()
    notes: tuple[Stamped[Note], ...] = ()
    first_ts: str | None = None
    last_ts: str | None = None
    warnings: tuple[str, ...] = ()

    def step(self, step: str) -> StepState:
        """The state of ``step`` (not started if the journal never mentions it)."""
        return self.steps.get(step, StepState(step))

    def status(self, step: str) -> StepStatus:
        """The status of ``step``."""
        return self.step(step).status

    def resume_step(self, order: Sequence[str]) -> str:
        """The step a restart lands on: the last one entered, else the first not finished."""
        if self.last_entered is not None and self.last_entered in order:
            return self.last_entered
        finished = (StepStatus.DONE, StepStatus.WAIVED)
        return next((s for s in order if self.status(s) not in finished), order[0])


def fold(records: Iterable[JournalRecord], warnings: Sequence[str] = ()) -> JournalState:
    """Replay ``records`` in order; a later record about a step supersedes an earlier one."""
    steps: dict[str, StepState] = {}
    last_entered: str | None = None
    sessions: list[Stamped[SessionStarted]] = []
    commands: list[Stamped[CommandRun]] = []
    file_ops: list[Stamped[FileOp]] = []
    decisions: list[Stamped[Decision]] = []
    waivers: list[Stamped[StepWaived]] = []
    notes: list[Stamped[Note]] = []
    first_ts: str | None = None
    last_ts: str | None = None
    for record in records:
        first_ts = first_ts or record.ts
        last_ts = record.ts
        body = record.body
        who = f"{record.user}@{record.host}"
        match body:
            case StepEntered(step=step):
                last_entered = step
                steps.setdefault(step, StepState(step))
            case StepStarted(step=step):
                # re-doing a finished step reopens it until it completes again
                steps[step] = StepState(
                    step, StepStatus.IN_PROGRESS, started_at=record.ts, started_by=who
                )
            case StepCompleted(step=step, summary=summary):
                prior = steps.get(step, StepState(step))
                steps[step] = replace(
                    prior,
                    status=StepStatus.DONE,
                    completed_at=record.ts,
                    completed_by=who,
                    summary=summary,
                    waived_reason="",
                )
            case StepWaived(step=step, reason=reason):
                prior = steps.get(step, StepState(step))
                steps[step] = replace(
                    prior,
                    status=StepStatus.WAIVED,
                    completed_at=record.ts,
                    completed_by=who,
                    waived_reason=reason,
                )
                waivers.append(_stamp(body, record))
            case SessionStarted():
                sessions.append(_stamp(body, record))
            case CommandRun():
                commands.append(_stamp(body, record))
            case FileOp():
                file_ops.append(_stamp(body, record))
            case Decision():
                decisions.append(_stamp(body, record))
            case Note():
                notes.append(_stamp(body, record))
    return JournalState(
        steps=steps,
        last_entered=last_entered,
        sessions=tuple(sessions),
        commands=tuple(commands),
        file_ops=tuple(file_ops),
        decisions=tuple(decisions),
        waivers=tuple(waivers),
        notes=tuple(notes),
        first_ts=first_ts,
        last_ts=last_ts,
        warnings=tuple(warnings),
    )


def _stamp(body: T, record: JournalRecord) -> Stamped[T]:
    return Stamped(body, record.ts, record.user, record.host)


def load_state(workspace: Workspace) -> JournalState:
    """The folded journal of ``workspace``; an empty state when there is no journal yet."""
    if not workspace.journal_path.exists():
        return JournalState()
    read = read_journal(workspace.journal_path)
    return fold(read.records, read.warnings)
