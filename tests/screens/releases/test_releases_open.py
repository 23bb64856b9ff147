"""Step 1 shows the builds at once and reads the customer's tfvars in a thread: what the
operator sees when that read fails, and that only the pair chosen last is opened."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.support.release import make_pair, make_release
from tests.support.waiting import run_until_idle, wait_until
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook
from tui.core.releases.directories import load_pair
from tui.core.steps import StepStatus
from tui.screens.releases.panel import ReleasesPanel

BOOK = load_playbook()


def shown(app: WizardApp) -> str:
    return " ".join(
        " ".join(str(w.render()) for w in app.screen.query(Static) if w.display).split()
    )


async def test_broken_tfvars_are_named_and_nothing_is_opened(tmp_path: Path) -> None:
    previous = make_release(tmp_path, "mocm-10.5.2603", "10.5.2603", tfvars="name_prefix = [\n")
    current = make_release(tmp_path, "mocm-10.6.2605", "10.6.2605")
    app = make_app(WizardContext(playbook=BOOK, previous=previous, current=current))
    async with app.run_test(size=(120, 40)) as pilot:
        await run_until_idle(app, pilot)
        await wait_until(app, pilot, lambda: "not valid HCL" in shown(app), "the parse error")
        text = shown(app)
        assert "terraform.tfvars" in text
        assert "reading terraform/aws/terraform.tfvars" not in text  # no half-read summary
        assert app.query_one("#chooser").display  # the operator can type other paths
        assert app.session is None
        assert app.statuses["releases"] is not StepStatus.DONE
    assert not (current / ".mocm-upgrade").exists()


async def test_a_read_of_a_pair_chosen_earlier_is_ignored(tmp_path: Path) -> None:
    previous, current = make_pair(tmp_path / "chosen")
    other_previous, other_current = make_pair(tmp_path / "earlier")
    app = make_app(WizardContext(playbook=BOOK, previous=previous, current=current))
    async with app.run_test(size=(120, 40)) as pilot:
        await run_until_idle(app, pilot)
        assert app.session is not None
        panel = app.query_one(ReleasesPanel)
        late = load_pair(other_previous, other_current, BOOK)  # a slow read of an older choice
        panel.post_message(ReleasesPanel.CustomerRead(late))
        await run_until_idle(app, pilot)
        assert app.wizard.pair is not None
        assert app.wizard.pair.current.path == current.resolve()
        assert str(tmp_path / "earlier") not in shown(app)
    assert not (other_current / ".mocm-upgrade").exists()
