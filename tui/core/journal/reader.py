"""Reading the journal: its records, and what a kill mid-write left at its end.

Reading policy (documented choice):
- a *last* line that is not JSON is what a kill mid-write leaves (one write per
  record, the newline last): it is ignored and reported as a warning;
  ``Journal.open`` moves its bytes aside (nothing lost) before appending;
- a line that is not JSON anywhere else, or a JSON line that is not a record of
  the shape the writer writes (anywhere: a whole JSON object is never a torn
  write, so someone edited it), is a JournalError naming the line: the wizard
  does not guess which of the surrounding records to trust;
- a line of a newer journal schema is a JournalError naming the version: this
  wizard would misread what a newer one wrote. Lines of the first format (no
  schema) are migrated on reading (``legacy``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import JournalError
from tui.core.journal.codec import NewerSchemaError, RecordShapeError, record_from_json
from tui.core.journal.records import SCHEMA_VERSION, JournalRecord

EDITED_HINT = (
    "The lines before and after it are intact: inspect that line (edited by hand?), "
    "then fix it or move the journal aside to start a fresh one."
)


@dataclass(frozen=True)
class JournalRead:
    """The records of a journal, and what was wrong with its tail (if anything)."""

    path: Path
    records: tuple[JournalRecord, ...]
    warnings: tuple[str, ...]
    torn_tail: bytes  # what follows the last good record (set aside by the writer)
    good_length: int  # bytes of the journal up to the end of the last good record
    needs_newline: bool = False


def read_journal(path: Path) -> JournalRead:
    """Read every record of the journal at ``path`` (policy in the module docstring)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise JournalError(
            f"No journal at {path}.",
            hint="The wizard has not run on this release yet (or --release names another one).",
        ) from exc
    except OSError as exc:
        raise JournalError(f"Cannot read the journal {path}: {exc.strerror or exc}.") from exc
    return parse_journal(path, data)


def parse_journal(path: Path, data: bytes) -> JournalRead:
    """Parse journal bytes; see the module docstring for the corrupt-line policy."""
    lines = data.split(b"\n")
    complete, tail = lines[:-1], lines[-1]
    records: list[JournalRecord] = []
    offset = 0
    for number, raw in enumerate(complete, start=1):
        try:
            records.append(_parse_line(path, number, raw))
        except _NotJson as exc:
            if number == len(complete) and not tail:
                return _with_torn_tail(path, records, data, offset, number, str(exc))
            raise _corrupt(path, number, exc) from exc
        offset += len(raw) + 1
    if tail:
        try:
            records.append(_parse_line(path, len(lines), tail))
        except _NotJson as exc:
            return _with_torn_tail(path, records, data, offset, len(lines), str(exc))
        # a complete record that only lacks its newline: keep it, the writer adds one
        return JournalRead(path, tuple(records), (), b"", offset + len(tail), True)
    return JournalRead(path, tuple(records), (), b"", offset)


def _with_torn_tail(
    path: Path, records: list[JournalRecord], data: bytes, offset: int, number: int, why: str
) -> JournalRead:
    warning = (
        f"{path}: the last line (line {number}, {len(data) - offset} bytes) is incomplete "
        f"or corrupt ({why}) — probably a kill mid-write; it was ignored."
    )
    return JournalRead(path, tuple(records), (warning,), data[offset:], offset)


class _NotJson(ValueError):
    """A line that does not decode: torn at the end of the journal, corrupt elsewhere."""


def _corrupt(path: Path, number: int, why: Exception) -> JournalError:
    return JournalError(f"{path}: line {number} is corrupt ({why}).", hint=EDITED_HINT)


def _parse_line(path: Path, number: int, raw: bytes) -> JournalRecord:
    try:
        decoded = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _NotJson(f"not JSON: {exc}") from exc
    try:
        return record_from_json(decoded)
    except RecordShapeError as exc:
        raise _corrupt(path, number, exc) from exc
    except NewerSchemaError as exc:
        raise JournalError(
            f"{path}: line {number} was written by a newer mocm-upgrade (journal schema "
            f"{exc.version}); this one reads journal schema {SCHEMA_VERSION} and older.",
            hint="Continue with the mocm-upgrade that wrote it (or a newer one); "
            "nothing was read or changed.",
        ) from exc
