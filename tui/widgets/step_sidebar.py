"""The step list on the left: where the operator is and what is done."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.steps import STEPS, StepStatus

MARKS = {
    StepStatus.DONE: ("✔", "$success"),
    StepStatus.WAIVED: ("≈", "$warning"),
    StepStatus.IN_PROGRESS: ("…", "bold"),
    StepStatus.NOT_STARTED: ("·", "dim"),
}
# ▶ only on the step on screen: a step left half-done for Rollback reads "…", not a second ▶.
CURRENT = ("▶", "bold")
COMPACT_BELOW = 12  # columns: under this the list shows marks and numbers only


class StepSidebar(OptionList):
    """One line per step: a status mark, the number and the title (no title when narrow)."""

    def __init__(self, statuses: dict[str, StepStatus], current: str) -> None:
        super().__init__(*self.step_options(statuses, current), id="steps")
        self.can_focus = True
        self.statuses = dict(statuses)
        self.current = current
        self.compact = False

    @staticmethod
    def step_options(
        statuses: dict[str, StepStatus], current: str, compact: bool = False
    ) -> list[Option]:
        options = []
        for step in STEPS:
            status = statuses[step.id]
            working = status is StepStatus.IN_PROGRESS and step.id == current
            mark, style = CURRENT if working else MARKS[status]
            title = "" if compact else f" {step.title}"
            label = Content.assemble((f"{mark} ", style), f"{step.number:>2}{title}")
            if step.id == current:
                label = label.stylize("reverse")
            options.append(Option(label, id=step.id))
        return options

    def show(self, statuses: dict[str, StepStatus], current: str) -> None:
        """Redraw the list for new statuses and the current step.

        The cursor follows a change of step, so Enter on the list never jumps back to
        a step the operator left long ago; otherwise it stays where the operator put it.
        """
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(self.step_options(statuses, current, self.compact))
        if current != self.current:
            highlighted = next(i for i, step in enumerate(STEPS) if step.id == current)
        self.statuses, self.current = dict(statuses), current
        self.highlighted = highlighted

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.width < COMPACT_BELOW
        if compact != self.compact:
            self.compact = compact
            self.show(self.statuses, self.current)
