"""Stage 4, after the teardown: tfvars settings of the parked file's variables.

Once the teardown is applied, the variables declared only in the parked file are still
set in ``terraform.tfvars`` (found in core); the operator may comment them out, a
backup first, each file operation journaled.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.stage4.leftover_vars import (
    LeftoverVariables,
    comment_out_leftovers,
    find_leftover_variables,
)
from tui.screens.error_text import error_text
from tui.screens.stage4.render import leftover_text
from tui.screens.stage4.sections import Stage4Context, wizard_of
from tui.widgets.dialogs.confirm import ConfirmDialog


class LeftoversSection(Vertical):
    """The leftover settings, and the offer to comment them out (backup first)."""

    DEFAULT_CSS = "LeftoversSection { height: auto; }"

    def __init__(self) -> None:
        super().__init__(id="s4-leftovers-section")
        self.context: Stage4Context | None = None
        self.leftovers: LeftoverVariables | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="s4-leftovers", markup=False)
        yield Button(
            "Comment them out (backup first)…",
            id="s4-leftovers-comment",
            variant="warning",
            compact=True,
        )

    def on_mount(self) -> None:
        self.query_one("#s4-leftovers").display = False
        self.query_one("#s4-leftovers-comment").display = False

    def look_for_leftovers(self, context: Stage4Context) -> None:
        self.context = context
        shown = self.query_one("#s4-leftovers", Static)
        shown.display = True
        try:
            self.leftovers = find_leftover_variables(context.target.terraform_dir, context.playbook)
        except MocmError as exc:
            self.leftovers = None
            shown.update(error_text(exc, "Cannot read the tfvars"))
            self.query_one("#s4-leftovers-comment").display = False
            return
        shown.update(leftover_text(self.leftovers))
        self.query_one("#s4-leftovers-comment").display = bool(self.leftovers.assignments)

    @on(Button.Pressed, "#s4-leftovers-comment")
    def comment_out_asked(self) -> None:
        leftovers = self.leftovers
        if leftovers is None or not leftovers.assignments:
            return
        body = (
            f"Comment out {', '.join(leftovers.names)} in {leftovers.tfvars.name}?\n"
            f"A backup ({leftovers.tfvars.name}.pre-stage4) is written first; the new file "
            "is checked to keep every other setting."
        )

        def answered(yes: bool | None) -> None:
            if yes and self.context is not None:
                self.comment_out(self.context, leftovers)

        self.app.push_screen(
            ConfirmDialog("Comment out the leftover settings", body, confirm="Comment out"),
            answered,
        )

    def comment_out(self, context: Stage4Context, leftovers: LeftoverVariables) -> None:
        note = (
            f"commented out by mocm-upgrade after Stage 4: declared only in {leftovers.parked_file}"
        )
        try:
            done = comment_out_leftovers(leftovers, note)
        except MocmError as exc:
            self.query_one("#s4-leftovers", Static).update(error_text(exc, "Nothing was written"))
            return
        session = wizard_of(self).session
        if session is not None:
            for op in done.file_ops:
                session.journal.append(op)
        self.look_for_leftovers(context)
        self.query_one("#s4-leftovers", Static).update(
            Content.styled(
                f"Commented out {', '.join(done.names)}; backup {done.backup.name} (journaled).",
                "bold $success",
            )
        )
        self.notify(f"Commented out {len(done.names)} setting(s); backup {done.backup.name}.")
