"""Which values tofu treats as sensitive, and the `*_sensitive` trees and state paths it writes.

A value is sensitive when the provider's schema says so (``SCHEMA_SENSITIVE``: marked even
when null, as ``configschema.Block.ValueMarks`` does) or when the state recorded it in the
instance's ``sensitive_attributes``. Plans carry the clear-text ``before``/``after`` with
``before_sensitive``/``after_sensitive`` trees (``jsonstate.SensitiveAsBool``); apply records
every marked path in ``sensitive_attributes``. Not modelled: marks that flow from a
``sensitive`` variable or output into another attribute.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

Path = tuple[str | int, ...]

# `terraform providers schema -json` of hashicorp/aws 5.100 and hashicorp/random 3.x: the
# attributes marked "sensitive", as paths (a nested block's name, then its attribute). Every
# resource type the stand-in models is listed; () means the schema marks nothing.
SCHEMA_SENSITIVE: dict[str, tuple[tuple[str, ...], ...]] = {
    "aws_cloudwatch_log_group": (),
    "aws_db_instance": (("password",), ("password_wo",)),
    "aws_dlm_lifecycle_policy": (),
    "aws_eks_node_group": (),
    "aws_elasticache_cluster": (),
    "aws_elasticache_parameter_group": (),
    "aws_elasticache_replication_group": (("auth_token",),),
    "aws_elasticache_subnet_group": (),
    "aws_elasticache_user": (("authentication_mode", "passwords"), ("passwords",)),
    "aws_elasticache_user_group": (),
    "aws_iam_role": (),
    "aws_s3_bucket": (),
    "aws_s3_bucket_versioning": (),
    "aws_secretsmanager_secret": (),
    "aws_secretsmanager_secret_version": (
        ("secret_binary",),
        ("secret_string",),
        ("secret_string_wo",),
    ),
    "aws_security_group": (),
    "aws_security_group_rule": (),
    "random_password": (("bcrypt_hash",), ("result",)),
    "random_string": (),
}


def schema_paths(rtype: str, value: Any) -> set[Path]:
    """The paths the schema marks in ``value``: top-level ones always, nested ones per block."""
    found: set[Path] = set()
    for steps in SCHEMA_SENSITIVE.get(rtype, ()):
        found |= _expand((), value, steps)
    return found


def _expand(prefix: Path, value: Any, steps: tuple[str, ...]) -> set[Path]:
    head, rest = steps[0], steps[1:]
    if not rest:
        return {(*prefix, head)}
    block = value.get(head) if isinstance(value, dict) else None
    if isinstance(block, dict):
        return _expand((*prefix, head), block, rest)
    if isinstance(block, list):  # list and set blocks: one mark per element
        found: set[Path] = set()
        for index, element in enumerate(block):
            found |= _expand((*prefix, head, index), element, rest)
        return found
    return set()  # a null or unknown block has no elements to mark


def state_paths(instance: dict[str, Any] | None) -> set[Path]:
    """The paths a state instance's ``sensitive_attributes`` records."""
    found: set[Path] = set()
    for raw in (instance or {}).get("sensitive_attributes") or []:
        steps: list[str | int] = []
        for step in raw if isinstance(raw, list) else []:
            if not isinstance(step, dict):
                break
            if step.get("type") == "get_attr":
                steps.append(str(step.get("value")))
            elif step.get("type") == "index":
                key = step.get("value")
                inner = key.get("value") if isinstance(key, dict) else key
                steps.append(int(inner) if isinstance(inner, int | float) else str(inner))
        if steps:
            found.add(tuple(steps))
    return found


def encode_paths(paths: Iterable[Path]) -> list[list[dict[str, Any]]]:
    """``sensitive_attributes`` as version4.go writes them (attribute and index steps)."""
    encoded = []
    for path in sorted(paths, key=lambda p: json.dumps([str(s) for s in p])):
        steps: list[dict[str, Any]] = []
        for step in path:
            if isinstance(step, int):
                steps.append({"type": "index", "value": {"value": step, "type": "number"}})
            else:
                steps.append({"type": "get_attr", "value": step})
        encoded.append(steps)
    return encoded


def sensitivity(value: Any, marked: set[Path], path: Path = ()) -> Any:
    """``SensitiveAsBool``: ``true`` at marked values, lists kept per element, objects without
    their ``false`` entries; a marked attribute the object lacks (null) is ``true`` too."""
    if path in marked:
        return True
    if isinstance(value, list):
        return [sensitivity(v, marked, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, dict):
        depth = len(path)
        names = set(value) | {
            p[depth]
            for p in marked
            if len(p) == depth + 1 and p[:depth] == path and isinstance(p[depth], str)
        }
        out = {k: sensitivity(value.get(k), marked, (*path, k)) for k in names}
        return {k: out[k] for k in sorted(out) if out[k] is not False}
    return False


SENSITIVE_TEXT = "(sensitive value)"


def masked(value: Any, tree: Any) -> Any:
    """``value`` with every subtree its sensitivity tree marks replaced by ``SENSITIVE_TEXT``."""
    if tree is True:
        return SENSITIVE_TEXT
    if isinstance(value, dict) and isinstance(tree, dict):
        return {k: masked(v, tree.get(k, False)) for k, v in value.items()}
    if isinstance(value, list) and isinstance(tree, list):
        return [masked(v, tree[i] if i < len(tree) else False) for i, v in enumerate(value)]
    return value


def value_marks(
    rtype: str, value: Any, prior_instance: dict[str, Any] | None, keep_prior: bool = True
) -> set[Path]:
    """The marks of one side of a change: the schema's, plus the state's when the object the
    state describes is kept (``before``; ``after`` of a no-op or an update)."""
    paths = schema_paths(rtype, value)
    if keep_prior:
        paths |= state_paths(prior_instance)
    return paths
