"""Builders of plan JSON for the plan-model and plan-review tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SECRET = "hunter2-S3cr3t-value-never-shown"


def sample(samples: Path, name: str) -> dict[str, Any]:
    """A reference sample plan, decoded (a fresh copy each time)."""
    data: dict[str, Any] = json.loads((samples / name).read_text(encoding="utf-8"))
    return data


def resource_change(
    address: str,
    actions: list[str],
    *,
    before: Any = None,
    after: Any = None,
    **extra: Any,
) -> dict[str, Any]:
    """One resources_changes entry shaped like `tofu show -json` writes it."""
    type_name = address.split(".")[-2] if address.count(".") >= 1 else "null_resource"
    change: dict[str, Any] = {
        "actions": actions,
        "before": before,
        "after": after,
        "after_unknown": {},
        "before_sensitive": False if before is None else {},
        "after_sensitive": False if after is None else {},
    }
    for key in ("replace_paths", "importing", "after_unknown", "before_sensitive"):
        if key in extra:
            change[key] = extra.pop(key)
    if "after_sensitive" in extra:
        change["after_sensitive"] = extra.pop("after_sensitive")
    entry: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": type_name,
        "name": address.split(".")[-1],
        "provider_name": "registry.opentofu.org/hashicorp/aws",
        "change": change,
    }
    entry.update(extra)
    return entry


def plan(changes: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    """A minimal plan document around ``changes``."""
    data: dict[str, Any] = {
        "format_version": "1.2",
        "terraform_version": "1.10.7",
        "resource_changes": changes,
        "timestamp": "2026-05-19T08:42:17Z",
        "errored": False,
    }
    data.update(top)
    return data


def with_change(data: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` with ``entry`` appended to resource_changes."""
    out = copy.deepcopy(data)
    out["resource_changes"].append(entry)
    return out


def write(path: Path, data: Any) -> Path:
    """Write ``data`` as compact JSON, the way `tofu show -json` does."""
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def secret_plan() -> dict[str, Any]:
    """An update whose secret attribute is marked sensitive on both sides."""
    return plan(
        [
            resource_change(
                "aws_secretsmanager_secret_version.app",
                ["update"],
                before={"secret_string": "old-" + SECRET, "version_stages": ["AWSCURRENT"]},
                after={"secret_string": SECRET, "version_stages": ["AWSCURRENT"]},
                before_sensitive={"secret_string": True},
                after_sensitive={"secret_string": True},
            ),
            resource_change(
                "aws_elasticache_user.app",
                ["delete", "create"],
                before={"passwords": ["old-" + SECRET], "user_name": "app"},
                after={"passwords": [SECRET], "user_name": "app"},
                before_sensitive={"passwords": True},
                after_sensitive={"passwords": True},
                replace_paths=[["passwords"]],
                action_reason="replace_because_cannot_update",
            ),
        ],
        output_changes={
            "app_secret": {
                "actions": ["update"],
                "before": "old-" + SECRET,
                "after": SECRET,
                "after_unknown": False,
                "before_sensitive": True,
                "after_sensitive": True,
            }
        },
    )
