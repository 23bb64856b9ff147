"""Steps this version does not automate yet: said plainly, with what to do instead."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Markdown, Static

from screens.base import StepPanel
from tui.assets import help_text
from tui.core.steps import step_info


class NotBuiltPanel(StepPanel):
    """An honest placeholder: no fake content, the manual procedure instead.

    The operator may record that they did the step by hand; the reason is journaled
    as a waiver, and the wizard goes on.
    """

    BUILT = False

    def __init__(self, step_id: str) -> None:
        super().__init__(step_id)

    def compose(self) -> ComposeResult:
        info = step_info(self.step_id)
        yield Static(f"{info.number}. {info.title}", classes="step-title")
        yield Static(
            "Not automated in this version: nothing here runs a command or changes a file. "
            "Do it by hand as described below, then record what you did to go on.",
            classes="warning-box",
        )
        yield Markdown(help_text(self.step_id), classes="step-help")
        with Horizontal(classes="waive"):
            yield Input(placeholder="What you did (journaled)", id="waive-reason")
            yield Button("Done by hand", id="waive")

    @on(Button.Pressed, "#waive")
    @on(Input.Submitted, "#waive-reason")
    def record_waiver(self) -> None:
        reason = self.query_one("#waive-reason", Input).value.strip()
        if not reason:
            self.notify("Say what you did first: it goes into the journal.", severity="warning")
            return
        self.wizard.waive_step(self.step_id, reason)
        self.notify(f"{step_info(self.step_id).title}: recorded as done by hand.")
