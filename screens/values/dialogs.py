"""Dialogs of the values step: edit, search, auto-fill preview, save override, final diff."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.core.values.alignment import Row, RowStatus
from tui.core.values.commands import AutoFillItem
from tui.core.values.draft import Draft, DraftStale
from tui.core.values.known import KnownFill, KnownUnfilled
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.frame import DIALOG_CSS, buttons
from tui.widgets.dialogs.reason import ReasonDialog
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog

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


BODY_WIDTH = 64  # a wide dialog's body at 80 columns (bodies do not wrap by themselves)


def change_lines(before: str, after: str) -> list[Content]:
    """``    before  →  after``: what a placeholder holds, and what it gets; on two lines
    (``      →  after`` under it) when one would not fit at 80 columns."""
    if 4 + len(before) + 5 + len(after) <= BODY_WIDTH:
        return [Content.assemble("    ", (before, "$error"), "  →  ", (after, "$success"))]
    return [
        Content.assemble("    ", (before, "$error")),
        Content.assemble("      →  ", (after, "$success")),
    ]


def auto_fill_dialog(
    items: list[AutoFillItem], fills: list[KnownFill], unfilled: list[KnownUnfilled]
) -> ConfirmDialog:
    """What auto-fill will do: placeholders given their previous value, previous values
    carried into the template's open maps, values the wizard knows with their source, then
    the known placeholders left and why (secrets masked)."""
    placeholders = [item for item in items if not item.carried]
    carried = [item for item in items if item.carried]
    body: list[Content] = []
    if placeholders:
        body.append(Content.styled("Placeholders, from the previous values:", "bold underline"))
    for item in placeholders:
        body.append(Content.styled(item.label, "bold"))
        body.extend(change_lines(item.template_shown, item.previous_shown))
    if carried:
        body.append(Content.styled("Carried into the template's open maps:", "bold underline"))
    for item in carried:
        body.append(Content.styled(item.label, "bold"))
        body.extend(change_lines(item.template_shown, item.previous_shown))
    if fills:
        body.append(Content.styled("Known to the wizard:", "bold underline"))
    for fill in fills:
        body.append(Content.assemble((fill.label, "bold"), f"  {fill.origin}"))
        body.extend(change_lines(fill.template_shown, fill.filled_shown))
    if unfilled:
        body.append(Content.styled("Left as they are:", "bold underline"))
    for left in unfilled:
        body.append(Content.assemble((left.label, "bold"), f"  < {left.placeholder} >"))
        reason = f"not filled: {left.reason}"
        # Narrow enough for the dialog at 80 columns: the body does not wrap by itself.
        for line in textwrap.wrap(reason, 48, break_on_hyphens=False, break_long_words=False):
            body.append(Content.styled(f"    {line}", "$warning"))
    filled = len(placeholders) + len(fills)
    said = [f"fill {filled} placeholder(s)"] if filled else []
    if carried:
        said.append(f"carry {len(carried)} previous value(s) into open maps")
    what = " and ".join(said) or "change nothing"
    return ConfirmDialog(
        f"Auto-fill: {what}",
        [
            *wrapped(
                "Each value below is set as shown: from the previous release's file, or from "
                "what the wizard reads (one undo reverts all)."
            ),
            Content(),
            *body,
        ],
        confirm="Fill and carry" if filled and carried else "Carry" if carried else "Fill",
        cancel="Cancel (Esc)",
        key="y",
        dialog_id="values-autofill-dialog",
        wide=True,
    )


def wrapped(text: str) -> list[Content]:
    """A sentence as lines narrow enough for a wide dialog at 80 columns (bodies do not wrap)."""
    return [Content(line) for line in textwrap.wrap(text, BODY_WIDTH, break_on_hyphens=False)]


def restore_draft_dialog(draft: Draft) -> ConfirmDialog:
    """Unsaved edits of an earlier session, on the same files: restore (the default) or discard."""
    when = draft.written_at.split(".")[0].replace("T", " ") or "an earlier session"
    said = (
        f"{len(draft.applied)} edit(s) you had not saved ({when}) were kept as a draft. "
        "Restore them (r), or discard them (d):"
    )
    return ConfirmDialog(
        "Unsaved values edits found",
        [
            *wrapped(said),
            Content(),
            *(Content(f"  {line}") for line in draft.describe()),
        ],
        confirm="Discard them",
        cancel="Restore",
        key="d",
        cancel_key="r",
        destructive=True,
        dialog_id="values-draft-dialog",
        wide=True,
    )


def stale_draft_dialog(stale: DraftStale) -> ConfirmDialog:
    """A draft that does not apply: said plainly, never applied; kept aside (default) or dropped."""
    lines = wrapped(f"A draft of unsaved values edits does not apply: {stale.reason}.")
    lines.append(Content("It is not applied."))
    if stale.draft is not None:
        lines += [Content(), Content("It held (redo them by hand if they still matter):")]
        lines += [Content(f"  {line}") for line in stale.draft.describe()]
    lines += [Content(), Content(f"Keep aside (k) moves it next to {stale.path.name} to read.")]
    return ConfirmDialog(
        "Unsaved values edits that no longer apply",
        lines,
        confirm="Discard it",
        cancel="Keep aside",
        key="d",
        cancel_key="k",
        destructive=True,
        dialog_id="values-stale-draft-dialog",
        wide=True,
    )


def drop_all_dialog(rows: list[Row], pattern: re.Pattern[str]) -> TypedPhraseDialog:
    """Drop every undecided previous value at once: listed, then a typed phrase."""
    body = [Content("These previous values would not be in the new file:"), Content()]
    for row in rows:
        kind = "orphan" if row.status == RowStatus.ORPHAN else "for an open map"
        body.append(Content.assemble((row.label, "bold"), f"  {kind}: {row.prev_shown(pattern)}"))
    body += [Content(), Content("The list is written to the journal; u undoes it.")]
    return TypedPhraseDialog(
        f"Drop {len(rows)} undecided value(s)?",
        body,
        f"drop {len(rows)}",
        action="Drop them",
        meaning="leave them out of the new file",
        dialog_id="values-drop-all-dialog",
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
