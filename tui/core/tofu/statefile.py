"""Reading an OpenTofu / Terraform state file (format version 4) with a JSON parser.

Compact (OpenTofu 1.8–1.11) and pretty-printed (Terraform, OpenTofu ≥ 1.12)
files read the same; never with regexes. ``.terraform/terraform.tfstate`` is the
backend cache, not a state: reading it here is a ParseError that says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import ParseError

STATE_VERSION = 4


class UnsupportedStateVersion(ParseError):
    """The file is JSON but not a version-4 state."""


@dataclass(frozen=True)
class StateInstance:
    """One object of a resource: its key (count/for_each) and attributes."""

    index_key: int | str | None
    attributes: Mapping[str, Any]
    status: str | None = None  # "tainted" or None
    deposed: str | None = None


@dataclass(frozen=True)
class StateResource:
    """One resource block of the state with its instances."""

    module: str | None
    mode: str
    type: str
    name: str
    instances: tuple[StateInstance, ...]

    @property
    def address(self) -> str:
        """``module.x.aws_s3_bucket.buckets`` (data sources prefixed ``data.``)."""
        local = (
            f"{self.type}.{self.name}"
            if self.mode == "managed"
            else f"data.{self.type}.{self.name}"
        )
        return f"{self.module}.{local}" if self.module else local

    def instance_address(self, instance: StateInstance) -> str:
        """The address of one instance, as a plan names it: ``…buckets["media"]``, ``…x[2]``."""
        key = instance.index_key
        if key is None:
            return self.address
        if isinstance(key, int):
            return f"{self.address}[{key}]"
        return f"{self.address}[{json.dumps(key)}]"


@dataclass(frozen=True)
class StateFile:
    """The facts of a state the wizard compares and shows."""

    path: str
    terraform_version: str
    serial: int
    lineage: str
    resources: tuple[StateResource, ...]
    compact: bool  # one line of JSON (OpenTofu 1.8–1.11) rather than indented
    content_sha256: str = ""  # resources + outputs, canonical JSON: equal content, equal digest

    def resources_of_type(self, resource_type: str) -> tuple[StateResource, ...]:
        """Managed resources of ``resource_type``, in state order."""
        return tuple(r for r in self.resources if r.mode == "managed" and r.type == resource_type)


@dataclass(frozen=True)
class StateBucket:
    """One S3 bucket the state manages: its instance address and bucket name."""

    address: str
    name: str


def read_state(path: Path) -> StateFile:
    """Read and parse the state at ``path``; every failure is a ParseError naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ParseError(str(path), "file not found") from exc
    except PermissionError as exc:
        raise ParseError(str(path), "permission denied") from exc
    except IsADirectoryError as exc:
        raise ParseError(str(path), "is a directory, expected a state file") from exc
    except OSError as exc:
        raise ParseError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    return parse_state(data, str(path))


def parse_state(data: bytes, where: str) -> StateFile:
    """Parse state bytes (from disk or an S3 object) named ``where`` in errors."""
    if not data.strip():
        raise ParseError(where, "is empty, expected a JSON state")
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ParseError(where, "is not UTF-8 text, so not a state file") from exc
    except json.JSONDecodeError as exc:
        raise ParseError(where, f"is not JSON ({exc.msg})", exc.lineno, exc.colno) from exc
    if not isinstance(raw, dict):
        raise ParseError(where, "is JSON but not an object, so not a state file")
    version = raw.get("version")
    if version != STATE_VERSION:
        hint = (
            " (this looks like the backend cache .terraform/terraform.tfstate)"
            if ("backend" in raw)
            else ""
        )
        raise UnsupportedStateVersion(
            where, f"is a state of version {version!r}, expected {STATE_VERSION}{hint}"
        )
    serial = raw.get("serial")
    lineage = raw.get("lineage")
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 0:
        raise ParseError(where, f"has no valid 'serial' (got {serial!r})")
    if not isinstance(lineage, str) or not lineage:
        raise ParseError(where, f"has no valid 'lineage' (got {lineage!r})")
    resources = raw.get("resources") or []
    if not isinstance(resources, list):
        raise ParseError(where, "'resources' is not a list")
    return StateFile(
        path=where,
        terraform_version=str(raw.get("terraform_version", "")),
        serial=serial,
        lineage=lineage,
        resources=tuple(_resource(item, where) for item in resources),
        compact=b"\n" not in data.strip(),
        content_sha256=content_digest(raw),
    )


def content_digest(raw: Mapping[str, Any]) -> str:
    """sha256 of the state's resources and outputs, whitespace and key order aside."""
    content = {"resources": raw.get("resources") or [], "outputs": raw.get("outputs") or {}}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _resource(item: Any, where: str) -> StateResource:
    if not isinstance(item, dict):
        raise ParseError(where, "a 'resources' entry is not an object")
    for key in ("mode", "type", "name"):
        if not isinstance(item.get(key), str):
            raise ParseError(where, f"a 'resources' entry has no '{key}'")
    instances = item.get("instances") or []
    if not isinstance(instances, list):
        raise ParseError(where, f"{item['type']}.{item['name']}: 'instances' is not a list")
    module = item.get("module")
    return StateResource(
        module=module if isinstance(module, str) and module else None,
        mode=item["mode"],
        type=item["type"],
        name=item["name"],
        instances=tuple(_instance(raw, where) for raw in instances),
    )


def _instance(raw: Any, where: str) -> StateInstance:
    if not isinstance(raw, dict):
        raise ParseError(where, "an instance of a resource is not an object")
    key = raw.get("index_key")
    attributes = raw.get("attributes")
    if attributes is None:
        attributes = raw.get("attributes_flat") or {}
    if not isinstance(attributes, dict):
        attributes = {}
    return StateInstance(
        index_key=key if isinstance(key, int | str) and not isinstance(key, bool) else None,
        attributes=attributes,
        status=raw.get("status") if isinstance(raw.get("status"), str) else None,
        deposed=raw.get("deposed") if isinstance(raw.get("deposed"), str) else None,
    )


def state_buckets(state: StateFile, resource_type: str) -> tuple[StateBucket, ...]:
    """Every current instance of ``resource_type`` with its bucket name (bucket, else id)."""
    found: list[StateBucket] = []
    for resource in state.resources_of_type(resource_type):
        for instance in resource.instances:
            if instance.deposed is not None:
                continue  # a deposed object is on its way out, not one of the live buckets
            name = instance.attributes.get("bucket") or instance.attributes.get("id")
            found.append(StateBucket(resource.instance_address(instance), str(name or "")))
    return tuple(found)
