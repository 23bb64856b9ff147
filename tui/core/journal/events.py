"""What the operator decided and what the wizard found, one typed record per event kind.

These are the journal bodies beyond the step, command and file records of
``records``: plain data (text, numbers, enums, tuples of the small records
below), so the journal depends on no domain package; each domain converts its
own types into them. Every one names its ``step`` (where it happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# -- verdicts and choices ---------------------------------------------------------------


class PlanVerdict(StrEnum):
    """A plan review's verdict against the playbook's rules."""

    SAFE = "safe"
    BLOCKED = "blocked"


# The plan stage of records written before stages were (the playbook's ``upgrade``).
UPGRADE_STAGE = "upgrade"


class GateQuestion(StrEnum):
    """What the apply gate asked: one confirmation, a typed phrase, or nothing (refused)."""

    CONFIRM = "confirm"
    TYPE_PHRASE = "type-phrase"
    REFUSE = "refuse"


class ApplyOutcome(StrEnum):
    """How a ``tofu apply`` that did not succeed ended."""

    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed-out"


class BackendOption(StrEnum):
    """The guide's backend options."""

    KEEP_LOCAL = "A"  # the local state is copied into the new release
    MIGRATE = "B.1"  # tofu init -migrate-state moves the local state to S3
    REMOTE = "B.2"  # the state is in S3 already


class MigrationOutcome(StrEnum):
    """How the B.1 migration (``tofu init -migrate-state``) ended."""

    MIGRATED = "migrated"  # copied, verified in S3, local file renamed
    DECLINED = "declined"  # the operator answered "no"
    CANCELLED = "cancelled"  # the operator stopped the tool (SIGINT)
    FAILED = "failed"  # the tool failed, timed out or never asked
    NOT_VERIFIED = "not verified"  # the S3 object does not hold the local state


class SnapshotPurpose(StrEnum):
    OPTIONAL = "optional snapshot"  # Preflight: before anything changes
    FINAL = "final snapshot"  # Stage 4: of the cluster about to be destroyed


class ValuesChoice(StrEnum):
    """What happened to a key of values.yaml at a save."""

    PORTED = "ported"  # the previous release's value copied in
    EDITED = "edited"  # a value the operator typed
    KEPT = "kept"  # the template's value kept where the previous one differs
    CARRIED = "carried"  # a key only the previous file had, carried into the new one
    DROPPED = "dropped"  # a key only the previous file had, left out
    PLACEHOLDERS_LEFT = "saved with placeholders left"  # an override, with its reason
    DROPPED_TOGETHER = "undecided dropped together"  # every undecided one, by a typed phrase


class DraftFate(StrEnum):
    """What became of unsaved values edits an earlier session kept (the draft)."""

    RESTORED = "restored"
    DISCARDED = "discarded"
    SET_ASIDE = "set aside"  # it no longer applies to the files: kept under another name


class WaiverSubject(StrEnum):
    """What a waiver lets through (the Helm step's and Stage 4's gates)."""

    SYNC_WITH_PLACEHOLDERS = "sync allowed with placeholders left"
    SYNC_WITH_LINT_FAILED = "helm lint failures waived"
    SYNC_WITH_IMAGE_TAG = "sync allowed with the image tag not the build"
    SYNC_WITH_IMAGES_MISSING = "sync allowed with images missing in ECR"
    SYNC_WITH_IMAGES_NOT_CHECKED = "sync allowed with images not checked in ECR"
    TEARDOWN_WITH_REFERENCE = "Stage-4 reference waived"
    TEARDOWN_BEFORE_BUSINESS_CYCLE = "Stage-4 business cycle waived"


class IdleVerdict(StrEnum):
    """Stage 4's verdict on the old cluster."""

    IDLE = "idle"
    BUSY = "busy"
    NO_DATA = "no-data"


class RollbackKind(StrEnum):
    LOCAL_STATE = "Rollback A: local state restored"
    STATE_VERSION = "Rollback B: S3 state version restored"
    HELM = "Helm rollback"


# The steps each rollback reverts: what "rolled back" means in the change record.
UNDONE_BY: dict[RollbackKind, tuple[str, ...]] = {
    RollbackKind.LOCAL_STATE: ("carry_over", "plan", "apply"),
    RollbackKind.STATE_VERSION: ("plan", "apply"),
    RollbackKind.HELM: ("helm",),
}


# -- who and where ----------------------------------------------------------------------


@dataclass(frozen=True)
class AwsIdentityConfirmed:
    """Who the wizard is in AWS (sts get-caller-identity), and the region it works in."""

    account: str
    principal: str  # the caller's ARN
    region: str
    step: str | None = "preflight"


@dataclass(frozen=True)
class TempFilesRemoved:
    """Temp files an interrupted atomic write left, removed at start-up."""

    paths: tuple[str, ...]
    step: str | None = None


# -- Preflight --------------------------------------------------------------------------


@dataclass(frozen=True)
class PreflightItemWaived:
    """A failing or warning Preflight finding the operator let through, with the reason."""

    item: str
    status: str  # the finding's status when waived (fail | warn)
    summary: str  # the finding as shown (a waiver covers exactly this finding)
    reason: str
    step: str | None = "preflight"


@dataclass(frozen=True)
class SnapshotRecorded:
    """A snapshot taken (or found taken already) before something irreversible."""

    purpose: SnapshotPurpose
    name: str
    source_id: str
    status: str
    already_existed: bool
    service: str = ""
    earlier: int = 0  # earlier snapshots of the same source
    step: str | None = None


@dataclass(frozen=True)
class SnapshotDeclined:
    """The operator chose to go on without the snapshot."""

    purpose: SnapshotPurpose
    step: str | None = None


# -- Backend ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BackendChosen:
    """Option A chosen, or B.2 found on disk (the state is in S3 already)."""

    option: BackendOption
    detail: str
    step: str | None = "backend"


@dataclass(frozen=True)
class BackendMigrated:
    """B.1 ran: ``tofu init -migrate-state``, how it ended and what was answered."""

    outcome: MigrationOutcome
    answers: tuple[str, ...]
    basis: str  # how the S3 object was checked against the local state ("" if not)
    step: str | None = "backend"


# -- plans ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateSeen:
    """A state's lineage and serial when a plan was made, and where they were read."""

    lineage: str
    serial: int
    source: str


@dataclass(frozen=True)
class PlanFile:
    """A reviewed plan file by checksum, and the state it was made on."""

    path: str
    sha256: str
    state: StateSeen | None
    reviewed_at: str


@dataclass(frozen=True)
class ChangeCount:
    action: str  # create | update | destroy | replace …
    count: int


@dataclass(frozen=True)
class PlanIssue:
    """An unexpected change (or a required destroy the plan lacks)."""

    address: str
    actions: tuple[str, ...]
    reason: str
    blocking: bool


@dataclass(frozen=True)
class PlanReviewed:
    """A plan read with ``tofu show -json`` and reviewed against the playbook's rules."""

    workdir: str
    plan: PlanFile
    verdict: PlanVerdict
    counts: tuple[ChangeCount, ...] = ()
    unexpected: tuple[PlanIssue, ...] = ()
    step: str | None = None
    stage: str = UPGRADE_STAGE  # the playbook's plan stage: upgrade | rollback | stage4


@dataclass(frozen=True)
class GateAnswered:
    """The operator's answer at the apply gate (declined answers too)."""

    confirmed: bool
    question: GateQuestion
    typed_phrase: str
    overridden: tuple[str, ...]  # unexpected destroys/replaces let through
    plan_sha256: str = ""
    step: str | None = None
    destroys: int = 0  # the plan's destroys and replaces: what was approved
    replaces: int = 0
    workdir: str = ""
    stage: str = UPGRADE_STAGE

    def sentence(self) -> str:
        """The answer in words: ``apply confirmed by typing 'destroy 1'; overrode …``."""
        if not self.confirmed:
            return f"apply not confirmed (gate: {self.question.value})"
        if self.question is GateQuestion.CONFIRM:
            if not self.destroys and not self.replaces:
                return "apply confirmed: the plan destroys and replaces nothing"
            return (
                f"apply confirmed: {self.destroys} destroy(s) and {self.replaces} replace(s), "
                "each one expected"
            )
        said = f"apply confirmed by typing '{self.typed_phrase}'"
        if self.overridden:
            said += f"; overrode {len(self.overridden)}: {', '.join(self.overridden)}"
        return said


@dataclass(frozen=True)
class PlanApproved:
    """The plan the Apply step (and a restart) applies: this file, on this state."""

    workdir: str
    plan: PlanFile
    typed_phrase: str = ""
    step: str | None = None
    stage: str = UPGRADE_STAGE


@dataclass(frozen=True)
class PlanApplied:
    """``tofu apply`` of the approved plan succeeded."""

    plan_sha256: str
    workdir: str = ""
    step: str | None = None
    stage: str = UPGRADE_STAGE


@dataclass(frozen=True)
class PlanVoided:
    """A precondition changed after the review (Stage 4: the file unparked): the review is void."""

    workdir: str
    reason: str
    stage: str = UPGRADE_STAGE
    step: str | None = None


@dataclass(frozen=True)
class ApplyStarted:
    """``tofu apply`` of the approved plan is about to run; no end after it: it was cut off."""

    workdir: str
    plan_sha256: str
    stage: str = UPGRADE_STAGE
    step: str | None = None


@dataclass(frozen=True)
class ApplyEnded:
    """``tofu apply`` failed, was cancelled or timed out (the command record has the rest)."""

    workdir: str
    plan_sha256: str
    outcome: ApplyOutcome
    exit_code: int | None
    stage: str = UPGRADE_STAGE
    step: str | None = None


@dataclass(frozen=True)
class OverrideTyped:
    """A phrase typed to let a guarded action through (e.g. ``tofu state push -force``)."""

    action: str
    phrase: str
    subject: str  # what it applies to (a state version id…)
    step: str | None = None


# -- Values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ValuesDecision:
    """At a save of values.yaml: which keys got which treatment (key paths only, no values)."""

    choice: ValuesChoice
    keys: tuple[str, ...]
    reason: str = ""  # the override's reason (placeholders left)
    file: str = ""
    step: str | None = "values"


@dataclass(frozen=True)
class ValuesDraftHandled:
    """An earlier session's unsaved edits restored, discarded or set aside (no value)."""

    fate: DraftFate
    operations: tuple[str, ...]  # each operation in words: key paths, never a value
    written_at: str  # when the draft was kept ("" when unknown)
    reason: str = ""  # why it was discarded or set aside, and where it was kept
    step: str | None = "values"


# -- Helm -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangelogAcknowledged:
    """The CHANGELOG entry of the chart version read and acknowledged."""

    version: str
    fingerprint: str | None  # None: there was no entry, read by hand; "": unknown (read again)
    items: tuple[str, ...] = ()  # the Changed/Removed items read
    problem: str = ""  # why there was no entry
    step: str | None = "helm"


@dataclass(frozen=True)
class ImageRegistryTyped:
    """The ECR registry the operator typed (the values name none)."""

    registry: str
    step: str | None = "helm"


@dataclass(frozen=True)
class WaiverGiven:
    """A gate let through with the operator's reason (or plain confirmation when reason is "")."""

    subject: WaiverSubject
    items: tuple[str, ...]  # what is let through: key paths, image names…
    detail: str  # the situation in one sentence
    reason: str
    step: str | None = None


@dataclass(frozen=True)
class ChartLinted:
    chart: str
    verdict: str  # passed | failed | not finished


@dataclass(frozen=True)
class HelmLinted:
    """One ``helm lint`` of every chart, with the fingerprint of the values file it read."""

    values_fingerprint: str
    charts: tuple[ChartLinted, ...]
    step: str | None = "helm"


@dataclass(frozen=True)
class ReleaseHealthSeen:
    release: str
    healthy: bool
    message: str  # the verdict in one sentence (``mocm-service: deployed, revision 6 → 7``)


@dataclass(frozen=True)
class HelmHealthChecked:
    """``helm status`` of each release after a sync, and whether it is healthy."""

    releases: tuple[ReleaseHealthSeen, ...]
    step: str | None = "helm"


@dataclass(frozen=True)
class HelmRevisionRecorded:
    """A release's deployed revision before the sync: the rollback target."""

    release: str
    revision: int | None  # None: first install, or no deployed revision
    chart: str
    first_install: bool
    revision_count: int = 0  # how many revisions the history held when none was deployed
    step: str | None = "helm"


@dataclass(frozen=True)
class HelmDiffed:
    """What ``helmfile diff`` said: ``no changes``, ``R 3 resources changed``, ``failed…``."""

    result: str
    step: str | None = "helm"


@dataclass(frozen=True)
class ReleaseAfterSync:
    release: str
    state: str  # deployed | failed | interrupted | …
    revision: int | None


@dataclass(frozen=True)
class HelmSynced:
    """How ``helmfile sync`` left each release; ``exit_code`` None: cancelled or timed out."""

    exit_code: int | None
    releases: tuple[ReleaseAfterSync, ...]
    step: str | None = "helm"


@dataclass(frozen=True)
class HelmRolledBack:
    """One ``helm rollback`` and its result."""

    release: str
    revision: int | None
    succeeded: bool
    message: str
    step: str | None = "helm"


@dataclass(frozen=True)
class HelmRollbackClosed:
    """The operator's account of the rollback, closing it."""

    rolled_back: str  # ``R → 3, S → 4``
    outcome: str
    step: str | None = "helm"


# -- Stage 4 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage4Verdict:
    """The evidence the teardown was judged on: window, threshold, peak, verdict, references."""

    cluster_id: str
    region: str
    window: str  # the window's name (``72h``)
    window_start: str
    window_end: str
    threshold: float
    peak: float | None
    datapoints: int
    verdict: IdleVerdict
    references: tuple[str, ...] = ()  # ``file:line`` still naming the old cluster
    blocked: bool = True  # the teardown must wait (busy, no data, or references left)
    step: str | None = "stage4"
    threshold_typed: bool = False  # the threshold in force was typed, not the playbook's
    not_live: tuple[str, ...] = ()  # ``file:line (why)`` naming it where it is not live
    business_cycle: str = ""  # how long Valkey has served against the business cycle


# -- Rollback ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RollbackChosen:
    """A rollback the operator started: what is restored where (and the phrase typed, if any)."""

    rollback: RollbackKind
    source: str
    target: str
    typed_phrase: str = ""
    step: str | None = "rollback"


@dataclass(frozen=True)
class RollbackDone:
    """A rollback finished; ``undoes`` names the steps whose work it reverted."""

    rollback: RollbackKind
    detail: str
    undoes: tuple[str, ...]
    step: str | None = "rollback"


@dataclass(frozen=True)
class StateLeftBehind:
    """Resources of the state after the upgrade that the restored state no longer manages."""

    addresses: tuple[str, ...]
    restored_from: str  # the state version (or file) restored
    step: str | None = "rollback"
