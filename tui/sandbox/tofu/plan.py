"""Compute a plan: the configuration's instances against the prior state."""

from __future__ import annotations

import os
import re
from typing import Any

from tui.sandbox.tofu.compare import changed_attributes, forces_replacement
from tui.sandbox.tofu.config import Config, ConfigError, ResourceConfig
from tui.sandbox.tofu.evaluate import Evaluator
from tui.sandbox.tofu.expr import UNKNOWN, contains_unknown
from tui.sandbox.tofu.planmodel import (
    Change,
    OutputChange,
    Plan,
    change_sort_key,
    fresh_after,
)
from tui.sandbox.tofu.state import (
    InstanceRecord,
    dynamic_unwrap,
    format_key,
    instance_records,
    provider_config_address,
)


class _Locals:
    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.cache: dict[str, Any] = {}

    def lookup(self, name: Any) -> Any:
        key = str(name)
        if key not in self.cache:
            self.cache[key] = UNKNOWN  # a cycle resolves to unknown
            raw = self.planner.config.locals.get(key)
            self.cache[key] = UNKNOWN if raw is None else self.planner.base.value(raw)
        return self.cache[key]


def resolve_variables(config: Config, raw_tfvars: dict[str, Any]) -> dict[str, Any]:
    """Values of the declared variables: tfvars, then TF_VAR_*, then defaults."""
    literal = Evaluator(lambda address, steps: UNKNOWN, {})
    values: dict[str, Any] = {}
    for name, spec in sorted(config.variables.items()):
        if name in raw_tfvars:
            values[name] = literal.value(raw_tfvars[name])
        elif f"TF_VAR_{name}" in os.environ:
            values[name] = os.environ[f"TF_VAR_{name}"]
        elif "default" in spec:
            values[name] = literal.value(spec["default"])
        else:
            raise ConfigError(
                "No value for required variable",
                f'The root module input variable "{name}" is not set, and has no default '
                "value. Use a -var or -var-file command line argument to provide a value for "
                "this variable.",
            )
    return values


class Planner:
    """Plans every instance; references between resources resolve to planned values."""

    def __init__(self, config: Config, variables: dict[str, Any], state: dict[str, Any] | None):
        self.config = config
        self.variables = variables
        self.state = state
        self.records = {r.address: r for r in instance_records(state)}
        self.base = Evaluator(
            self._resolve,
            {
                "var": variables,
                "path": {"module": ".", "root": "."},
                "terraform": {"workspace": "default"},
            },
        )
        self.base.scope["local"] = _Locals(self)
        self.planned: dict[str, Change | None] = {}

    def expand(self, resource: ResourceConfig) -> list[tuple[Any, dict[str, Any]]]:
        """(instance key, extra scope) for each instance of a resource block."""
        if resource.count is not None:
            count = self.base.value(resource.count)
            if contains_unknown(count) or not isinstance(count, int | float):
                raise ConfigError("Invalid count argument", _UNKNOWN_REPETITION.format("count"))
            return [(i, {"count": {"index": i}}) for i in range(int(count))]
        if resource.for_each is not None:
            each = self.base.value(resource.for_each)
            if contains_unknown(each) or not isinstance(each, dict | list):
                raise ConfigError(
                    "Invalid for_each argument", _UNKNOWN_REPETITION.format("for_each")
                )
            items = each.items() if isinstance(each, dict) else ((str(k), k) for k in each)
            return [(str(k), {"each": {"key": str(k), "value": v}}) for k, v in sorted(items)]
        return [(None, {})]

    def _resolve(self, address: str, steps: list[Any]) -> Any:
        resource = self.config.resource(address)
        if resource is None:
            return UNKNOWN
        if resource.mode == "data":
            found = {
                k: dynamic_unwrap(r.type, r.instance.get("attributes", {}))
                for k, r in self.records.items()
                if r.resource_address == address
            }
            return next(iter(found.values()), UNKNOWN) if found else UNKNOWN
        instances = {
            key: self.plan_instance(resource, key, scope) for key, scope in self.expand(resource)
        }
        values = {
            key: (c.after if c and c.after is not None else UNKNOWN) for key, c in instances.items()
        }
        if resource.count is not None:
            return [values[i] for i in sorted(values)]
        if resource.for_each is not None:
            return values
        return values.get(None, UNKNOWN)

    def plan_instance(
        self, resource: ResourceConfig, key: Any, scope: dict[str, Any]
    ) -> Change | None:
        address = resource.address + format_key(key)
        if address in self.planned:
            return self.planned[address]
        self.planned[address] = None  # a reference cycle resolves to unknown
        evaluator = self.base.with_scope(**scope)
        wanted = {k: evaluator.value(v) for k, v in resource.body.items()}
        wanted = {k: v for k, v in wanted.items() if v is not None}
        change = self._decide(resource, key, wanted, self.records.get(address))
        self.planned[address] = change
        return change

    def _decide(
        self,
        resource: ResourceConfig,
        key: Any,
        wanted: dict[str, Any],
        record: InstanceRecord | None,
    ) -> Change:
        each = (
            "list"
            if resource.count is not None
            else "map"
            if resource.for_each is not None
            else None
        )
        change = Change(
            address=resource.address + format_key(key),
            module="",
            mode="managed",
            type=resource.type,
            name=resource.name,
            index=key,
            each=each,
            actions=["create"],
            before=None,
            after=fresh_after(resource.type, wanted),
            provider=record.provider if record else provider_config_address(resource.type),
            create_before_destroy=resource.create_before_destroy,
        )
        if record is None:
            return change
        prior_attrs = dynamic_unwrap(resource.type, record.instance.get("attributes", {}))
        change.before, change.prior = prior_attrs, record.instance
        replace = ["create", "delete"] if resource.create_before_destroy else ["delete", "create"]
        if record.instance.get("status") == "tainted":
            change.actions, change.action_reason = replace, "replace_because_tainted"
            return change
        changed = changed_attributes(resource.type, wanted, prior_attrs, resource.ignore_changes)
        forced = forces_replacement(resource.type, changed)
        if forced:
            change.actions, change.action_reason = replace, "replace_because_cannot_update"
            change.replace_paths = [[name] for name in forced]
        elif self._triggered(resource):
            change.actions, change.action_reason = replace, "replace_by_triggers"
        elif changed:
            change.actions = ["update"]
            change.after = {**prior_attrs, **{k: wanted.get(k) for k in changed}}
            if resource.type == "terraform_data" and "input" in changed:
                change.after["output"] = UNKNOWN
        else:
            change.actions, change.after = ["no-op"], prior_attrs
        if resource.prevent_destroy and "delete" in change.actions:
            raise ConfigError(
                "Instance cannot be destroyed",
                f"Resource {change.address} has lifecycle.prevent_destroy set, but the plan "
                "calls for this resource to be destroyed. To avoid this error and continue "
                "with the plan, either disable lifecycle.prevent_destroy or reduce the scope "
                "of the plan using the -target option.",
            )
        return change

    def _triggered(self, resource: ResourceConfig) -> bool:
        """lifecycle.replace_triggered_by: any change of a referenced resource."""
        for reference in resource.replace_triggered_by:
            parts = reference.split("[")[0].split(".")
            target = self.config.resource(".".join(parts[:2]))
            if target is None or target.mode != "managed" or target is resource:
                continue
            for key, scope in self.expand(target):
                change = self.plan_instance(target, key, scope)
                if change is not None and not change.is_noop:
                    return True
        return False

    def plan(self, prior_outputs: dict[str, Any]) -> Plan:
        """The plan of the whole configuration."""
        changes: dict[str, Change] = {}
        for resource in self.config.resources:
            if resource.mode != "managed":
                continue
            for key, scope in self.expand(resource):
                change = self.plan_instance(resource, key, scope)
                if change is not None:
                    changes[change.address] = change
        for address, record in self.records.items():
            if record.mode == "managed" and address not in changes:
                changes[address] = self._orphan(record)
        outputs = plan_outputs(self, prior_outputs, changes)
        ordered = sorted(changes.values(), key=change_sort_key)
        return Plan(ordered, outputs, self.variables, self.state, self.config)

    def _orphan(self, record: InstanceRecord) -> Change:
        attrs = dynamic_unwrap(record.type, record.instance.get("attributes", {}))
        change = Change(
            address=record.address,
            module=record.module,
            mode=record.mode,
            type=record.type,
            name=record.name,
            index=record.index_key,
            each=record.each,
            actions=["delete"],
            before=attrs,
            after=None,
            provider=record.provider,
            prior=record.instance,
        )
        resource = self.config.resource(record.resource_address)
        if record.module:
            module_name = record.module.split(".")[1]
            if module_name in self.config.modules:  # module bodies are not modelled: kept as is
                change.actions, change.after = ["no-op"], attrs
            else:
                change.action_reason = "delete_because_no_module"
        elif resource is None:
            change.action_reason = "delete_because_no_resource_config"
        elif resource.count is not None and isinstance(record.index_key, int):
            change.action_reason = "delete_because_count_index"
        elif resource.for_each is not None and isinstance(record.index_key, str):
            change.action_reason = "delete_because_each_key"
        else:
            change.action_reason = "delete_because_wrong_repetition"
        return change


_UNKNOWN_REPETITION = (
    'The "{}" value depends on resource attributes that cannot be determined until apply, '
    "so OpenTofu cannot predict how many instances will be created."
)


_RESOURCE_REF = re.compile(r"\b([a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)")


def _settled(raw: Any, changes: dict[str, Change]) -> bool:
    """Every resource an expression reads is in the plan and unchanged (no-op).

    The model can't evaluate every expression (``for``, splats…); real tofu would know
    such an output's value when all it reads is unchanged, and report no change.
    """
    refs = {m.group(1) for m in _RESOURCE_REF.finditer(str(raw))}
    refs = {r for r in refs if r.split(".")[0] not in ("var", "local", "data", "each", "count")}
    touched = [
        change
        for address, change in changes.items()
        if any(address == r or address.startswith(r + "[") for r in refs)
    ]
    return bool(touched) and all(change.is_noop for change in touched)


def plan_outputs(
    planner: Planner, prior_outputs: dict[str, Any], changes: dict[str, Change] | None = None
) -> dict[str, OutputChange]:
    """Changes of the root outputs, compared with the state's outputs."""
    result: dict[str, OutputChange] = {}
    for name in sorted(set(planner.config.outputs) | set(prior_outputs)):
        spec = planner.config.outputs.get(name)
        prior = prior_outputs.get(name)
        before = prior["value"] if prior else None
        if spec is None:
            result[name] = OutputChange(
                name, ["delete"], before, None, bool((prior or {}).get("sensitive"))
            )
            continue
        after = planner.base.value(spec.value)
        if prior is not None and contains_unknown(after) and _settled(spec.value, changes or {}):
            after = before
        if prior is None:
            actions = ["create"]
        elif contains_unknown(after) or after != before:
            actions = ["update"]
        else:
            actions = ["no-op"]
        result[name] = OutputChange(name, actions, before, after, spec.sensitive)
    return result
