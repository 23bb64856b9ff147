"""Typed model of `tofu show -json tfplan` (JSON plan format_version 0.1 to 1.2).

Parsing the JSON into it is in plan.parse; the action kinds are in plan.vocabulary.
The model is lazy: each change keeps a reference to its raw JSON object and
reads ``before``/``after`` only when asked, so a 10,000-change plan costs little
more than ``json.loads`` itself. Text meant for the operator (``display_address``,
``explain``…) is escaped with ``printable``: a plan is a file we did not write.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from tui.core.printable import printable
from tui.core.records import FrozenRecord
from tui.core.tofu.plan.vocabulary import ActionKind, explain_reason

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ChangeValues(FrozenRecord):
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


class ResourceChange(FrozenRecord):
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
    importing_id: str | None = None  # the import's id (None when by identity or unknown)
    imported_from: str | None = None  # the import in words: "id i-0abc", "identity email=…"
    replace_paths: tuple[str, ...] = ()
    identity: str = ""  # the object's identity in words (Terraform ≥ 1.12), "" when none
    generated_config: bool = False  # the import wrote configuration (-generate-config-out)

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
        return self.imported_from is not None

    @property
    def is_ephemeral(self) -> bool:
        """An ephemeral resource: opened during plan and apply, never stored in the state."""
        return self.mode == "ephemeral"

    @property
    def is_move(self) -> bool:
        return self.previous_address is not None and self.previous_address != self.address

    @property
    def is_change(self) -> bool:
        """No-ops are counted but are not changes, unless they also import or move.

        An ephemeral resource read or opened changes nothing: it is counted apart.
        (Written out flat: the review asks it of every change of a 10,000-change plan.)
        """
        kind = self.kind
        if kind is ActionKind.NO_OP:
            moved = self.previous_address is not None and self.previous_address != self.address
            return self.imported_from is not None or moved
        return not (kind is ActionKind.READ and self.mode == "ephemeral")

    @property
    def key(self) -> tuple[str, str | None]:
        """Unique key: a deposed object shares its address with the current one."""
        return (self.address, self.deposed)

    @property
    def display_address(self) -> str:
        """The address as the operator may see it (control characters escaped)."""
        shown = printable(self.address)
        return f"{shown} (deposed object {printable(self.deposed)})" if self.deposed else shown

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
            generated = " (configuration generated for it)" if self.generated_config else ""
            parts.append(f"imported from the existing object with {self.imported_from}{generated}")
        if self.is_move:
            parts.append(f"moved from {self.previous_address}")
        if self.leaves_state:
            parts.append("removed from the state only: the real object is kept, unmanaged")
        if self.is_ephemeral:
            parts.append("ephemeral: opened for this run, never stored in the state")
        return printable("; ".join(parts))


class OutputChange(FrozenRecord):
    """One entry of ``output_changes`` (the change object itself, no wrapper)."""

    name: str
    actions: tuple[str, ...]
    kind: ActionKind
    values: ChangeValues

    @property
    def sensitive(self) -> bool:
        return bool(self.values.before_sensitive) or bool(self.values.after_sensitive)


class DeferredChange(FrozenRecord):
    """A change the engine put off to a later plan run (``deferred_changes``, Terraform ≥ 1.9)."""

    reason: str  # the raw keyword, e.g. ``instance_count_unknown``
    change: ResourceChange

    def explain(self) -> str:
        """Why it waits, in plain words."""
        return explain_deferral(self.reason)


class ActionInvocation(FrozenRecord):
    """A provider action the apply will run (``action_invocations``, Terraform ≥ 1.14).

    An action does something outside the resource model (reboot, invoke, send):
    it is shown and reviewed like a change.
    """

    address: str
    type: str
    provider_name: str
    trigger: str  # in words: what starts it
    deferred_reason: str | None = None  # set for ``deferred_action_invocations``

    @property
    def display_address(self) -> str:
        return printable(self.address)

    def describe(self) -> str:
        """One sentence: the action, what runs it, and whether it waits."""
        text = f"runs action {self.address} ({self.type}) {self.trigger}"
        if self.deferred_reason is not None:
            text += f"; deferred to a later plan: {explain_deferral(self.deferred_reason)}"
        return printable(text)


class CheckOutcome(FrozenRecord):
    """One checkable object of ``checks`` (a condition, an output, a check block)."""

    address: str  # ``to_display`` of the checked object
    kind: str  # resource | output_value | check | var
    status: str  # pass | fail | error | unknown
    problems: tuple[str, ...]  # the failure messages, as the configuration wrote them

    def describe(self) -> str:
        """The check in words (escaped)."""
        words = {
            "pass": "passed",
            "fail": "FAILED",
            "error": "could not be evaluated (error)",
            "unknown": "will be checked during apply (depends on values known only then)",
        }.get(self.status, f"status {self.status}")
        text = f"{self.kind} {self.address}: {words}"
        if self.problems:
            text += " — " + "; ".join(self.problems)
        return printable(text)


def marks_anything(tree: Any) -> bool:
    """Whether a mark tree (``after_unknown``, ``*_sensitive``) marks any value."""
    stack = [tree]
    while stack:  # iterative: a mark tree is as deep as the plan makes it
        node = stack.pop()
        if node is True:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


DEFERRAL_REASONS: dict[str, str] = {
    "instance_count_unknown": "its count or for_each is known only after apply",
    "resource_config_unknown": "its configuration depends on values known only after apply",
    "provider_config_unknown": "its provider's configuration is known only after apply",
    "absent_prereq": "something it needs does not exist yet",
    "deferred_prereq": "something it depends on was deferred too",
    "unknown": "the engine gave no reason",
}


def explain_deferral(reason: str) -> str:
    """A deferral reason in plain words (an unknown keyword is quoted as it came)."""
    return DEFERRAL_REASONS.get(reason, f"unspecified reason ({printable(reason)})")


class Plan(FrozenRecord):
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
    extra_keys: tuple[str, ...] = ()
    deferred_changes: tuple[DeferredChange, ...] = ()
    action_invocations: tuple[ActionInvocation, ...] = ()
    deferred_actions: tuple[ActionInvocation, ...] = ()
    checks: tuple[CheckOutcome, ...] = ()
    document: str = ""  # "" for `show -json` output, else what kind of plan document it is

    @cached_property
    def changes(self) -> tuple[ResourceChange, ...]:
        """Resource changes that are not plain no-ops (computed once: the plan is frozen)."""
        return tuple(rc for rc in self.resource_changes if rc.is_change)

    @property
    def has_changes(self) -> bool:
        """Whether applying would do anything: a change, an output change or an action."""
        return (
            bool(self.changes)
            or bool(self.action_invocations)
            or any(o.kind is not ActionKind.NO_OP for o in self.output_changes)
        )

    @property
    def nothing_to_apply(self) -> bool:
        """A plan that ran to the end and found nothing to do (safe, whatever ``applyable``)."""
        return not self.errored and not self.has_changes

    @property
    def failed_checks(self) -> tuple[CheckOutcome, ...]:
        return tuple(c for c in self.checks if c.status in ("fail", "error"))

    @property
    def unknown_outputs(self) -> tuple[str, ...]:
        """Outputs whose new value is known only after apply, in whole or in part."""
        return tuple(o.name for o in self.output_changes if marks_anything(o.values.after_unknown))

    @property
    def can_apply(self) -> bool:
        """False for an errored plan or one Terraform marks as not applyable."""
        return not self.errored and self.applyable is not False

    def why_not_applicable(self) -> str:
        """The sentence saying why this plan cannot be applied ('' when it can)."""
        if self.errored:
            return (
                "the plan errored (planning stopped on an error): it cannot be applied; "
                "the error is in the output of the plan command"
            )
        if self.nothing_to_apply:
            return "nothing to apply: the plan has no changes"
        if self.applyable is False:
            return "the engine marked this plan as not applyable"
        return ""
