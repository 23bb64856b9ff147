"""What the Helm step wrote in the journal, read back after a restart.

Before a sync the step journals, per release, the revision deployed then
(``HelmRevisionRecorded``); after the sync, each release's outcome
(``HelmSynced``); after a rollback, its result (``HelmRolledBack``). A sync a
killed wizard cut off (``CommandInterrupted``) is read from its transcript (written
line by line until the kill): a release whose upgrade began and never ended is
interrupted, one never reached is not started; with no transcript, every recorded
release counts as interrupted (the cautious reading). A restarted wizard rebuilds
from these records the rollback targets of the sync that ran before the restart:
asking ``helm history`` again would see the cluster *after* that sync.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tui.core.helm.commands import RollbackChoice, choose_rollback_revision
from tui.core.helm.history import ReleaseHistory
from tui.core.helm.sync import ReleaseState, SyncResult, parse_sync
from tui.core.journal.events import (
    HelmRevisionRecorded,
    HelmRollbackClosed,
    HelmRolledBack,
    HelmSynced,
    ReleaseAfterSync,
)
from tui.core.journal.records import CommandInterrupted, CommandStarted, JournalRecord

INTERRUPTED = "interrupted"
# states a release can be left in that call for a rollback
NEEDS_ROLLBACK = frozenset({ReleaseState.FAILED.value, INTERRUPTED})
_DONE = frozenset(
    {ReleaseState.DEPLOYED.value, ReleaseState.NOT_STARTED.value, ReleaseState.DELETED.value}
)


@dataclass(frozen=True)
class RecordedRevision:
    """One release's revision as recorded before the sync, and when."""

    release: str
    revision: int | None  # the deployed one; None: first install or none deployed
    chart: str  # the deployed revision's chart ("" when none is deployed)
    first_install: bool
    recorded_at: str  # the journal record's timestamp (ISO 8601, UTC)
    revision_count: int = 0  # how many revisions the history held when none was deployed

    def record(self, step: str) -> HelmRevisionRecorded:
        """The journal's record of it (what :func:`recorded_from_record` reads back)."""
        return HelmRevisionRecorded(
            self.release, self.revision, self.chart, self.first_install, self.revision_count, step
        )

    def rollback_choice(self) -> RollbackChoice:
        """The rollback this record allows: to the recorded revision, never "previous"."""
        if self.first_install:
            return RollbackChoice(
                self.release, None, "no rollback possible: first install, uninstall instead"
            )
        if self.revision is None:
            return RollbackChoice(
                self.release, None, "no rollback possible: no deployed revision was recorded"
            )
        return RollbackChoice(
            self.release,
            self.revision,
            f"revision {self.revision} ({self.chart}) was deployed before the upgrade "
            f"(recorded at {shown_time(self.recorded_at)})",
        )


def recorded_from_history(history: ReleaseHistory, recorded_at: str) -> RecordedRevision:
    """What to record for ``history`` read just before the sync."""
    choice = choose_rollback_revision(history)
    deployed = history.last_deployed
    if history.first_install or deployed is None:
        count = len(history.revisions)
        return RecordedRevision(
            history.release, None, "", history.first_install, recorded_at, count
        )
    assert choice.revision == deployed.revision  # one rule for what a rollback targets
    return RecordedRevision(history.release, deployed.revision, deployed.chart, False, recorded_at)


def recorded_from_record(body: HelmRevisionRecorded, recorded_at: str) -> RecordedRevision:
    """The revision a journal record names, stamped with the record's time."""
    return RecordedRevision(
        body.release,
        body.revision,
        body.chart,
        body.first_install,
        recorded_at,
        body.revision_count,
    )


@dataclass(frozen=True)
class ReleaseOutcome:
    release: str
    state: str  # a ReleaseState value, or "interrupted"
    revision: int | None


@dataclass(frozen=True)
class SyncOutcome:
    """How a journaled sync left each release."""

    exit_code: int | None  # None: cancelled or timed out
    releases: tuple[ReleaseOutcome, ...]
    at: str = ""
    cut_off: bool = False  # the wizard was killed while it ran (no outcome was journaled)

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0 and all(r.state in _DONE for r in self.releases)

    @property
    def needing_rollback(self) -> tuple[str, ...]:
        """The releases the sync left failed or interrupted, in order."""
        return tuple(r.release for r in self.releases if r.state in NEEDS_ROLLBACK)


def sync_outcome(result: SyncResult, stopped: bool) -> SyncOutcome:
    """The outcome of a finished sync; ``stopped``: cancelled or timed out."""
    unfinished = (ReleaseState.UPGRADING, ReleaseState.INSTALLING)
    return SyncOutcome(
        None if stopped else result.exit_code,
        tuple(
            ReleaseOutcome(
                p.release,
                INTERRUPTED if stopped and p.state in unfinished else p.state.value,
                p.revision,
            )
            for p in result.releases
        ),
    )


def sync_record(outcome: SyncOutcome, step: str) -> HelmSynced:
    """The journal's record of a sync's outcome."""
    releases = tuple(ReleaseAfterSync(r.release, r.state, r.revision) for r in outcome.releases)
    return HelmSynced(outcome.exit_code, releases, step)


def outcome_from_record(body: HelmSynced, at: str = "") -> SyncOutcome:
    """The outcome a journal record tells."""
    releases = tuple(ReleaseOutcome(r.release, r.state, r.revision) for r in body.releases)
    return SyncOutcome(body.exit_code, releases, at)


def is_helmfile_sync(argv: Sequence[str]) -> bool:
    return bool(argv) and Path(argv[0]).name == "helmfile" and "sync" in argv[1:]


@dataclass(frozen=True)
class HelmJournalState:
    """What the journal holds for the next sync or the rollback of the last one."""

    recorded: Mapping[str, RecordedRevision]  # release → revision before the sync
    last_sync: SyncOutcome | None  # a sync that ran after the recording (and did not succeed)
    rolled_back: frozenset[str]  # releases rolled back successfully since that sync
    outcome_recorded: bool  # the operator closed that rollback with an outcome
    # The last sync whatever its outcome, and the revisions recorded before it: a release
    # can be rolled back to them after a successful sync too.
    synced: SyncOutcome | None = None
    targets: Mapping[str, RecordedRevision] = field(default_factory=dict)

    @property
    def pending_rollback(self) -> tuple[str, ...]:
        """Releases the last sync left failed or interrupted and not rolled back yet."""
        if self.last_sync is None or self.outcome_recorded:
            return ()
        return self.last_sync.needing_rollback

    @property
    def rollback_offered(self) -> tuple[str, ...]:
        """Releases the last sync touched that can go back to their recorded revision."""
        if self.synced is None:
            return ()
        return tuple(
            r.release
            for r in self.synced.releases
            if r.state != ReleaseState.NOT_STARTED.value
            and r.release in self.targets
            and self.targets[r.release].rollback_choice().possible
            and r.release not in self.rolled_back
        )


# A transcript's output lines by its file name (None: no such transcript, or unreadable).
TranscriptReader = Callable[[str], Sequence[str] | None]


def read_helm_journal(
    records: Iterable[JournalRecord],
    releases: Sequence[str],
    step: str,
    transcript: TranscriptReader | None = None,
) -> HelmJournalState:
    """Fold the Helm step's records of the journal, oldest first.

    A recording that follows a sync starts a new set; a sync that succeeded makes
    the set stale (the cluster moved on), so nothing is recorded after it.
    ``transcript`` reads what a cut-off sync printed before the wizard was killed.
    """
    transcripts: dict[str, str] = {}
    recorded: dict[str, RecordedRevision] = {}
    last_sync: SyncOutcome | None = None
    synced: SyncOutcome | None = None
    targets: dict[str, RecordedRevision] = {}
    rolled_back: set[str] = set()
    outcome_recorded = False
    for record in records:
        body = record.body
        if isinstance(body, CommandStarted) and body.transcript:
            transcripts[body.run_id] = body.transcript
        if record.step != step:
            continue
        if isinstance(body, HelmRevisionRecorded):
            if body.release not in releases:
                continue
            if last_sync is not None or synced is not None:  # a new recording: new set
                recorded, last_sync, rolled_back = {}, None, set()
                synced, targets = None, {}
                outcome_recorded = False
            recorded[body.release] = recorded_from_record(body, record.ts)
        elif isinstance(body, HelmRolledBack) and body.succeeded:
            rolled_back.add(body.release)
        elif isinstance(body, HelmRollbackClosed) and last_sync is not None:
            outcome_recorded = True
        elif isinstance(body, HelmSynced) or (
            isinstance(body, CommandInterrupted) and is_helmfile_sync(body.argv)
        ):
            outcome = (
                outcome_from_record(body, record.ts)
                if isinstance(body, HelmSynced)
                else cut_off_sync(
                    recorded, record.ts, _output(transcript, transcripts, body.run_id)
                )
            )
            if recorded:
                targets = dict(recorded)
            synced = outcome
            if outcome.succeeded:
                recorded, last_sync = {}, None
            else:
                last_sync = outcome
            rolled_back, outcome_recorded = set(), False
    return HelmJournalState(
        recorded, last_sync, frozenset(rolled_back), outcome_recorded, synced, targets
    )


def _output(
    transcript: TranscriptReader | None, transcripts: Mapping[str, str], run_id: str
) -> Sequence[str] | None:
    name = transcripts.get(run_id)
    return transcript(name) if transcript is not None and name else None


def cut_off_sync(
    recorded: Mapping[str, RecordedRevision], at: str, output: Sequence[str] | None = None
) -> SyncOutcome:
    """A sync a killed wizard cut off, as far as its ``output`` tells (None: unknown).

    A release the output shows upgrading (or installing) and never done is
    interrupted; one it never reached is not started; one it finished keeps its
    outcome. Unknown output leaves every recorded release interrupted.
    """
    if output is None:
        releases = tuple(ReleaseOutcome(name, INTERRUPTED, None) for name in recorded)
        return SyncOutcome(None, releases, at, cut_off=True)
    progress = {p.release: p for p in parse_sync(output, list(recorded), None).releases}
    unfinished = (ReleaseState.UPGRADING, ReleaseState.INSTALLING)
    outcomes = []
    for name in recorded:
        seen = progress.get(name)
        if seen is None:
            outcomes.append(ReleaseOutcome(name, ReleaseState.NOT_STARTED.value, None))
        elif seen.state in unfinished:
            outcomes.append(ReleaseOutcome(name, INTERRUPTED, seen.revision))
        else:
            outcomes.append(ReleaseOutcome(name, seen.state.value, seen.revision))
    return SyncOutcome(None, tuple(outcomes), at, cut_off=True)


def shown_time(stamp: str) -> str:
    """A journal timestamp as the operator reads it: ``2026-05-04 09:12:33 UTC``."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")
