"""Small modal dialogs of the Preflight, Backend and Carry-over steps.

Each asks one thing and dismisses with the answer (None when cancelled);
the panel that pushed it does the work.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tui.resources import STYLES

# Shared by the dialogs below (unscoped: the rules name the dialogs' own classes).
DIALOG_CSS = (STYLES / "step_dialogs.tcss").read_text(encoding="utf-8")


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; No is focused, Escape answers no."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False

    BINDINGS = [Binding("escape", "answer(False)", "No")]

    def __init__(self, title: str, message: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="step-dialog")
        self.title_text = title
        self.message = message
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(self.message, id="confirm-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no_label, id="no", compact=True)
                yield Button(self.yes_label, id="yes", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ReasonDialog(ModalScreen[str | None]):
    """Asks for the operator's reason (journaled); an empty reason is refused on screen."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, message: str, action: str = "Record") -> None:
        super().__init__(classes="step-dialog")
        self.title_text = title
        self.message = message
        self.action_label = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reason-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.message, id="reason-message", markup=False)
            yield Input(placeholder="Why it is safe to go on (goes into the journal)", id="reason")
            yield Static("", id="reason-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button(self.action_label, id="record", variant="warning", compact=True)

    @on(Button.Pressed, "#record")
    @on(Input.Submitted, "#reason")
    def record(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#reason-problem", Static).update(
                "Type a reason first: a waiver without one is not recorded."
            )
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class SnapshotRequest:
    """Which optional snapshot the operator asked for."""

    service: str  # "elasticache" | "rds"
    source_id: str
    name: str


class SnapshotDialog(ModalScreen[SnapshotRequest | None]):
    """The optional ElastiCache / RDS snapshot: what to snapshot and under which name."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, cache_id: str, cache_name: str, rds_name_of: str) -> None:
        super().__init__(classes="step-dialog")
        self.cache_id = cache_id
        self.cache_name = cache_name
        self.rds_name_of = rds_name_of  # name template: "{id}" replaced by the instance id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="snapshot-dialog"):
            yield Label("Optional snapshot before the upgrade", classes="dialog-title")
            yield Static(
                "Taken now, then waited for until AWS says it is available. A snapshot of the "
                "same name is reported and kept, never overwritten.",
                markup=False,
            )
            yield Select(
                [("ElastiCache cluster", "elasticache"), ("RDS instance", "rds")],
                value="elasticache",
                allow_blank=False,
                id="snap-service",
            )
            yield Input(self.cache_id, placeholder="cluster or instance id", id="snap-source")
            yield Input(self.cache_name, placeholder="snapshot name", id="snap-name")
            yield Static("", id="snap-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Take snapshot", id="take", variant="primary", compact=True)

    @on(Select.Changed, "#snap-service")
    def service_changed(self, event: Select.Changed) -> None:
        source = self.query_one("#snap-source", Input)
        name = self.query_one("#snap-name", Input)
        if event.value == "rds":
            source.value = ""
            name.value = ""
        else:
            source.value, name.value = self.cache_id, self.cache_name

    @on(Input.Changed, "#snap-source")
    def source_changed(self, event: Input.Changed) -> None:
        if self.query_one("#snap-service", Select).value == "rds" and event.value.strip():
            self.query_one("#snap-name", Input).value = self.rds_name_of.format(
                id=event.value.strip()
            )

    @on(Button.Pressed, "#take")
    def take(self) -> None:
        service = str(self.query_one("#snap-service", Select).value)
        source = self.query_one("#snap-source", Input).value.strip()
        name = self.query_one("#snap-name", Input).value.strip()
        if not source or not name:
            self.query_one("#snap-problem", Static).update("Give the id and the snapshot name.")
            return
        self.dismiss(SnapshotRequest(service, source, name))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
