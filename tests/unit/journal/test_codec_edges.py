"""A journal line edited by hand at its envelope or a number field is refused, naming the
field; a line of a newer schema names its version."""

from __future__ import annotations

from typing import Any

import pytest

from tui.core.journal.codec import (
    NewerSchemaError,
    RecordShapeError,
    record_from_json,
    record_to_json,
)
from tui.core.journal.records import SCHEMA_VERSION, CommandRun, JournalRecord

RUN = JournalRecord(
    "2026-12-07T10:00:00.000+00:00",
    7,
    "alice",
    "jump1",
    CommandRun(("tofu", "plan"), "/r", 2, 3.5, outcome="ok: changes present", step="plan"),
)


def line(**changes: Any) -> dict[str, Any]:
    data = record_to_json(RUN)
    for key, value in changes.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    return data


def test_the_line_reads_back_as_written() -> None:
    assert record_from_json(line()) == RUN


@pytest.mark.parametrize("field", ["ts", "seq", "user", "host"])
def test_an_envelope_field_emptied_or_removed_is_named(field: str) -> None:
    with pytest.raises(RecordShapeError, match=f"field '{field}'"):
        record_from_json(line(**{field: None}))
    with pytest.raises(RecordShapeError, match=f"field '{field}' is missing"):
        record_from_json(line(**{field: ...}))


def test_a_number_field_emptied_is_named() -> None:
    with pytest.raises(RecordShapeError, match="field 'duration_s'"):
        record_from_json(line(duration_s=None))
    assert record_from_json(line(exit_code=None)).body == CommandRun(
        ("tofu", "plan"), "/r", None, 3.5, outcome="ok: changes present", step="plan"
    )


def test_a_newer_schema_names_its_version() -> None:
    with pytest.raises(NewerSchemaError) as raised:
        record_from_json(line(schema=SCHEMA_VERSION + 1))
    assert raised.value.version == SCHEMA_VERSION + 1
    assert str(raised.value) == f"journal schema {SCHEMA_VERSION + 1}"
