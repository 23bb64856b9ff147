"""A step's show logic runs once per show, its own ``on_show`` and StepPanel's alike."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Button, ContentSwitcher, Static

from tests.support.release import make_pair
from tests.support.waiting import wait_until
from tui.app import make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook
from tui.screens.base import StepPanel


class ShowProbe(StepPanel):
    """A step with its own ``on_show``, as the Helm, Apply and Rollback steps have."""

    STEP_ID = "preflight"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.own_shows = 0
        self.base_shows = 0

    def compose(self) -> ComposeResult:
        yield Static("probe")
        yield Button("First", id="probe-first")
        yield Button("Second", id="probe-second")

    def on_show(self) -> None:
        self.own_shows += 1

    def focus_first_widget(self) -> None:
        self.base_shows += 1
        super().focus_first_widget()


async def test_each_show_runs_the_step_and_base_show_logic_once(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    app = make_app(WizardContext(playbook=load_playbook(), previous=prev, current=curr))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        switcher = app.query_one("#content", ContentSwitcher)
        panel = ShowProbe(app.wizard)
        await switcher.mount(panel)
        switcher.current = "step-preflight"
        await wait_until(app, pilot, lambda: panel.own_shows == 1, "the probe step shown")
        await pilot.pause()
        assert (panel.own_shows, panel.base_shows) == (1, 1)
        assert app.focused is panel.query_one("#probe-first"), "the first widget not focused"
        previous = next(child.id for child in switcher.children if child is not panel)
        switcher.current = previous
        await pilot.pause()
        switcher.current = "step-preflight"
        await wait_until(app, pilot, lambda: panel.own_shows == 2, "the probe step shown again")
        await pilot.pause()
        assert (panel.own_shows, panel.base_shows) == (2, 2)
