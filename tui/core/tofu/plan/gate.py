"""What the apply gate asks of the operator for a reviewed plan (no Textual here).

Safety rule 4: an unexpected destroy or replace cannot be applied by a single
key press. So:

* nothing unexpected that blocks → one confirmation;
* blockers that may be overridden → the operator types ``destroy N`` (N = how
  many unexpected destroys/replaces), plus any phrase the caller requires;
* protected resources, an errored or not-applyable plan, or required destroys
  missing at stage 4 → no way to apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tui.core.tofu.plan.review import PlanReview


class GateMode(StrEnum):
    CONFIRM = "confirm"  # one key press on the focused Apply button
    TYPE_PHRASE = "type-phrase"  # Apply stays disabled until the phrase is typed
    REFUSE = "refuse"  # only Close


@dataclass(frozen=True, slots=True)
class GatePolicy:
    """The gate's mode, the phrase to type ('' when none) and why."""

    mode: GateMode
    phrase: str
    blockers: int  # unexpected destroys/replaces (and missing destroys)
    why: tuple[str, ...]  # sentences for the operator

    @property
    def can_apply(self) -> bool:
        return self.mode is not GateMode.REFUSE


def refusal_reasons(review: PlanReview) -> tuple[str, ...]:
    """Why no confirmation can let this plan through (empty when one can)."""
    reasons: list[str] = []
    why_not = review.plan.why_not_applicable()
    if why_not:
        reasons.append(why_not[0].upper() + why_not[1:] + ".")
    protected = [r.change.display_address for r in review.reviewed if r.protected]
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
    blockers = len(review.blockers)
    refusals = refusal_reasons(review)
    if refusals:
        return GatePolicy(GateMode.REFUSE, "", blockers, refusals)
    parts: list[str] = []
    why: list[str] = []
    if review.blocked:
        parts.append(f"destroy {blockers}")
        why.append(
            f"{blockers} unexpected destroy/replace(s): no rule of the playbook expects them. "
            "Applying destroys or recreates real infrastructure."
        )
    if required_phrase:
        parts.append(required_phrase)
    if parts:
        return GatePolicy(GateMode.TYPE_PHRASE, " ".join(parts), blockers, tuple(why))
    return GatePolicy(GateMode.CONFIRM, "", 0, ("Every change is expected by the playbook.",))
