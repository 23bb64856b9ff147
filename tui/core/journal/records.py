"""The journal's records: the envelope, the kinds, and the step, command and file bodies.

Every line is one flat JSON object: the envelope (``schema``, ``ts``, ``seq``,
``kind``, ``user``, ``host``) plus the fields of the body dataclass its
``kind`` names (``RecordKind``). The operator's decisions and the wizard's
findings are the bodies of ``events``; the JSON form is ``codec``'s.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from tui.core.journal.events import (
    ApplyEnded,
    ApplyStarted,
    AwsIdentityConfirmed,
    BackendChosen,
    BackendMigrated,
    ChangelogAcknowledged,
    GateAnswered,
    HelmDiffed,
    HelmHealthChecked,
    HelmLinted,
    HelmRevisionRecorded,
    HelmRollbackClosed,
    HelmRolledBack,
    HelmSynced,
    ImageRegistryTyped,
    OverrideTyped,
    PlanApplied,
    PlanApproved,
    PlanReviewed,
    PlanVoided,
    PreflightItemWaived,
    RollbackChosen,
    RollbackDone,
    SnapshotDeclined,
    SnapshotRecorded,
    Stage4Verdict,
    StateLeftBehind,
    TempFilesRemoved,
    ValuesDecision,
    ValuesDraftHandled,
    WaiverGiven,
)

# 1: the first format (no ``schema`` field, decisions as free text); 2: typed records;
# 3: a command's process is named (``command_child``, ``child_handled``)
SCHEMA_VERSION = 3

FileOpKind = Literal["copy", "append", "rename", "backup", "write"]
FILE_OP_KINDS: tuple[str, ...] = typing.get_args(FileOpKind)


@dataclass(frozen=True)
class SessionStarted:
    """The wizard started (or restarted) on a pair of releases."""

    previous: str
    current: str
    previous_build: str
    current_build: str
    playbook_id: str
    tool_version: str


@dataclass(frozen=True)
class StepEntered:
    """The operator moved to this step (what a restart lands on)."""

    step: str


@dataclass(frozen=True)
class StepStarted:
    """The step's work began."""

    step: str


@dataclass(frozen=True)
class StepCompleted:
    """The step's work finished and was verified."""

    step: str
    summary: str = ""


@dataclass(frozen=True)
class StepWaived:
    """The operator skipped the step's requirement, giving a reason."""

    step: str
    reason: str


@dataclass(frozen=True)
class FileOp:
    """A file written by the wizard, with checksums before and after.

    ``source`` is the file copied, renamed or backed up from (else None);
    ``sha256_before`` is None when ``path`` did not exist before.
    """

    op: FileOpKind
    path: str
    sha256_after: str | None
    sha256_before: str | None = None
    source: str | None = None
    step: str | None = None


ACCEPTED_OUTCOME = "ok"  # an outcome starting so is a success with a non-zero exit code
DETAILED_EXITCODE_FLAGS = ("-detailed-exitcode", "--detailed-exitcode")


def accepted_outcome(argv: Sequence[str], exit_code: int | None) -> str:
    """``ok: changes present`` for exit 2 under ``-detailed-exitcode``, else ``""``.

    tofu plan and helmfile diff both answer 2 for "succeeded, there are changes".
    """
    if exit_code == 2 and any(flag in argv for flag in DETAILED_EXITCODE_FLAGS):
        return f"{ACCEPTED_OUTCOME}: changes present"
    return ""


class CommandStatus(StrEnum):
    """How a command ended, as the change record counts it."""

    SUCCEEDED = "succeeded"
    CHANGES_PRESENT = "succeeded, changes present"  # plan/diff exit 2 (-detailed-exitcode)
    FAILED = "failed"
    TIMED_OUT = "timed out"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the wizard was stopped while it ran: the outcome is unknown
    RUNNING = "running"  # started, not finished (yet)

    @property
    def ok(self) -> bool:
        return self in (CommandStatus.SUCCEEDED, CommandStatus.CHANGES_PRESENT)


@dataclass(frozen=True)
class CommandStarted:
    """A command the wizard is about to run (its end is a CommandRun with the same run_id)."""

    run_id: str
    argv: tuple[str, ...]
    cwd: str
    transcript: str | None = None
    step: str | None = None


@dataclass(frozen=True)
class CommandRun:
    """A command the wizard ran; ``exit_code`` is None if it never exited.

    ``outcome`` says more than the exit code: ``ok: changes present``, ``timed out``,
    ``cancelled``, a B.1 outcome (``migrated``), or why it never ran.
    """

    argv: tuple[str, ...]
    cwd: str
    exit_code: int | None
    duration_s: float
    transcript: str | None = None
    outcome: str = ""
    step: str | None = None
    run_id: str = ""  # the CommandStarted it ends ("" for commands journaled only at the end)

    @property
    def status(self) -> CommandStatus:
        """The typed result: an accepted exit code is a success, ``timed out`` is not."""
        said = self.outcome.strip().lower()
        if said.startswith(ACCEPTED_OUTCOME):
            changes = "changes present" in said
            return CommandStatus.CHANGES_PRESENT if changes else CommandStatus.SUCCEEDED
        for status in (
            CommandStatus.TIMED_OUT,
            CommandStatus.CANCELLED,
            CommandStatus.INTERRUPTED,
            CommandStatus.FAILED,
        ):
            if said.startswith(status.value):
                return status
        if said.startswith("timeout"):
            return CommandStatus.TIMED_OUT
        if self.exit_code == 0:
            return CommandStatus.SUCCEEDED
        if accepted_outcome(self.argv, self.exit_code):
            return CommandStatus.CHANGES_PRESENT
        return CommandStatus.FAILED

    @property
    def succeeded(self) -> bool:
        """Exit 0, or an exit code the caller accepts (outcome ``ok: …``)."""
        return self.status.ok


@dataclass(frozen=True)
class CommandInterrupted:
    """A command started and never finished: the wizard was killed (journaled at the next start)."""

    run_id: str
    argv: tuple[str, ...]
    cwd: str
    started_at: str
    step: str | None = None


@dataclass(frozen=True)
class CommandChild:
    """The process a started command runs as: a killed wizard leaves it running.

    ``start_ticks`` (when it started, in clock ticks after boot) and ``boot_id`` tell
    it from a later process the system gave the same pid.
    """

    run_id: str
    pid: int
    pgid: int
    start_ticks: int
    boot_id: str
    step: str | None = None


class ChildChoice(StrEnum):
    """What the operator did about a command a killed wizard left running."""

    WAITED = "waited for it to end"
    STOPPED = "stopped it (SIGTERM to its process group)"
    LEFT_RUNNING = "left it running and quit"


@dataclass(frozen=True)
class ChildHandled:
    """A restart found a started command's process still running; the operator chose."""

    run_id: str
    argv: tuple[str, ...]
    pid: int
    pgid: int
    choice: ChildChoice
    step: str | None = None


@dataclass(frozen=True)
class Note:
    """Free text worth keeping in the change record."""

    text: str
    step: str | None = None


@dataclass(frozen=True)
class UntypedDecision:
    """A decision of a schema-1 journal that no typed record covers (read, never written)."""

    what: str
    detail: str
    step: str | None = None


class RecordKind(StrEnum):
    """The ``kind`` field: which body a line holds."""

    SESSION_STARTED = "session_started"
    STEP_ENTERED = "step_entered"
    STEP_STARTED = "step_started"
    STEP_COMPLETED = "step_completed"
    STEP_WAIVED = "step_waived"
    FILE_OP = "file_op"
    COMMAND_STARTED = "command_started"
    COMMAND = "command"
    COMMAND_INTERRUPTED = "command_interrupted"
    COMMAND_CHILD = "command_child"
    CHILD_HANDLED = "child_handled"
    NOTE = "note"
    UNTYPED_DECISION = "decision"
    AWS_IDENTITY = "aws_identity"
    TEMP_FILES_REMOVED = "temp_files_removed"
    PREFLIGHT_ITEM_WAIVED = "preflight_item_waived"
    SNAPSHOT_RECORDED = "snapshot_recorded"
    SNAPSHOT_DECLINED = "snapshot_declined"
    BACKEND_CHOSEN = "backend_chosen"
    BACKEND_MIGRATED = "backend_migrated"
    PLAN_REVIEWED = "plan_reviewed"
    GATE_ANSWERED = "gate_answered"
    PLAN_APPROVED = "plan_approved"
    PLAN_APPLIED = "plan_applied"
    PLAN_VOIDED = "plan_voided"
    APPLY_STARTED = "apply_started"
    APPLY_ENDED = "apply_ended"
    OVERRIDE_TYPED = "override_typed"
    VALUES_DECISION = "values_decision"
    VALUES_DRAFT_HANDLED = "values_draft_handled"
    CHANGELOG_ACKNOWLEDGED = "changelog_acknowledged"
    IMAGE_REGISTRY_TYPED = "image_registry_typed"
    WAIVER_GIVEN = "waiver_given"
    HELM_LINTED = "helm_linted"
    HELM_HEALTH_CHECKED = "helm_health_checked"
    HELM_REVISION_RECORDED = "helm_revision_recorded"
    HELM_DIFFED = "helm_diffed"
    HELM_SYNCED = "helm_synced"
    HELM_ROLLED_BACK = "helm_rolled_back"
    HELM_ROLLBACK_CLOSED = "helm_rollback_closed"
    STAGE4_VERDICT = "stage4_verdict"
    ROLLBACK_CHOSEN = "rollback_chosen"
    ROLLBACK_DONE = "rollback_done"
    STATE_LEFT_BEHIND = "state_left_behind"


RecordBody = (
    SessionStarted
    | StepEntered
    | StepStarted
    | StepCompleted
    | StepWaived
    | FileOp
    | CommandStarted
    | CommandRun
    | CommandInterrupted
    | CommandChild
    | ChildHandled
    | Note
    | UntypedDecision
    | AwsIdentityConfirmed
    | TempFilesRemoved
    | PreflightItemWaived
    | SnapshotRecorded
    | SnapshotDeclined
    | BackendChosen
    | BackendMigrated
    | PlanReviewed
    | GateAnswered
    | PlanApproved
    | PlanApplied
    | PlanVoided
    | ApplyStarted
    | ApplyEnded
    | OverrideTyped
    | ValuesDecision
    | ValuesDraftHandled
    | ChangelogAcknowledged
    | ImageRegistryTyped
    | WaiverGiven
    | HelmLinted
    | HelmHealthChecked
    | HelmRevisionRecorded
    | HelmDiffed
    | HelmSynced
    | HelmRolledBack
    | HelmRollbackClosed
    | Stage4Verdict
    | RollbackChosen
    | RollbackDone
    | StateLeftBehind
)

BODY_BY_KIND: dict[RecordKind, type[RecordBody]] = {
    RecordKind.SESSION_STARTED: SessionStarted,
    RecordKind.STEP_ENTERED: StepEntered,
    RecordKind.STEP_STARTED: StepStarted,
    RecordKind.STEP_COMPLETED: StepCompleted,
    RecordKind.STEP_WAIVED: StepWaived,
    RecordKind.FILE_OP: FileOp,
    RecordKind.COMMAND_STARTED: CommandStarted,
    RecordKind.COMMAND: CommandRun,
    RecordKind.COMMAND_INTERRUPTED: CommandInterrupted,
    RecordKind.COMMAND_CHILD: CommandChild,
    RecordKind.CHILD_HANDLED: ChildHandled,
    RecordKind.NOTE: Note,
    RecordKind.UNTYPED_DECISION: UntypedDecision,
    RecordKind.AWS_IDENTITY: AwsIdentityConfirmed,
    RecordKind.TEMP_FILES_REMOVED: TempFilesRemoved,
    RecordKind.PREFLIGHT_ITEM_WAIVED: PreflightItemWaived,
    RecordKind.SNAPSHOT_RECORDED: SnapshotRecorded,
    RecordKind.SNAPSHOT_DECLINED: SnapshotDeclined,
    RecordKind.BACKEND_CHOSEN: BackendChosen,
    RecordKind.BACKEND_MIGRATED: BackendMigrated,
    RecordKind.PLAN_REVIEWED: PlanReviewed,
    RecordKind.GATE_ANSWERED: GateAnswered,
    RecordKind.PLAN_APPROVED: PlanApproved,
    RecordKind.PLAN_APPLIED: PlanApplied,
    RecordKind.PLAN_VOIDED: PlanVoided,
    RecordKind.APPLY_STARTED: ApplyStarted,
    RecordKind.APPLY_ENDED: ApplyEnded,
    RecordKind.OVERRIDE_TYPED: OverrideTyped,
    RecordKind.VALUES_DECISION: ValuesDecision,
    RecordKind.VALUES_DRAFT_HANDLED: ValuesDraftHandled,
    RecordKind.CHANGELOG_ACKNOWLEDGED: ChangelogAcknowledged,
    RecordKind.IMAGE_REGISTRY_TYPED: ImageRegistryTyped,
    RecordKind.WAIVER_GIVEN: WaiverGiven,
    RecordKind.HELM_LINTED: HelmLinted,
    RecordKind.HELM_HEALTH_CHECKED: HelmHealthChecked,
    RecordKind.HELM_REVISION_RECORDED: HelmRevisionRecorded,
    RecordKind.HELM_DIFFED: HelmDiffed,
    RecordKind.HELM_SYNCED: HelmSynced,
    RecordKind.HELM_ROLLED_BACK: HelmRolledBack,
    RecordKind.HELM_ROLLBACK_CLOSED: HelmRollbackClosed,
    RecordKind.STAGE4_VERDICT: Stage4Verdict,
    RecordKind.ROLLBACK_CHOSEN: RollbackChosen,
    RecordKind.ROLLBACK_DONE: RollbackDone,
    RecordKind.STATE_LEFT_BEHIND: StateLeftBehind,
}
KIND_BY_BODY: dict[type[RecordBody], RecordKind] = {cls: k for k, cls in BODY_BY_KIND.items()}


@dataclass(frozen=True)
class JournalRecord:
    """One line of the journal: who did what, when, on which host."""

    ts: str
    seq: int
    user: str
    host: str
    body: RecordBody

    @property
    def kind(self) -> RecordKind:
        """The record's ``kind`` field (e.g. ``step_started``)."""
        return KIND_BY_BODY[type(self.body)]

    @property
    def step(self) -> str | None:
        """The step the body names (every body but the session start names one)."""
        step = getattr(self.body, "step", None)
        return step if isinstance(step, str) else None
