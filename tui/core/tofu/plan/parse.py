"""Reading `tofu show -json tfplan` output into the plan model, refusing what it cannot read.

Every refusal is a ``ParseError`` naming the file and the reason (line and column for
JSON syntax); a format_version whose major is not 1 is an ``UnsupportedPlanFormat``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tui.core.errors import ParseError
from tui.core.tofu.plan.model import ChangeValues, OutputChange, Plan, ResourceChange
from tui.core.tofu.plan.vocabulary import ActionKind, kind_of, render_path


class UnsupportedPlanFormat(ParseError):
    """The plan JSON has a format_version whose major is not 1."""


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
