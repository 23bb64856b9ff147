"""Journal records: their JSON form, the shape check of each field, outcomes and redaction."""

from __future__ import annotations

from typing import Any

import pytest

from tui.core.journal.records import (
    BODY_BY_KIND,
    CommandRun,
    Decision,
    FileOp,
    JournalRecord,
    Note,
    RecordBody,
    RecordShapeError,
    SessionStarted,
    StepCompleted,
    StepEntered,
    StepStarted,
    StepWaived,
    accepted_outcome,
    record_from_json,
    record_to_json,
    redact_body,
)

BODIES: list[RecordBody] = [
    SessionStarted("/r/prev", "/r/curr", "10.5.2603", "10.6.2605", "pb-1", "0.1.0"),
    StepEntered("plan"),
    StepStarted("plan"),
    StepCompleted("plan", "12 changes reviewed"),
    StepCompleted("values"),
    StepWaived("stage4", "the cluster was already gone"),
    FileOp("copy", "/r/curr/t.tfstate", "a" * 64, "b" * 64, "/r/prev/t.tfstate", "carry-over"),
    FileOp("write", "/r/curr/values.yaml", None),
    CommandRun(("tofu", "plan"), "/r/curr", 2, 3.5, "001-tofu-plan.log", "ok: changes present"),
    CommandRun(("tofu", "apply"), "/r/curr", None, 0.25),
    Decision("override", "typed APPLY", "plan"),
    Note("free text"),
]


def envelope(body: RecordBody, seq: int = 1) -> JournalRecord:
    return JournalRecord("2026-05-19T08:42:17.000+00:00", seq, "alice", "jump1", body)


@pytest.mark.parametrize("body", BODIES, ids=lambda b: type(b).__name__)
def test_every_kind_round_trips_through_its_json(body: RecordBody) -> None:
    record = envelope(body, 7)
    data = record_to_json(record)
    assert list(data)[:5] == ["ts", "seq", "kind", "user", "host"]
    assert BODY_BY_KIND[data["kind"]] is type(body) and record.kind == data["kind"]
    assert record_from_json(data) == record


def test_json_form_is_flat_with_argv_as_a_list() -> None:
    data = record_to_json(envelope(BODIES[8]))
    assert data == {
        "ts": "2026-05-19T08:42:17.000+00:00",
        "seq": 1,
        "kind": "command",
        "user": "alice",
        "host": "jump1",
        "argv": ["tofu", "plan"],
        "cwd": "/r/curr",
        "exit_code": 2,
        "duration_s": 3.5,
        "transcript": "001-tofu-plan.log",
        "outcome": "ok: changes present",
        "step": None,
    }


def good(**changes: Any) -> dict[str, Any]:
    data = record_to_json(envelope(BODIES[8]))
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
        (good(ts=None), "field 'ts': unexpected value None"),
        (good(seq=None), "field 'seq': unexpected value None"),
        (good(host=None), "field 'host': unexpected value None"),
        (good(host=[]), "field 'host': unexpected value []"),
        (good(exit_code=True), "field 'exit_code': unexpected value True"),
        (good(exit_code="0"), "field 'exit_code': unexpected value '0'"),
        (good(duration_s=False), "field 'duration_s': unexpected value False"),
        (good(duration_s="1"), "field 'duration_s': unexpected value '1'"),
        (good(argv="tofu plan"), "field 'argv': unexpected value 'tofu plan'"),
        (good(argv=["tofu", 2]), "field 'argv': expected a list of strings"),
        (good(argv=None), "field 'argv': unexpected value None"),
        (good(cwd=None), "field 'cwd': unexpected value None"),
        (good(outcome=None), "field 'outcome': unexpected value None"),
        (good(transcript=3), "field 'transcript': unexpected value 3"),
        ({k: v for k, v in good().items() if k != "cwd"}, "field 'cwd' is missing"),
        ({k: v for k, v in good().items() if k != "ts"}, "field 'ts' is missing"),
        ({k: v for k, v in good().items() if k != "exit_code"}, "field 'exit_code' is missing"),
    ],
)
def test_a_record_of_the_wrong_shape_names_the_field(data: object, message: str) -> None:
    with pytest.raises(RecordShapeError) as caught:
        record_from_json(data)
    assert str(caught.value) == message


def test_a_missing_optional_field_does_not_hide_the_ones_after_it() -> None:
    data = good(step="plan")
    del data["transcript"]
    record = record_from_json(data)
    assert isinstance(record.body, CommandRun)
    assert (record.body.transcript, record.body.outcome, record.body.step) == (
        None,
        "ok: changes present",
        "plan",
    )


def test_file_op_kind_must_be_known() -> None:
    data = record_to_json(envelope(BODIES[6]))
    data["op"] = "delete"
    with pytest.raises(RecordShapeError, match="field 'op': 'delete' is not one of"):
        record_from_json(data)


def test_optional_fields_may_be_absent_or_null() -> None:
    data = good(transcript=None, step=None, exit_code=None, duration_s=4)
    del data["outcome"]
    record = record_from_json(data)
    assert isinstance(record.body, CommandRun)
    assert (record.body.exit_code, record.body.transcript, record.body.outcome) == (None, None, "")
    assert record.body.duration_s == 4.0 and isinstance(record.body.duration_s, float)


@pytest.mark.parametrize(
    ("argv", "exit_code", "expected"),
    [
        (("tofu", "plan", "-detailed-exitcode"), 2, "ok: changes present"),
        (("helmfile", "diff", "--detailed-exitcode"), 2, "ok: changes present"),
        (("tofu", "plan"), 2, ""),
        (("tofu", "plan", "-detailed-exitcode"), 1, ""),
        (("tofu", "plan", "-detailed-exitcode"), 0, ""),
        (("tofu", "plan", "-detailed-exitcode"), None, ""),
    ],
)
def test_accepted_outcome_is_only_changes_present(
    argv: tuple[str, ...], exit_code: int | None, expected: str
) -> None:
    assert accepted_outcome(argv, exit_code) == expected


@pytest.mark.parametrize(
    ("argv", "exit_code", "outcome", "succeeded"),
    [
        (("tofu", "apply"), 0, "", True),
        (("tofu", "apply"), 1, "", False),
        (("tofu", "apply"), None, "", False),
        (("tofu", "plan", "-detailed-exitcode"), 2, "", True),
        (("tofu", "plan"), 2, "", False),
        (("tofu", "plan"), 2, "ok: changes present", True),
        (("tofu", "apply"), 0, "cancelled by the operator", False),
    ],
)
def test_command_succeeded(
    argv: tuple[str, ...], exit_code: int | None, outcome: str, succeeded: bool
) -> None:
    assert CommandRun(argv, "/", exit_code, 1.0, None, outcome).succeeded is succeeded


def test_redaction_reaches_every_text_and_every_argument() -> None:
    def redact(text: str) -> str:
        return text.replace("hunter2", "••")

    body = CommandRun(("mysql", "-phunter2"), "/hunter2", 0, 1.0, "hunter2.log", "hunter2")
    assert redact_body(body, redact) == CommandRun(("mysql", "-p••"), "/••", 0, 1.0, "••.log", "••")
    op = FileOp("write", "/x/hunter2", None, None, None, None)
    assert redact_body(op, redact) == FileOp("write", "/x/••", None)
    assert redact_body(Note("hunter2 here", "s"), redact) == Note("•• here", "s")
