"""The apply gate: the last question before a reviewed plan is applied.

``ApplyGate(review)`` dismisses with True only when the operator confirmed.
Nothing unexpected → a focused Apply button (one key). An unexpected destroy or
replace that may be overridden → Cancel is focused, Apply stays disabled until
the exact phrase (``destroy N``, plus any ``required_phrase`` such as a cluster
id) is typed. Not overridable → only Close. After dismissal, ``gate.decision``
says what was confirmed and typed, for ``Journal.decision``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.core.tofu.plan.gate import GateMode, GatePolicy, gate_policy
from tui.core.tofu.plan.review import PlanReview
from tui.widgets.plan_review_view import PLAN_REVIEW_CSS, counts_text

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


class ApplyGate(ModalScreen[bool]):
    """Confirm (or refuse) the apply of a reviewed plan."""

    DEFAULT_CSS = PLAN_REVIEW_CSS
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        review: PlanReview,
        *,
        required_phrase: str = "",
        phrase_meaning: str = "",
        apply_label: str = "Apply",
    ) -> None:
        super().__init__()
        self.review = review
        self.policy: GatePolicy = gate_policy(review, required_phrase)
        self.phrase_meaning = phrase_meaning
        self.apply_label = apply_label
        self.decision = GateDecision(False, self.policy.mode, "", ())

    def compose(self) -> ComposeResult:
        mode = self.policy.mode
        with Vertical(id="gate-dialog", classes=f"-{mode.value}"):
            yield Label(self._title(), id="gate-title")
            yield Static(counts_text(self.review), id="gate-counts")
            yield Static("\n".join(self.policy.why), id="gate-why", markup=False)
            listed = self._issues_text()
            if listed:
                with VerticalScroll(id="gate-list"):
                    yield Static(listed, id="gate-issues")
            if mode is GateMode.TYPE_PHRASE:
                yield Static(self._phrase_prompt(), id="gate-phrase-label")
                yield Input(placeholder="type the phrase here", id="gate-phrase")
                yield Static("", id="gate-mismatch", markup=False)
            with Horizontal(id="gate-buttons"):
                if mode is GateMode.REFUSE:
                    yield Button("Close", id="gate-close", variant="primary")
                else:
                    yield Button("Cancel", id="gate-cancel")
                    yield Button(
                        self.apply_label,
                        id="gate-apply",
                        variant="error" if mode is GateMode.TYPE_PHRASE else "success",
                        disabled=mode is GateMode.TYPE_PHRASE,
                    )

    def on_mount(self) -> None:
        focus = {
            GateMode.CONFIRM: "#gate-apply",
            GateMode.TYPE_PHRASE: "#gate-cancel",
            GateMode.REFUSE: "#gate-close",
        }[self.policy.mode]
        self.query_one(focus, Button).focus()

    def _title(self) -> Text:
        if self.policy.mode is GateMode.REFUSE:
            return Text("This plan cannot be applied", "bold red")
        if self.review.blocked:
            return Text("Unexpected destroy or replace: confirm deliberately", "bold red")
        return Text(f"{self.apply_label} this plan?", "bold")

    def _phrase_prompt(self) -> Text:
        text = Text("Type exactly ")
        text.append(f" {self.policy.phrase} ", "bold reverse")
        if self.phrase_meaning:
            text.append(f" ({self.phrase_meaning})")
        text.append(f" to enable {self.apply_label}. Tab moves between the box and the buttons.")
        return text

    def _issues_text(self) -> Text:
        issues = self.review.issues
        text = Text()
        for issue in issues[:MAX_LISTED]:
            style = "red" if issue.blocking else "yellow"
            text.append("• " + issue.display_address, f"bold {style}")
            text.append(f"  {list(issue.actions)}\n  {issue.reason}\n", style)
        if len(issues) > MAX_LISTED:
            text.append(f"… and {len(issues) - MAX_LISTED} more (see the review)", "dim")
        text.rstrip()
        return text

    # -- the operator's answer ----------------------------------------------------
    def phrase_matches(self) -> bool:
        if self.policy.mode is not GateMode.TYPE_PHRASE:
            return self.policy.mode is GateMode.CONFIRM
        return self.query_one("#gate-phrase", Input).value == self.policy.phrase

    @on(Input.Changed, "#gate-phrase")
    def _phrase_changed(self) -> None:
        self.query_one("#gate-apply", Button).disabled = not self.phrase_matches()
        self.query_one("#gate-mismatch", Static).update("")

    @on(Input.Submitted, "#gate-phrase")
    def _phrase_submitted(self) -> None:
        if self.phrase_matches():
            self.confirm()
        else:
            self.query_one("#gate-mismatch", Static).update(
                f"That is not the phrase. Type exactly: {self.policy.phrase}"
            )

    @on(Button.Pressed, "#gate-apply")
    def _apply_pressed(self) -> None:
        self.confirm()

    @on(Button.Pressed, "#gate-cancel, #gate-close")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def confirm(self) -> None:
        """Dismiss with True, only if the policy allows it and the phrase matches."""
        if not self.policy.can_apply or not self.phrase_matches():
            return
        typed = self.policy.phrase if self.policy.mode is GateMode.TYPE_PHRASE else ""
        overridden = tuple(issue.display_address for issue in self.review.blockers)
        self.decision = GateDecision(True, self.policy.mode, typed, overridden)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
