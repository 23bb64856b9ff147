"""Typed model of `tofu show -json tfplan` (JSON plan format_version 1.x).

The model is lazy: each change keeps a reference to its raw JSON object and
reads ``before``/``after`` only when asked, so a 10,000-change plan costs little
more than ``json.loads`` itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.core.errors import ParseError
from tui.core.plan_vocabulary import ActionKind as ActionKind
from tui.core.plan_vocabulary import explain_reason, kind_of, render_path


class UnsupportedPlanFormat(ParseError):
    """The plan JSON has a format_version whose major is not 1."""


@dataclass(frozen=True, slots=True)
class ChangeValues:
    """The before/after sides of one change, read lazily from the raw JSON."""

    raw: Mapping[str, Any]

    @property
    def before(self) -> Any:
        return self.raw.get("before")

    @property
    def after(self) -> Any:
        return self.raw.get("after")

    @property
    def after_unknown(self) -> Any:
        return self.raw.get("after_unknown", False)

    @property
    def before_sensitive(self) -> Any:
        return self.raw.get("before_sensitive", False)

    @property
    def after_sensitive(self) -> Any:
        return self.raw.get("after_sensitive", False)


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """One entry of ``resource_changes`` (or ``resource_drift``)."""

    address: str
    actions: tuple[str, ...]
    kind: ActionKind
    mode: str
    type: str
    name: str
    provider_name: str
    values: ChangeValues
    module_address: str | None = None
    index: int | str | None = None
    previous_address: str | None = None
    deposed: str | None = None
    action_reason: str | None = None
    importing_id: str | None = None
    replace_paths: tuple[str, ...] = ()

    @property
    def destroys(self) -> bool:
        """True when an object is destroyed (``delete`` in actions)."""
        return "delete" in self.actions

    @property
    def leaves_state(self) -> bool:
        """True when the object is dropped from state but kept (``forget``)."""
        return "forget" in self.actions

    @property
    def is_import(self) -> bool:
        return self.importing_id is not None

    @property
    def is_move(self) -> bool:
        return self.previous_address is not None and self.previous_address != self.address

    @property
    def is_change(self) -> bool:
        """No-ops are counted but are not changes, unless they also import or move."""
        return self.kind is not ActionKind.NO_OP or self.is_import or self.is_move

    @property
    def key(self) -> tuple[str, str | None]:
        """Unique key: a deposed object shares its address with the current one."""
        return (self.address, self.deposed)

    @property
    def display_address(self) -> str:
        return f"{self.address} (deposed object {self.deposed})" if self.deposed else self.address

    def explain(self) -> str:
        """Why this change happens, in plain words (action_reason, paths, import, move)."""
        parts: list[str] = []
        reason = explain_reason(self.action_reason)
        if reason:
            parts.append(reason)
        if self.replace_paths:
            parts.append("changed: " + ", ".join(self.replace_paths))
        if self.deposed:
            parts.append(
                f"deposed object {self.deposed} left behind by an earlier create-before-destroy"
            )
        if self.is_import:
            parts.append(f"imported from existing object id {self.importing_id}")
        if self.is_move:
            parts.append(f"moved from {self.previous_address}")
        if self.leaves_state:
            parts.append("removed from the state only: the real object is kept, unmanaged")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class OutputChange:
    """One entry of ``output_changes`` (the change object itself, no wrapper)."""

    name: str
    actions: tuple[str, ...]
    kind: ActionKind
    values: ChangeValues

    @property
    def sensitive(self) -> bool:
        return bool(self.values.before_sensitive) or bool(self.values.after_sensitive)


@dataclass(frozen=True)
class Plan:
    """A parsed plan. ``applyable``/``complete`` are None when absent (OpenTofu)."""

    source: str
    format_version: str
    terraform_version: str
    resource_changes: tuple[ResourceChange, ...]
    output_changes: tuple[OutputChange, ...] = ()
    resource_drift: tuple[ResourceChange, ...] = ()
    errored: bool = False
    applyable: bool | None = None
    complete: bool | None = None
    has_prior_state: bool = False
    timestamp: str = ""
    extra_keys: tuple[str, ...] = field(default=())

    @property
    def changes(self) -> tuple[ResourceChange, ...]:
        """Resource changes that are not plain no-ops."""
        return tuple(rc for rc in self.resource_changes if rc.is_change)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes) or any(
            o.kind is not ActionKind.NO_OP for o in self.output_changes
        )

    @property
    def can_apply(self) -> bool:
        """False for an errored plan or one Terraform marks as not applyable."""
        return not self.errored and self.applyable is not False

    def why_not_applicable(self) -> str:
        """The sentence saying why this plan cannot be applied ('' when it can)."""
        if self.errored:
            return "the plan errored (planning stopped on an error): it cannot be applied"
        if self.applyable is False:
            return "the engine marked this plan as not applyable"
        return ""


def load_plan(path: str, data: bytes | None = None) -> Plan:
    """Read and parse a plan file (``data`` given: already read, e.g. from stdin).

    Raises ``ParseError`` (or ``UnsupportedPlanFormat``) with the reason.
    """
    if data is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise ParseError(path, f"cannot read the plan: {exc.strerror or exc}") from exc
    if not data.strip():
        raise ParseError(path, "the plan file is empty (expected the output of `tofu show -json`)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(path, f"not UTF-8 text (byte {exc.start})") from exc
    return parse_plan_text(text, path)


def parse_plan_text(text: str, path: str = "<plan>") -> Plan:
    """Parse the JSON text of a plan; JSON syntax errors carry line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise ParseError(path, "not valid JSON: nested too deeply") from exc
    return parse_plan(data, path)


def parse_plan(data: Any, path: str = "<plan>") -> Plan:
    """Build the model from already-decoded plan JSON."""
    if not isinstance(data, dict):
        found = "an array" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ParseError(path, f"the plan must be a JSON object, found {found}")
    version = data.get("format_version")
    if not isinstance(version, str) or not version:
        raise ParseError(path, "no format_version: this is not `tofu show -json` plan output")
    if version.split(".")[0] != "1":
        raise UnsupportedPlanFormat(
            path, f"plan format_version {version} is not supported (this version reads 1.x)"
        )
    raw_changes = data.get("resource_changes", [])
    if not isinstance(raw_changes, list):
        raise ParseError(path, "resource_changes must be a list")
    raw_drift = data.get("resource_drift", [])
    raw_outputs = data.get("output_changes", {})
    if not isinstance(raw_drift, list):
        raise ParseError(path, "resource_drift must be a list")
    if not isinstance(raw_outputs, dict):
        raise ParseError(path, "output_changes must be an object")
    errored = data.get("errored", False)
    return Plan(
        source=path,
        format_version=version,
        terraform_version=str(data.get("terraform_version", "")),
        resource_changes=tuple(
            _resource(item, path, f"resource_changes[{i}]") for i, item in enumerate(raw_changes)
        ),
        output_changes=tuple(
            _output(name, item, path) for name, item in sorted(raw_outputs.items())
        ),
        resource_drift=tuple(
            _resource(item, path, f"resource_drift[{i}]") for i, item in enumerate(raw_drift)
        ),
        errored=errored is True,
        applyable=_optional_bool(data, "applyable", path),
        complete=_optional_bool(data, "complete", path),
        has_prior_state=isinstance(data.get("prior_state"), dict),
        timestamp=str(data.get("timestamp", "")),
    )


def _optional_bool(data: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ParseError(path, f"{key} must be true or false, found {value!r}")


def _actions(
    change: Any, path: str, where: str
) -> tuple[dict[str, Any], tuple[str, ...], ActionKind]:
    if not isinstance(change, dict):
        raise ParseError(path, f"{where}.change must be an object")
    actions = change.get("actions")
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise ParseError(path, f"{where}.change.actions must be a list of strings")
    key = tuple(actions)
    kind = kind_of(key)
    if kind is None:
        raise ParseError(
            path, f"{where}.change.actions {actions} is an action this version does not know"
        )
    return change, key, kind


def _resource(item: Any, path: str, where: str) -> ResourceChange:
    if not isinstance(item, dict):
        raise ParseError(path, f"{where} must be an object")
    address = item.get("address")
    if not isinstance(address, str) or not address:
        raise ParseError(path, f"{where}.address must be a non-empty string")
    change, actions, kind = _actions(item.get("change"), path, f"{where} ({address})")
    importing = change.get("importing")
    importing_id: str | None = None
    if isinstance(importing, dict):
        # Terraform 1.12 may import by identity instead of id.
        importing_id = str(importing.get("id") or importing.get("identity") or "(by identity)")
    paths = change.get("replace_paths")
    if not isinstance(paths, list):
        paths = []
    index = item.get("index")
    return ResourceChange(
        address=address,
        actions=actions,
        kind=kind,
        mode=str(item.get("mode", "managed")),
        type=str(item.get("type", "")),
        name=str(item.get("name", "")),
        provider_name=str(item.get("provider_name", "")),
        values=ChangeValues(change),
        module_address=_text_or_none(item, "module_address"),
        index=index if isinstance(index, int | str) else None,
        previous_address=_text_or_none(item, "previous_address"),
        deposed=_text_or_none(item, "deposed"),
        action_reason=_text_or_none(item, "action_reason"),
        importing_id=importing_id,
        replace_paths=tuple(render_path(p) for p in paths if isinstance(p, list)),
    )


def _text_or_none(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value else None


def _output(name: str, item: Any, path: str) -> OutputChange:
    # The docs show a {"change": ...} wrapper; real output has the bare change object.
    if isinstance(item, dict) and "actions" not in item and isinstance(item.get("change"), dict):
        item = item["change"]
    change, actions, kind = _actions(item, path, f"output_changes.{name}")
    return OutputChange(name=name, actions=actions, kind=kind, values=ChangeValues(change))
