"""The footer greys or enables its keys where they stand when only that changed, and is
built again when the keys themselves change (each build mounts every key again: in a
step's life it was most of the screen's layouts)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tests.support.waiting import wait_until
from tui.widgets.key_footer import KeyFooter, WizardKey


class Step(Static, can_focus=True):
    BINDINGS = [
        Binding("a", "apply", "Apply"),
        Binding("x", "cancel", "Cancel"),
    ]

    def __init__(self) -> None:
        super().__init__("step")
        self.ready = True
        self.cancellable = True
        self.applied = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return self.ready or None  # None: shown greyed
        if action == "cancel":
            return self.cancellable  # False: not shown
        return True

    def action_apply(self) -> None:
        self.applied += 1

    def action_cancel(self) -> None:
        pass


class FooterApp(App[None]):
    BINDINGS = [Binding("f1", "help", "Help"), Binding("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Step()
        yield KeyFooter(required=("help", "quit"), optional=(), help_id="help")

    def on_mount(self) -> None:
        self.query_one(Step).focus()

    def action_help(self) -> None:
        pass


def keys(app: FooterApp) -> dict[str, bool]:
    """Each key on screen: its description, and whether it shows enabled."""
    return {k.description: not k.has_class("-disabled") for k in app.query(WizardKey)}


async def test_greyed_in_place_and_built_again_when_the_keys_change() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 24)) as pilot:
        footer = app.query_one(KeyFooter)
        step = app.query_one(Step)
        await wait_until(app, pilot, lambda: "Apply" in keys(app), "the footer's keys")
        assert keys(app) == {"Apply": True, "Cancel": True, "Help": True, "Quit": True}
        builds, apply_key = footer.builds, app.query(WizardKey).first()

        step.ready = False
        step.refresh_bindings()
        await wait_until(app, pilot, lambda: not keys(app)["Apply"], "Apply greyed")
        assert keys(app) == {"Apply": False, "Cancel": True, "Help": True, "Quit": True}
        assert footer.builds == builds and app.query(WizardKey).first() is apply_key
        await pilot.press("a")
        assert step.applied == 0, "a greyed key ran"

        step.ready = True
        step.refresh_bindings()
        await wait_until(app, pilot, lambda: keys(app)["Apply"], "Apply enabled again")
        assert footer.builds == builds
        await pilot.press("a")
        assert step.applied == 1

        step.cancellable = False
        step.refresh_bindings()
        await wait_until(app, pilot, lambda: "Cancel" not in keys(app), "Cancel gone")
        assert keys(app) == {"Apply": True, "Help": True, "Quit": True}
        assert footer.builds == builds + 1
