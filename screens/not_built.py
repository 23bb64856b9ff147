"""Steps this version does not automate yet: said plainly, with what to do instead."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Markdown, Static

from screens.base import StepPanel
from tui.assets import help_text
from tui.core.steps import step_info


class NotBuiltPanel(StepPanel):
    """An honest placeholder: no fake content, the manual procedure instead."""

    BUILT = False

    def __init__(self, step_id: str) -> None:
        super().__init__(step_id)

    def compose(self) -> ComposeResult:
        info = step_info(self.step_id)
        yield Static(f"{info.number}. {info.title}", classes="step-title")
        yield Static(
            "This step is not automated in this version of mocm-upgrade. "
            "Nothing here runs a command or changes a file. Follow the guide by hand "
            "(below), then come back for the next steps.",
            classes="warning-box",
        )
        yield Markdown(help_text(self.step_id), classes="step-help")
