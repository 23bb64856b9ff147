"""The plan JSON's vocabulary: action kinds, ``action_reason`` in plain words, attribute paths."""

from __future__ import annotations

import json
from enum import StrEnum

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ActionKind(StrEnum):
    """What a change does, folded from its ``actions`` list."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"
    READ = "read"
    NO_OP = "no-op"
    FORGET = "forget"


_KINDS: dict[tuple[str, ...], ActionKind] = {
    ("no-op",): ActionKind.NO_OP,
    ("create",): ActionKind.CREATE,
    ("read",): ActionKind.READ,
    ("update",): ActionKind.UPDATE,
    ("delete",): ActionKind.DELETE,
    ("forget",): ActionKind.FORGET,
    ("delete", "create"): ActionKind.REPLACE,
    ("create", "delete"): ActionKind.REPLACE,
    ("create", "forget"): ActionKind.REPLACE,  # Terraform: new object, old one forgotten
    ("forget", "create"): ActionKind.REPLACE,  # OpenTofu: old object forgotten, new one created
}


def kind_of(actions: tuple[str, ...]) -> ActionKind | None:
    """The action kind of an ``actions`` list, or None for a combination not known."""
    return _KINDS.get(actions)


# Every reason of OpenTofu 1.10-1.12 and Terraform; unknown ones are "unspecified".
REASONS: dict[str, str] = {
    "replace_because_tainted": "the object is tainted (an earlier apply failed part-way), "
    "so it must be replaced",
    "replace_because_cannot_update": "an attribute that cannot be changed in place changed, "
    "so it must be replaced",
    "replace_by_request": "replacement was requested explicitly (-replace)",
    "replace_by_triggers": "a resource named in lifecycle.replace_triggered_by changed",
    "delete_because_no_resource_config": "the resource is no longer in the configuration",
    "delete_because_wrong_repetition": "the resource switched between single, count and "
    "for_each, so this instance key no longer exists",
    "delete_because_count_index": "its index is beyond the resource's count",
    "delete_because_each_key": "its key is no longer in the resource's for_each map",
    "delete_because_no_module": "its module is no longer in the configuration",
    "delete_because_no_move_target": "it was moved to an address that is not in the configuration",
    "delete_because_enabled_false": "its lifecycle sets enabled = false",
    "read_because_config_unknown": "its configuration depends on values known only after apply",
    "read_because_dependency_pending": "it depends on a resource with changes pending",
    "read_because_check_nested": "it is inside a check block and is read during apply",
    "forgot_because_lifecycle_destroy_in_state": "the state says it must not be destroyed "
    "(lifecycle destroy = false), so it is only removed from the state",
    "forgot_because_lifecycle_destroy_in_config": "a removed block with lifecycle "
    "destroy = false drops it from the state without destroying it",
}


def explain_reason(raw: str | None) -> str:
    """The ``action_reason`` in plain words ('' when the plan gives none)."""
    if not raw:
        return ""
    return REASONS.get(raw, f"unspecified reason ({raw})")


def render_path(steps: list[Any] | tuple[Any, ...]) -> str:
    """An attribute path as the operator writes it: ``ingress[0].cidr_blocks``.

    Keys that are not identifiers are JSON-quoted, so no control character is raw.
    """
    out = ""
    for step in steps:
        if isinstance(step, int) and not isinstance(step, bool):
            out += f"[{step}]"
        elif isinstance(step, str) and step.isidentifier() and step.isascii():
            out += f".{step}" if out else step
        else:
            out += f"[{json.dumps(step)}]"
    return out
