"""Dialogs of the values step: edit, search, auto-fill preview, save override, final diff."""

from __future__ import annotations

import textwrap

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Button, Input, Label, Static

from tui.core.values.commands import AutoFillItem
from tui.core.values.known import KnownFill, KnownUnfilled

DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("+", "green"), ("-", "red"), ("@@", "cyan"))


class TextLines(ScrollView, can_focus=True):
    """Many lines of styled text, rendered only where visible (a 5,000-line diff opens at once)."""

    def __init__(self, lines: list[Text], classes: str = "") -> None:
        super().__init__(classes=classes)
        self.lines = lines
        self.virtual_size = Size(max((cell_len(t.plain) for t in lines), default=0), len(lines))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        strip = Strip(list(self.lines[index].render(self.app.console)))
        left = round(self.scroll_offset.x)
        return strip.crop_extend(left, left + width, self.rich_style).apply_style(self.rich_style)

    def plain(self) -> str:
        return "\n".join(t.plain for t in self.lines)


def diff_lines(diff: str) -> list[Text]:
    """A unified diff, one Text per line: additions green, removals red, hunks cyan."""
    out = []
    for line in diff.splitlines():
        style = next((s for prefix, s in DIFF_STYLES if line.startswith(prefix)), "")
        out.append(Text(line, style, no_wrap=True, end=""))
    return out


class TextPromptDialog(ModalScreen[str | None]):
    """One line of text from the operator; Enter accepts, Esc cancels."""

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
        with Vertical(id=self.dialog_id, classes="dialog values-dialog"):
            yield Label(self.title_text, classes="values-dialog-title")
            yield Static(self.explanation, markup=False, classes="values-dialog-text")
            yield Input(self.value, password=self.password, id="values-prompt-input")
            yield Static("", id="values-prompt-problem", markup=False)
            with Horizontal(classes="values-dialog-buttons"):
                yield Button("OK (Enter)", variant="primary", id="ok")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def accept(self) -> None:
        text = self.query_one(Input).value
        if self.required and not text.strip():
            self.query_one("#values-prompt-problem", Static).update(self.required)
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A scrollable body and a confirm key; Esc cancels. Nothing happens before the key."""

    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel"),
        Binding("y", "answer(True)", "Confirm"),
    ]

    def __init__(
        self,
        title: str,
        intro: str,
        body: list[Text],
        confirm: str,
        dialog_id: str,
        warning: str | None = None,
    ) -> None:
        super().__init__()
        self.warning = warning  # one red line above the body
        self.title_text = title
        self.intro = intro
        self.body = body
        self.confirm = confirm
        self.dialog_id = dialog_id

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="dialog values-dialog values-tall-dialog"):
            yield Label(self.title_text, classes="values-dialog-title")
            yield Static(self.intro, markup=False, classes="values-dialog-text")
            if self.warning:
                yield Static(Text(self.warning, "bold red"), id="values-dialog-warning")
            yield TextLines(self.body, classes="values-dialog-body")
            with Horizontal(classes="values-dialog-buttons"):
                yield Button(f"{self.confirm} (y)", variant="primary", id="confirm")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TextLines).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")


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


def override_dialog(placeholders: list[str]) -> TextPromptDialog:
    """Saving with placeholders left needs a typed reason (journaled)."""
    listed = "\n".join(f"  {label}" for label in placeholders[:8])
    more = f"\n  … and {len(placeholders) - 8} more" if len(placeholders) > 8 else ""
    return TextPromptDialog(
        f"{len(placeholders)} placeholder(s) left",
        "Helm would deploy these literally:\n"
        f"{listed}{more}\n\nFill them first (p goes to the next one), or type why you save "
        "anyway. The reason is written to the journal.",
        required="A reason is needed to save with placeholders left (Esc goes back).",
        dialog_id="values-override-dialog",
    )


def auto_fill_dialog(
    items: list[AutoFillItem], fills: list[KnownFill], unfilled: list[KnownUnfilled]
) -> ConfirmDialog:
    """What auto-fill will do: previous values, then known values with their source, then
    the known placeholders left and why (secrets masked)."""
    body = []
    for item in items:
        body.append(Text(item.label, "bold", end=""))
        body.append(Text.assemble("    ", (item.template_shown, "red"), "  →  ",
                                  (item.previous_shown, "green"), end=""))  # fmt: skip
    if fills:
        body.append(Text("Known to the wizard:", "bold underline", end=""))
    for fill in fills:
        body.append(Text.assemble((fill.label, "bold"), f"  {fill.origin}", end=""))
        body.append(Text.assemble("    ", (fill.template_shown, "red"), "  →  ",
                                  (fill.filled_shown, "green"), end=""))  # fmt: skip
    if unfilled:
        body.append(Text("Left as they are:", "bold underline", end=""))
    for left in unfilled:
        body.append(Text.assemble((left.label, "bold"), f"  < {left.placeholder} >", end=""))
        reason = f"not filled: {left.reason}"
        # Narrow enough for the dialog at 80 columns: the body does not wrap by itself.
        for line in textwrap.wrap(reason, 48, break_on_hyphens=False, break_long_words=False):
            body.append(Text(f"    {line}", "yellow", end=""))
    count = len(items) + len(fills)
    return ConfirmDialog(
        f"Auto-fill {count} placeholder(s)",
        "Each placeholder below gets the previous release's value, or a value the wizard "
        "knows (one undo reverts all).",
        body,
        f"Fill {count} values",
        "values-autofill-dialog",
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
    body = diff_lines(diff) or [Text("No line changes: the file is written as it is.")]
    return ConfirmDialog(
        f"Save {destination}?", intro, body, "Write the file", "values-save-dialog", warning
    )
