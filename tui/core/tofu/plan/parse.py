"""Reading `tofu show -json tfplan` output into the plan model, refusing what it cannot read.

Every refusal is a ``ParseError`` naming the file and the reason (line and column for
JSON syntax); a format_version other than 0.x or 1.x is an ``UnsupportedPlanFormat``.
The text may be UTF-8 (with or without a byte-order mark) or UTF-16/32 with a
byte-order mark (what PowerShell's ``>`` writes): the same plan reads the same.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping

from tui.core.errors import ParseError
from tui.core.printable import printable
from tui.core.tofu.plan.model import (
    ActionInvocation,
    ChangeValues,
    CheckOutcome,
    DeferredChange,
    OutputChange,
    Plan,
    ResourceChange,
)
from tui.core.tofu.plan.vocabulary import ActionKind, kind_of, render_path

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

# Format versions whose fields this version reads (0.1: Terraform 0.12–0.15; 1.2: today).
KNOWN_MINOR = {"0": 2, "1": 2}
# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# What GitHub's setup-terraform wrapper prints before the JSON when it is left on.
_WRAPPER_PREFIX = "[command]"


REDACTED_PLAN = "HCP Terraform's redacted JSON plan"


class UnsupportedPlanFormat(ParseError):
    """The plan JSON has a format_version this version cannot read."""


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
    return parse_plan_text(decode_plan_bytes(data, path), path)


def decode_plan_bytes(data: bytes, path: str = "<plan>") -> str:
    """The text of a plan file: UTF-8, or UTF-8/16/32 with a byte-order mark."""
    encoding, name = "utf-8", "UTF-8"
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            data, encoding, name = data[len(bom) :], codec, label
            break
    if not data or data.isspace():  # not ``strip()``: that copies a 10 MB plan
        raise ParseError(path, "the plan file is empty (expected the output of `tofu show -json`)")
    if encoding == "utf-8" and b"\x00" in data[:64]:
        raise ParseError(
            path,
            "looks like UTF-16 without a byte-order mark: save it as UTF-8 "
            "(e.g. `tofu show -json tfplan | Out-File -Encoding utf8`)",
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(path, f"not {name} text (byte {exc.start})") from exc


def parse_plan_text(text: str, path: str = "<plan>") -> Plan:
    """Parse the JSON text of a plan; JSON syntax errors carry line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith(_WRAPPER_PREFIX):
            raise ParseError(
                path,
                "the terraform wrapper's '[command]' line precedes the JSON: run `show -json` "
                "without the wrapper (setup-terraform: terraform_wrapper: false)",
                exc.lineno,
                exc.colno,
            ) from exc
        raise ParseError(path, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise ParseError(path, "not a plan: the JSON is nested too deeply") from exc
    except ValueError as exc:  # an integer too long to convert (Python's digit limit)
        raise ParseError(path, f"not a plan: {printable(str(exc)).split(';')[0]}") from exc
    return parse_plan(data, path)


def parse_plan(data: Any, path: str = "<plan>") -> Plan:
    """Build the model from already-decoded plan JSON."""
    if not isinstance(data, dict):
        found = "an array" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ParseError(path, f"the plan must be a JSON object, found {found}")
    version = data.get("format_version")
    kind = ""
    if version is None and isinstance(data.get("plan_format_version"), str):
        # HCP Terraform's redacted JSON plan: the same change objects under another key.
        version, kind = data["plan_format_version"], REDACTED_PLAN
    if not isinstance(version, str) or not version:
        raise ParseError(path, "no format_version: this is not `tofu show -json` plan output")
    major = version.split(".")[0]
    if major not in KNOWN_MINOR:
        raise UnsupportedPlanFormat(
            path,
            f"plan format_version {printable(version)} is not supported "
            "(this version reads 0.1 to 1.2)",
        )
    if "resource_changes" not in data and "prior_state" not in data and "values" in data:
        raise ParseError(
            path, "this is a state (`tofu show -json` without a plan file), not a plan"
        )
    raw_changes = _list(data, "resource_changes", path)
    raw_drift = _list(data, "resource_drift", path)
    raw_outputs = data.get("output_changes") or {}
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
        extra_keys=tuple(sorted(k for k in data if k not in _KNOWN_KEYS)),
        deferred_changes=tuple(
            _deferred(item, path, f"deferred_changes[{i}]")
            for i, item in enumerate(_list(data, "deferred_changes", path))
        ),
        action_invocations=tuple(
            _action(item, path, f"action_invocations[{i}]", None)
            for i, item in enumerate(_list(data, "action_invocations", path))
        ),
        deferred_actions=tuple(
            _deferred_action(item, path, f"deferred_action_invocations[{i}]")
            for i, item in enumerate(_list(data, "deferred_action_invocations", path))
        ),
        checks=_checks(data.get("checks"), path),
        document=kind,
    )


_KNOWN_KEYS = frozenset(
    {
        "format_version",
        "terraform_version",
        "variables",
        "planned_values",
        "resource_drift",
        "resource_changes",
        "deferred_changes",
        "deferred_action_invocations",
        "output_changes",
        "action_invocations",
        "prior_state",
        "configuration",
        "relevant_attributes",
        "checks",
        "timestamp",
        "applyable",
        "complete",
        "errored",
        "plan_format_version",
        "provider_format_version",
        "provider_schemas",
    }
)


def _list(data: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError(path, f"{key} must be a list")
    return value


def _optional_bool(data: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ParseError(path, f"{key} must be true or false, found {printable(repr(value))[:40]}")


def _actions(
    change: Any, path: str, where: str, address: str = ""
) -> tuple[dict[str, Any], tuple[str, ...], ActionKind]:
    """The change object, its actions and their kind (``address``: named in an error)."""
    if isinstance(change, dict):
        actions = change.get("actions")
        if isinstance(actions, list):
            try:
                key = tuple(actions)
                kind = kind_of(key)  # a known kind is made of strings
            except TypeError:  # an unhashable item (an object, a list)
                kind = None
            if kind is not None:
                return change, key, kind
    return _refuse_actions(change, path, f"{where} ({printable(address)})" if address else where)


def _refuse_actions(change: Any, path: str, where: str) -> NoReturn:
    """Why the change's actions cannot be read (the error is built only when needed)."""
    if not isinstance(change, dict):
        raise ParseError(path, f"{where}.change must be an object")
    actions = change.get("actions")
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise ParseError(path, f"{where}.change.actions must be a list of strings")
    shown = printable(json.dumps(actions))
    raise ParseError(
        path, f"{where}.change.actions {shown} is an action this version does not know"
    )


def _resource(item: Any, path: str, where: str) -> ResourceChange:
    if not isinstance(item, dict):
        raise ParseError(path, f"{where} must be an object")
    address = item.get("address")
    if not isinstance(address, str) or not address:
        raise ParseError(path, f"{where}.address must be a non-empty string")
    change, actions, kind = _actions(item.get("change"), path, where, address)
    importing = change.get("importing")
    importing_id: str | None = None
    imported_from: str | None = None
    if isinstance(importing, dict):
        raw_id = importing.get("id")
        if isinstance(raw_id, str) and raw_id:
            importing_id = raw_id
            imported_from = f"id {raw_id}"
        elif isinstance(importing.get("identity"), dict):
            imported_from = "identity " + identity_words(importing["identity"])
        elif importing.get("unknown") is True:
            imported_from = "an id known only during apply"
        else:
            imported_from = "an id the plan does not give"
    paths = change.get("replace_paths")
    if not isinstance(paths, list):
        paths = []
    index = item.get("index")
    identity = change.get("after_identity") or change.get("before_identity")
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
        index=index if isinstance(index, (int, str)) and not isinstance(index, bool) else None,
        previous_address=_text_or_none(item, "previous_address"),
        deposed=_text_or_none(item, "deposed"),
        action_reason=_text_or_none(item, "action_reason"),
        importing_id=importing_id,
        imported_from=imported_from,
        replace_paths=tuple(render_path(p) for p in paths if isinstance(p, list)) if paths else (),
        identity=identity_words(identity) if isinstance(identity, dict) else "",
        generated_config=bool(change.get("generated_config")),
    )


def identity_words(identity: Mapping[str, Any]) -> str:
    """A resource identity as ``key=value`` pairs, in key order (never a Python repr)."""
    parts = []
    for key in sorted(identity):
        value = identity[key]
        shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        parts.append(f"{key}={shown}")
    return printable(", ".join(parts)) if parts else "(empty)"


def _text_or_none(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value else None


def _output(name: str, item: Any, path: str) -> OutputChange:
    # The docs show a {"change": ...} wrapper; real output has the bare change object.
    if isinstance(item, dict) and "actions" not in item and isinstance(item.get("change"), dict):
        item = item["change"]
    change, actions, kind = _actions(item, path, f"output_changes.{printable(name)}")
    return OutputChange(name=name, actions=actions, kind=kind, values=ChangeValues(change))


def _deferred(item: Any, path: str, where: str) -> DeferredChange:
    if not isinstance(item, dict):
        raise ParseError(path, f"{where} must be an object")
    change = _resource(item.get("resource_change"), path, f"{where}.resource_change")
    return DeferredChange(str(item.get("reason") or "unknown"), change)


def _deferred_action(item: Any, path: str, where: str) -> ActionInvocation:
    if not isinstance(item, dict):
        raise ParseError(path, f"{where} must be an object")
    reason = str(item.get("reason") or "unknown")
    return _action(item.get("action_invocation"), path, f"{where}.action_invocation", reason)


def _action(item: Any, path: str, where: str, deferred: str | None) -> ActionInvocation:
    if not isinstance(item, dict):
        raise ParseError(path, f"{where} must be an object")
    address = item.get("address")
    if not isinstance(address, str) or not address:
        raise ParseError(path, f"{where}.address must be a non-empty string")
    lifecycle = item.get("lifecycle_action_trigger")
    if isinstance(lifecycle, dict):
        event = str(lifecycle.get("action_trigger_event") or "a lifecycle event")
        resource = str(lifecycle.get("triggering_resource_address") or "a resource")
        trigger = f"on {_EVENTS.get(event, event)} of {resource}"
    elif isinstance(item.get("invoke_action_trigger"), dict):
        trigger = "invoked directly (-invoke)"
    else:
        trigger = "(trigger not given)"
    return ActionInvocation(
        address=address,
        type=str(item.get("type", "")),
        provider_name=str(item.get("provider_name", "")),
        trigger=trigger,
        deferred_reason=deferred,
    )


_EVENTS = {
    "BeforeCreate": "before create",
    "AfterCreate": "after create",
    "BeforeUpdate": "before update",
    "AfterUpdate": "after update",
    "BeforeDestroy": "before destroy",
    "AfterDestroy": "after destroy",
}


def _checks(raw: Any, path: str) -> tuple[CheckOutcome, ...]:
    """``checks``: one outcome per checked instance (or per object when it has none)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ParseError(path, "checks must be a list")
    out: list[CheckOutcome] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        raw_address = item.get("address")
        address: dict[str, Any] = raw_address if isinstance(raw_address, dict) else {}
        kind = str(address.get("kind", "object"))
        shown = str(address.get("to_display", "(unnamed)"))
        instances = item.get("instances")
        if isinstance(instances, list) and instances:
            for instance in instances:
                if not isinstance(instance, dict):
                    continue
                where = instance.get("address")
                label = where.get("to_display", shown) if isinstance(where, dict) else shown
                out.append(
                    CheckOutcome(
                        str(label),
                        kind,
                        str(instance.get("status", "unknown")),
                        _problems(instance.get("problems")),
                    )
                )
        else:
            out.append(CheckOutcome(shown, kind, str(item.get("status", "unknown")), ()))
    return tuple(out)


def _problems(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(str(p.get("message", "")) for p in raw if isinstance(p, dict) and p.get("message"))
