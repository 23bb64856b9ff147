"""Reading a damaged journal: a torn last line ignored with a warning and set aside, a
corrupt or hand-edited line named, a line of a newer schema refused."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.journal import ORDER, open_journal
from tui.core.errors import JournalError
from tui.core.journal.reader import read_journal


def test_truncated_last_line_is_ignored_with_a_warning_and_set_aside(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    journal.step_completed("releases")
    path = journal.path
    good = path.read_bytes()
    half = json.dumps({"ts": "x", "seq": 3, "kind": "step_started", "step": "pre"})[:25]
    path.write_bytes(good + half.encode())

    read = read_journal(path)
    assert [r.kind for r in read.records] == ["step_started", "step_completed"]
    assert len(read.warnings) == 1 and "line 3" in read.warnings[0]
    assert "kill mid-write" in read.warnings[0]

    reopened = open_journal(tmp_path)
    reopened.step_started("preflight")
    aside = path.with_name("journal.jsonl.torn-3")
    assert aside.read_bytes() == half.encode()
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert any(str(aside) in warning for warning in reopened.warnings)
    again = read_journal(path)
    assert again.warnings == ()
    assert [r.kind for r in again.records] == [
        "step_started",
        "step_completed",
        "note",
        "step_started",
    ]
    assert "torn last line" in getattr(again.records[2].body, "text", "")


def test_complete_last_record_without_newline_is_kept(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    path = journal.path
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    read = read_journal(path)
    assert len(read.records) == 1 and read.needs_newline and read.warnings == ()
    assert read.good_length == path.stat().st_size and read.torn_tail == b""
    open_journal(tmp_path).step_completed("releases")
    assert [r.kind for r in read_journal(path).records] == ["step_started", "step_completed"]


def test_corrupt_middle_line_names_the_line(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    for step in ORDER[:3]:
        journal.step_started(step)
    lines = journal.path.read_bytes().split(b"\n")
    lines[1] = b'{"kind": "step_started", garbage'
    journal.path.write_bytes(b"\n".join(lines))
    with pytest.raises(JournalError, match="line 2 is corrupt") as caught:
        read_journal(journal.path)
    assert "intact" in caught.value.hint
    with pytest.raises(JournalError, match="line 2"):
        open_journal(tmp_path)
    # nothing was cut off or rewritten
    assert journal.path.read_bytes() == b"\n".join(lines)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update(seq="two"), "'seq'"),
        (lambda d: d.update(kind="teleported"), "unknown kind"),
        (lambda d: d.pop("cwd"), "'cwd' is missing"),
        (lambda d: d.update(exit_code=True), "'exit_code'"),
    ],
)
def test_valid_json_with_a_wrong_shape_is_corrupt(
    tmp_path: Path, mutate: Callable[[dict[str, object]], object], reason: str
) -> None:
    journal = open_journal(tmp_path)
    journal.command(["true"], tmp_path, 0, 0.1, step="plan")
    journal.note("after")
    lines = journal.path.read_text().splitlines()
    record = json.loads(lines[0])
    mutate(record)
    journal.path.write_text("\n".join([json.dumps(record), lines[1]]) + "\n")
    with pytest.raises(JournalError, match=reason):
        read_journal(journal.path)


def test_non_utf8_line_is_corrupt(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.note("a")
    journal.note("b")
    data = journal.path.read_bytes()
    journal.path.write_bytes(b"\xff\xfe\n" + data)
    with pytest.raises(JournalError, match="line 1 is corrupt"):
        read_journal(journal.path)


def test_corrupt_last_complete_line_is_a_torn_tail_not_an_error(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    good = journal.path.read_bytes()
    journal.path.write_bytes(good + b'{"kind": "step_st\n')
    read = read_journal(journal.path)
    assert [r.kind for r in read.records] == ["step_started"]
    assert read.torn_tail == b'{"kind": "step_st\n' and read.good_length == len(good)
    assert "line 2" in read.warnings[0]


def test_torn_tail_is_set_aside_under_a_free_name(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    journal.path.write_bytes(journal.path.read_bytes() + b'{"half')
    journal.path.with_name("journal.jsonl.torn-2").mkdir()  # the name is taken
    reopened = open_journal(tmp_path)
    aside = journal.path.with_name("journal.jsonl.torn-2.1")
    assert aside.read_bytes() == b'{"half'
    assert any(str(aside) in warning for warning in reopened.warnings)
    assert not journal.path.read_bytes().endswith(b'{"half')


def test_a_hand_edited_last_line_is_named_not_set_aside(tmp_path: Path) -> None:
    """A whole JSON line is never a torn write: a wrong shape there was edited by hand."""
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    journal.step_completed("releases")
    lines = journal.path.read_text().splitlines()
    edited = json.loads(lines[-1]) | {"step": 42}
    journal.path.write_text("\n".join([*lines[:-1], json.dumps(edited)]) + "\n")
    before = journal.path.read_bytes()
    with pytest.raises(JournalError, match=r"line 2 is corrupt \(field 'step'") as caught:
        open_journal(tmp_path)
    assert "edited by hand?" in caught.value.hint
    assert journal.path.read_bytes() == before  # nothing cut off or set aside
    assert not list(journal.path.parent.glob("journal.jsonl.torn-*"))


@pytest.mark.parametrize("where", ["middle", "last"])
def test_a_line_of_a_newer_schema_is_refused_naming_the_version(tmp_path: Path, where: str) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    newer = {"ts": "t", "seq": 2, "kind": "step_teleported", "user": "u", "host": "h", "schema": 4}
    lines = journal.path.read_text().splitlines()
    lines.insert(0 if where == "middle" else len(lines), json.dumps(newer))
    journal.path.write_text("\n".join(lines) + "\n")
    number = 1 if where == "middle" else 2
    with pytest.raises(JournalError) as caught:
        read_journal(journal.path)
    assert caught.value.message == (
        f"{journal.path}: line {number} was written by a newer mocm-upgrade (journal schema 4); "
        "this one reads journal schema 3 and older."
    )
    with pytest.raises(JournalError, match="journal schema 4"):
        open_journal(tmp_path)
