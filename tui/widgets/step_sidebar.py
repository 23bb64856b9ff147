"""The step list on the left: where the operator is and what is done."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.steps import STEPS, StepStatus

MARKS = {
    StepStatus.DONE: ("✔", "green"),
    StepStatus.WAIVED: ("≈", "yellow"),
    StepStatus.IN_PROGRESS: ("▶", "bold"),
    StepStatus.NOT_STARTED: ("·", "dim"),
}


class StepSidebar(OptionList):
    """One line per step: a status mark, the number and the title."""

    def __init__(self, statuses: dict[str, StepStatus], current: str) -> None:
        super().__init__(*self.step_options(statuses, current), id="steps")
        self.can_focus = True
        self.current = current

    @staticmethod
    def step_options(statuses: dict[str, StepStatus], current: str) -> list[Option]:
        options = []
        for step in STEPS:
            mark, style = MARKS[statuses[step.id]]
            label = Text.assemble((f"{mark} ", style), f"{step.number:>2} {step.title}")
            if step.id == current:
                label.stylize("reverse")
            options.append(Option(label, id=step.id))
        return options

    def show(self, statuses: dict[str, StepStatus], current: str) -> None:
        """Redraw the list for new statuses and the current step.

        The cursor follows a change of step, so Enter on the list never jumps back to
        a step the operator left long ago; otherwise it stays where the operator put it.
        """
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(self.step_options(statuses, current))
        if current != self.current:
            highlighted = next(i for i, step in enumerate(STEPS) if step.id == current)
        self.current = current
        self.highlighted = highlighted
