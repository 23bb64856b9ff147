"""Typed model of `tofu show -json tfplan` (JSON plan format_version 1.x).

Parsing the JSON into it is in plan.parse; the action kinds are in plan.vocabulary.
The model is lazy: each change keeps a reference to its raw JSON object and
reads ``before``/``after`` only when asked, so a 10,000-change plan costs little
more than ``json.loads`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.core.tofu.plan.vocabulary import ActionKind, explain_reason


@dataclass(frozen=True, slots=True)
class ChangeValues:
    """The before/after sides of one change, read lazily from the raw JSON."""

    raw: Mapping[str, Any]

    @property
    def before(self) -> Any:
        return self.raw.get("before")

    @property
    def after(self) -> Any:
        return self.raw.get("after")

    @property
    def after_unknown(self) -> Any:
        return self.raw.get("after_unknown", False)

    @property
    def before_sensitive(self) -> Any:
        return self.raw.get("before_sensitive", False)

    @property
    def after_sensitive(self) -> Any:
        return self.raw.get("after_sensitive", False)


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """One entry of ``resource_changes`` (or ``resource_drift``)."""

    address: str
    actions: tuple[str, ...]
    kind: ActionKind
    mode: str
    type: str
    name: str
    provider_name: str
    values: ChangeValues
    module_address: str | None = None
    index: int | str | None = None
    previous_address: str | None = None
    deposed: str | None = None
    action_reason: str | None = None
    importing_id: str | None = None
    replace_paths: tuple[str, ...] = ()

    @property
    def destroys(self) -> bool:
        """True when an object is destroyed (``delete`` in actions)."""
        return "delete" in self.actions

    @property
    def leaves_state(self) -> bool:
        """True when the object is dropped from state but kept (``forget``)."""
        return "forget" in self.actions

    @property
    def is_import(self) -> bool:
        return self.importing_id is not None

    @property
    def is_move(self) -> bool:
        return self.previous_address is not None and self.previous_address != self.address

    @property
    def is_change(self) -> bool:
        """No-ops are counted but are not changes, unless they also import or move."""
        return self.kind is not ActionKind.NO_OP or self.is_import or self.is_move

    @property
    def key(self) -> tuple[str, str | None]:
        """Unique key: a deposed object shares its address with the current one."""
        return (self.address, self.deposed)

    @property
    def display_address(self) -> str:
        return f"{self.address} (deposed object {self.deposed})" if self.deposed else self.address

    def explain(self) -> str:
        """Why this change happens, in plain words (action_reason, paths, import, move)."""
        parts: list[str] = []
        reason = explain_reason(self.action_reason)
        if reason:
            parts.append(reason)
        if self.replace_paths:
            parts.append("changed: " + ", ".join(self.replace_paths))
        if self.deposed:
            parts.append(
                f"deposed object {self.deposed} left behind by an earlier create-before-destroy"
            )
        if self.is_import:
            parts.append(f"imported from existing object id {self.importing_id}")
        if self.is_move:
            parts.append(f"moved from {self.previous_address}")
        if self.leaves_state:
            parts.append("removed from the state only: the real object is kept, unmanaged")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class OutputChange:
    """One entry of ``output_changes`` (the change object itself, no wrapper)."""

    name: str
    actions: tuple[str, ...]
    kind: ActionKind
    values: ChangeValues

    @property
    def sensitive(self) -> bool:
        return bool(self.values.before_sensitive) or bool(self.values.after_sensitive)


@dataclass(frozen=True)
class Plan:
    """A parsed plan. ``applyable``/``complete`` are None when absent (OpenTofu)."""

    source: str
    format_version: str
    terraform_version: str
    resource_changes: tuple[ResourceChange, ...]
    output_changes: tuple[OutputChange, ...] = ()
    resource_drift: tuple[ResourceChange, ...] = ()
    errored: bool = False
    applyable: bool | None = None
    complete: bool | None = None
    has_prior_state: bool = False
    timestamp: str = ""
    extra_keys: tuple[str, ...] = field(default=())

    @property
    def changes(self) -> tuple[ResourceChange, ...]:
        """Resource changes that are not plain no-ops."""
        return tuple(rc for rc in self.resource_changes if rc.is_change)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes) or any(
            o.kind is not ActionKind.NO_OP for o in self.output_changes
        )

    @property
    def can_apply(self) -> bool:
        """False for an errored plan or one Terraform marks as not applyable."""
        return not self.errored and self.applyable is not False

    def why_not_applicable(self) -> str:
        """The sentence saying why this plan cannot be applied ('' when it can)."""
        if self.errored:
            return "the plan errored (planning stopped on an error): it cannot be applied"
        if self.applyable is False:
            return "the engine marked this plan as not applyable"
        return ""
