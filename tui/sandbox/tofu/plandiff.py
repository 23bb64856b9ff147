"""The plan's diff against the prior state: each instance's action (create, update,
replace, no-op; delete for what the configuration dropped) and each root output's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tui.sandbox.tofu.compare import changed_attributes
from tui.sandbox.tofu.config import Config, ConfigError, ResourceConfig
from tui.sandbox.tofu.evaluate import Evaluator
from tui.sandbox.tofu.expr import UNKNOWN, contains_unknown
from tui.sandbox.tofu.planmodel import Change, OutputChange, fresh_after
from tui.sandbox.tofu.replacement import forces_replacement
from tui.sandbox.tofu.state import (
    InstanceRecord,
    dynamic_unwrap,
    format_key,
    provider_config_address,
)


def instance_change(
    resource: ResourceConfig,
    key: Any,
    wanted: dict[str, Any],
    record: InstanceRecord | None,
    triggered: Callable[[], bool],
) -> Change:
    """One instance's change: its configured values (``wanted``) against its state record.

    ``triggered`` answers lifecycle.replace_triggered_by; asked only when neither taint
    nor a forced replacement decides.
    """
    each = (
        "list" if resource.count is not None else "map" if resource.for_each is not None else None
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
    forced = forces_replacement(resource.type, changed, prior_attrs, wanted)
    if forced:
        change.actions, change.action_reason = replace, "replace_because_cannot_update"
        change.replace_paths = [[name] for name in forced]
    elif triggered():
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


def orphan_change(record: InstanceRecord, config: Config) -> Change:
    """The change of a state instance the configuration no longer has, and why."""
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
    resource = config.resource(record.resource_address)
    if record.module:
        module_name = record.module.split(".")[1]
        if module_name in config.modules:  # module bodies are not modelled: kept as is
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


def output_changes(
    config: Config,
    evaluator: Evaluator,
    prior_outputs: dict[str, Any],
    changes: dict[str, Change],
) -> dict[str, OutputChange]:
    """Changes of the root outputs, compared with the state's outputs."""
    result: dict[str, OutputChange] = {}
    for name in sorted(set(config.outputs) | set(prior_outputs)):
        spec = config.outputs.get(name)
        prior = prior_outputs.get(name)
        before = prior["value"] if prior else None
        if spec is None:
            result[name] = OutputChange(
                name, ["delete"], before, None, bool((prior or {}).get("sensitive"))
            )
            continue
        after = evaluator.value(spec.value)
        if prior is not None and contains_unknown(after) and _settled(spec.value, changes):
            after = before
        if prior is None:
            actions = ["create"]
        elif contains_unknown(after) or after != before:
            actions = ["update"]
        else:
            actions = ["no-op"]
        result[name] = OutputChange(name, actions, before, after, spec.sensitive)
    return result
