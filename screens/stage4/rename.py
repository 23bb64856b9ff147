"""Stage 4, section 5: the teardown's gate, and parking the old cache's file.

The gate's lines (each precondition, met, waived or not), the waivers the panel asks a
reason for, and the rename of the old cache's file to its parked name (journaled) and
back, from the screen. Once the teardown is applied the file stays parked.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.errors import MocmError
from tui.core.stage4.gate import Precondition, PreconditionState
from tui.core.tofu.parked_file import FileRename, park, unpark
from tui.screens.stage4.render import precondition_lines
from tui.screens.stage4.sections import Stage4Context, wizard_of

WAIVE_BUTTONS = {
    Precondition.REFERENCES: "#s4-waive-refs",
    Precondition.BUSINESS_CYCLE: "#s4-waive-cycle",
}


class RenameSection(Vertical):
    """Park the old cache's file (journaled), and undo it, from the screen."""

    class Renamed(Message):
        """The file was parked or unparked."""

    class WaiveAsked(Message):
        """The operator asks to waive one precondition (the panel asks the reason)."""

        def __init__(self, kind: Precondition) -> None:
            super().__init__()
            self.kind = kind

    def __init__(self) -> None:
        super().__init__(id="s4-rename")
        self.context: Stage4Context | None = None
        self.allowed = False
        self.locked = False  # the teardown was applied: the file stays parked

    def compose(self) -> ComposeResult:
        yield Static(id="s4-gate", markup=False)
        with Horizontal(id="s4-waivers", classes="s4-buttons"):
            yield Button("Waive references…", id="s4-waive-refs", compact=True)
            yield Button("Waive business cycle…", id="s4-waive-cycle", compact=True)
        with Horizontal(classes="s4-buttons"):
            yield Button("Park the file", id="s4-park", variant="warning", compact=True)
            yield Button("Undo rename", id="s4-unpark", compact=True)
        yield Static(id="s4-rename-status", markup=False)

    def configure(self, context: Stage4Context) -> None:
        self.context = context
        book = context.playbook
        self.query_one("#s4-park", Button).label = f"Park {book.active_name} → {book.parked_name}"
        self.show_files()

    def state(self) -> str:
        """``active``, ``parked``, ``both`` or ``missing``, from what is on disk."""
        if self.context is None:
            return "missing"
        folder, book = self.context.target.terraform_dir, self.context.playbook
        active = (folder / book.active_name).is_file()
        parked = (folder / book.parked_name).is_file()
        return {(True, False): "active", (False, True): "parked", (True, True): "both"}.get(
            (active, parked), "missing"
        )

    def update_gate(self, states: tuple[PreconditionState, ...], allowed: bool) -> None:
        """Show each precondition; parking is allowed only when the gate says so."""
        self.allowed = allowed
        self.query_one("#s4-gate", Static).update(precondition_lines(states))
        by_kind = {state.kind: state for state in states}
        for kind, selector in WAIVE_BUTTONS.items():
            state = by_kind.get(kind)
            button = self.query_one(selector, Button)
            button.display = state is not None and state.waivable and not state.holds
            button.disabled = state is None or state.met or self.locked
        self.query_one("#s4-waivers").display = any(
            self.query_one(selector).display for selector in WAIVE_BUTTONS.values()
        )
        self.show_files()

    @on(Button.Pressed, "#s4-waive-refs")
    def waive_references(self) -> None:
        self.post_message(self.WaiveAsked(Precondition.REFERENCES))

    @on(Button.Pressed, "#s4-waive-cycle")
    def waive_cycle(self) -> None:
        self.post_message(self.WaiveAsked(Precondition.BUSINESS_CYCLE))

    def show_files(self) -> None:
        if self.context is None:
            return
        book, state = self.context.playbook, self.state()
        words = {
            "active": (f"{book.active_name} is active: OpenTofu still manages the old cache.", ""),
            "parked": (
                f"{book.active_name} is parked as {book.parked_name}: the next plan destroys "
                "the old cache.",
                "bold $warning",
            ),
            "both": (
                f"Both {book.active_name} and {book.parked_name} exist: compare them and "
                "remove the stale copy by hand.",
                "bold $error",
            ),
            "missing": (
                f"Neither {book.active_name} nor {book.parked_name} exists.",
                "bold $error",
            ),
        }[state]
        self.query_one("#s4-rename-status", Static).update(Content.styled(*words))
        self.query_one("#s4-park", Button).disabled = state != "active" or not self.allowed
        self.query_one("#s4-unpark", Button).disabled = state != "parked" or self.locked

    def journal_rename(self, done: FileRename) -> None:
        session = wizard_of(self).session
        if session is None or not done.changed:
            return
        session.journal.file_op(
            "rename",
            done.directory / done.destination,
            sha256_after=done.sha256,
            sha256_before=done.sha256,
            source=done.directory / done.source,
            step="stage4",
        )

    @on(Button.Pressed, "#s4-park")
    def park_file(self) -> None:
        if self.context is not None and self.allowed:
            self.rename(park)

    @on(Button.Pressed, "#s4-unpark")
    def unpark_file(self) -> None:
        if self.context is not None and not self.locked:
            self.rename(unpark)

    def rename(self, how: object) -> None:
        assert self.context is not None and callable(how)
        try:
            done: FileRename = how(self.context.target.terraform_dir, self.context.playbook)
        except MocmError as exc:
            text = Content.styled(exc.message, "bold $error")
            if exc.hint:
                text = text.append_text("\n" + exc.hint, "$error")
            self.query_one("#s4-rename-status", Static).update(text)
            return
        self.journal_rename(done)
        self.show_files()
        self.notify(f"Renamed {done.source} → {done.destination} (journaled).")
        self.post_message(self.Renamed())
