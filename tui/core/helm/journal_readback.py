"""What the Helm step wrote in the journal, read back after a restart.

Before a sync the step journals, per release, the revision deployed then
(``helm revision before sync``); after the sync, one note with each release's
outcome; after a rollback, its result. A restarted wizard rebuilds from these
records the rollback targets of the sync that ran before the restart: asking
``helm history`` again would see the cluster *after* that sync.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tui.core.helm.commands import RollbackChoice, choose_rollback_revision
from tui.core.helm.history import ReleaseHistory
from tui.core.helm.sync import ReleaseState, SyncResult
from tui.core.journal.records import Decision, JournalRecord, Note

RECORDED = "helm revision before sync"
ROLLED_BACK = "helm rollback"
OUTCOME_RECORDED = "helm outcome after rollback"
SYNC_NOTE = "helmfile sync"
INTERRUPTED = "interrupted"
# states a release can be left in that call for a rollback
NEEDS_ROLLBACK = frozenset({ReleaseState.FAILED.value, INTERRUPTED})
_DONE = frozenset(
    {ReleaseState.DEPLOYED.value, ReleaseState.NOT_STARTED.value, ReleaseState.DELETED.value}
)
_STATES = "|".join(re.escape(s) for s in sorted({*(s.value for s in ReleaseState), INTERRUPTED}))

_DEPLOYED_DETAIL = re.compile(
    r"^(?P<release>\S+): revision (?P<rev>\d+) deployed \((?P<chart>.*)\)$"
)
_FIRST_DETAIL = re.compile(r"^(?P<release>\S+): first install \(no history\), no rollback target$")
_NONE_DETAIL = re.compile(r"^(?P<release>\S+): no deployed revision \((?P<count>\d+) revisions\)$")
_SYNC_HEAD = re.compile(rf"^{SYNC_NOTE} \((?:exit (?P<exit>-?\d+)|(?P<cancelled>cancelled))\): ")
_SYNC_ITEM = re.compile(rf"^(?P<release>\S+) (?P<state>{_STATES})(?: rev (?P<rev>\d+))?$")
_ROLLED_BACK = re.compile(r"^(?P<release>\S+) rolled back to revision (?P<rev>\d+)\.$")


@dataclass(frozen=True)
class RecordedRevision:
    """One release's revision as recorded before the sync, and when."""

    release: str
    revision: int | None  # the deployed one; None: first install or none deployed
    chart: str  # the deployed revision's chart ("" when none is deployed)
    first_install: bool
    recorded_at: str  # the journal record's timestamp (ISO 8601, UTC)
    revision_count: int = 0  # how many revisions the history held when none was deployed

    @property
    def detail(self) -> str:
        """The journal's words for it (what :func:`parse_recorded` reads back)."""
        if self.first_install:
            return f"{self.release}: first install (no history), no rollback target"
        if self.revision is None:
            return f"{self.release}: no deployed revision ({self.revision_count} revisions)"
        return f"{self.release}: revision {self.revision} deployed ({self.chart})"

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


def parse_recorded(detail: str, recorded_at: str) -> RecordedRevision | None:
    """The record behind one ``helm revision before sync`` detail; None if not one of ours."""
    if found := _DEPLOYED_DETAIL.match(detail):
        return RecordedRevision(
            found["release"], int(found["rev"]), found["chart"], False, recorded_at
        )
    if found := _FIRST_DETAIL.match(detail):
        return RecordedRevision(found["release"], None, "", True, recorded_at)
    if found := _NONE_DETAIL.match(detail):
        return RecordedRevision(found["release"], None, "", False, recorded_at, int(found["count"]))
    return None


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


def sync_note(outcome: SyncOutcome) -> str:
    """The journal note for a sync: ``helmfile sync (exit 1): R deployed rev 9, …``."""
    head = "cancelled" if outcome.exit_code is None else f"exit {outcome.exit_code}"
    items = (
        f"{r.release} {r.state}" + (f" rev {r.revision}" if r.revision is not None else "")
        for r in outcome.releases
    )
    return f"{SYNC_NOTE} ({head}): " + ", ".join(items)


def parse_sync_note(text: str, at: str = "") -> SyncOutcome | None:
    """The outcome a :func:`sync_note` tells; None for any other note."""
    head = _SYNC_HEAD.match(text)
    if head is None:
        return None
    releases = []
    for item in text[head.end() :].split(", "):
        found = _SYNC_ITEM.match(item)
        if found is None:
            return None
        rev = int(found["rev"]) if found["rev"] else None
        releases.append(ReleaseOutcome(found["release"], found["state"], rev))
    exit_code = None if head["cancelled"] else int(head["exit"])
    return SyncOutcome(exit_code, tuple(releases), at)


def rolled_back_release(detail: str) -> str | None:
    """The release a successful ``helm rollback`` decision names, else None."""
    found = _ROLLED_BACK.match(detail)
    return found["release"] if found else None


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


def read_helm_journal(
    records: Iterable[JournalRecord], releases: Sequence[str], step: str
) -> HelmJournalState:
    """Fold the Helm step's records of the journal, oldest first.

    A recording that follows a sync starts a new set; a sync that succeeded makes
    the set stale (the cluster moved on), so nothing is recorded after it.
    """
    recorded: dict[str, RecordedRevision] = {}
    last_sync: SyncOutcome | None = None
    synced: SyncOutcome | None = None
    targets: dict[str, RecordedRevision] = {}
    rolled_back: set[str] = set()
    outcome_recorded = False
    for record in records:
        body = record.body
        if isinstance(body, Decision) and body.step == step:
            if body.what == RECORDED:
                revision = parse_recorded(body.detail, record.ts)
                if revision is None or revision.release not in releases:
                    continue
                if last_sync is not None or synced is not None:  # a new recording: new set
                    recorded, last_sync, rolled_back = {}, None, set()
                    synced, targets = None, {}
                    outcome_recorded = False
                recorded[revision.release] = revision
            elif body.what == ROLLED_BACK and (name := rolled_back_release(body.detail)):
                rolled_back.add(name)
            elif body.what == OUTCOME_RECORDED and last_sync is not None:
                outcome_recorded = True
        elif isinstance(body, Note) and body.step == step:
            outcome = parse_sync_note(body.text, record.ts)
            if outcome is None:
                continue
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


def shown_time(stamp: str) -> str:
    """A journal timestamp as the operator reads it: ``2026-05-04 09:12:33 UTC``."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")
