"""The journal's JSON form: one flat object per record, checked field by field on reading.

A line carries ``schema`` (``records.SCHEMA_VERSION``). A line without it was
written by the first format and is migrated on reading (``legacy``); a line of a
newer schema is refused, naming the version. Any other surprise (a missing or
mistyped field, an unknown kind or enum value) is a ``RecordShapeError`` naming
the field: a line edited by hand, since the writer never writes one.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from tui.core.journal.records import (
    BODY_BY_KIND,
    SCHEMA_VERSION,
    JournalRecord,
    RecordBody,
    RecordKind,
)

ENVELOPE_FIELDS = ("ts", "seq", "kind", "user", "host", "schema")


class RecordShapeError(ValueError):
    """A JSON object that is not a valid journal record (says which field)."""


class NewerSchemaError(ValueError):
    """A record written by a newer mocm-upgrade (its schema is above this one's)."""

    def __init__(self, version: int) -> None:
        super().__init__(f"journal schema {version}")
        self.version = version


def record_to_json(record: JournalRecord) -> dict[str, Any]:
    """The flat JSON object written for ``record``."""
    head: dict[str, Any] = {
        "ts": record.ts,
        "seq": record.seq,
        "kind": record.kind.value,
        "user": record.user,
        "host": record.host,
        "schema": SCHEMA_VERSION,
    }
    return head | _encoded_fields(record.body)


def _encoded_fields(body: object) -> dict[str, Any]:
    return {f.name: _encoded(getattr(body, f.name)) for f in dataclasses.fields(body)}  # type: ignore[arg-type]  # body is a dataclass instance


def _encoded(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_encoded(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encoded_fields(value)
    return value


def record_from_json(data: object) -> JournalRecord:
    """Parse one decoded line (migrating the first format); RecordShapeError names the field."""
    if not isinstance(data, Mapping):
        raise RecordShapeError("not a JSON object")
    if "schema" not in data:
        from tui.core.journal.legacy import migrate_schema_1  # only old journals need it

        return migrate_schema_1(data, _parse_current)
    schema = data["schema"]
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 2:
        raise RecordShapeError(f"field 'schema': unexpected value {schema!r}")
    if schema > SCHEMA_VERSION:
        raise NewerSchemaError(schema)
    return _parse_current(data)


def _parse_current(data: Mapping[str, Any]) -> JournalRecord:
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in RecordKind.__members__.values():
        raise RecordShapeError(f"unknown kind {kind!r}")
    ts, seq = _checked(data, "ts", str, False), _checked(data, "seq", int, False)
    user, host = _checked(data, "user", str, False), _checked(data, "host", str, False)
    body = _decoded_dataclass(BODY_BY_KIND[RecordKind(kind)], data, "")
    return JournalRecord(ts=ts, seq=seq, user=user, host=host, body=body)


def _decoded_dataclass(cls: type[Any], data: Mapping[str, Any], where: str) -> Any:
    values: dict[str, Any] = {}
    for name, hint, has_default in _field_specs(cls):
        if name not in data and has_default:
            continue
        if name not in data:
            raise RecordShapeError(f"field {where + name!r} is missing")
        values[name] = _decoded(data[name], hint, where + name)
    return cls(**values)


def _decoded(value: Any, hint: Any, name: str) -> Any:
    """``value`` checked against the type ``hint`` (and converted: lists to tuples, enums)."""
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin is typing.Union or type(hint).__name__ == "UnionType":
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _decoded(value, inner[0], name)
    if origin is tuple:
        if not isinstance(value, list):
            raise RecordShapeError(f"field {name!r}: unexpected value {value!r}")
        if args[0] is str and not all(isinstance(item, str) for item in value):
            raise RecordShapeError(f"field {name!r}: expected a list of strings")
        return tuple(_decoded(item, args[0], f"{name}[{n}]") for n, item in enumerate(value))
    if origin is typing.Literal:
        if value not in args:
            raise RecordShapeError(f"field {name!r}: {value!r} is not one of {args}")
        return value
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError:
            known = tuple(member.value for member in hint)
            raise RecordShapeError(f"field {name!r}: {value!r} is not one of {known}") from None
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, Mapping):
            raise RecordShapeError(f"field {name!r}: unexpected value {value!r}")
        return _decoded_dataclass(hint, value, f"{name}.")
    if hint is float:
        return float(_checked({name: value}, name, (int, float), False))
    if hint is bool:
        if not isinstance(value, bool):
            raise RecordShapeError(f"field {name!r}: unexpected value {value!r}")
        return value
    return _checked({name: value}, name, hint, False)


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


_SPECS: dict[type[Any], tuple[tuple[str, Any, bool], ...]] = {}


def _field_specs(cls: type[Any]) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, has a default) of each field; resolved once per class (it is slow)."""
    specs = _SPECS.get(cls)
    if specs is None:
        hints = typing.get_type_hints(cls)
        specs = tuple(
            (
                f.name,
                hints[f.name],
                f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING,
            )
            for f in dataclasses.fields(cls)
        )
        _SPECS[cls] = specs
    return specs


def redact_body(body: RecordBody, redact: Callable[[str], str]) -> RecordBody:
    """A copy of ``body`` with every text value (nested ones too) passed through ``redact``."""
    redacted: RecordBody = _redacted(body, redact)
    return redacted


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, Enum):  # a StrEnum is a str: its value is ours, never a secret
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, tuple):
        return tuple(_redacted(item, redact) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _redacted(getattr(value, f.name), redact) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value
