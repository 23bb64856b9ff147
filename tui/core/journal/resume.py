"""Fold the journal into the state a restarted wizard resumes from (and the report renders)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from tui.core.journal.events import AwsIdentityConfirmed, RollbackDone
from tui.core.journal.reader import read_journal
from tui.core.journal.records import (
    CommandInterrupted,
    CommandRun,
    CommandStarted,
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
FINISHED = (StepStatus.DONE, StepStatus.WAIVED)


@dataclass(frozen=True)
class StepState:
    """Where one step stands, and when and by whom it got there."""

    step: str
    status: StepStatus = StepStatus.NOT_STARTED
    started_at: str | None = None
    started_by: str | None = None
    completed_at: str | None = None  # done, waived or rolled back at
    completed_by: str | None = None
    summary: str = ""
    waived_reason: str = ""
    rolled_back_by: str = ""  # the rollback that reverted the step's work


@dataclass(frozen=True)
class Stamped(Generic[T]):
    """A journal body with the envelope of the record that carried it."""

    body: T
    ts: str
    user: str
    host: str
    seq: int = 0


@dataclass(frozen=True)
class JournalState:
    """Everything the journal says so far, folded for resume and the report."""

    records: tuple[JournalRecord, ...] = ()
    steps: Mapping[str, StepState] = field(default_factory=dict)
    last_entered: str | None = None
    sessions: tuple[Stamped[SessionStarted], ...] = ()
    commands: tuple[Stamped[CommandRun], ...] = ()
    unfinished: tuple[Stamped[CommandStarted], ...] = ()  # started, no end, not marked cut off
    file_ops: tuple[Stamped[FileOp], ...] = ()
    waivers: tuple[Stamped[StepWaived], ...] = ()
    notes: tuple[Stamped[Note], ...] = ()
    identity: Stamped[AwsIdentityConfirmed] | None = None
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
        return next((s for s in order if self.status(s) not in FINISHED), order[0])

    def of_type(self, kind: type[T]) -> tuple[Stamped[T], ...]:
        """Every body of this type, stamped, in journal order."""
        return tuple(
            Stamped(r.body, r.ts, r.user, r.host, r.seq)
            for r in self.records
            if isinstance(r.body, kind)
        )

    def command_start(self, run_id: str) -> Stamped[CommandStarted] | None:
        """The start record of a run (None for commands journaled only at their end)."""
        if not run_id:
            return None
        return next((s for s in self.of_type(CommandStarted) if s.body.run_id == run_id), None)


class _Steps:
    """The step table as the records replay."""

    def __init__(self) -> None:
        self.steps: dict[str, StepState] = {}

    def get(self, step: str) -> StepState:
        return self.steps.get(step, StepState(step))

    def begin(self, step: str, ts: str, who: str, *, redo: bool) -> None:
        """The step is worked on from ``ts`` (kept if already in progress, unless ``redo``)."""
        prior = self.get(step)
        if prior.status is StepStatus.IN_PROGRESS and prior.started_at:
            return
        if prior.status is StepStatus.NOT_STARTED or redo:
            self.steps[step] = StepState(step, StepStatus.IN_PROGRESS, ts, who)

    def finish(self, step: str, status: StepStatus, ts: str, who: str, **said: str) -> None:
        prior = self.get(step)
        started = prior.started_at or ts
        self.steps[step] = replace(
            prior,
            status=status,
            started_at=started,
            started_by=prior.started_by or who,
            completed_at=ts,
            completed_by=who,
            summary=said.get("summary", ""),
            waived_reason=said.get("waived_reason", ""),
            rolled_back_by=said.get("rolled_back_by", ""),
        )


def fold(records: Iterable[JournalRecord], warnings: Sequence[str] = ()) -> JournalState:
    """Replay ``records`` in order; a later record about a step supersedes an earlier one.

    A step is in progress from the first time it is entered (or, in a journal that
    never says so, from its first record); done, waived or rolled back when the
    journal says so; started again (``step_started`` after it finished) reopens it.
    """
    all_records = tuple(records)
    table = _Steps()
    last_entered: str | None = None
    ended: set[str] = set()
    started: list[Stamped[CommandStarted]] = []
    identity: Stamped[AwsIdentityConfirmed] | None = None
    for record in all_records:
        body, ts = record.body, record.ts
        who = f"{record.user}@{record.host}"
        match body:
            case StepEntered(step=step):
                last_entered = step
                table.begin(step, ts, who, redo=False)
            case StepStarted(step=step):
                table.begin(
                    step, ts, who, redo=table.get(step).status is not StepStatus.IN_PROGRESS
                )
            case StepCompleted(step=step, summary=summary):
                table.finish(step, StepStatus.DONE, ts, who, summary=summary)
            case StepWaived(step=step, reason=reason):
                table.finish(step, StepStatus.WAIVED, ts, who, waived_reason=reason)
            case RollbackDone(rollback=kind, undoes=undoes):
                for step in undoes:
                    if table.get(step).status is not StepStatus.NOT_STARTED:
                        table.finish(
                            step, StepStatus.ROLLED_BACK, ts, who, rolled_back_by=kind.value
                        )
                if record.step:
                    table.begin(record.step, ts, who, redo=False)
            case CommandStarted():
                started.append(Stamped(body, ts, record.user, record.host, record.seq))
                if record.step:
                    table.begin(record.step, ts, who, redo=False)
            case CommandRun(run_id=run_id) | CommandInterrupted(run_id=run_id):
                ended.add(run_id)
                if record.step:
                    table.begin(record.step, ts, who, redo=False)
            case AwsIdentityConfirmed():
                identity = Stamped(body, ts, record.user, record.host, record.seq)
            case SessionStarted() | Note():
                pass
            case _:
                if record.step:  # a decision or a file written there: the step was worked on
                    table.begin(record.step, ts, who, redo=False)

    def stamped(kind: type[T]) -> tuple[Stamped[T], ...]:
        return tuple(
            Stamped(r.body, r.ts, r.user, r.host, r.seq)
            for r in all_records
            if isinstance(r.body, kind)
        )

    return JournalState(
        records=all_records,
        steps=table.steps,
        last_entered=last_entered,
        sessions=stamped(SessionStarted),
        commands=stamped(CommandRun),
        unfinished=tuple(s for s in started if s.body.run_id not in ended),
        file_ops=stamped(FileOp),
        waivers=stamped(StepWaived),
        notes=stamped(Note),
        identity=identity,
        first_ts=all_records[0].ts if all_records else None,
        last_ts=all_records[-1].ts if all_records else None,
        warnings=tuple(warnings),
    )


def load_state(workspace: Workspace) -> JournalState:
    """The folded journal of ``workspace``; an empty state when there is no journal yet."""
    if not workspace.journal_path.exists():
        return JournalState()
    read = read_journal(workspace.journal_path)
    return fold(read.records, read.warnings)
