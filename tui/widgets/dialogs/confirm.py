"""The one confirm dialog: a question, what it will do, Cancel and the action.

``destructive=True`` (an action that loses work or changes what runs in production):
Cancel has the focus when the dialog opens, so Enter cancels; the operator moves to the
action button or presses the action's key. Otherwise the action (or a long body, to
scroll it) has the focus. Escape always cancels. The answer is True only for the action.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from tui.widgets.dialogs.frame import (
    DIALOG_CSS,
    DialogBody,
    TextLines,
    action_label,
    body_widget,
    buttons,
)
from tui.widgets.dialogs.kept_keys import DialogScreen


class ConfirmDialog(DialogScreen[bool]):
    """Ask before an action; dismisses with True (the action) or False (Cancel, Escape)."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "answer(False)", "Cancel")]

    def __init__(
        self,
        title: str,
        body: DialogBody,
        *,
        confirm: str = "Yes",
        cancel: str = "Cancel",
        destructive: bool = False,
        key: str | None = None,
        cancel_key: str | None = None,
        warning: str = "",
        note: str = "",
        dialog_id: str = "confirm-dialog",
        wide: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm
        self.cancel_label = cancel
        self.destructive = destructive
        self.key = key  # presses the action from anywhere in the dialog
        self.cancel_key = cancel_key
        self.warning = warning  # one line above the body, in the error colour
        self.note = note  # below the body, muted
        self.dialog_id = dialog_id
        self.tall = not isinstance(body, str) and isinstance(body, list | tuple)
        self.wide = wide

    def compose(self) -> ComposeResult:
        frame = Vertical(id=self.dialog_id, classes="dialog-frame")
        frame.set_class(self.destructive, "-destructive")
        frame.set_class(self.tall, "-tall")
        frame.set_class(self.wide, "-wide")
        with frame:
            yield Label(self.title_text, classes="dialog-title")
            if self.warning:
                yield Static(self.warning, classes="dialog-warning", markup=False)
            yield body_widget(self.body)
            if self.note:
                yield Static(self.note, classes="dialog-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield from buttons(
                    action_label(self.cancel_label, self.cancel_key),
                    action_label(self.confirm_label, self.key),
                    destructive=self.destructive,
                )

    def first_focus(self) -> Widget | None:
        if self.destructive:
            return self.query_one("#dialog-cancel", Button)
        if self.tall:
            return self.query_one(TextLines)  # arrows scroll the body; the key confirms
        return self.query_one("#dialog-confirm", Button)

    def dialog_key(self, key: str) -> bool:
        if self.key is not None and key == self.key:
            self.dismiss(True)
            return True
        if self.cancel_key is not None and key == self.cancel_key:
            self.dismiss(False)
            return True
        return False

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "dialog-confirm")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
