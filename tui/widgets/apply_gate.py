"""The apply gate: the last question before a reviewed plan is applied.

``ApplyGate(review).ask(app, decided)`` opens the dialog the plan's policy calls for
and hands ``decided`` a :class:`GateDecision`. Nothing unexpected → the confirm
dialog with Apply focused (one key). An unexpected destroy or replace that may be
overridden → the typed-phrase dialog (``destroy N``, plus any ``required_phrase``
such as a cluster id). Not overridable → the error dialog, only Close.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import App
from textual.content import Content

from tui.core.tofu.plan.gate import GateMode, GatePolicy, gate_policy
from tui.core.tofu.plan.review import PlanReview
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.dialogs.typed_phrase import TypedPhrase, TypedPhraseDialog
from tui.widgets.plan_review_view import counts_text

MAX_LISTED = 50  # issues listed in the dialog; the review screen has them all


@dataclass(frozen=True, slots=True)
class GateDecision:
    """What the operator did at the gate (no secret: addresses and the typed phrase)."""

    confirmed: bool
    mode: GateMode
    typed_phrase: str
    overridden: tuple[str, ...]  # unexpected destroys/replaces let through

    def journal_detail(self) -> str:
        """One sentence for ``Journal.decision``."""
        if not self.confirmed:
            return f"apply not confirmed (gate: {self.mode.value})"
        if self.mode is GateMode.CONFIRM:
            return "apply confirmed: every destroy and replace was expected"
        detail = f"apply confirmed by typing '{self.typed_phrase}'"
        if self.overridden:
            shown = ", ".join(self.overridden[:20])
            more = f" and {len(self.overridden) - 20} more" if len(self.overridden) > 20 else ""
            detail += f"; overrode {len(self.overridden)} unexpected destroy/replace: {shown}{more}"
        return detail


class ApplyGate:
    """Confirm (or refuse) the apply of a reviewed plan, as its policy says."""

    def __init__(
        self,
        review: PlanReview,
        *,
        required_phrase: str = "",
        phrase_meaning: str = "",
        apply_label: str = "Apply",
    ) -> None:
        self.review = review
        self.policy: GatePolicy = gate_policy(review, required_phrase)
        self.phrase_meaning = phrase_meaning
        self.apply_label = apply_label

    def ask(self, app: App[object], decided: Callable[[GateDecision], None]) -> None:
        """Open the gate's dialog; ``decided`` gets the operator's decision when it closes."""
        mode = self.policy.mode
        if mode is GateMode.CONFIRM:
            confirm = ConfirmDialog(
                f"{self.apply_label} this plan?",
                self.body(),
                confirm=self.apply_label,
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
        return f"{self.apply_label} this plan?"

    def body(self) -> Content:
        """The counts, why the gate asks what it asks, and the unexpected changes."""
        text = counts_text(self.review).append("\n" + "\n".join(self.policy.why))
        issues = self.review.issues
        if issues:
            text = text.append("\n")
        for issue in issues[:MAX_LISTED]:
            style = "$error" if issue.blocking else "$warning"
            text = text.append_text("\n• " + issue.display_address, f"bold {style}")
            text = text.append_text(f"  {list(issue.actions)}\n  {issue.reason}", style)
        if len(issues) > MAX_LISTED:
            more = f"\n… and {len(issues) - MAX_LISTED} more (see the review)"
            text = text.append_text(more, "dim")
        return text

    def decision(self, answer: bool | TypedPhrase | None) -> GateDecision:
        """The decision an answer of the dialog stands for (only the policy's answer confirms)."""
        mode = self.policy.mode
        confirmed = (mode is GateMode.CONFIRM and answer is True) or (
            mode is GateMode.TYPE_PHRASE
            and isinstance(answer, TypedPhrase)
            and answer.phrase == self.policy.phrase
        )
        if not confirmed:
            return GateDecision(False, mode, "", ())
        typed = self.policy.phrase if mode is GateMode.TYPE_PHRASE else ""
        overridden = tuple(issue.display_address for issue in self.review.blockers)
        return GateDecision(True, mode, typed, overridden)
