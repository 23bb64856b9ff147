"""Compute a plan: evaluate the configuration's instances (variables, locals, count,
for_each, references between resources); ``plandiff`` compares them with the prior state."""

from __future__ import annotations

import os
from typing import Any

from tui.sandbox.tofu.config import Config, ConfigError, ResourceConfig
from tui.sandbox.tofu.evaluate import Evaluator
from tui.sandbox.tofu.expr import UNKNOWN, contains_unknown
from tui.sandbox.tofu.plandiff import instance_change, orphan_change, output_changes
from tui.sandbox.tofu.planmodel import Change, Plan, change_sort_key
from tui.sandbox.tofu.state import dynamic_unwrap, format_key, instance_records


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
        record = self.records.get(address)
        change = instance_change(resource, key, wanted, record, lambda: self._triggered(resource))
        self.planned[address] = change
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
                changes[address] = orphan_change(record, self.config)
        outputs = output_changes(self.config, self.base, prior_outputs, changes)
        ordered = sorted(changes.values(), key=change_sort_key)
        return Plan(ordered, outputs, self.variables, self.state, self.config)


_UNKNOWN_REPETITION = (
    'The "{}" value depends on resource attributes that cannot be determined until apply, '
    "so OpenTofu cannot predict how many instances will be created."
)
