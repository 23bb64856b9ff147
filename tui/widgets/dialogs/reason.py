"""The one reason dialog: the operator writes why it is safe to go on; the reason is journaled.

The reason field has the focus (typing it is the deliberate act). The action stays
disabled while the reason is empty, and Enter on an empty reason says what is missing.
``destructive=True`` marks an action that changes production (the frame and the
button in the error colour). The answer is a :class:`GivenReason`, or None (Cancel, Escape).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from tui.widgets.dialogs.frame import DIALOG_CSS, DialogBody, body_widget, buttons
from tui.widgets.dialogs.kept_keys import DialogScreen


@dataclass(frozen=True, slots=True)
class GivenReason:
    """Why the operator goes on: trimmed, never empty."""

    text: str


class ReasonDialog(DialogScreen[GivenReason | None]):
    """Ask for the operator's reason before an action the checks would refuse."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        body: DialogBody,
        *,
        action: str = "Record",
        cancel: str = "Cancel",
        placeholder: str = "Why it is safe to go on (goes into the journal)",
        refusal: str = "Type a reason first: nothing is recorded without one.",
        destructive: bool = False,
        dialog_id: str = "reason-dialog",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.action_text = action
        self.cancel_text = cancel
        self.placeholder = placeholder
        self.refusal = refusal  # said when the operator submits an empty reason
        self.destructive = destructive
        self.dialog_id = dialog_id

    def compose(self) -> ComposeResult:
        frame = Vertical(id=self.dialog_id, classes="dialog-frame")
        frame.set_class(self.destructive, "-destructive")
        with frame:
            yield Label(self.title_text, classes="dialog-title")
            yield body_widget(self.body)
            yield Input(placeholder=self.placeholder, id="dialog-input", compact=True)
            yield Static("", id="dialog-problem", classes="dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield from buttons(
                    self.cancel_text, self.action_text, destructive=self.destructive, disabled=True
                )

    def first_focus(self) -> Widget | None:
        return self.query_one("#dialog-input", Input)

    @property
    def reason(self) -> str:
        return self.query_one("#dialog-input", Input).value.strip()

    @on(Input.Changed, "#dialog-input")
    def typed(self) -> None:
        self.query_one("#dialog-confirm", Button).disabled = not self.reason
        self.query_one("#dialog-problem", Static).update("")

    @on(Input.Submitted, "#dialog-input")
    @on(Button.Pressed, "#dialog-confirm")
    def record(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        if not self.reason:
            self.query_one("#dialog-problem", Static).update(self.refusal)
            return
        self.dismiss(GivenReason(self.reason))

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
