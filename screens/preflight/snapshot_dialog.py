"""The optional snapshot's form: ElastiCache cluster or RDS instance, and the snapshot's name."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tui.widgets.dialogs.frame import DIALOG_CSS


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
        super().__init__()
        self.cache_id = cache_id
        self.cache_name = cache_name
        self.rds_name_of = rds_name_of  # name template: "{id}" replaced by the instance id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-frame", id="snapshot-dialog"):
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
            yield Static("", id="snap-problem", classes="dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="dialog-cancel", compact=True)
                yield Button("Take snapshot", id="dialog-confirm", variant="primary", compact=True)

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

    @on(Button.Pressed, "#dialog-confirm")
    def take(self) -> None:
        service = str(self.query_one("#snap-service", Select).value)
        source = self.query_one("#snap-source", Input).value.strip()
        name = self.query_one("#snap-name", Input).value.strip()
        if not source or not name:
            self.query_one("#snap-problem", Static).update("Give the id and the snapshot name.")
            return
        self.dismiss(SnapshotRequest(service, source, name))

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
