"""The journal's record types and their JSON form (one flat object per line).

Every line holds the envelope (``ts``, ``seq``, ``kind``, ``user``, ``host``)
plus the fields of one body dataclass below, chosen by ``kind``.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

FileOpKind = Literal["copy", "append", "rename", "backup", "write"]
FILE_OP_KINDS: tuple[str, ...] = typing.get_args(FileOpKind)


@dataclass(frozen=True)
class SessionStarted:
    """The wizard started (or restarted) on a pair of releases."""

    previous: str
    current: str
    previous_build: str
    current_build: str
    playbook_id: str
    tool_version: str


@dataclass(frozen=True)
class StepEntered:
    """The operator moved to this step (what a restart lands on)."""

    step: str


@dataclass(frozen=True)
class StepStarted:
    """The step's work began."""

    step: str


@dataclass(frozen=True)
class StepCompleted:
    """The step's work finished and was verified."""

    step: str
    summary: str = ""


@dataclass(frozen=True)
class StepWaived:
    """The operator skipped the step's requirement, giving a reason."""

    step: str
    reason: str


@dataclass(frozen=True)
class FileOp:
    """A file written by the wizard, with checksums before and after.

    ``source`` is the file copied, renamed or backed up from (else None);
    ``sha256_before`` is None when ``path`` did not exist before.
    """

    op: str
    path: str
    sha256_after: str | None
    sha256_before: str | None = None
    source: str | None = None
    step: str | None = None


ACCEPTED_OUTCOME = "ok"  # an outcome starting so is a success with a non-zero exit code
DETAILED_EXITCODE_FLAGS = ("-detailed-exitcode", "--detailed-exitcode")


def accepted_outcome(argv: Sequence[str], exit_code: int | None) -> str:
    """``ok: changes present`` for exit 2 under ``-detailed-exitcode``, else ``""``.

    tofu plan and helmfile diff both answer 2 for "succeeded, there are changes".
    """
    if exit_code == 2 and any(flag in argv for flag in DETAILED_EXITCODE_FLAGS):
        return f"{ACCEPTED_OUTCOME}: changes present"
    return ""


@dataclass(frozen=True)
class CommandRun:
    """A command the wizard ran; ``exit_code`` is None if it never exited."""

    argv: tuple[str, ...]
    cwd: str
    exit_code: int | None
    duration_s: float
    transcript: str | None = None
    outcome: str = ""
    step: str | None = None

    @property
    def succeeded(self) -> bool:
        """Exit 0 with nothing to say, or an exit code the caller accepts (outcome ``ok: …``)."""
        if self.outcome:
            return self.outcome.startswith(ACCEPTED_OUTCOME)
        return self.exit_code == 0 or bool(accepted_outcome(self.argv, self.exit_code))


@dataclass(frozen=True)
class Decision:
    """A choice the operator made: typed confirmation, override, waiver…"""

    what: str
    detail: str
    step: str | None = None


@dataclass(frozen=True)
class Note:
    """Free text worth keeping in the change record."""

    text: str
    step: str | None = None


RecordBody = (
    SessionStarted
    | StepEntered
    | StepStarted
    | StepCompleted
    | StepWaived
    | FileOp
    | CommandRun
    | Decision
    | Note
)

BODY_BY_KIND: dict[str, type[RecordBody]] = {
    "session_started": SessionStarted,
    "step_entered": StepEntered,
    "step_started": StepStarted,
    "step_completed": StepCompleted,
    "step_waived": StepWaived,
    "file_op": FileOp,
    "command": CommandRun,
    "decision": Decision,
    "note": Note,
}
KIND_BY_BODY: dict[type[RecordBody], str] = {cls: kind for kind, cls in BODY_BY_KIND.items()}
ENVELOPE_FIELDS = ("ts", "seq", "kind", "user", "host")


@dataclass(frozen=True)
class JournalRecord:
    """One line of the journal: who did what, when, on which host."""

    ts: str
    seq: int
    user: str
    host: str
    body: RecordBody

    @property
    def kind(self) -> str:
        """The record's ``kind`` field (e.g. ``step_started``)."""
        return KIND_BY_BODY[type(self.body)]


def record_to_json(record: JournalRecord) -> dict[str, Any]:
    """The flat JSON object written for ``record``."""
    fields = dataclasses.asdict(record.body)
    if isinstance(record.body, CommandRun):
        fields["argv"] = list(record.body.argv)
    head: dict[str, Any] = {
        "ts": record.ts,
        "seq": record.seq,
        "kind": record.kind,
        "user": record.user,
        "host": record.host,
    }
    return head | fields


def redact_body(body: RecordBody, redact: Callable[[str], str]) -> RecordBody:
    """A copy of ``body`` with every text value passed through ``redact``."""
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(body):
        value = getattr(body, field.name)
        if isinstance(value, str):
            changes[field.name] = redact(value)
        elif isinstance(value, tuple):
            changes[field.name] = tuple(redact(item) for item in value)
    return dataclasses.replace(body, **changes)


class RecordShapeError(ValueError):
    """A JSON object that is not a valid journal record (says which field)."""


def record_from_json(data: object) -> JournalRecord:
    """Parse one decoded line; raise RecordShapeError naming the bad field."""
    if not isinstance(data, Mapping):
        raise RecordShapeError("not a JSON object")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in BODY_BY_KIND:
        raise RecordShapeError(f"unknown kind {kind!r}")
    ts, seq = _checked(data, "ts", str, False), _checked(data, "seq", int, False)
    user, host = _checked(data, "user", str, False), _checked(data, "host", str, False)
    body_cls = BODY_BY_KIND[kind]
    values: dict[str, Any] = {}
    for name, hint, has_default in _FIELD_SPECS[kind]:
        if name not in data and has_default:
            continue
        values[name] = _checked_hint(data, name, hint)
    if kind == "file_op" and values["op"] not in FILE_OP_KINDS:
        raise RecordShapeError(f"field 'op': {values['op']!r} is not one of {FILE_OP_KINDS}")
    return JournalRecord(ts=ts, seq=seq, user=user, host=host, body=body_cls(**values))


def _field_specs(body_cls: type[RecordBody]) -> tuple[tuple[str, object, bool], ...]:
    hints = typing.get_type_hints(body_cls)
    return tuple(
        (f.name, hints[f.name], f.default is not dataclasses.MISSING)
        for f in dataclasses.fields(body_cls)
    )


def _checked_hint(data: Mapping[str, Any], name: str, hint: object) -> Any:
    args = typing.get_args(hint)
    optional = type(None) in args
    base = next((a for a in args if a is not type(None)), hint) if optional else hint
    if typing.get_origin(base) is tuple:
        items = _checked(data, name, list, optional)
        if items is None:
            return None
        if not all(isinstance(item, str) for item in items):
            raise RecordShapeError(f"field {name!r}: expected a list of strings")
        return tuple(items)
    if base is float:
        value = _checked(data, name, (int, float), optional)
        return None if value is None else float(value)
    assert isinstance(base, type)
    return _checked(data, name, base, optional)


def _checked(
    data: Mapping[str, Any], name: str, kind: type | tuple[type, ...], optional: bool
) -> Any:
    if name not in data:
        raise RecordShapeError(f"field {name!r} is missing")
    value = data[name]
    if value is None and optional:
        return None
    # bool is an int in Python, never a valid count or exit code here
    if isinstance(value, bool) or not isinstance(value, kind):
        raise RecordShapeError(f"field {name!r}: unexpected value {value!r}")
    return value


# resolved once: get_type_hints is far slower than parsing a record
_FIELD_SPECS = {kind: _field_specs(cls) for kind, cls in BODY_BY_KIND.items()}
