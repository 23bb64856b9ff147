"""Review a plan against the playbook's rules for a stage: expected or not, and a verdict.

Rules (data from the playbook, nothing release-specific here):
- a change is expected when a rule lists exactly its actions and its address
  matches the rule's glob;
- any unexpected destroy (``delete`` in actions) or replace blocks; when the
  stage's rules say ``only_expected``, any other unexpected change blocks too
  (a typed confirmation may override);
- at ``stage4`` every required destroy must be a pure ``["delete"]``, a missing
  one blocks, and any other destroy blocks;
- a destroy or replace of a protected address blocks and no typed confirmation
  can override it; an in-place update of one may pass with a typed confirmation
  naming its attributes when the rules say ``protected_updates: confirm_attributes``
  (otherwise nothing may touch it); reading a protected data source changes nothing;
- a provider action the apply would run (``action_invocations``) blocks (typed
  override): it acts outside the resource model the review can judge;
- a plan with no changes is safe; an errored plan is blocked, never applied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from fnmatch import translate

from tui.core.playbook.load import ExpectedChange, PlanRules, Playbook
from tui.core.playbook.model import PROTECTED_UPDATES_CONFIRM
from tui.core.printable import printable
from tui.core.records import FrozenRecord
from tui.core.tofu.plan.model import Plan, ResourceChange
from tui.core.tofu.plan.parse import KNOWN_MINOR
from tui.core.tofu.plan.vocabulary import ActionKind

# Every key of ``PlanReview.counts``; import and move are counted on top of the action kind,
# ephemeral resources apart (they change nothing).
COUNT_KEYS: tuple[str, ...] = (*(k.value for k in ActionKind), "import", "move", "ephemeral")
ACTION_INVOCATION = ("invoke",)  # the actions of a ReviewIssue for a provider action
SHOWN_IN_NOTES = 5  # addresses named in one note; the count says the rest
CHECK_WORDS = {"pass": "passed", "fail": "failed", "error": "errored", "unknown": "pending"}
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


class ReviewedChange(FrozenRecord):
    """One change with its classification under the stage's rules."""

    change: ResourceChange
    expected: bool
    reason: str  # the rule's "why" when expected, what is wrong when not
    blocking: bool = False
    overridable: bool = True
    protected: bool = False
    rule: ExpectedChange | None = None
    # An in-place update of a protected resource: the attributes the operator must type.
    confirm_attributes: tuple[str, ...] = ()


class ReviewIssue(FrozenRecord):
    """Something unexpected: a change, or a required destroy the plan lacks."""

    address: str
    actions: tuple[str, ...]
    reason: str
    blocking: bool
    overridable: bool
    deposed: str | None = None
    confirm_attributes: tuple[str, ...] = ()  # see ReviewedChange
    destroys: bool = False  # a destroy or replace (what the gate's ``destroy N`` counts)

    @property
    def display_address(self) -> str:
        """The address as the operator may see it (control characters escaped)."""
        shown = printable(self.address)
        return f"{shown} (deposed object {printable(self.deposed)})" if self.deposed else shown


class PlanReview(FrozenRecord):
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
        if change.actions[0] == "forget":
            return "replace (forget the old object, then create)"
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
        if change.is_ephemeral:
            counts["ephemeral"] += 1
        else:
            counts[change.kind.value] += 1
        if change.is_import:
            counts["import"] += 1
        if change.is_move:
            counts["move"] += 1
        if not change.is_change:
            continue
        item = _classify(change, stage, rules, expected, protected, required)
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
                    item.confirm_attributes,
                    change.destroys or change.kind is ActionKind.REPLACE,
                )
            )
    issues.extend(
        ReviewIssue(
            action.address,
            ACTION_INVOCATION,
            f"{action.describe()}: a provider action works outside the resources the plan "
            "shows, so no rule can expect it",
            True,
            True,
        )
        for action in plan.action_invocations
    )
    missing = tuple(a for a in rules.required_destroys if required and a not in found_required)
    issues.extend(_missing_issue(address, plan) for address in missing)
    notes = _notes(plan)
    unusable = not plan.can_apply and not plan.nothing_to_apply
    blocked = any(i.blocking for i in issues) or unusable
    override = blocked and not unusable and all(i.overridable for i in issues if i.blocking)
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
    rules: PlanRules,
    expected: list[tuple[_Glob, ExpectedChange]],
    protected: list[_Glob],
    required: set[str],
) -> ReviewedChange:
    if change.kind is not ActionKind.READ:
        for glob in protected:
            if glob.matches(change.address):
                return _protected(change, stage, rules, glob, *_what_and_why(change))
    if stage == STAGE4 and change.destroys:
        if change.actions == ("delete",) and not change.deposed and change.address in required:
            rule = _match(change, expected)
            words = rule.why if rule else "a destroy the playbook requires at this stage"
            return ReviewedChange(change, True, words, rule=rule)
        what, detail = _what_and_why(change)
        reason = (
            f"unexpected {what}: stage '{stage}' allows only the playbook's required "
            f"destroys{detail}"
        )
        return ReviewedChange(change, False, reason, True)
    rule = _match(change, expected)
    if rule is not None:
        return ReviewedChange(change, True, rule.why, rule=rule)
    destructive = change.destroys or change.kind is ActionKind.REPLACE
    what, detail = _what_and_why(change)
    if rules.only_expected and not destructive:
        reason = (
            f"unexpected {what}: stage '{stage}' expects exactly the playbook's changes "
            f"and nothing else{detail}"
        )
        return ReviewedChange(change, False, reason, True)
    reason = (
        f"unexpected {what}: no rule of stage '{stage}' expects "
        f"the actions {', then '.join(change.actions)} at this address{detail}"
    )
    return ReviewedChange(change, False, reason, destructive)


def _what_and_why(change: ResourceChange) -> tuple[str, str]:
    """What an unexpected change does, and why (`` (…)``, '' when the plan says nothing)."""
    why = change.explain()
    return describe_actions(change), f" ({why})" if why else ""


def _protected(
    change: ResourceChange, stage: str, rules: PlanRules, glob: _Glob, what: str, detail: str
) -> ReviewedChange:
    """A change of a protected resource: refused, or an in-place update named attribute by
    attribute when the rules allow it."""
    matched = f"matches '{printable(glob.pattern)}'"
    if change.kind is ActionKind.UPDATE and rules.protected_updates == PROTECTED_UPDATES_CONFIRM:
        # Lazy: the attribute diff is needed only here, and plan-review starts faster.
        from tui.core.tofu.plan.attr_diff import changed_attributes

        attributes = changed_attributes(change)
        named = ", ".join(attributes) if attributes else "no attribute the plan shows"
        reason = (
            f"in-place update of a protected resource ({matched}): changes {named}; it is "
            f"neither destroyed nor replaced, so it may pass only when you type the "
            f"attributes{detail}"
        )
        return ReviewedChange(
            change, False, reason, True, True, True, confirm_attributes=attributes
        )
    reason = (
        f"{what} of a protected resource ({matched}): nothing may destroy or replace it "
        f"at stage '{stage}'; no confirmation can override this{detail}"
        if change.destroys or change.kind is ActionKind.REPLACE
        else f"{what} of a protected resource ({matched}): nothing may touch it at stage "
        f"'{stage}'; no confirmation can override this{detail}"
    )
    return ReviewedChange(change, False, reason, True, False, True)


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
            f"required destroy missing: the plan has the actions {', then '.join(has)} for "
            "this address instead of a delete alone"
        )
    else:
        reason = "required destroy missing: the plan does not destroy this address"
    # Not overridable: a Stage-4 plan without its destroys isn't the teardown; re-plan.
    return ReviewIssue(address, present[0].actions if present else (), reason, True, False)


def _notes(plan: Plan) -> tuple[str, ...]:
    """Everything the plan says beyond its resource changes, in words."""
    notes: list[str] = []
    if plan.document:
        notes.append(f"read from {plan.document}, not `show -json` output")
    why_not = plan.why_not_applicable()
    if why_not and not plan.nothing_to_apply:
        notes.append(why_not)
    notes.extend(f"check {c.describe()}" for c in plan.failed_checks)
    if plan.errored:
        notes.append("the changes listed are only those planned before the error")
    elif not plan.has_changes:
        notes.append("no changes: the infrastructure already matches the configuration")
    if plan.complete is False and not plan.errored:
        notes.append("the engine says this plan is incomplete: another plan is needed after apply")
    newer = _newer_format(plan.format_version)
    if newer:
        notes.append(newer)
    forgotten = sum(1 for rc in plan.resource_changes if rc.leaves_state)
    if forgotten:
        notes.append(
            f"{forgotten} object(s) will leave the state without being destroyed (forget): "
            "they keep running unmanaged"
        )
    if plan.deferred_changes:
        notes.append(
            f"{len(plan.deferred_changes)} change(s) deferred to a later plan: "
            + _some(f"{d.change.display_address} ({d.explain()})" for d in plan.deferred_changes)
        )
    if plan.deferred_actions:
        notes.append(
            f"{len(plan.deferred_actions)} action(s) deferred to a later plan: "
            + _some(a.display_address for a in plan.deferred_actions)
        )
    drift = [rc for rc in plan.resource_drift if rc.is_change]
    if drift:
        notes.append(
            f"{len(drift)} object(s) changed outside the engine since the last apply (drift, "
            "already in the state after refresh): " + _some(rc.display_address for rc in drift)
        )
    if plan.checks:
        tally = {s: sum(1 for c in plan.checks if c.status == s) for s in CHECK_WORDS}
        notes.append(
            f"{len(plan.checks)} check(s): "
            + ", ".join(f"{n} {CHECK_WORDS[s]}" for s, n in tally.items() if n)
        )
    pending = [c for c in plan.checks if c.status == "unknown"]
    if pending:
        notes.append(
            f"{len(pending)} check(s) will be evaluated during apply: "
            + _some(printable(c.address) for c in pending)
        )
    if plan.unknown_outputs:
        notes.append(
            f"{len(plan.unknown_outputs)} output(s) known only after apply (in whole or in "
            "part): " + _some(printable(name) for name in plan.unknown_outputs)
        )
    ephemeral = sum(1 for rc in plan.resource_changes if rc.is_ephemeral)
    if ephemeral:
        notes.append(
            f"{ephemeral} ephemeral resource(s) opened during plan and apply: nothing is "
            "stored in the state"
        )
    return tuple(notes)


def _some(items: Iterable[str]) -> str:
    """The first few items, then how many more."""
    listed = list(items)
    shown = ", ".join(listed[:SHOWN_IN_NOTES])
    more = len(listed) - SHOWN_IN_NOTES
    return shown + (f" and {more} more" if more > 0 else "")


def _newer_format(version: str) -> str:
    """A note when the format is newer than this version reads ('' otherwise)."""
    major, _, minor = version.partition(".")
    known = KNOWN_MINOR.get(major)
    try:
        newer = known is not None and int(minor.split(".")[0] or 0) > known
    except ValueError:
        newer = False
    if not newer:
        return ""
    return (
        f"format_version {printable(version)} is newer than this version reads "
        f"({major}.{known}): fields it adds are not reviewed"
    )
