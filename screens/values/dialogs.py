"""Dialogs of the values step: edit, search, auto-fill preview, save override, final diff."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.core.values.commands import AutoFillItem
from tui.core.values.known import KnownFill, KnownUnfilled
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.frame import DIALOG_CSS, buttons
from tui.widgets.dialogs.reason import ReasonDialog

# Additions in the success colour, removals in the error colour, hunk headers apart.
DIFF_STYLES = (
    ("+++", "bold"),
    ("---", "bold"),
    ("+", "$success"),
    ("-", "$error"),
    ("@@", "$text-secondary"),
)


def diff_lines(diff: str) -> list[Content]:
    """A unified diff, one line each, coloured by what the line does."""
    out = []
    for line in diff.splitlines():
        style = next((s for prefix, s in DIFF_STYLES if line.startswith(prefix)), "")
        out.append(Content.styled(line, style))
    return out


@dataclass(frozen=True, slots=True)
class EnteredText:
    """What the operator typed in a prompt (as typed: a value may hold meaningful spaces)."""

    value: str


class TextPromptDialog(ModalScreen[EnteredText | None]):
    """One line of text from the operator; Enter accepts, Esc cancels."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        explanation: str,
        value: str = "",
        *,
        password: bool = False,
        required: str = "",
        dialog_id: str = "values-prompt",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.explanation = explanation
        self.value = value
        self.password = password
        self.required = required  # message shown when the operator submits nothing
        self.dialog_id = dialog_id

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="dialog-frame -wide"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.explanation, markup=False, classes="dialog-body")
            yield Input(self.value, password=self.password, id="dialog-input")
            yield Static("", id="dialog-problem", classes="dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield from buttons("Cancel (Esc)", "OK (Enter)", destructive=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#dialog-confirm")
    def accept(self) -> None:
        text = self.query_one(Input).value
        if self.required and not text.strip():
            self.query_one("#dialog-problem", Static).update(self.required)
            return
        self.dismiss(EnteredText(text))

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def edit_dialog(label: str, current: str, secret: bool) -> TextPromptDialog:
    """Edit one value in place; a secret is typed blind and never prefilled."""
    explanation = (
        "Type the new value (one line). Quote it to keep it as text: \"0755\", 'yes'."
        if not secret
        else "This key looks secret: type the new value; it is not shown and not logged."
    )
    return TextPromptDialog(
        f"Edit {label}",
        explanation,
        "" if secret else current,
        password=secret,
        dialog_id="values-edit-dialog",
    )


def search_dialog() -> TextPromptDialog:
    return TextPromptDialog(
        "Search by key path",
        "Part of a key path, e.g. smtp.password or buckets (case does not matter).",
        required="Type part of a key path.",
        dialog_id="values-search-dialog",
    )


def override_dialog(placeholders: list[str]) -> ReasonDialog:
    """Saving with placeholders left needs a typed reason (journaled)."""
    listed = "\n".join(f"  {label}" for label in placeholders[:8])
    more = f"\n  … and {len(placeholders) - 8} more" if len(placeholders) > 8 else ""
    return ReasonDialog(
        f"{len(placeholders)} placeholder(s) left",
        "Helm would deploy these literally:\n"
        f"{listed}{more}\n\nFill them first (p goes to the next one), or type why you save "
        "anyway. The reason is written to the journal.",
        action="Save anyway",
        placeholder="Why save with placeholders left (goes into the journal)",
        refusal="A reason is needed to save with placeholders left (Esc goes back).",
        dialog_id="values-override-dialog",
    )


def change_line(before: str, after: str) -> Content:
    """``    before  →  after``: what a placeholder holds, and what it gets."""
    return Content.assemble("    ", (before, "$error"), "  →  ", (after, "$success"))


def auto_fill_dialog(
    items: list[AutoFillItem], fills: list[KnownFill], unfilled: list[KnownUnfilled]
) -> ConfirmDialog:
    """What auto-fill will do: previous values, then known values with their source, then
    the known placeholders left and why (secrets masked)."""
    body: list[Content] = []
    for item in items:
        body.append(Content.styled(item.label, "bold"))
        body.append(change_line(item.template_shown, item.previous_shown))
    if fills:
        body.append(Content.styled("Known to the wizard:", "bold underline"))
    for fill in fills:
        body.append(Content.assemble((fill.label, "bold"), f"  {fill.origin}"))
        body.append(change_line(fill.template_shown, fill.filled_shown))
    if unfilled:
        body.append(Content.styled("Left as they are:", "bold underline"))
    for left in unfilled:
        body.append(Content.assemble((left.label, "bold"), f"  < {left.placeholder} >"))
        reason = f"not filled: {left.reason}"
        # Narrow enough for the dialog at 80 columns: the body does not wrap by itself.
        for line in textwrap.wrap(reason, 48, break_on_hyphens=False, break_long_words=False):
            body.append(Content.styled(f"    {line}", "$warning"))
    count = len(items) + len(fills)
    return ConfirmDialog(
        f"Auto-fill {count} placeholder(s)",
        [
            Content(
                "Each placeholder below gets the previous release's value, or a value the "
                "wizard knows (one undo reverts all)."
            ),
            Content(),
            *body,
        ],
        confirm=f"Fill {count} values",
        cancel="Cancel (Esc)",
        key="y",
        dialog_id="values-autofill-dialog",
        wide=True,
    )


def save_dialog(
    destination: str,
    diff: str,
    changed_lines: int,
    backups: list[str],
    override: str | None,
    warning: str | None = None,
) -> ConfirmDialog:
    """The final unified diff (secrets already masked by the core) before anything is written."""
    kept = "; ".join(backups) if backups else "nothing to back up (already kept)"
    intro = f"{changed_lines} line(s) change in {destination}. Kept first: {kept}."
    if override:
        intro += f"\nPlaceholders are left; your reason is journaled: {override}"
    body = diff_lines(diff) or [Content("No line changes: the file is written as it is.")]
    return ConfirmDialog(
        f"Save {destination}?",
        [*(Content(line) for line in intro.splitlines()), Content(), *body],
        confirm="Write the file",
        cancel="Cancel (Esc)",
        key="y",
        warning=warning or "",
        dialog_id="values-save-dialog",
        wide=True,
    )
