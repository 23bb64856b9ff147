"""Review a plan against the playbook's rules for a stage: expected or not, and a verdict.

Rules (data from the playbook, nothing release-specific here):
- a change is expected when a rule lists exactly its actions and its address
  matches the rule's glob;
- any unexpected destroy (``delete`` in actions) or replace blocks;
- at ``stage4`` every required destroy must be a pure ``["delete"]``, a missing
  one blocks, and any other destroy blocks;
- any change to a protected address blocks, and no typed confirmation can
  override it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import translate

from tui.core.playbook.load import ExpectedChange, PlanRules, Playbook
from tui.core.tofu.plan.model import Plan, ResourceChange
from tui.core.tofu.plan.vocabulary import ActionKind

# Every key of ``PlanReview.counts``; import and move are counted on top of the action kind.
COUNT_KEYS: tuple[str, ...] = (*(k.value for k in ActionKind), "import", "move")
STAGE4 = "stage4"

_KIND_WORDS: dict[ActionKind, str] = {
    ActionKind.CREATE: "create",
    ActionKind.UPDATE: "in-place update",
    ActionKind.DELETE: "destroy",
    ActionKind.READ: "data read",
    ActionKind.NO_OP: "no change",
    ActionKind.FORGET: "forget",
}


class Verdict(StrEnum):
    SAFE = "safe"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class ReviewedChange:
    """One change with its classification under the stage's rules."""

    change: ResourceChange
    expected: bool
    reason: str  # the rule's "why" when expected, what is wrong when not
    blocking: bool = False
    overridable: bool = True
    protected: bool = False
    rule: ExpectedChange | None = None


@dataclass(frozen=True, slots=True)
class ReviewIssue:
    """Something unexpected: a change, or a required destroy the plan lacks."""

    address: str
    actions: tuple[str, ...]
    reason: str
    blocking: bool
    overridable: bool
    deposed: str | None = None

    @property
    def display_address(self) -> str:
        return f"{self.address} (deposed object {self.deposed})" if self.deposed else self.address


@dataclass(frozen=True)
class PlanReview:
    """The review of one plan at one stage."""

    plan: Plan
    stage: str
    reviewed: tuple[ReviewedChange, ...]  # every change; plain no-ops are left out
    counts: dict[str, int]
    issues: tuple[ReviewIssue, ...]
    missing_destroys: tuple[str, ...]
    verdict: Verdict
    override_allowed: bool
    notes: tuple[str, ...]

    @property
    def unexpected(self) -> tuple[ReviewIssue, ...]:
        return self.issues

    @property
    def blockers(self) -> tuple[ReviewIssue, ...]:
        return tuple(issue for issue in self.issues if issue.blocking)

    @property
    def blocked(self) -> bool:
        return self.verdict is Verdict.BLOCKED


def describe_actions(change: ResourceChange) -> str:
    """What a change does, in words (``replace (destroy then create)``…)."""
    if change.kind is ActionKind.REPLACE:
        if change.actions[0] == "delete":
            return "replace (destroy, then create)"
        if change.leaves_state:
            return "replace (create, then forget the old object)"
        return "replace (create before destroy)"
    if change.kind is ActionKind.NO_OP:
        if change.is_import:
            return "import"
        if change.is_move:
            return "move"
    words = _KIND_WORDS[change.kind]
    return f"{words} with import" if change.is_import else words


class _Glob:
    """An fnmatch glob; an address written literally (with ``[...]``) matches itself."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._regex = re.compile(translate(pattern))

    def matches(self, address: str) -> bool:
        return address == self.pattern or self._regex.match(address) is not None


def review(plan: Plan, playbook: Playbook, stage: str) -> PlanReview:
    """Review ``plan`` with the playbook's rules of ``stage`` (upgrade, stage4 or rollback)."""
    return review_with_rules(plan, playbook.rules(stage), stage)


def review_with_rules(plan: Plan, rules: PlanRules, stage: str) -> PlanReview:
    """Review ``plan`` with explicit rules; ``stage4`` adds the required-destroy checks."""
    expected = [(_Glob(rule.address), rule) for rule in rules.expected]
    protected = [_Glob(glob) for glob in rules.protected]
    required = set(rules.required_destroys) if stage == STAGE4 else set()
    counts = dict.fromkeys(COUNT_KEYS, 0)
    reviewed: list[ReviewedChange] = []
    issues: list[ReviewIssue] = []
    found_required: set[str] = set()
    for change in plan.resource_changes:
        counts[change.kind.value] += 1
        if change.is_import:
            counts["import"] += 1
        if change.is_move:
            counts["move"] += 1
        if not change.is_change:
            continue
        item = _classify(change, stage, expected, protected, required)
        if item.expected and change.address in required:
            found_required.add(change.address)
        reviewed.append(item)
        if not item.expected:
            issues.append(
                ReviewIssue(
                    change.address,
                    change.actions,
                    item.reason,
                    item.blocking,
                    item.overridable,
                    change.deposed,
                )
            )
    missing = tuple(a for a in rules.required_destroys if required and a not in found_required)
    issues.extend(_missing_issue(address, plan) for address in missing)
    notes = _notes(plan)
    blocked = any(i.blocking for i in issues) or not plan.can_apply
    override = blocked and plan.can_apply and all(i.overridable for i in issues if i.blocking)
    return PlanReview(
        plan=plan,
        stage=stage,
        reviewed=tuple(reviewed),
        counts=counts,
        issues=tuple(issues),
        missing_destroys=missing,
        verdict=Verdict.BLOCKED if blocked else Verdict.SAFE,
        override_allowed=override,
        notes=notes,
    )


def _classify(
    change: ResourceChange,
    stage: str,
    expected: list[tuple[_Glob, ExpectedChange]],
    protected: list[_Glob],
    required: set[str],
) -> ReviewedChange:
    what = describe_actions(change)
    why = change.explain()
    detail = f" ({why})" if why else ""
    for glob in protected:
        if glob.matches(change.address):
            reason = (
                f"{what} of a protected resource (matches '{glob.pattern}'): nothing may "
                f"touch it at stage '{stage}'; no confirmation can override this{detail}"
            )
            return ReviewedChange(change, False, reason, True, False, True)
    if stage == STAGE4 and change.destroys:
        if change.actions == ("delete",) and not change.deposed and change.address in required:
            rule = _match(change, expected)
            words = rule.why if rule else "a destroy the playbook requires at this stage"
            return ReviewedChange(change, True, words, rule=rule)
        reason = (
            f"unexpected {what}: stage '{stage}' allows only the playbook's required "
            f"destroys{detail}"
        )
        return ReviewedChange(change, False, reason, True)
    rule = _match(change, expected)
    if rule is not None:
        return ReviewedChange(change, True, rule.why, rule=rule)
    blocking = change.destroys or change.kind is ActionKind.REPLACE
    reason = (
        f"unexpected {what}: no rule of stage '{stage}' expects "
        f"{list(change.actions)} at this address{detail}"
    )
    return ReviewedChange(change, False, reason, blocking)


def _match(
    change: ResourceChange, expected: list[tuple[_Glob, ExpectedChange]]
) -> ExpectedChange | None:
    for glob, rule in expected:
        if rule.actions == change.actions and glob.matches(change.address):
            return rule
    return None


def _missing_issue(address: str, plan: Plan) -> ReviewIssue:
    present = [rc for rc in plan.resource_changes if rc.address == address and not rc.deposed]
    if present:
        has = present[0].actions
        reason = (
            f"required destroy missing: the plan has {list(has)} for this address "
            'instead of a pure ["delete"]'
        )
    else:
        reason = "required destroy missing: the plan does not destroy this address"
    # Not overridable: a Stage-4 plan without its destroys isn't the teardown; re-plan.
    return ReviewIssue(address, present[0].actions if present else (), reason, True, False)


def _notes(plan: Plan) -> tuple[str, ...]:
    notes: list[str] = []
    why_not = plan.why_not_applicable()
    if why_not:
        notes.append(why_not)
    if plan.complete is False:
        notes.append("the engine says this plan is incomplete: another plan is needed after apply")
    if not plan.has_changes:
        notes.append("no changes: the infrastructure already matches the configuration")
    forgotten = sum(1 for rc in plan.resource_changes if rc.leaves_state)
    if forgotten:
        notes.append(
            f"{forgotten} object(s) will leave the state without being destroyed (forget): "
            "they keep running unmanaged"
        )
    return tuple(notes)
