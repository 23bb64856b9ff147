"""The apply gate: the last question before a reviewed plan is applied.

``ApplyGate(review).ask(app, decided)`` opens the dialog the plan's policy calls for
and hands ``decided`` a :class:`GateDecision`. Nothing unexpected → the confirm
dialog with Apply focused when it only approves the plan for a later apply that asks
again, or Cancel focused when the answer applies at once (``destructive``); ``y``
confirms either way. An unexpected destroy or replace that may be overridden → the
typed-phrase dialog (``destroy N``, plus any ``required_phrase`` such as a cluster id).
Not overridable → the error dialog, only Close.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.content import Content

from tui.core.tofu.plan.gate import GateDecision, GateMode, GatePolicy, gate_decision, gate_policy
from tui.core.tofu.plan.review import PlanReview
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog
from tui.widgets.plan_review_view import counts_text

__all__ = ["ApplyGate", "GateDecision"]  # GateDecision is core's; callers may take it here

MAX_LISTED = 50  # issues listed in the dialog; the review screen has them all
PLAN_VERBS = frozenset({"Apply", "Approve"})  # "<verb> this plan?" reads as a sentence


class ApplyGate:
    """Confirm (or refuse) the apply of a reviewed plan, as its policy says."""

    def __init__(
        self,
        review: PlanReview,
        *,
        required_phrase: str = "",
        phrase_meaning: str = "",
        apply_label: str = "Apply",
        destructive: bool = True,  # the safe default: Cancel focused unless it only approves
    ) -> None:
        self.review = review
        self.destructive = destructive  # the answer applies at once: the dialog opens on Cancel
        self.policy: GatePolicy = gate_policy(review, required_phrase)
        self.phrase_meaning = phrase_meaning
        self.apply_label = apply_label

    def ask(self, app: App[object], decided: Callable[[GateDecision], None]) -> None:
        """Open the gate's dialog; ``decided`` gets the operator's decision when it closes."""
        mode = self.policy.mode
        if mode is GateMode.CONFIRM:
            confirm = ConfirmDialog(
                self.question(),
                self.body(),
                confirm=self.apply_label,
                destructive=self.destructive,
                key="y",  # y confirms; Enter confirms only an approval (Cancel focused otherwise)
                cancel_key="n",
                dialog_id="gate-dialog",
            )
            app.push_screen(confirm, lambda yes: decided(self.decision(bool(yes))))
        elif mode is GateMode.TYPE_PHRASE:
            typed = TypedPhraseDialog(
                self.title(),
                self.body(),
                self.policy.phrase,
                action=self.apply_label,
                meaning=self.phrase_meaning,
                dialog_id="gate-dialog",
            )
            app.push_screen(typed, lambda answer: decided(self.decision(answer)))
        else:
            refused = ErrorDialog(self.title(), self.body())
            app.push_screen(refused, lambda _: decided(self.decision(None)))

    def title(self) -> str:
        if self.policy.mode is GateMode.REFUSE:
            return "This plan cannot be applied"
        if self.review.blocked:
            return "Unexpected destroy or replace: confirm deliberately"
        return self.question()

    def question(self) -> str:
        """``Apply this plan?``; an action named for what it does reads
        ``Destroy the old cache: apply this plan?``."""
        if self.apply_label in PLAN_VERBS:
            return f"{self.apply_label} this plan?"
        return f"{self.apply_label}: apply this plan?"

    def body(self) -> Content:
        """The counts, why the gate asks what it asks, and the unexpected changes."""
        text = counts_text(self.review)
        if self.policy.why:
            text = text.append("\n" + "\n".join(self.policy.why))
        else:  # every change expected (a phrase is asked all the same): say what goes
            text = text.append(f"\nEvery change is expected at stage '{self.review.stage}'.")
            destroyed = [r for r in self.review.reviewed if r.change.destroys]
            if destroyed:
                text = text.append(f"\nIt destroys {len(destroyed)}:")
            for reviewed in destroyed[:MAX_LISTED]:
                text = text.append_text(f"\n• {reviewed.change.display_address}", "bold")
                text = text.append_text(f"  {reviewed.reason}", "dim")
        issues = self.review.issues
        if issues:
            text = text.append("\n")
        for issue in issues[:MAX_LISTED]:
            style = "$error" if issue.blocking else "$warning"
            text = text.append_text("\n• " + issue.display_address, f"bold {style}")
            actions = ", then ".join(issue.actions) or "missing from the plan"
            text = text.append_text(f"\n  {actions}: {issue.reason}", style)
        if len(issues) > MAX_LISTED:
            more = f"\n… and {len(issues) - MAX_LISTED} more (see the review)"
            text = text.append_text(more, "dim")
        return text

    def decision(self, answer: bool | TypedPhrase | None) -> GateDecision:
        """The decision an answer of the dialog stands for (only the policy's answer confirms)."""
        typed = answer.phrase if isinstance(answer, TypedPhrase) else None
        return gate_decision(self.policy, self.review, confirmed=answer is True, typed=typed)
