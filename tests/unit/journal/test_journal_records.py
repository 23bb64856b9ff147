"""Journal records: one typed body per kind, their JSON form, the shape check of each field,
the schema version, command outcomes and redaction."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tui.core.journal.codec import (
    ENVELOPE_FIELDS,
    NewerSchemaError,
    RecordShapeError,
    record_from_json,
    record_to_json,
    redact_body,
)
from tui.core.journal.events import (
    ApplyEnded,
    ApplyOutcome,
    ApplyStarted,
    AwsIdentityConfirmed,
    BackendChosen,
    BackendMigrated,
    BackendOption,
    ChangeCount,
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
    IdleVerdict,
    ImageRegistryTyped,
    MigrationOutcome,
    OverrideTyped,
    PlanApplied,
    PlanApproved,
    PlanFile,
    PlanIssue,
    PlanReviewed,
    PlanVerdict,
    PlanVoided,
    PreflightItemWaived,
    ReleaseAfterSync,
    ReleaseHealthSeen,
    RollbackChosen,
    RollbackDone,
    RollbackKind,
    SnapshotDeclined,
    SnapshotPurpose,
    SnapshotRecorded,
    Stage4Verdict,
    StateLeftBehind,
    StateSeen,
    TempFilesRemoved,
    ValuesChoice,
    ValuesDecision,
    ValuesDraftHandled,
    WaiverGiven,
    WaiverSubject,
)
from tui.core.journal.records import (
    BODY_BY_KIND,
    SCHEMA_VERSION,
    ChildChoice,
    ChildHandled,
    CommandChild,
    CommandInterrupted,
    CommandRun,
    CommandStarted,
    CommandStatus,
    FileOp,
    JournalRecord,
    Note,
    RecordBody,
    RecordKind,
    SessionStarted,
    StepCompleted,
    StepEntered,
    StepStarted,
    StepWaived,
    UntypedDecision,
    accepted_outcome,
)

PLAN = PlanFile("/r/c/tfplan", "a" * 64, StateSeen("8c3f-lineage", 57, "terraform.tfstate"), "t0")
BODIES: list[RecordBody] = [
    SessionStarted("/r/prev", "/r/curr", "10.5.2603", "10.6.2605", "pb-1", "0.1.0"),
    StepEntered("plan"),
    StepStarted("plan"),
    StepCompleted("plan", "12 changes reviewed"),
    StepWaived("stage4", "the cluster was already gone"),
    FileOp("copy", "/r/curr/t.tfstate", "a" * 64, "b" * 64, "/r/prev/t.tfstate", "carry_over"),
    CommandStarted("0f3a", ("tofu", "apply", "tfplan"), "/r/curr", "004-tofu-apply.log", "apply"),
    CommandRun(("tofu", "plan"), "/r/curr", 2, 3.5, "001-tofu-plan.log", "ok: changes present"),
    CommandInterrupted("0f3a", ("tofu", "apply", "tfplan"), "/r/curr", "t1", "apply"),
    Note("free text"),
    UntypedDecision("typed_confirmation", "destroy aws_instance.old accepted", "plan"),
    AwsIdentityConfirmed("123456789012", "arn:aws:iam::123456789012:user/ops", "eu-west-1"),
    TempFilesRemoved(("/r/curr/.values.yaml.tmp-1",)),
    PreflightItemWaived("MongoDB EBS snapshots", "fail", "no snapshot in 24 h", "DBA team"),
    SnapshotRecorded(SnapshotPurpose.OPTIONAL, "pre-up", "db-1", "available", False, "RDS", 2),
    SnapshotDeclined(SnapshotPurpose.FINAL, "stage4"),
    BackendChosen(BackendOption.KEEP_LOCAL, "keep the local state"),
    BackendMigrated(
        MigrationOutcome.MIGRATED, ("yes",), "sha256 of the S3 object equals the local state"
    ),
    PlanReviewed(
        "/r/c",
        PLAN,
        PlanVerdict.BLOCKED,
        (ChangeCount("create", 2), ChangeCount("delete", 1)),
        (PlanIssue("aws_instance.old", ("delete",), "not expected at upgrade", True),),
        "plan",
    ),
    GateAnswered(True, GateQuestion.TYPE_PHRASE, "destroy 1", ("aws_instance.old",), "a" * 64),
    PlanApproved("/r/c", PLAN, "destroy 1", "plan"),
    PlanApplied("a" * 64, "/r/c", "apply"),
    PlanVoided("/r/c/terraform/aws", "the file is not parked", "stage4", "stage4"),
    ApplyStarted("/r/c/terraform/aws", "b" * 64, "rollback", "rollback"),
    ApplyEnded("/r/c/terraform/aws", "b" * 64, ApplyOutcome.TIMED_OUT, None, step="apply"),
    ValuesDraftHandled(DraftFate.SET_ASIDE, ("port host.domain",), "2026-05-20T09:00:00", "stale"),
    OverrideTyped("tofu state push -force", "push older", "v3", "rollback"),
    ValuesDecision(ValuesChoice.DROPPED, ("nodeSelector", "legacy.enabled"), file="/v.yaml"),
    ChangelogAcknowledged("10.6.2605", "0123456789ab", ("Removed: x",)),
    ImageRegistryTyped("1.dkr.ecr.eu-west-1.amazonaws.com"),
    WaiverGiven(WaiverSubject.SYNC_WITH_IMAGES_MISSING, ("web",), "web missing in ECR", "later"),
    HelmRevisionRecorded("mocm-service", 9, "mocm-service-10.5.2603", False),
    HelmDiffed("mocm-service 3 resources changed"),
    HelmLinted(
        "0123456789ab", (ChartLinted("charts/a", "passed"), ChartLinted("charts/b", "failed"))
    ),
    HelmHealthChecked((ReleaseHealthSeen("mocm-service", False, "mocm-service: failed at 9"),)),
    HelmSynced(
        1, (ReleaseAfterSync("mocm-service", "failed", 10), ReleaseAfterSync("b", "x", None))
    ),
    HelmRolledBack("mocm-service", 9, True, "mocm-service rolled back to revision 9."),
    HelmRollbackClosed("mocm-service → 9", "back on 10.5"),
    Stage4Verdict("old-redis", "eu-west-1", "72h", "t0", "t1", 1.0, None, 0, IdleVerdict.NO_DATA),
    Stage4Verdict(
        "old-redis",
        "eu-west-1",
        "24h",
        "t0",
        "t1",
        6.0,
        2.0,
        288,
        IdleVerdict.IDLE,
        ("mocm/values.yaml:9",),
        threshold_typed=True,
        not_live=("mocm/values.yaml:10 (YAML comment)",),
        business_cycle="Valkey served 30.0 h of the required 24 h",
    ),
    RollbackChosen(RollbackKind.LOCAL_STATE, "/p/terraform.tfstate.pre-upgrade", "/p/t.tfstate"),
    RollbackDone(RollbackKind.STATE_VERSION, "version v3", ("plan", "apply")),
    StateLeftBehind(("aws_s3_bucket.new",), "version v3"),
    CommandChild("0f3a", 4242, 4242, 987654, "5c1d-boot", "apply"),
    ChildHandled("0f3a", ("tofu", "apply"), 4242, 4242, ChildChoice.STOPPED, "apply"),
]


def envelope(body: RecordBody, seq: int = 1) -> JournalRecord:
    return JournalRecord("2026-05-19T08:42:17.000+00:00", seq, "alice", "jump1", body)


def test_no_body_field_shadows_the_envelope() -> None:
    """The JSON form is flat: a body field named like an envelope field would overwrite it."""
    for body in BODY_BY_KIND.values():
        assert not {f.name for f in dataclasses.fields(body)} & set(ENVELOPE_FIELDS), body


def test_every_kind_has_a_sample() -> None:
    assert {type(b) for b in BODIES} == set(BODY_BY_KIND.values())
    assert set(BODY_BY_KIND) == set(RecordKind)


@pytest.mark.parametrize("body", BODIES, ids=lambda b: type(b).__name__)
def test_every_kind_round_trips_through_its_json(body: RecordBody) -> None:
    record = envelope(body, 7)
    data = record_to_json(record)
    assert list(data)[:6] == ["ts", "seq", "kind", "user", "host", "schema"]
    assert data["schema"] == SCHEMA_VERSION == 3
    assert BODY_BY_KIND[RecordKind(data["kind"])] is type(body) and record.kind == data["kind"]
    assert record_from_json(data) == record


def test_json_form_is_flat_with_lists_enums_as_values_and_nested_records_as_objects() -> None:
    data = record_to_json(envelope(BODIES[7]))
    assert data == {
        "ts": "2026-05-19T08:42:17.000+00:00",
        "seq": 1,
        "kind": "command",
        "user": "alice",
        "host": "jump1",
        "schema": 3,
        "argv": ["tofu", "plan"],
        "cwd": "/r/curr",
        "exit_code": 2,
        "duration_s": 3.5,
        "transcript": "001-tofu-plan.log",
        "outcome": "ok: changes present",
        "step": None,
        "run_id": "",
    }
    reviewed = record_to_json(envelope(BODIES[18]))
    assert reviewed["verdict"] == "blocked"
    assert reviewed["plan"]["state"] == {
        "lineage": "8c3f-lineage",
        "serial": 57,
        "source": "terraform.tfstate",
    }
    assert reviewed["unexpected"][0]["actions"] == ["delete"]


def good(**changes: Any) -> dict[str, Any]:
    data = record_to_json(envelope(BODIES[7]))
    data.update(changes)
    return data


def reviewed(**changes: Any) -> dict[str, Any]:
    data = record_to_json(envelope(BODIES[18]))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1], "not a JSON object"),
        (good(kind="nope"), "unknown kind 'nope'"),
        (good(kind=None), "unknown kind None"),
        (good(seq=True), "field 'seq': unexpected value True"),
        (good(seq="1"), "field 'seq': unexpected value '1'"),
        (good(ts=5), "field 'ts': unexpected value 5"),
        (good(user=None), "field 'user': unexpected value None"),
        (good(host=[]), "field 'host': unexpected value []"),
        (good(exit_code=True), "field 'exit_code': unexpected value True"),
        (good(exit_code="0"), "field 'exit_code': unexpected value '0'"),
        (good(duration_s=False), "field 'duration_s': unexpected value False"),
        (good(argv="tofu plan"), "field 'argv': unexpected value 'tofu plan'"),
        (good(argv=["tofu", 2]), "field 'argv': expected a list of strings"),
        (good(argv=None), "field 'argv': unexpected value None"),
        (good(outcome=None), "field 'outcome': unexpected value None"),
        (good(schema="2"), "field 'schema': unexpected value '2'"),
        (good(schema=1), "field 'schema': unexpected value 1"),
        (good(schema=True), "field 'schema': unexpected value True"),
        ({k: v for k, v in good().items() if k != "cwd"}, "field 'cwd' is missing"),
        (reviewed(verdict="fine"), "field 'verdict': 'fine' is not one of ('safe', 'blocked')"),
        (reviewed(plan={"path": "p"}), "field 'plan.sha256' is missing"),
        (reviewed(plan=None), "field 'plan': unexpected value None"),
        (
            reviewed(unexpected=[{"address": "a", "actions": ["x"], "reason": "r", "blocking": 1}]),
            "field 'unexpected[0].blocking': unexpected value 1",
        ),
    ],
)
def test_a_record_of_the_wrong_shape_names_the_field(data: object, message: str) -> None:
    with pytest.raises(RecordShapeError) as caught:
        record_from_json(data)
    assert str(caught.value) == message


def test_a_newer_schema_is_refused_with_its_version() -> None:
    with pytest.raises(NewerSchemaError) as caught:
        record_from_json(good(schema=4, kind="a_kind_from_the_future"))
    assert caught.value.version == 4


def test_a_missing_optional_field_takes_its_default() -> None:
    data = good(step="plan")
    del data["transcript"], data["run_id"]
    record = record_from_json(data)
    assert isinstance(record.body, CommandRun)
    assert (record.body.transcript, record.body.step, record.body.run_id) == (None, "plan", "")


def test_file_op_kind_must_be_known() -> None:
    data = record_to_json(envelope(BODIES[5]))
    data["op"] = "delete"
    with pytest.raises(RecordShapeError, match="field 'op': 'delete' is not one of"):
        record_from_json(data)


@pytest.mark.parametrize(
    ("argv", "exit_code", "expected"),
    [
        (("tofu", "plan", "-detailed-exitcode"), 2, "ok: changes present"),
        (("helmfile", "diff", "--detailed-exitcode"), 2, "ok: changes present"),
        (("tofu", "plan"), 2, ""),
        (("tofu", "plan", "-detailed-exitcode"), 1, ""),
        (("tofu", "plan", "-detailed-exitcode"), None, ""),
    ],
)
def test_accepted_outcome_is_only_changes_present(
    argv: tuple[str, ...], exit_code: int | None, expected: str
) -> None:
    assert accepted_outcome(argv, exit_code) == expected


@pytest.mark.parametrize(
    ("argv", "exit_code", "outcome", "status"),
    [
        (("tofu", "apply"), 0, "", CommandStatus.SUCCEEDED),
        (("tofu", "apply"), 1, "", CommandStatus.FAILED),
        (("tofu", "apply"), None, "", CommandStatus.FAILED),
        (("tofu", "plan", "-detailed-exitcode"), 2, "", CommandStatus.CHANGES_PRESENT),
        (("tofu", "plan"), 2, "", CommandStatus.FAILED),
        (("tofu", "plan"), 2, "ok: changes present", CommandStatus.CHANGES_PRESENT),
        (("tofu", "apply"), 0, "cancelled by the operator", CommandStatus.CANCELLED),
        (("helm", "status"), None, "timeout", CommandStatus.TIMED_OUT),
        (("tofu", "apply"), None, "timed out", CommandStatus.TIMED_OUT),
        # B.1 journals its own outcome word: exit 0 "migrated" is a success (was counted failed)
        (("tofu", "init", "-migrate-state"), 0, "migrated", CommandStatus.SUCCEEDED),
        (("tofu", "init", "-migrate-state"), 1, "declined", CommandStatus.FAILED),
        (("tofu", "init", "-migrate-state"), None, "interrupted", CommandStatus.INTERRUPTED),
    ],
)
def test_command_status(
    argv: tuple[str, ...], exit_code: int | None, outcome: str, status: CommandStatus
) -> None:
    run = CommandRun(argv, "/", exit_code, 1.0, None, outcome)
    assert run.status is status and run.succeeded is status.ok


def test_redaction_reaches_every_text_nested_ones_too_but_never_an_enum() -> None:
    def redact(text: str) -> str:
        return text.replace("hunter2", "••")

    body = CommandRun(("mysql", "-phunter2"), "/hunter2", 0, 1.0, "hunter2.log", "hunter2")
    assert redact_body(body, redact) == CommandRun(("mysql", "-p••"), "/••", 0, 1.0, "••.log", "••")
    assert redact_body(Note("hunter2 here", "s"), redact) == Note("•• here", "s")
    issue = PlanIssue("aws_db.x", ("update",), "password hunter2 changes", False)
    review = PlanReviewed("/w", PLAN, PlanVerdict.SAFE, (), (issue,))
    masked = redact_body(review, redact)
    assert isinstance(masked, PlanReviewed)
    assert masked.unexpected[0].reason == "password •• changes"
    assert masked.verdict is PlanVerdict.SAFE  # an enum stays an enum

    def mask_all(text: str) -> str:
        return "x"

    gate = redact_body(GateAnswered(True, GateQuestion.CONFIRM, "", ()), mask_all)
    assert isinstance(gate, GateAnswered) and gate.question is GateQuestion.CONFIRM


def test_only_a_success_or_changes_present_counts_as_ok() -> None:
    # plan -detailed-exitcode 2 means changes present: a success, not a failed command
    ok = {status for status in CommandStatus if status.ok}
    assert ok == {CommandStatus.SUCCEEDED, CommandStatus.CHANGES_PRESENT}


def test_the_gate_answer_in_words_says_what_was_approved() -> None:
    confirm, typed = GateQuestion.CONFIRM, GateQuestion.TYPE_PHRASE
    nothing = GateAnswered(True, confirm, "", ())  # the counts left out: none to approve
    assert (nothing.destroys, nothing.replaces) == (0, 0)
    assert nothing.sentence() == "apply confirmed: the plan destroys and replaces nothing"
    one = GateAnswered(True, confirm, "", (), destroys=1)
    assert one.sentence() == "apply confirmed: 1 destroy(s) and 0 replace(s), each one expected"
    two = GateAnswered(True, confirm, "", (), replaces=2)
    assert two.sentence() == "apply confirmed: 0 destroy(s) and 2 replace(s), each one expected"
    declined = GateAnswered(False, typed, "", (), destroys=1)
    assert declined.sentence() == "apply not confirmed (gate: type-phrase)"
    refused = GateAnswered(False, GateQuestion.REFUSE, "", ())
    assert refused.sentence() == "apply not confirmed (gate: refuse)"
    phrase = GateAnswered(True, typed, "destroy 1", ("aws_instance.old",), destroys=1)
    assert (
        phrase.sentence() == "apply confirmed by typing 'destroy 1'; overrode 1: aws_instance.old"
    )
    plain = GateAnswered(True, typed, "destroy 1", ())
    assert plain.sentence() == "apply confirmed by typing 'destroy 1'"


def test_fields_an_older_line_lacks_take_their_safe_defaults() -> None:
    """A line written before a field existed reads with the field's default: a Stage-4
    verdict that does not say is blocking; a history that does not count held none."""
    verdict = Stage4Verdict(
        "old", "eu-west-1", "72h", "t0", "t1", 5.0, 0.0, 288, IdleVerdict.IDLE, blocked=False
    )
    data = record_to_json(envelope(verdict))
    del data["blocked"], data["threshold_typed"], data["not_live"], data["business_cycle"]
    read = record_from_json(data).body
    assert isinstance(read, Stage4Verdict)
    assert read.blocked is True and read.threshold_typed is False
    assert (read.not_live, read.business_cycle, read.references) == ((), "", ())
    none_deployed = HelmRevisionRecorded("mocm-service", None, "", False, 3)
    data = record_to_json(envelope(none_deployed))
    del data["revision_count"]
    read = record_from_json(data).body
    assert isinstance(read, HelmRevisionRecorded) and read.revision_count == 0
    gate = record_to_json(envelope(GateAnswered(True, GateQuestion.CONFIRM, "", (), "a" * 64)))
    del gate["destroys"], gate["replaces"]
    read = record_from_json(gate).body
    assert isinstance(read, GateAnswered)
    assert read.sentence() == "apply confirmed: the plan destroys and replaces nothing"
