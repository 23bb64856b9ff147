"""What a plan is made of: one change per resource instance and per output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.sandbox.tofu.computed import COMPUTED
from tui.sandbox.tofu.config import Config
from tui.sandbox.tofu.expr import UNKNOWN
from tui.sandbox.tofu.sensitive import sensitivity, value_marks


@dataclass
class Change:
    """One resource instance's planned change (a `resource_changes[]` entry)."""

    address: str
    module: str
    mode: str
    type: str
    name: str
    index: Any
    each: str | None
    actions: list[str]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    provider: str
    action_reason: str | None = None
    replace_paths: list[list[str]] | None = None
    create_before_destroy: bool = False
    prior: dict[str, Any] | None = None  # the state instance object, kept on update

    @property
    def is_noop(self) -> bool:
        return self.actions == ["no-op"]

    @property
    def before_sensitive(self) -> Any:
        """``before_sensitive``: the state's marks and the schema's, on the prior object."""
        if self.before is None:
            return False
        return sensitivity(self.before, value_marks(self.type, self.before, self.prior))

    @property
    def after_sensitive(self) -> Any:
        """``after_sensitive``: the schema's marks (and the state's, when the object is kept)."""
        if self.after is None:
            return False
        kept = self.is_noop or self.actions == ["update"]
        return sensitivity(self.after, value_marks(self.type, self.after, self.prior, kept))


@dataclass
class OutputChange:
    """One root output's planned change."""

    name: str
    actions: list[str]
    before: Any
    after: Any
    sensitive: bool


@dataclass
class Plan:
    """A whole plan, before it is rendered as JSON or text."""

    changes: list[Change]
    outputs: dict[str, OutputChange]
    variables: dict[str, Any]
    prior_state: dict[str, Any] | None
    config: Config

    @property
    def has_changes(self) -> bool:
        return any(not c.is_noop for c in self.changes) or any(
            o.actions != ["no-op"] for o in self.outputs.values()
        )


def fresh_after(rtype: str, wanted: dict[str, Any]) -> dict[str, Any]:
    """The planned object of a new instance: configured values, computed ones unknown."""
    after = dict(wanted)
    after["id"] = UNKNOWN
    if rtype == "terraform_data":
        after.setdefault("input", None)
        after.setdefault("triggers_replace", None)
        after["output"] = UNKNOWN
    elif rtype.startswith("aws_"):
        after["arn"] = UNKNOWN
    for name in COMPUTED.get(rtype, ()):
        after.setdefault(name, UNKNOWN)
    return after


def change_sort_key(change: Change) -> tuple[Any, ...]:
    index = change.index
    key = (0, "") if index is None else (1, index) if isinstance(index, int) else (2, str(index))
    return (
        change.module != "",
        change.module,
        change.mode != "data",
        change.type,
        change.name,
        key,
    )
