"""Resuming from the journal: an empty one on the first step, a restart after a kill on the
step entered, a done step redone reopened until it completes."""

from __future__ import annotations

from pathlib import Path

from tests.support.journal import ORDER, open_journal
from tui.core.journal.reader import read_journal
from tui.core.journal.records import JournalRecord, StepCompleted, StepStarted
from tui.core.journal.resume import fold, load_state
from tui.core.journal.writer import Workspace
from tui.core.steps import StepStatus


def test_empty_journal_has_no_records_and_resumes_on_the_first_step(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    workspace.journal_path.write_bytes(b"")
    read = read_journal(workspace.journal_path)
    assert read.records == () and read.warnings == ()
    state = load_state(workspace)
    assert state.resume_step(ORDER) == "releases"
    assert all(state.status(step) is StepStatus.NOT_STARTED for step in ORDER)


def test_restart_after_a_kill_resumes_on_the_entered_step(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    for step in ("releases", "preflight"):
        journal.step_entered(step)
        journal.step_started(step)
        journal.step_completed(step)
    journal.step_entered("backend")
    journal.step_waived("backend", "local backend stays")
    journal.step_entered("carry_over")
    journal.step_started("carry_over")
    journal.file_op("backup", tmp_path / "x.bak", "b" * 64, None, source=tmp_path / "x")
    # killed here: half a record on disk
    with journal.path.open("ab") as handle:
        handle.write(b'{"ts": "2026-05-01T1')

    state = load_state(Workspace(tmp_path))
    assert state.resume_step(ORDER) == "carry_over"
    assert state.status("releases") is StepStatus.DONE
    assert state.status("preflight") is StepStatus.DONE
    assert state.status("backend") is StepStatus.WAIVED
    assert state.step("backend").waived_reason == "local backend stays"
    assert state.status("carry_over") is StepStatus.IN_PROGRESS
    assert state.step("carry_over").started_by == "alice@jump1"
    assert state.status("plan") is StepStatus.NOT_STARTED
    assert len(state.file_ops) == 1 and len(state.warnings) == 1


def test_redoing_a_done_step_reopens_it_until_it_completes() -> None:
    def rec(seq: int, body: StepStarted | StepCompleted) -> JournalRecord:
        return JournalRecord(f"t{seq}", seq, "bob", "h", body)

    state = fold(
        [rec(1, StepStarted("plan")), rec(2, StepCompleted("plan")), rec(3, StepStarted("plan"))]
    )
    assert state.status("plan") is StepStatus.IN_PROGRESS
    assert state.step("plan").completed_at is None
    # nothing entered: resume lands on the first step not finished
    assert state.resume_step(("plan", "apply")) == "plan"
