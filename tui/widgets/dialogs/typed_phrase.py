"""The one typed-phrase dialog: a dangerous action goes ahead only once a phrase is typed.

Always destructive: Cancel has the focus when it opens (Enter cancels) and the action
stays disabled until :func:`tui.core.confirmation.check_phrase` says the text matches.
Shift+Tab reaches the phrase field; Enter there confirms once the phrase matches, and
says what is wrong otherwise. Keys typed right after it opens are kept (``kept_keys``).
The answer is a :class:`TypedPhrase`, or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from tui.core.confirmation import PhraseCheck, check_phrase, phrase_problem
from tui.widgets.dialogs.frame import DIALOG_CSS, DialogBody, body_widget, buttons
from tui.widgets.dialogs.kept_keys import DialogScreen


@dataclass(frozen=True, slots=True)
class TypedPhrase:
    """The phrase the operator typed (exactly the one asked for), for the journal."""

    phrase: str


def phrase_prompt(phrase: str, meaning: str, action: str) -> Content:
    """``Type exactly  destroy 1  (what it means) to enable "Apply".`` (the button's name
    quoted: a name such as "Destroy the old cache" then reads as one)."""
    prompt = Content("Type exactly ").append(Content.styled(f" {phrase} ", "bold reverse"))
    if meaning:
        prompt = prompt.append(f" ({meaning})")
    return prompt.append(
        f' to enable "{action}". Shift+Tab reaches the box; Tab moves on to the buttons.'
    )


class TypedPhraseDialog(DialogScreen[TypedPhrase | None]):
    """Ask for ``phrase`` before ``action``; Cancel and Escape answer None."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        body: DialogBody,
        phrase: str,
        *,
        action: str,
        meaning: str = "",
        cancel: str = "Cancel",
        dialog_id: str = "phrase-dialog",
    ) -> None:
        super().__init__()
        check_phrase(phrase, phrase)  # a phrase nobody could type is a bug: fail now
        self.title_text = title
        self.body = body
        self.phrase = phrase
        self.action_text = action
        self.meaning = meaning
        self.cancel_text = cancel
        self.dialog_id = dialog_id

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="dialog-frame -destructive"):
            yield Label(self.title_text, classes="dialog-title")
            yield body_widget(self.body)
            yield Static(
                phrase_prompt(self.phrase, self.meaning, self.action_text),
                classes="dialog-prompt",
            )
            yield Input(placeholder="type the phrase here", id="dialog-input", compact=True)
            yield Static("", id="dialog-problem", classes="dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield from buttons(
                    self.cancel_text, self.action_text, destructive=True, disabled=True
                )

    def first_focus(self) -> Widget | None:
        return self.query_one("#dialog-cancel", Button)

    def check(self) -> PhraseCheck:
        return check_phrase(self.query_one("#dialog-input", Input).value, self.phrase)

    @on(Input.Changed, "#dialog-input")
    def typed(self) -> None:
        self.query_one("#dialog-confirm", Button).disabled = self.check() is not PhraseCheck.MATCHES
        self.query_one("#dialog-problem", Static).update("")

    @on(Input.Submitted, "#dialog-input")
    @on(Button.Pressed, "#dialog-confirm")
    def confirm(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        check = self.check()
        if check is not PhraseCheck.MATCHES:
            self.query_one("#dialog-problem", Static).update(phrase_problem(check, self.phrase))
            return
        self.dismiss(TypedPhrase(self.phrase))

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
