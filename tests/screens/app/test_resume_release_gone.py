"""Issue 14, bad input on resume: the wizard restarted on its two releases after the
previous one was moved away. The screen names the missing directory, no session opens,
and the journal (with everything done so far) is left exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Static

from tests.support.release import make_pair
from tests.support.waiting import run_until_idle, wait_until
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.journal.writer import Workspace
from tui.core.playbook.load import load_playbook
from tui.core.releases.directories import load_pair
from tui.core.secrets.redact import Redactor
from tui.session import Session

BOOK = load_playbook()


def shown(app: WizardApp) -> str:
    return " ".join(
        " ".join(str(w.render()) for w in app.screen.query(Static) if w.display).split()
    )


async def test_a_previous_release_gone_is_named_and_nothing_is_lost(tmp_path: Path) -> None:
    previous, current = make_pair(tmp_path)
    earlier = Session.open(load_pair(previous, current, BOOK), BOOK, "0.1.0", Redactor())
    earlier.journal.step_completed("releases")
    earlier.journal.step_entered("preflight")
    earlier.close()
    journal = Workspace(current).journal_path
    before = journal.read_bytes()
    shutil.rmtree(previous)

    app = make_app(WizardContext(playbook=BOOK, previous=previous, current=current))
    async with app.run_test(size=(120, 40)) as pilot:
        await run_until_idle(app, pilot)
        said = f"{previous}: does not exist"
        await wait_until(app, pilot, lambda: said in shown(app), "the missing directory named")
        assert app.session is None  # nothing opened, nothing journaled
        assert app.query_one("#chooser").display  # the operator can type where it went
    assert journal.read_bytes() == before
    assert not (Workspace(current).root / "lock.json").exists()
