"""Applying a plan: the new state, with invented ids and ARNs for what was created."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from tui.sandbox.tofu.computed import COMPUTED, invent
from tui.sandbox.tofu.config import Config
from tui.sandbox.tofu.expr import UNKNOWN, contains_unknown
from tui.sandbox.tofu.plan import Planner
from tui.sandbox.tofu.planmodel import Change, Plan
from tui.sandbox.tofu.sensitive import encode_paths, schema_paths, state_paths
from tui.sandbox.tofu.state import (
    cty_type,
    dynamic_unwrap,
    dynamic_wrap,
    empty_state,
    instance_records,
    uuid_text,
)

ACCOUNT_ID = "123456789012"  # moto's default account, so ARNs match the sandbox's AWS
_NAME_ATTRIBUTES = (
    "cluster_id",
    "replication_group_id",
    "bucket",
    "identifier",
    "user_id",
    "user_group_id",
    "node_group_name",
    "name",
)
_ID_PREFIXES = {
    "aws_security_group": "sg-",
    "aws_security_group_rule": "sgrule-",
    "aws_subnet": "subnet-",
    "aws_vpc": "vpc-",
    "aws_instance": "i-",
}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def invent_id(change: Change, attrs: dict[str, Any], seed: str) -> str:
    """A deterministic id: the natural name when the resource has one, else a stable token."""
    token = _digest(seed, change.address)
    if change.type == "terraform_data":
        return uuid_text(token[:32])
    for name in _NAME_ATTRIBUTES:
        value = attrs.get(name)
        if isinstance(value, str) and value:
            return value
    prefix = _ID_PREFIXES.get(change.type, change.type.split("_")[-1] + "-")
    return prefix + token[:17]


def invent_arn(change: Change, attrs: dict[str, Any], region: str) -> str:
    """An ARN in the shape AWS uses for the resource's service."""
    parts = change.type.split("_")
    service = {"cloudwatch": "logs", "s3": "s3"}.get(parts[1], parts[1])
    rid = str(attrs.get("id", ""))
    if service == "s3":
        return f"arn:aws:s3:::{rid}"
    kind = "".join(parts[2:]) or parts[1]
    return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{kind}:{rid}"


def _fill(change: Change, attrs: dict[str, Any], seed: str, region: str) -> dict[str, Any]:
    out = dict(attrs)
    if out.get("id") is UNKNOWN and change.type != "random_password":
        out["id"] = invent_id(change, out, seed)
    if out.get("arn") is UNKNOWN:
        out["arn"] = invent_arn(change, out, region)
    if change.type == "random_password" and out.get("id") is UNKNOWN:
        out["id"] = "none"
    for name in COMPUTED.get(change.type, ()):
        if out.get(name) is UNKNOWN:
            out[name] = invent(change.type, name, out, region, seed)
    if change.type == "terraform_data" and out.get("output") is UNKNOWN:
        out["output"] = out.get("input") if not contains_unknown(out.get("input")) else UNKNOWN
    return out


def _resolve_unknowns(state: dict[str, Any], config: Config, variables: dict[str, Any]) -> None:
    """Re-evaluate configured values that referenced not-yet-created objects."""
    for _ in range(10):
        pending = [
            r for r in instance_records(state) if contains_unknown(r.instance.get("attributes"))
        ]
        if not pending:
            return
        planner = Planner(config, variables, state)
        for record in pending:
            resource = config.resource(record.resource_address)
            if resource is None:
                continue
            scope = dict(planner.expand(resource)).get(record.index_key, {})
            evaluator = planner.base.with_scope(**scope)
            attrs = dynamic_unwrap(record.type, record.instance["attributes"])
            for name, raw in resource.body.items():
                if contains_unknown(attrs.get(name)):
                    attrs[name] = evaluator.value(raw)
            if record.type == "terraform_data" and not contains_unknown(attrs.get("input")):
                attrs["output"] = attrs.get("input")
            record.instance["attributes"] = dynamic_wrap(record.type, attrs)
    for record in instance_records(state):  # still unknown: the model cannot know it
        attrs = record.instance["attributes"]
        record.instance["attributes"] = _strip_unknown(attrs)


def _strip_unknown(value: Any) -> Any:
    if value is UNKNOWN:
        return None
    if isinstance(value, dict):
        return {k: _strip_unknown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_unknown(v) for v in value]
    return value


def region_of(variables: dict[str, Any]) -> str:
    """The region the configuration's provider works in (`var.aws_region`, else AWS_REGION)."""
    return str(variables.get("aws_region") or os.environ.get("AWS_REGION") or "eu-central-1")


def apply_plan(plan: Plan, variables: dict[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """The state after the plan, serial + 1 (a new lineage when there was no state)."""
    prior = plan.prior_state
    state = empty_state(prior["lineage"], prior["serial"] + 1) if prior else empty_state(serial=1)
    seed = f"{state['lineage']}/{state['serial']}"
    region = region_of(variables)
    counts = {"added": 0, "changed": 0, "destroyed": 0}
    resources: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for resource in (prior or {}).get("resources", []):
        if resource["mode"] == "data" and plan.config.resource(
            f"data.{resource['type']}.{resource['name']}"
        ):
            resources[(resource.get("module", ""), "data", resource["type"], resource["name"])] = (
                resource
            )
    for change in plan.changes:
        counts["added"] += "create" in change.actions
        counts["changed"] += change.actions == ["update"]
        counts["destroyed"] += "delete" in change.actions
        if change.after is None:
            continue
        key = (change.module, change.mode, change.type, change.name)
        entry = resources.setdefault(
            key,
            {
                "module": change.module,
                "mode": change.mode,
                "type": change.type,
                "name": change.name,
                "each": change.each,
                "provider": change.provider,
                "instances": [],
            },
        )
        if not entry.get("module"):
            entry.pop("module", None)
        if entry.get("each") is None:
            entry.pop("each", None)
        attrs = _fill(change, change.after, seed, region)
        keep = change.prior is not None and (change.is_noop or change.actions == ["update"])
        instance = dict(change.prior or {}) if keep else {}
        if change.index is not None:
            instance["index_key"] = change.index
        instance.setdefault("schema_version", 0)
        instance["attributes"] = dynamic_wrap(change.type, attrs)
        instance["sensitive_attributes"] = encode_paths(state_paths(change.prior) if keep else ())
        if change.create_before_destroy:
            instance["create_before_destroy"] = True
        entry["instances"].append(instance)
    state["resources"] = list(resources.values())
    _resolve_unknowns(state, plan.config, variables)
    for record in instance_records(state):  # as tofu marks the new values: the schema's paths
        attrs = dynamic_unwrap(record.type, record.instance["attributes"])
        marks = schema_paths(record.type, attrs) | state_paths(record.instance)
        record.instance["sensitive_attributes"] = encode_paths(marks)
    final = Planner(plan.config, variables, state)
    for name, spec in sorted(plan.config.outputs.items()):
        value = _strip_unknown(final.base.value(spec.value))
        if value is None:
            continue  # tofu keeps no null outputs
        state["outputs"][name] = {"value": value, "type": cty_type(value)}
        if spec.sensitive:
            state["outputs"][name]["sensitive"] = True
    return state, counts
