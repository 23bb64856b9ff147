"""Generate a large `tofu show -json` plan with realistic shapes and mixed actions.

Usage: python tests/bench/plan_generator.py OUT.json [--changes 10000] [--seed 7] [--lean]

Each resource has ~20 attributes (tags maps, nested blocks, lists), sensitive
and unknown trees; the document carries planned_values, prior_state and
configuration like a real plan. ``--lean`` writes resource_changes only (the
worst case for the model's share of the time).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

# (actions, share of the plan); the rest is no-op, like a real upgrade plan.
MIX: list[tuple[list[str], float]] = [
    (["update"], 0.15),
    (["create"], 0.10),
    (["delete"], 0.04),
    (["delete", "create"], 0.04),
    (["create", "delete"], 0.01),
    (["read"], 0.02),
    (["forget"], 0.01),
]
TYPES = ["aws_security_group_rule", "aws_s3_bucket", "aws_iam_role", "aws_instance", "aws_route"]


def _attributes(rng: random.Random, i: int) -> dict[str, Any]:
    tags = {"Name": f"acme-mocm-prod-{i}", "Project": "mocm", "Component": rng.choice("abc")}
    return {
        "arn": f"arn:aws:ec2:eu-central-1:210987654321:thing/{i:08x}",
        "id": f"res-{i:08x}",
        "description": f"resource number {i} managed by the platform team",
        "enabled": rng.random() > 0.5,
        "port": rng.randint(1, 65535),
        "cidr_blocks": [f"10.{i % 256}.{j}.0/24" for j in range(rng.randint(0, 4))],
        "ingress": [
            {"from_port": 443, "to_port": 443, "protocol": "tcp", "self": False, "cidr": None}
            for _ in range(rng.randint(0, 3))
        ],
        "tags": tags,
        "tags_all": {**tags, "Environment": "prod", "ManagedBy": "opentofu"},
        "timeouts": None,
        "password": f"pw-{rng.getrandbits(64):016x}",
        **{f"setting_{k}": f"value-{k}-{i}" for k in range(10)},
    }


def _entry(rng: random.Random, i: int, actions: list[str]) -> dict[str, Any]:
    kind = TYPES[i % len(TYPES)]
    in_module = i % 3 == 0
    address = f"{kind}.r{i}"
    before = None if actions in (["create"], ["read"]) else _attributes(rng, i)
    after: Any = None if "delete" in actions and "create" not in actions else _attributes(rng, i)
    if actions == ["forget"]:
        after = None
    if actions == ["no-op"] and before is not None:
        after = before
    sens = {"password": True, "tags": {}, "tags_all": {}, "cidr_blocks": [], "ingress": []}
    change: dict[str, Any] = {
        "actions": actions,
        "before": before,
        "after": after,
        "after_unknown": {"arn": True, "id": True} if "create" in actions else {},
        "before_sensitive": False if before is None else sens,
        "after_sensitive": False if after is None else sens,
    }
    entry: dict[str, Any] = {
        "address": f"module.m{i % 7}.{address}" if in_module else address,
        "mode": "data" if actions == ["read"] else "managed",
        "type": kind,
        "name": f"r{i}",
        "provider_name": "registry.opentofu.org/hashicorp/aws",
        "change": change,
    }
    if in_module:
        entry["module_address"] = f"module.m{i % 7}"
    if "delete" in actions and "create" in actions:
        change["replace_paths"] = [["description"]]
        entry["action_reason"] = "replace_because_cannot_update"
    elif actions == ["delete"]:
        entry["action_reason"] = "delete_because_no_resource_config"
    if actions == ["no-op"] and i % 97 == 0:
        change["importing"] = {"id": f"res-{i:08x}"}
    if actions == ["no-op"] and i % 89 == 0:
        entry["previous_address"] = f"{kind}.old{i}"
    return entry


def _actions(rng: random.Random) -> list[str]:
    roll = rng.random()
    for actions, share in MIX:
        if roll < share:
            return actions
        roll -= share
    return ["no-op"]


def generate_plan(changes: int = 10_000, seed: int = 7, lean: bool = False) -> dict[str, Any]:
    """A plan document with ``changes`` resource_changes entries."""
    rng = random.Random(seed)
    entries = [_entry(rng, i, _actions(rng)) for i in range(changes)]
    plan: dict[str, Any] = {"format_version": "1.2", "terraform_version": "1.10.7"}
    if not lean:
        resources = [
            {
                "address": e["address"],
                "mode": e["mode"],
                "type": e["type"],
                "name": e["name"],
                "provider_name": e["provider_name"],
                "schema_version": 0,
                "values": e["change"]["after"] or e["change"]["before"],
                "sensitive_values": {},
            }
            for e in entries
        ]
        plan["planned_values"] = {"root_module": {"resources": resources}}
    plan["resource_changes"] = entries
    if not lean:
        plan["prior_state"] = {
            "format_version": "1.0",
            "terraform_version": "1.10.7",
            "values": {"root_module": {"resources": resources}},
        }
        plan["configuration"] = {
            "root_module": {
                "resources": [
                    {
                        "address": e["address"],
                        "mode": e["mode"],
                        "type": e["type"],
                        "name": e["name"],
                        "expressions": {"description": {"constant_value": "x"}},
                    }
                    for e in entries
                ]
            }
        }
    plan["timestamp"] = "2026-05-19T08:42:17Z"
    plan["errored"] = False
    return plan


def write_plan(path: Path, changes: int = 10_000, seed: int = 7, lean: bool = False) -> Path:
    """Write the generated plan as one compact line, like `tofu show -json`."""
    data = generate_plan(changes, seed, lean)
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lean", action="store_true")
    cli = parser.parse_args()
    write_plan(cli.out, cli.changes, cli.seed, cli.lean)
    print(f"wrote {cli.out} ({cli.out.stat().st_size / 1e6:.1f} MB)")
