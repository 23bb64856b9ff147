"""Commands run by a step leave a 0600 transcript and a journal record, however they end."""

from __future__ import annotations

import contextlib
import json
import stat
import sys
from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import ContentSwitcher
from textual.worker import WorkerFailed

from tests.support.release import make_pair
from tests.support.waiting import screen_is, wait_until
from tui.app import make_app
from tui.command_records import journal_recorder
from tui.context import WizardContext
from tui.core.exec.runner import run_sync
from tui.core.playbook.load import load_playbook
from tui.screens.base import StepPanel
from tui.widgets.command_log import CommandLog


class ProbePanel(StepPanel):
    STEP_ID = "preflight"

    def compose(self) -> ComposeResult:
        yield CommandLog(redactor=self.wizard.redactor, id="probe-log")


async def run_probe(tmp_path: Path, code: str, *args: str) -> Path:
    prev, curr = make_pair(tmp_path)
    app = make_app(WizardContext(playbook=load_playbook(), previous=prev, current=curr))
    async with app.run_test(size=(100, 30)) as pilot:
        # The release's session (its journal and transcripts folder) opens in a worker after
        # the first paint: a command run before it would have no transcript to write.
        await wait_until(app, pilot, lambda: app.wizard.session is not None, "the session open")
        panel = ProbePanel(app.wizard)
        await app.query_one("#content", ContentSwitcher).mount(panel)
        app.wizard.redactor.add_secret("hunter2-secret")
        panel.run_logged(
            panel.query_one(CommandLog),
            [sys.executable, "-c", code, *args],
            cwd=tmp_path,
            timeout_s=30,
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.wizard.commands._open, "the command record was not finished"
    return curr / ".mocm-upgrade"


async def test_transcript_and_journal_of_a_failed_command(tmp_path: Path) -> None:
    work = await run_probe(
        tmp_path, "import sys; print('out hunter2-secret'); sys.stderr.write('bad\\n'); sys.exit(3)"
    )
    transcripts = list((work / "transcripts").iterdir())
    assert len(transcripts) == 1
    assert stat.S_IMODE(transcripts[0].stat().st_mode) == 0o600
    text = transcripts[0].read_text()
    assert "bad" in text and "# exit: 3" in text
    assert "hunter2-secret" not in text
    records = [json.loads(line) for line in (work / "journal.jsonl").read_text().splitlines()]
    command = next(r for r in records if r["kind"] == "command")
    assert command["exit_code"] == 3
    assert command["step"] == "preflight"
    assert command["transcript"] == transcripts[0].name


async def test_exit_2_under_detailed_exitcode_is_journaled_as_a_success(tmp_path: Path) -> None:
    """tofu plan / helmfile diff -detailed-exitcode answer 2 for "changes present"."""
    for flag, outcome in (("-detailed-exitcode", "ok: changes present"), ("-other", "")):
        work = await run_probe(tmp_path / flag, "import sys; sys.exit(2)", flag)
        lines = (work / "journal.jsonl").read_text().splitlines()
        command = next(r for r in map(json.loads, lines) if r["kind"] == "command")
        assert (command["exit_code"], command["outcome"]) == (2, outcome)


async def test_a_step_worker_failure_reaches_the_error_dialog(tmp_path: Path) -> None:
    from tui.core.errors import MocmError
    from tui.widgets.dialogs.error import ErrorDialog

    prev, curr = make_pair(tmp_path)
    app = make_app(WizardContext(playbook=load_playbook(), previous=prev, current=curr))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        panel = ProbePanel(app.wizard)
        await app.query_one("#content", ContentSwitcher).mount(panel)

        def fail() -> None:
            raise MocmError("STS said no", "check your credentials")

        worker = panel.run_worker(
            fail, thread=True, exit_on_error=False, description="AWS identity"
        )
        with contextlib.suppress(WorkerFailed):
            await worker.wait()
        await wait_until(app, pilot, screen_is(app, ErrorDialog), "the error dialog")
        assert "STS said no" in str(app.screen.query_one("#error-message").render())


async def test_a_core_command_in_a_thread_is_journaled_redacted_without_a_transcript(
    tmp_path: Path,
) -> None:
    """A command a core runs (``state pull``…) is journaled through the panel's recorder."""
    prev, curr = make_pair(tmp_path)
    app = make_app(WizardContext(playbook=load_playbook(), previous=prev, current=curr))
    async with app.run_test(size=(100, 30)) as pilot:
        # The release's session (its journal and transcripts folder) opens in a worker after
        # the first paint: a command run before it would have no transcript to write.
        await wait_until(app, pilot, lambda: app.wizard.session is not None, "the session open")
        panel = ProbePanel(app.wizard)
        await app.query_one("#content", ContentSwitcher).mount(panel)
        app.wizard.redactor.add_secret("hunter2-secret")
        recorder = panel.command_recorder()
        argv = [sys.executable, "-c", "import sys; sys.exit(4)", "--token=hunter2-secret"]
        env = {"PATH": str(Path(sys.executable).parent)}
        worker = panel.run_worker(
            lambda: run_sync(argv, env=env, cwd=tmp_path, timeout_s=30, on_finished=recorder),
            thread=True,
        )
        await worker.wait()
        await pilot.pause()
    work = curr / ".mocm-upgrade"
    records = [json.loads(line) for line in (work / "journal.jsonl").read_text().splitlines()]
    commands = [r for r in records if r["kind"] == "command"]
    assert len(commands) == 1
    done = commands[0]
    assert (done["exit_code"], done["step"], done["transcript"]) == (4, "preflight", None)
    assert done["argv"][:3] == argv[:3] and "hunter2-secret" not in done["argv"][3]
    assert done["cwd"] == str(tmp_path)
    assert not (work / "transcripts").exists() or not list((work / "transcripts").iterdir())


def test_no_session_means_no_recorder() -> None:
    assert journal_recorder(None, "plan") is None
