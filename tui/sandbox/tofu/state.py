"""v4 state files as OpenTofu 1.10 writes them (compact JSON, fixed key order)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from tui.sandbox.tofu import gojson
from tui.sandbox.tofu.messages import VERSION

PROVIDER_HOST = "registry.opentofu.org"
BUILTIN_PROVIDER = "terraform.io/builtin/terraform"
_INSTANCE_KEYS = (
    "index_key",
    "status",
    "deposed",
    "schema_version",
    "attributes",
    "attributes_flat",
    "sensitive_attributes",
    "private",
    "dependencies",
    "create_before_destroy",
)
_RESOURCE_KEYS = ("module", "mode", "type", "name", "each", "provider", "instances")


class StateError(Exception):
    """A state file that cannot be read."""


def provider_of(rtype: str) -> str:
    """The provider source address a resource type belongs to."""
    if rtype == "terraform_data":
        return BUILTIN_PROVIDER
    return f"{PROVIDER_HOST}/hashicorp/{rtype.split('_', 1)[0]}"


def provider_config_address(rtype: str) -> str:
    return f'provider["{provider_of(rtype)}"]'


def uuid_text(hex_digits: str) -> str:
    """32 hex digits in a UUID's 8-4-4-4-12 layout, as `str(uuid.UUID(hex_digits))` prints them."""
    h = hex_digits.lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def random_uuid() -> str:
    """A random (version 4) UUID as `str(uuid.uuid4())` makes it, without loading `uuid`
    (and `platform` with it: ~2 ms of each run that takes a lock)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return uuid_text(raw.hex())


def new_lineage() -> str:
    return random_uuid()


def empty_state(lineage: str | None = None, serial: int = 0) -> dict[str, Any]:
    return {
        "version": 4,
        "terraform_version": VERSION,
        "serial": serial,
        "lineage": lineage or new_lineage(),
        "outputs": {},
        "resources": [],
        "check_results": None,
    }


def parse_state(text: str, where: str = "state") -> dict[str, Any] | None:
    """A v4 state, or None for an empty (0-byte or blank) file."""
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(f"Failed to load state: {where}: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("version") != 4:
        raise StateError(f"Failed to load state: {where}: unsupported state format version")
    return data


def is_empty(state: dict[str, Any] | None) -> bool:
    """True when a state has no resources and no outputs (what tofu calls empty)."""
    return state is None or (not state.get("resources") and not state.get("outputs"))


def _key_sort(key: Any) -> tuple[int, Any]:
    if key is None:
        return (0, "")
    return (1, key) if isinstance(key, int) else (2, str(key))


def normalise(state: dict[str, Any]) -> dict[str, Any]:
    """Key order and resource/instance order as version4.go writes them."""
    resources = []
    for resource in state.get("resources", []):
        instances = [
            {
                k: (_sorted(inst[k]) if k == "attributes" else inst[k])
                for k in _INSTANCE_KEYS
                if k in inst
            }
            for inst in sorted(
                resource.get("instances", []), key=lambda i: _key_sort(i.get("index_key"))
            )
        ]
        ordered = {k: resource[k] for k in _RESOURCE_KEYS if k in resource and k != "instances"}
        ordered["instances"] = instances
        resources.append(ordered)
    resources.sort(key=lambda r: (r.get("module", ""), r["mode"], r["type"], r["name"]))
    outputs = {}
    for name in sorted(state.get("outputs", {})):
        out = state["outputs"][name]
        outputs[name] = {"value": out.get("value"), "type": out.get("type", "string")}
        if out.get("sensitive"):
            outputs[name]["sensitive"] = True
    return {
        "version": 4,
        "terraform_version": state.get("terraform_version", VERSION),
        "serial": state["serial"],
        "lineage": state["lineage"],
        "outputs": outputs,
        "resources": resources,
        "check_results": state.get("check_results"),
    }


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def dump_state(state: dict[str, Any]) -> str:
    """Compact one-line JSON plus newline (OpenTofu 1.8–1.11)."""
    return gojson.compact(normalise(state)) + "\n"


def format_key(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return "[" + json.dumps(key, ensure_ascii=False) + "]"


@dataclass
class InstanceRecord:
    """One resource instance of a state, with its resource's fields."""

    address: str
    module: str
    mode: str
    type: str
    name: str
    each: str | None
    index_key: Any
    instance: dict[str, Any]
    provider: str

    @property
    def resource_address(self) -> str:
        prefix = f"{self.module}." if self.module else ""
        data = "data." if self.mode == "data" else ""
        return f"{prefix}{data}{self.type}.{self.name}"


def instance_records(state: dict[str, Any] | None) -> list[InstanceRecord]:
    """Every current (not deposed) instance of a state."""
    records: list[InstanceRecord] = []
    for resource in (state or {}).get("resources", []):
        module = resource.get("module", "")
        for inst in resource.get("instances", []):
            if inst.get("deposed"):
                continue
            record = InstanceRecord(
                address="",
                module=module,
                mode=resource["mode"],
                type=resource["type"],
                name=resource["name"],
                each=resource.get("each"),
                index_key=inst.get("index_key"),
                instance=inst,
                provider=resource.get("provider", provider_config_address(resource["type"])),
            )
            record.address = record.resource_address + format_key(record.index_key)
            records.append(record)
    return records


def dynamic_unwrap(rtype: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """terraform_data stores its dynamic values as {value, type}; plans show the bare value."""
    if rtype != "terraform_data":
        return attributes
    out = dict(attributes)
    for key in ("input", "output", "triggers_replace"):
        wrapped = out.get(key)
        if isinstance(wrapped, dict) and set(wrapped) == {"value", "type"}:
            out[key] = wrapped["value"]
    return out


def dynamic_wrap(rtype: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """The inverse of dynamic_unwrap, for writing terraform_data into a state."""
    if rtype != "terraform_data":
        return attributes
    out = dict(attributes)
    for key in ("input", "output", "triggers_replace"):
        if out.get(key) is not None:
            out[key] = {"value": out[key], "type": cty_type(out[key])}
    return out


def cty_type(value: Any) -> Any:
    """The cty type JSON of a literal value (tuples and objects, as HCL infers them)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return ["tuple", [cty_type(v) for v in value]]
    if isinstance(value, dict):
        return ["object", {k: cty_type(v) for k, v in sorted(value.items())}]
    return "dynamic"
