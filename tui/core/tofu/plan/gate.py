"""What the apply gate asks of the operator for a reviewed plan (no Textual here).

Safety rule 4: an unexpected destroy or replace cannot be applied by a single
key press. So:

* nothing unexpected that blocks → one confirmation;
* blockers that may be overridden → the operator types a phrase that says what
  they let through: ``destroy N`` (N unexpected destroys/replaces), ``change N``
  (N other unexpected changes or provider actions, at a stage that expects
  exactly its changes), ``update tags tags_all`` (the attributes an in-place
  update of a protected resource changes), plus any phrase the caller requires;
* a destroy or replace of a protected resource, an errored plan, a plan with
  changes the engine marked not applyable, or required destroys missing at
  stage 4 → no way to apply. A plan with no changes is applied with one
  confirmation, as the engine does.
"""

from __future__ import annotations

from enum import StrEnum

from tui.core.records import FrozenRecord
from tui.core.tofu.plan.review import PlanReview


class GateMode(StrEnum):
    CONFIRM = "confirm"  # one deliberate key (y) or the Apply button; Cancel is focused
    TYPE_PHRASE = "type-phrase"  # Apply stays disabled until the phrase is typed
    REFUSE = "refuse"  # only Close


class GatePolicy(FrozenRecord):
    """The gate's mode, the phrase to type ('' when none) and why."""

    mode: GateMode
    phrase: str
    blockers: int  # every blocking issue (destroys, other changes, protected updates)
    why: tuple[str, ...]  # sentences for the operator
    destroys: int = 0  # unexpected destroys/replaces among the blockers

    @property
    def can_apply(self) -> bool:
        return self.mode is not GateMode.REFUSE


def refusal_reasons(review: PlanReview) -> tuple[str, ...]:
    """Why no confirmation can let this plan through (empty when one can)."""
    reasons: list[str] = []
    why_not = review.plan.why_not_applicable()
    # A plan that found nothing to do is applied like any other: Terraform 1.11 applies
    # a saved no-changes plan with exit 0 ("0 added, 0 changed, 0 destroyed").
    if why_not and not review.plan.nothing_to_apply:
        reasons.append(why_not[0].upper() + why_not[1:] + ".")
    protected = [
        r.change.display_address for r in review.reviewed if r.protected and not r.overridable
    ]
    if protected:
        reasons.append(
            f"{len(protected)} change(s) touch a protected resource: " + ", ".join(protected[:5])
        )
    if review.missing_destroys:
        reasons.append(
            "The plan lacks required destroy(s): "
            + ", ".join(review.missing_destroys)
            + ". Fix the configuration and plan again."
        )
    if review.blocked and not reasons and not review.override_allowed:
        reasons.append("The review does not allow an override for this plan.")
    return tuple(reasons)


def gate_policy(review: PlanReview, required_phrase: str = "") -> GatePolicy:
    """Decide how the operator confirms ``review`` (``required_phrase``: e.g. a cluster id)."""
    blockers = review.blockers
    refusals = refusal_reasons(review)
    if refusals:
        return GatePolicy(GateMode.REFUSE, "", len(blockers), refusals)
    destroys = [i for i in blockers if i.destroys and not i.confirm_attributes]
    protected = [i for i in blockers if i.confirm_attributes]
    others = [i for i in blockers if not i.destroys and not i.confirm_attributes]
    parts: list[str] = []
    why: list[str] = []
    if destroys:
        parts.append(f"destroy {len(destroys)}")
        why.append(
            f"{len(destroys)} unexpected destroy/replace(s): no rule of the playbook expects "
            "them. Applying destroys or recreates real infrastructure."
        )
    if others:
        parts.append(f"change {len(others)}")
        why.append(
            f"{len(others)} unexpected change(s) at stage '{review.stage}', which expects "
            "exactly the playbook's changes and nothing else."
        )
    if protected:
        attributes = sorted({a for issue in protected for a in issue.confirm_attributes})
        parts.append("update " + " ".join(attributes))
        addresses = ", ".join(issue.display_address for issue in protected)
        why.append(
            f"In-place update of protected {addresses}: it is neither destroyed nor "
            f"replaced; type the attributes it changes ({', '.join(attributes)}) to let it "
            "through."
        )
    if required_phrase:
        parts.append(required_phrase)
    if parts:
        return GatePolicy(
            GateMode.TYPE_PHRASE, " ".join(parts), len(blockers), tuple(why), len(destroys)
        )
    if review.plan.nothing_to_apply:
        return GatePolicy(
            GateMode.CONFIRM,
            "",
            0,
            ("The plan has no changes: applying it changes nothing and records it as applied.",),
        )
    return GatePolicy(GateMode.CONFIRM, "", 0, ("Every change is expected by the playbook.",))


class GateDecision(FrozenRecord):
    """What the operator did at the gate (no secret: addresses and the typed phrase)."""

    confirmed: bool
    mode: GateMode
    typed_phrase: str
    overridden: tuple[str, ...]  # unexpected destroys/replaces let through
    destroys: int = 0  # the plan's destroys, then its replaces: what was approved
    replaces: int = 0

    def journal_detail(self) -> str:
        """One sentence for the journal."""
        if not self.confirmed:
            return f"apply not confirmed (gate: {self.mode.value})"
        if self.mode is GateMode.CONFIRM:
            if not self.destroys and not self.replaces:
                return "apply confirmed: the plan destroys and replaces nothing"
            return (
                f"apply confirmed: {self.destroys} destroy(s) and {self.replaces} replace(s), "
                "each one expected"
            )
        detail = f"apply confirmed by typing '{self.typed_phrase}'"
        if self.overridden:
            shown = ", ".join(self.overridden[:20])
            more = f" and {len(self.overridden) - 20} more" if len(self.overridden) > 20 else ""
            detail += f"; overrode {len(self.overridden)} unexpected destroy/replace: {shown}{more}"
        return detail


def gate_decision(
    policy: GatePolicy, review: PlanReview, *, confirmed: bool = False, typed: str | None = None
) -> GateDecision:
    """What an answer at the gate stands for: only the answer the policy asks for confirms.

    ``confirmed`` is the confirm dialog's yes; ``typed`` the phrase typed in the other one.
    """
    mode = policy.mode
    accepted = (mode is GateMode.CONFIRM and confirmed) or (
        mode is GateMode.TYPE_PHRASE and typed is not None and typed == policy.phrase
    )
    if not accepted:
        return GateDecision(False, mode, "", ())
    phrase = policy.phrase if mode is GateMode.TYPE_PHRASE else ""
    overridden = tuple(issue.display_address for issue in review.blockers)
    counts = review.counts
    return GateDecision(
        True, mode, phrase, overridden, counts.get("delete", 0), counts.get("replace", 0)
    )
