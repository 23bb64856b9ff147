"""The JSON plan representation (`tofu show -json PLANFILE`), format_version 1.2."""

from __future__ import annotations

import re
from typing import Any

from tui.sandbox.tofu.compare import sort_keys
from tui.sandbox.tofu.config import Config, literal
from tui.sandbox.tofu.expr import UNKNOWN, contains_unknown
from tui.sandbox.tofu.messages import VERSION
from tui.sandbox.tofu.planmodel import Change, Plan
from tui.sandbox.tofu.sensitive import sensitivity, value_marks
from tui.sandbox.tofu.state import cty_type, dynamic_unwrap, instance_records, provider_of


def unknown_mirror(value: Any) -> Any:
    """`after_unknown`: true at unknown leaves; objects drop known leaves; lists keep places."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        out = {k: unknown_mirror(v) for k, v in value.items()}
        return {k: out[k] for k in sorted(out) if out[k] is not False}
    if isinstance(value, list):
        return [unknown_mirror(v) for v in value]
    return False


def known_part(value: Any) -> Any:
    """`after`: unknown attributes left out of objects, unknown list elements null."""
    if isinstance(value, dict):
        return {k: known_part(value[k]) for k in sorted(value) if value[k] is not UNKNOWN}
    if isinstance(value, list):
        return [None if v is UNKNOWN else known_part(v) for v in value]
    return value


def change_json(change: Change) -> dict[str, Any]:
    """One `resource_changes[]` entry, keys in OpenTofu's order."""
    body: dict[str, Any] = {"actions": change.actions, "before": sort_keys(change.before)}
    if change.after is None:
        body.update(after=None, after_unknown={})
    else:
        body.update(after=known_part(change.after), after_unknown=unknown_mirror(change.after))
    body["before_sensitive"] = change.before_sensitive
    body["after_sensitive"] = change.after_sensitive
    if change.replace_paths:
        body["replace_paths"] = change.replace_paths
    entry: dict[str, Any] = {"address": change.address}
    if change.module:
        entry["module_address"] = change.module
    entry.update(mode=change.mode, type=change.type, name=change.name)
    if change.index is not None:
        entry["index"] = change.index
    entry["provider_name"] = provider_of(change.type)
    entry["change"] = body
    if change.action_reason:
        entry["action_reason"] = change.action_reason
    return entry


def _resource_value(
    address: str, change_like: dict[str, Any], values: Any, sensitive: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"address": address}
    out.update({k: change_like[k] for k in ("mode", "type", "name")})
    if change_like.get("index") is not None:
        out["index"] = change_like["index"]
    out["provider_name"] = provider_of(change_like["type"])
    out["schema_version"] = change_like.get("schema_version", 0)
    out["values"] = values
    out["sensitive_values"] = sensitive
    return out


def _module_tree(resources: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    by_module: dict[str, list[dict[str, Any]]] = {}
    for module, resource in sorted(resources, key=lambda item: item[1]["address"]):
        by_module.setdefault(module, []).append(resource)
    if by_module.get(""):
        root["resources"] = by_module.pop("")
    if by_module:
        root["child_modules"] = [
            {"resources": items, "address": module} for module, items in sorted(by_module.items())
        ]
    return root


def _outputs_values(outputs: dict[str, tuple[Any, bool]]) -> dict[str, Any]:
    result = {}
    for name in sorted(outputs):
        value, sensitive = outputs[name]
        if contains_unknown(value):
            result[name] = {"sensitive": sensitive}
        else:
            result[name] = {"sensitive": sensitive, "type": cty_type(value), "value": value}
    return result


def prior_state_json(state: dict[str, Any]) -> dict[str, Any]:
    """`prior_state`: the state's values as the JSON state representation."""
    resources = []
    for record in instance_records(state):
        attrs = sort_keys(dynamic_unwrap(record.type, record.instance.get("attributes", {})))
        meta = {
            "mode": record.mode,
            "type": record.type,
            "name": record.name,
            "index": record.index_key,
            "schema_version": record.instance.get("schema_version", 0),
        }
        sensitive = sensitivity(attrs, value_marks(record.type, attrs, record.instance))
        resources.append((record.module, _resource_value(record.address, meta, attrs, sensitive)))
    values: dict[str, Any] = {}
    outputs = {n: (o.get("value"), bool(o.get("sensitive"))) for n, o in state["outputs"].items()}
    if outputs:
        values["outputs"] = _outputs_values(outputs)
    values["root_module"] = _module_tree(resources)
    return {"format_version": "1.0", "terraform_version": VERSION, "values": values}


def _references(raw: Any) -> list[str]:
    text = str(raw)
    found: list[str] = []
    for match in re.finditer(
        r"\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)(\.[A-Za-z0-9_]+)?", text
    ):
        for ref in (match.group(0), match.group(1)):
            if ref not in found and not ref[0].isdigit():
                found.append(ref)
    return found


def _expression(raw: Any) -> dict[str, Any]:
    if "${" in str(raw) or (isinstance(raw, str) and not raw.startswith('"')):
        return {"references": _references(raw)}
    return {"constant_value": literal(raw)}


def configuration_json(config: Config, plan: Plan) -> dict[str, Any]:
    """A small `configuration` section (names, references, constants)."""
    providers: dict[str, Any] = {}
    resources = []
    for resource in sorted(config.resources, key=lambda r: r.address):
        short = resource.type.split("_", 1)[0] if resource.type != "terraform_data" else "terraform"
        providers[short] = {"name": short, "full_name": provider_of(resource.type)}
        entry: dict[str, Any] = {
            "address": resource.address,
            "mode": resource.mode,
            "type": resource.type,
            "name": resource.name,
            "provider_config_key": short,
        }
        expressions = {
            k: _expression(v)
            for k, v in sorted(resource.body.items())
            if not isinstance(v, list | dict)
        }
        if expressions:
            entry["expressions"] = expressions
        entry["schema_version"] = 0
        if resource.count is not None:
            entry["count_expression"] = _expression(resource.count)
        if resource.for_each is not None:
            entry["for_each_expression"] = {"references": _references(resource.for_each)}
        resources.append(entry)
    root: dict[str, Any] = {}
    if config.outputs:
        root["outputs"] = {
            n: {"expression": {"references": _references(o.value)}}
            for n, o in sorted(config.outputs.items())
        }
    if resources:
        root["resources"] = resources
    if config.variables:
        root["variables"] = {
            n: ({"default": plan.variables.get(n)} if "default" in v else {})
            for n, v in sorted(config.variables.items())
        }
    return {"provider_config": {k: providers[k] for k in sorted(providers)}, "root_module": root}


def plan_json(plan: Plan, timestamp: str) -> dict[str, Any]:
    """The whole representation, top-level keys in OpenTofu's order, omitempty honoured."""
    out: dict[str, Any] = {"format_version": "1.2", "terraform_version": VERSION}
    if plan.variables:
        out["variables"] = {n: {"value": plan.variables[n]} for n in sorted(plan.variables)}
    planned = []
    for change in plan.changes:
        if change.after is None:
            continue
        meta = {
            "mode": change.mode,
            "type": change.type,
            "name": change.name,
            "index": change.index,
            "schema_version": (change.prior or {}).get("schema_version", 0),
        }
        sensitive = change.after_sensitive
        planned.append(
            (
                change.module,
                _resource_value(change.address, meta, known_part(change.after), sensitive),
            )
        )
    planned_values: dict[str, Any] = {}
    live = {n: (o.after, o.sensitive) for n, o in plan.outputs.items() if o.actions != ["delete"]}
    if live:
        planned_values["outputs"] = _outputs_values(live)
    planned_values["root_module"] = _module_tree(planned)
    out["planned_values"] = planned_values
    if plan.changes:
        out["resource_changes"] = [change_json(c) for c in plan.changes]
    if plan.outputs:
        out["output_changes"] = {n: output_change_json(o) for n, o in sorted(plan.outputs.items())}
    state = plan.prior_state
    if state is not None and (state.get("resources") or state.get("outputs")):
        out["prior_state"] = prior_state_json(state)
    out["configuration"] = configuration_json(plan.config, plan)
    out["timestamp"] = timestamp
    out["errored"] = False
    return out


def output_change_json(change: Any) -> dict[str, Any]:
    """An `output_changes` value: the bare change object (no `change` wrapper)."""
    body: dict[str, Any] = {"actions": change.actions, "before": change.before}
    if not contains_unknown(change.after):
        body["after"] = change.after
    body["after_unknown"] = contains_unknown(change.after)
    body["before_sensitive"] = change.sensitive and change.before is not None
    body["after_sensitive"] = change.sensitive
    return body
