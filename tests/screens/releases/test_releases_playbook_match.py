"""Step 1 refuses a pair of releases that is not the playbook's transition, naming both."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.support.release import make_release
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook
from tui.core.steps import StepStatus

BOOK = load_playbook()


def shown(app: WizardApp) -> str:
    return " ".join(
        " ".join(str(w.render()) for w in app.screen.query(Static) if w.display).split()
    )


async def test_a_well_formed_pair_of_another_transition_is_refused(tmp_path: Path) -> None:
    older = make_release(tmp_path, "mocm-10.4.2511", "10.4.2511")
    previous = make_release(tmp_path, "mocm-10.5.2603", "10.5.2603")
    context = WizardContext(playbook=BOOK, previous=older, current=previous)
    app = make_app(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = shown(app)
        assert "go from build 10.4.2511 to 10.5.2603" in text
        assert f"is for {BOOK.from_build} → {BOOK.to_build}" in text
        assert app.statuses["releases"] is not StepStatus.DONE
        assert app.check_action("next_step", ()) is None  # greyed out
        await pilot.press("f3")
        await pilot.pause()
        assert app.current_step == "releases"
        assert app.session is None  # nothing opened in the wrong release
    assert not (previous / ".mocm-upgrade").exists()
