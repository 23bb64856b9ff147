"""The Helm step's journal read back after a restart: rollback targets recorded before the sync."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.helm.history import ReleaseHistory, Revision
from tui.core.helm.journal_readback import (
    HelmJournalState,
    RecordedRevision,
    outcome_from_record,
    read_helm_journal,
    recorded_from_history,
    recorded_from_record,
    shown_time,
    sync_outcome,
    sync_record,
)
from tui.core.helm.sync import ReleaseProgress, ReleaseState, SyncResult, SyncSummary
from tui.core.journal.events import (
    HelmRevisionRecorded,
    HelmRollbackClosed,
    HelmRolledBack,
    HelmSynced,
    ReleaseAfterSync,
)
from tui.core.journal.reader import read_journal
from tui.core.journal.records import CommandInterrupted
from tui.core.journal.writer import Journal, Workspace

RELEASES = ("mocm-bootstrap-1", "mocm-bootstrap-2", "mocm-service")
STEP = "helm"


def clock() -> Callable[[], str]:
    seconds = itertools.count()
    return lambda: f"2026-05-04T09:12:{next(seconds):02d}.000+00:00"


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal.open(Workspace(tmp_path), user="op", host="jump", clock=clock())


def rev(number: int, status: str, chart: str = "mocm-service-10.5.2603") -> Revision:
    return Revision(number, "", status, chart, "10.5.2603", "")


def record_all(journal: Journal, service: ReleaseHistory | None = None) -> None:
    """What section 3 writes: one record per release."""
    for name in RELEASES:
        history = ReleaseHistory(
            name, (rev(7, "superseded", f"{name}-x"), rev(8, "deployed", f"{name}-10.5.2603"))
        )
        if name == "mocm-service" and service is not None:
            history = service
        journal.append(recorded_from_history(history, "").record(STEP))


def sync(journal: Journal, states: dict[str, ReleaseState], exit_code: int | None) -> None:
    progress = tuple(
        ReleaseProgress(r, s, 9 if s is ReleaseState.DEPLOYED else None) for r, s in states.items()
    )
    result = SyncResult(progress, SyncSummary(), (), (), exit_code)
    journal.append(sync_record(sync_outcome(result, stopped=exit_code is None), STEP))


def state_of(journal: Journal) -> HelmJournalState:
    return read_helm_journal(read_journal(journal.path).records, RELEASES, STEP)


SERVICE_FAILED = {
    "mocm-bootstrap-1": ReleaseState.DEPLOYED,
    "mocm-bootstrap-2": ReleaseState.DEPLOYED,
    "mocm-service": ReleaseState.FAILED,
}


def test_nothing_recorded_on_a_first_visit(journal: Journal) -> None:
    journal.step_entered(STEP)
    state = state_of(journal)
    assert state.recorded == {} and state.last_sync is None
    assert state.pending_rollback == ()


def test_failed_sync_keeps_the_revisions_recorded_before_it(journal: Journal) -> None:
    record_all(journal, ReleaseHistory("mocm-service", (rev(5, "superseded"), rev(6, "deployed"))))
    sync(journal, SERVICE_FAILED, 1)
    state = state_of(journal)
    service = state.recorded["mocm-service"]
    assert (service.revision, service.chart) == (6, "mocm-service-10.5.2603")
    assert service.recorded_at == "2026-05-04T09:12:02.000+00:00"
    choice = service.rollback_choice()
    assert choice.revision == 6
    assert choice.reason.endswith("(recorded at 2026-05-04 09:12:02 UTC)")
    assert state.pending_rollback == ("mocm-service",)
    assert state.last_sync is not None and state.last_sync.exit_code == 1


def test_cancelled_sync_asks_rollback_of_the_interrupted_release(journal: Journal) -> None:
    record_all(journal)
    sync(journal, {"mocm-bootstrap-1": ReleaseState.UPGRADING}, None)
    state = state_of(journal)
    assert state.last_sync is not None and state.last_sync.exit_code is None
    assert state.pending_rollback == ("mocm-bootstrap-1",)


def test_rollback_and_outcome_are_read_back(journal: Journal) -> None:
    record_all(journal)
    sync(journal, SERVICE_FAILED, 1)
    journal.append(HelmRolledBack("mocm-service", 8, True, "rolled back", STEP))
    state = state_of(journal)
    assert state.rolled_back == {"mocm-service"}
    assert state.pending_rollback == ("mocm-service",)  # the outcome is still to record
    journal.append(HelmRollbackClosed("mocm-service → 8", "back on 10.5", STEP))
    assert state_of(journal).pending_rollback == ()


def test_failed_rollback_is_not_taken_for_done(journal: Journal) -> None:
    record_all(journal)
    sync(journal, SERVICE_FAILED, 1)
    journal.append(HelmRolledBack("mocm-service", 8, False, "failed: x", STEP))
    assert state_of(journal).rolled_back == frozenset()


def test_successful_sync_makes_the_record_stale(journal: Journal) -> None:
    record_all(journal)
    sync(journal, dict.fromkeys(RELEASES, ReleaseState.DEPLOYED), 0)
    state = state_of(journal)
    assert state.recorded == {} and state.last_sync is None


def test_after_a_successful_sync_each_release_can_go_back_to_its_recorded_revision(
    journal: Journal,
) -> None:
    """Issue 13: the rollback was reachable only when a sync failed."""
    record_all(journal)
    sync(journal, dict.fromkeys(RELEASES, ReleaseState.DEPLOYED), 0)
    state = state_of(journal)
    assert state.synced is not None and state.synced.succeeded
    assert state.rollback_offered == RELEASES
    assert {r: t.rollback_choice().revision for r, t in state.targets.items()} == dict.fromkeys(
        RELEASES, 8
    )
    assert state.pending_rollback == ()  # nothing failed: nothing is owed
    journal.append(
        HelmRolledBack("mocm-service", 8, True, "mocm-service rolled back to revision 8.", STEP)
    )
    assert state_of(journal).rollback_offered == RELEASES[:2]
    record_all(journal)  # a new recording: the next sync's targets
    state = state_of(journal)
    assert state.synced is None and state.rollback_offered == () and state.targets == {}


def test_after_a_failed_sync_the_deployed_releases_are_offered_too(journal: Journal) -> None:
    record_all(journal)
    sync(journal, {**SERVICE_FAILED, "mocm-bootstrap-2": ReleaseState.NOT_STARTED}, 1)
    state = state_of(journal)
    assert state.pending_rollback == ("mocm-service",)
    assert state.rollback_offered == ("mocm-bootstrap-1", "mocm-service")  # not the untouched


def test_a_new_recording_after_a_sync_starts_a_new_set(journal: Journal) -> None:
    record_all(journal)
    sync(journal, SERVICE_FAILED, 1)
    journal.append(HelmRevisionRecorded("mocm-service", 9, "mocm-service-10.5.2603", False))
    state = state_of(journal)
    assert list(state.recorded) == ["mocm-service"]
    assert state.recorded["mocm-service"].revision == 9
    assert state.last_sync is None


def test_records_of_other_steps_and_releases_and_notes_are_ignored(journal: Journal) -> None:
    journal.append(HelmRevisionRecorded("mocm-service", 3, "x", False, step="values"))
    journal.append(HelmRevisionRecorded("other-release", 2, "x", False, step=STEP))
    journal.note("helmfile sync (exit 1): mocm-service failed", step=STEP)
    journal.append(HelmSynced(1, (ReleaseAfterSync("mocm-service", "failed", 3),), "stage4"))
    state = state_of(journal)
    assert state.recorded == {} and state.last_sync is None


def test_a_sync_a_killed_wizard_cut_off_leaves_every_recorded_release_interrupted(
    journal: Journal, tmp_path: Path
) -> None:
    record_all(journal)
    argv = ("helmfile", "-f", "helmfile.yaml", "sync")
    run = journal.command_started(argv, tmp_path, "009-helmfile-sync.log", STEP)
    journal.append(CommandInterrupted(run, argv, str(tmp_path), "t", STEP))  # the next start
    state = state_of(journal)
    assert state.last_sync is not None and state.last_sync.exit_code is None
    assert state.pending_rollback == RELEASES
    assert state.recorded["mocm-service"].revision == 8  # the rollback targets are kept


def test_first_install_and_no_deployed_revision_round_trip() -> None:
    first = recorded_from_history(ReleaseHistory("mocm-bootstrap-2", ()), "t")
    assert first.record(STEP) == HelmRevisionRecorded("mocm-bootstrap-2", None, "", True, 0, STEP)
    assert recorded_from_record(first.record(STEP), "t") == first
    assert not first.rollback_choice().possible
    none = recorded_from_history(ReleaseHistory("mocm-service", (rev(1, "failed"),)), "t")
    assert none.record(STEP) == HelmRevisionRecorded("mocm-service", None, "", False, 1, STEP)
    assert recorded_from_record(none.record(STEP), "t") == none
    assert "no deployed revision was recorded" in none.rollback_choice().reason


def test_recorded_detail_round_trip() -> None:
    history = ReleaseHistory(
        "mocm-service", (rev(5, "superseded"), rev(6, "deployed"), rev(7, "failed"))
    )
    revision = recorded_from_history(history, "t")
    assert revision == RecordedRevision("mocm-service", 6, "mocm-service-10.5.2603", False, "t")
    assert recorded_from_record(revision.record(STEP), "t") == revision


def test_sync_record_round_trip() -> None:
    result = SyncResult(
        (
            ReleaseProgress("mocm-bootstrap-1", ReleaseState.DEPLOYED, 9),
            ReleaseProgress("mocm-service", ReleaseState.NOT_STARTED),
        ),
        SyncSummary(),
        (),
        (),
        0,
    )
    outcome = sync_outcome(result, stopped=False)
    record = sync_record(outcome, STEP)
    assert record == HelmSynced(
        0,
        (
            ReleaseAfterSync("mocm-bootstrap-1", "deployed", 9),
            ReleaseAfterSync("mocm-service", "not started", None),
        ),
        STEP,
    )
    assert outcome_from_record(record) == outcome and outcome.succeeded


def test_shown_time() -> None:
    assert shown_time("2026-05-04T11:12:33.123+02:00") == "2026-05-04 09:12:33 UTC"
    assert shown_time("not a time") == "not a time"
