"""What every wizard step's screen shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive

if TYPE_CHECKING:
    from tui.app import WizardApp


class StepPanel(Vertical):
    """One wizard step. Sets ``complete`` when the operator may go on."""

    STEP_ID: ClassVar[str] = ""
    BUILT: ClassVar[bool] = True
    complete: reactive[bool] = reactive(False)

    class Completed(Message):
        """The step's work is done (Next becomes available)."""

        def __init__(self, step_id: str, complete: bool) -> None:
            super().__init__()
            self.step_id = step_id
            self.complete = complete

    def __init__(self, step_id: str | None = None) -> None:
        self.step_id = step_id or self.STEP_ID
        super().__init__(id=f"step-{self.step_id}", classes="step")

    @property
    def wizard(self) -> WizardApp:
        from tui.app import WizardApp

        assert isinstance(self.app, WizardApp)
        return self.app

    def watch_complete(self, complete: bool) -> None:
        self.post_message(self.Completed(self.step_id, complete))

    def on_show(self) -> None:
        """Give the step's first focusable widget the focus when it is shown."""
        for child in self.query("*"):
            if child.focusable:
                child.focus()
                break
