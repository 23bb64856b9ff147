"""Issue 14, bad input on resume: the wizard restarted on its two releases after the
previous one was moved away, or on a journal a newer version wrote, or one edited by
hand. The screen names the directory, the version or the line; no session opens, and the
journal (with everything done so far) is left exactly as it was."""

from __future__ import annotations

import json
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


def journal_of_an_earlier_run(previous: Path, current: Path) -> Path:
    earlier = Session.open(load_pair(previous, current, BOOK), BOOK, "0.1.0", Redactor())
    earlier.journal.step_completed("releases")
    earlier.journal.step_entered("preflight")
    earlier.close()
    return Workspace(current).journal_path


async def refused_on_screen(previous: Path, current: Path, said: str) -> str:
    app = make_app(WizardContext(playbook=BOOK, previous=previous, current=current))
    async with app.run_test(size=(120, 40)) as pilot:
        await run_until_idle(app, pilot)
        await wait_until(app, pilot, lambda: said in everything(app), f"{said!r} on screen")
        assert app.session is None  # nothing opened, nothing journaled
        assert not (Workspace(current).root / "lock.json").exists()  # the lock let go
        return everything(app)


def everything(app: WizardApp) -> str:
    """The text of every screen on the stack (an error dialog included)."""
    return " ".join(
        " ".join(str(w.render()) for w in screen.query(Static) if w.display)
        for screen in app.screen_stack
    ).replace("\n", " ")


async def test_a_journal_a_newer_version_wrote_is_refused_naming_the_version(
    tmp_path: Path,
) -> None:
    previous, current = make_pair(tmp_path)
    journal = journal_of_an_earlier_run(previous, current)
    newer = {"ts": "t", "seq": 9, "kind": "step_teleported", "user": "u", "host": "h", "schema": 9}
    with journal.open("a") as handle:
        handle.write(json.dumps(newer) + "\n")
    before = journal.read_bytes()
    text = await refused_on_screen(previous, current, "written by a newer mocm-upgrade")
    assert "journal schema 9" in " ".join(text.split())
    assert journal.read_bytes() == before


async def test_a_journal_edited_by_hand_is_refused_naming_the_line(tmp_path: Path) -> None:
    previous, current = make_pair(tmp_path)
    journal = journal_of_an_earlier_run(previous, current)
    lines = journal.read_text().splitlines()
    edited = json.loads(lines[1])
    edited["seq"] = "two"  # what a hand edit leaves: valid JSON, not a record
    lines[1] = json.dumps(edited)
    journal.write_text("\n".join(lines) + "\n")
    before = journal.read_bytes()
    text = await refused_on_screen(previous, current, "line 2 is corrupt")
    assert "field 'seq'" in text
    assert journal.read_bytes() == before
