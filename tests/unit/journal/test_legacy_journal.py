"""A journal written before typed records (schema 1) still reads: migrated on reading.

``tests/data/journal/schema1-upgrade.jsonl`` was written by the code of commit 9db4b60
(``make_schema1.py`` beside it, run against that tree): every decision worded by the
function or f-string that worded it then.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tui.core.helm.journal_readback import read_helm_journal
from tui.core.helm.lint_gate import read_lint_journal
from tui.core.helm.review import read_review_journal
from tui.core.journal.codec import record_from_json
from tui.core.journal.events import (
    ApplyEnded,
    ApplyOutcome,
    ApplyStarted,
    BackendChosen,
    BackendMigrated,
    BackendOption,
    ChangelogAcknowledged,
    ChartLinted,
    DraftFate,
    GateAnswered,
    GateQuestion,
    HelmDiffed,
    HelmHealthChecked,
    HelmLinted,
    HelmRevisionRecorded,
    HelmRollbackClosed,
    HelmRolledBack,
    HelmSynced,
    ImageRegistryTyped,
    MigrationOutcome,
    OverrideTyped,
    PlanApplied,
    PlanApproved,
    PlanReviewed,
    PlanVerdict,
    PlanVoided,
    PreflightItemWaived,
    RollbackChosen,
    RollbackDone,
    RollbackKind,
    SnapshotDeclined,
    SnapshotPurpose,
    SnapshotRecorded,
    StateLeftBehind,
    StateSeen,
    TempFilesRemoved,
    ValuesChoice,
    ValuesDecision,
    ValuesDraftHandled,
    WaiverGiven,
    WaiverSubject,
)
from tui.core.journal.reader import read_journal
from tui.core.journal.records import (
    CommandStatus,
    JournalRecord,
    Note,
    RecordBody,
    UntypedDecision,
)
from tui.core.journal.report import change_record
from tui.core.journal.resume import fold
from tui.core.journal.writer import Journal, Workspace
from tui.core.stage4.gate import read_waivers
from tui.core.steps import STEP_IDS, StepStatus

DATA = Path(__file__).resolve().parents[2] / "data" / "journal" / "schema1-upgrade.jsonl"
WRITTEN_IN = Path("/tmp/legacy-gen/out")  # where make_schema1.py put the current release


@pytest.fixture
def legacy(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    shutil.copyfile(DATA, workspace.journal_path)
    return workspace


def bodies(records: tuple[JournalRecord, ...], kind: type[RecordBody]) -> list[RecordBody]:
    return [r.body for r in records if isinstance(r.body, kind)]


def test_the_fixture_is_schema_1() -> None:
    lines = [json.loads(line) for line in DATA.read_text().splitlines()]
    assert all("schema" not in line for line in lines)
    assert sum(line["kind"] == "decision" for line in lines) == 33


def test_every_decision_it_knows_becomes_its_typed_record(legacy: Workspace) -> None:
    read = read_journal(legacy.journal_path)
    records = read.records
    assert read.warnings == ()
    # only the one decision no typed record covers stays untyped, shown as it was written
    assert bodies(records, UntypedDecision) == [
        UntypedDecision("typed_confirmation", "destroy aws_instance.old accepted", "plan")
    ]
    assert bodies(records, PreflightItemWaived) == [
        PreflightItemWaived(
            "S3 buckets",
            "fail",
            "The state has 6, the release expects 7.",
            "bucket retired last quarter, ticket OPS-7",
        )
    ]
    assert bodies(records, SnapshotRecorded)[0] == SnapshotRecorded(
        SnapshotPurpose.OPTIONAL,
        "mocm-pre-upgrade-20260504",
        "mocm-prod-redis",
        "creating",
        False,
        "ElastiCache",
        2,
        "preflight",
    )
    assert bodies(records, SnapshotRecorded)[1] == SnapshotRecorded(
        SnapshotPurpose.FINAL, "mocm-prod-redis-final", "", "available", True, step="stage4"
    )
    assert bodies(records, SnapshotDeclined) == [SnapshotDeclined(SnapshotPurpose.FINAL, "stage4")]
    backend = [r.body for r in records if isinstance(r.body, BackendChosen | BackendMigrated)]
    assert backend == [
        BackendChosen(BackendOption.KEEP_LOCAL, "keep the local state (the operator's choice)"),
        BackendMigrated(
            MigrationOutcome.MIGRATED, ("yes",), "lineage, serial and content compared"
        ),
        BackendChosen(
            BackendOption.REMOTE,
            "the state is in S3 (backend.tf names bucket acme-mocm-prod-tfstate)",
        ),
    ]


def test_plans_migrate_with_their_state_and_gate(legacy: Workspace) -> None:
    records = read_journal(legacy.journal_path).records
    tf = str(WRITTEN_IN / "terraform/aws")
    upgrade, teardown = bodies(records, PlanReviewed)
    assert isinstance(upgrade, PlanReviewed) and isinstance(teardown, PlanReviewed)
    assert (upgrade.workdir, upgrade.verdict, upgrade.step) == (tf, PlanVerdict.BLOCKED, "plan")
    assert upgrade.plan.sha256 == "c" * 64
    assert upgrade.plan.state == StateSeen("8c3f0d2e-lineage", 57, "state pull")
    assert (teardown.workdir, teardown.verdict, teardown.step) == (tf, PlanVerdict.SAFE, "stage4")
    assert teardown.plan.state == StateSeen("8c3f0d2e-lineage", 60, "state pull")
    assert (upgrade.stage, teardown.stage) == ("upgrade", "stage4")
    gates = bodies(records, GateAnswered)
    assert gates == [
        GateAnswered(False, GateQuestion.TYPE_PHRASE, "", (), step="plan"),
        GateAnswered(
            True,
            GateQuestion.TYPE_PHRASE,
            "destroy 1",
            ("aws_cloudwatch_log_group.app",),
            step="plan",
        ),
        GateAnswered(
            True,
            GateQuestion.TYPE_PHRASE,
            "destroy 3 mocm-prod-redis",
            (),
            step="stage4",
            stage="stage4",  # the first format's gate named only its step
        ),
    ]
    [approved] = bodies(records, PlanApproved)
    assert approved == PlanApproved(tf, upgrade.plan, "destroy 1", "plan")
    assert bodies(records, PlanApplied) == [
        PlanApplied("c" * 64, "", "apply"),
        PlanApplied("", "", "stage4", "stage4"),
    ]


def test_values_helm_stage4_and_rollback_records(legacy: Workspace) -> None:
    records = read_journal(legacy.journal_path).records
    assert bodies(records, ValuesDecision) == [
        ValuesDecision(
            ValuesChoice.PLACEHOLDERS_LEFT,
            ("credentials.smtp.password", "cache.valkey.host"),
            "valkey not provisioned yet",
        ),
        ValuesDecision(ValuesChoice.DROPPED, ("nodeSelector.legacy", "redis.sentinel")),
        ValuesDecision(ValuesChoice.KEPT, ("global.image.tag",)),
    ]
    [ack] = bodies(records, ChangelogAcknowledged)
    assert isinstance(ack, ChangelogAcknowledged)
    assert (ack.version, ack.items) == ("10.6.2605", ("The legacy job.",))
    assert ack.fingerprint is not None and len(ack.fingerprint) == 12
    assert bodies(records, ImageRegistryTyped) == [
        ImageRegistryTyped("210987654321.dkr.ecr.eu-central-1.amazonaws.com")
    ]
    waivers = bodies(records, WaiverGiven)
    assert [w.subject for w in waivers if isinstance(w, WaiverGiven)] == [
        WaiverSubject.SYNC_WITH_IMAGES_MISSING,
        WaiverSubject.SYNC_WITH_IMAGES_NOT_CHECKED,
        WaiverSubject.SYNC_WITH_PLACEHOLDERS,
        WaiverSubject.SYNC_WITH_IMAGE_TAG,
    ]
    missing, unchecked, placeholders, _ = waivers
    assert isinstance(missing, WaiverGiven) and missing.items == ("mocm/notifier:10.6.2605",)
    assert missing.reason == "notifier is pushed by the CI tonight"
    assert isinstance(unchecked, WaiverGiven)
    assert unchecked.reason == "images pushed and verified by the CI job 4411"
    assert isinstance(placeholders, WaiverGiven)
    assert placeholders.items == ("credentials.smtp.password", "cache.valkey.host")
    assert placeholders.reason == "demo cluster, no users"
    assert bodies(records, HelmRevisionRecorded) == [
        HelmRevisionRecorded("mocm-bootstrap-1", 8, "mocm-bootstrap-1-10.5.2603", False),
        HelmRevisionRecorded("mocm-service", 6, "mocm-service-10.5.2603", False),
        HelmRevisionRecorded("mocm-bootstrap-2", None, "", True),
    ]
    assert bodies(records, HelmDiffed) == [
        HelmDiffed("mocm-bootstrap-1 1 resource, mocm-service 6 resources changed")
    ]
    [synced] = bodies(records, HelmSynced)
    assert isinstance(synced, HelmSynced) and synced.exit_code == 1
    assert [(r.release, r.state, r.revision) for r in synced.releases] == [
        ("mocm-bootstrap-1", "deployed", 9),
        ("mocm-bootstrap-2", "deployed", 1),
        ("mocm-service", "failed", 7),
        ("mocm-extra", "not started", None),
    ]
    assert bodies(records, HelmRolledBack) == [
        HelmRolledBack("mocm-service", 6, True, "mocm-service rolled back to revision 6.")
    ]
    assert bodies(records, HelmRollbackClosed) == [
        HelmRollbackClosed("mocm-service → 6", "service back on 10.5; ticket OPS-12 opened")
    ]
    assert bodies(records, OverrideTyped) == [
        OverrideTyped(
            "tofu state push -force", "push -force serial 56", "3HL4kqtJlcpXroDTDmJ", "rollback"
        )
    ]
    [done] = bodies(records, RollbackDone)
    assert isinstance(done, RollbackDone) and done.rollback is RollbackKind.STATE_VERSION
    [chosen] = bodies(records, RollbackChosen)
    assert isinstance(chosen, RollbackChosen) and chosen.typed_phrase == "restore serial 57"
    assert chosen.source.endswith("terraform.tfstate.pre-upgrade (serial 57)")
    assert bodies(records, TempFilesRemoved) == [
        TempFilesRemoved(("/srv/a/.x.tmp1", "/srv/a/.y.tmp2"))
    ]


def test_the_readers_resume_from_it(legacy: Workspace) -> None:
    records = read_journal(legacy.journal_path).records
    helm = read_helm_journal(
        records, ("mocm-bootstrap-1", "mocm-bootstrap-2", "mocm-service"), "helm"
    )
    assert helm.recorded["mocm-service"].revision == 6
    assert helm.rolled_back == {"mocm-service"} and helm.outcome_recorded
    review = read_review_journal(records, "helm")
    assert review.last_diff is not None and not review.last_diff.failed
    assert review.acknowledgement is not None and review.acknowledgement.version == "10.6.2605"
    state = fold(records)
    # a migration that succeeded is not a failure; exit 2 of a plan is changes present
    statuses = [c.body.status for c in state.commands]
    assert statuses.count(CommandStatus.FAILED) == 1  # the helmfile sync that failed (exit 1)
    assert CommandStatus.CHANGES_PRESENT in statuses
    assert state.status("plan") is StepStatus.ROLLED_BACK  # Rollback B reverted it
    assert state.status("stage4") is StepStatus.IN_PROGRESS  # entered and worked on


def test_a_legacy_journal_continues_in_the_new_schema_and_renders(legacy: Workspace) -> None:
    journal = Journal.open(legacy, user="bob", host="jump2")
    before = len(journal.records)
    journal.step_entered("stage4")
    read = read_journal(legacy.journal_path)
    assert len(read.records) == before + 1
    lines = legacy.journal_path.read_text().splitlines()
    assert "schema" not in json.loads(lines[0]) and json.loads(lines[-1])["schema"] == 3
    md = change_record(fold(read.records), step_order=STEP_IDS)
    assert "| 39 | 2026-05-04T" in md  # line numbers of the old journal, kept
    assert "typed_confirmation: destroy aws_instance.old accepted" in md
    assert "| plan | rolled back |" in md
    assert "- **Operators (OS user@host):** alice@jump1" in md  # sessions, not appends


def first_format(what: str, detail: str, step: str) -> object:
    """The typed body one first-format decision line reads as."""
    line = {"ts": "2026-05-20T09:40:00+00:00", "seq": 1, "kind": "decision", "user": "ops"}
    line |= {"host": "jump", "what": what, "detail": detail, "step": step}
    return record_from_json(line).body


def test_the_pipelines_and_the_values_editors_first_format_words_read_typed() -> None:
    counted = "apply confirmed: 1 destroy(s) and 2 replace(s), each one expected"
    gate = first_format("apply-gate", counted, "stage4")
    assert isinstance(gate, GateAnswered) and (gate.destroys, gate.replaces) == (1, 2)
    assert gate.sentence() == counted and gate.stage == "stage4"
    nothing = "apply confirmed: the plan destroys and replaces nothing"
    assert first_format("apply-gate", nothing, "plan") == GateAnswered(
        True, GateQuestion.CONFIRM, "", (), step="plan"
    )
    left = (
        "2 resource(s) of the state after the upgrade are not in the restored one: tofu no "
        "longer manages them and nothing destroys them: aws_s3_bucket.a, aws_sqs_queue.b"
    )
    behind = first_format("left-behind", left, "rollback")
    assert isinstance(behind, StateLeftBehind)
    assert behind.addresses == ("aws_s3_bucket.a", "aws_sqs_queue.b")
    restored = first_format(
        "state-restored", "terraform.tfstate.pre-upgrade (serial 57) to /p", "rollback"
    )
    assert isinstance(restored, RollbackDone) and restored.rollback is RollbackKind.LOCAL_STATE
    version = first_format("state-restored", "version v3: serial 57", "rollback")
    assert isinstance(version, RollbackDone) and version.rollback is RollbackKind.STATE_VERSION
    drop_all = first_format(
        "values undecided dropped together", 'typed \'drop 2\'; ["a.b", "c"]', "values"
    )
    assert drop_all == ValuesDecision(
        ValuesChoice.DROPPED_TOGETHER, ("a.b", "c"), "confirmed by typing 'drop 2'", step="values"
    )
    draft = first_format(
        "values draft set aside",
        "2 operation(s) from 2026-05-20T09:00:00: port a; edit b — changed since; kept as x",
        "values",
    )
    assert draft == ValuesDraftHandled(
        DraftFate.SET_ASIDE, ("port a", "edit b"), "2026-05-20T09:00:00", "changed since; kept as x"
    )


def first_format_note(text: str, step: str) -> RecordBody:
    """The typed body one first-format note line reads as."""
    line = {"ts": "2026-05-20T09:40:00+00:00", "seq": 1, "kind": "note", "user": "ops"}
    line |= {"host": "jump", "text": text, "step": step}
    return record_from_json(line).body


def test_the_helm_lint_health_and_stage4_waivers_of_the_first_format_read_typed() -> None:
    lint = first_format_note(
        "helm lint (values 0123456789ab): charts/a passed, charts/b failed", "helm"
    )
    assert lint == HelmLinted(
        "0123456789ab",
        (ChartLinted("charts/a", "passed"), ChartLinted("charts/b", "failed")),
        "helm",
    )
    waived = first_format(
        "helm lint failures waived", "charts/b (values 0123456789ab) — reason: OPS-3", "helm"
    )
    assert isinstance(waived, WaiverGiven)
    assert waived.subject is WaiverSubject.SYNC_WITH_LINT_FAILED
    assert (waived.items, waived.reason) == (("charts/b",), "OPS-3")
    state = read_lint_journal(
        [
            JournalRecord("t0", 1, "ops", "jump", lint),
            JournalRecord("t1", 2, "ops", "jump", waived),
        ],
        "helm",
    )
    assert state.run is not None and state.run.failed == ("charts/b",)
    assert state.waived_because == "OPS-3"
    health = first_format_note(
        "helm health after sync: ok mocm-bootstrap-1: deployed, revision 8 → 9; "
        "NOT OK mocm-service: deployed, but still revision 6 (recorded before the sync: 6)",
        "helm",
    )
    assert isinstance(health, HelmHealthChecked)
    assert [(r.release, r.healthy) for r in health.releases] == [
        ("mocm-bootstrap-1", True),
        ("mocm-service", False),
    ]
    assert health.releases[1].message.endswith("(recorded before the sync: 6)")
    key = "mocm/values.yaml:9 (legacy.host) names old.cache.amazonaws.com"
    reference = first_format("Stage-4 reference waived", f"{key} — reason: not rendered", "stage4")
    cycle = first_format(
        "Stage-4 business cycle waived",
        "Valkey served 6.0 h of the required 24 h — reason: batch ran",
        "stage4",
    )
    assert isinstance(reference, WaiverGiven) and isinstance(cycle, WaiverGiven)
    waivers = read_waivers(
        JournalRecord("t", n, "ops", "jump", body) for n, body in enumerate((reference, cycle))
    )
    assert waivers.references == {key: "not rendered"} and waivers.business_cycle == "batch ran"


def test_first_format_words_of_every_branch_read_as_their_typed_records() -> None:
    """Each first-format wording a parser knows, one line each: what the wizard resumes
    from and the change record shows (a wrong parse would show another record)."""
    taken = first_format("optional snapshot", "RDS snapshot pre-up of db-1: available (taken)", "")
    assert taken == SnapshotRecorded(
        SnapshotPurpose.OPTIONAL, "pre-up", "db-1", "available", False, "RDS", 0, ""
    )
    kept = first_format("backend option", "A:the local state, copied", "backend")
    assert kept == BackendChosen(BackendOption.KEEP_LOCAL, "the local state, copied", "backend")
    remote = first_format("backend option", "B.2:s3://acme/mocm/prod", "backend")
    assert remote == BackendChosen(BackendOption.REMOTE, "s3://acme/mocm/prod", "backend")

    half = {"workdir": "/r/c/terraform/aws", "plan": "/r/c/tfplan", "plan_sha256": "a" * 64}
    half |= {"reviewed_at": "t0", "verdict": "safe", "lineage": "8c3f", "serial": None}
    unknown = first_format("plan-reviewed", json.dumps(half), "plan")
    assert isinstance(unknown, PlanReviewed) and unknown.plan.state is None  # no serial: none
    where = {"workdir": "/r/c/terraform/aws", "stage": "stage4"}
    applied = first_format("plan-applied", json.dumps(where | {"plan_sha256": "b" * 64}), "s")
    assert applied == PlanApplied("b" * 64, "/r/c/terraform/aws", "s", "stage4")
    voided = first_format("plan-voided", json.dumps(where | {"reason": "unparked"}), "stage4")
    assert voided == PlanVoided("/r/c/terraform/aws", "unparked", "stage4", "stage4")
    started = first_format("apply-started", json.dumps(where | {"plan_sha256": "c" * 64}), "s")
    assert started == ApplyStarted("/r/c/terraform/aws", "c" * 64, "stage4", "s")
    ended = where | {"plan_sha256": "d" * 64, "outcome": "timed-out"}
    for code, read in ((1, 1), (True, None), ("1", None), (None, None)):
        body = first_format("apply-ended", json.dumps(ended | {"exit_code": code}), "apply")
        assert body == ApplyEnded(
            "/r/c/terraform/aws", "d" * 64, ApplyOutcome.TIMED_OUT, read, "stage4", "apply"
        ), code

    gone = first_format("values draft discarded", "the values files changed since", "values")
    assert gone == ValuesDraftHandled(
        DraftFate.DISCARDED, (), "", "the values files changed since", "values"
    )
    none_deployed = first_format(
        "helm revision before sync", "mocm-service: no deployed revision (3 revisions)", "helm"
    )
    assert none_deployed == HelmRevisionRecorded("mocm-service", None, "", False, 3, "helm")
    unfinished = "helm rollback of mocm-service did not finish (timed out)."
    assert first_format("helm rollback", unfinished, "helm") == HelmRolledBack(
        "mocm-service", None, False, unfinished, "helm"
    )
    failed = "Rollback of mocm-service to revision 6 failed: exit 1."
    assert first_format("helm rollback", failed, "helm") == HelmRolledBack(
        "mocm-service", 6, False, failed, "helm"
    )
    by_hand = "no entry for 10.6.2605 (no such heading); read by hand"
    assert first_format("CHANGELOG acknowledged", by_hand, "helm") == ChangelogAcknowledged(
        "10.6.2605", None, (), "no such heading", "helm"
    )
    unprinted = first_format("CHANGELOG acknowledged", "entry 10.6.2605 read", "helm")
    assert unprinted == ChangelogAcknowledged("10.6.2605", "", (), "", "helm")
    assert first_format("CHANGELOG acknowledged", "read it", "helm") == UntypedDecision(
        "CHANGELOG acknowledged", "read it", "helm"
    )


def test_a_helm_health_note_of_another_step_stays_a_note() -> None:
    text = "helm health after sync: ok mocm-service: deployed, revision 6 → 7"
    assert isinstance(first_format_note(text, "helm"), HelmHealthChecked)
    assert first_format_note(text, "stage4") == Note(text, "stage4")
    other = "helm health after sync: nothing to say"
    assert first_format_note(other, "helm") == Note(other, "helm")
