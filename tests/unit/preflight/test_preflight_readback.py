"""What Preflight reads back from the journal: waivers of exactly a finding, a journaled backup."""

from __future__ import annotations

from pathlib import Path

from tests.support.preflight import state_text
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import load_playbook
from tui.core.preflight.checklist import record_waivers
from tui.core.preflight.readback import (
    backup_from_journal,
    backup_ready,
    blocking,
    is_waived,
    waiver_reason,
    with_journaled_backup,
)
from tui.core.preflight.result import CheckStatus, failed, passed, warned
from tui.core.preflight.state_backup import backup_local_state

BOOK = load_playbook()
DLM = failed("MongoDB EBS snapshots", "DLM did not answer (HTTP 500).", "Check DLM.")


def test_a_waiver_covers_exactly_the_finding_it_was_typed_for(tmp_path: Path) -> None:
    journal = Journal.open(Workspace(tmp_path))
    record_waivers(journal, [DLM], "policy checked in the console")
    records = journal.records
    assert waiver_reason(records, DLM) == "policy checked in the console"
    assert is_waived(records, DLM) and blocking([DLM], records) == []
    other = failed(DLM.name, "DLM did not answer (HTTP 503).", "Check DLM.")
    assert not is_waived(records, other) and blocking([other], records) == [other]
    assert not is_waived(records, passed(DLM.name, "ok"))


def test_a_journaled_backup_stands_while_it_holds_the_state(tmp_path: Path) -> None:
    tf = tmp_path / "terraform" / "aws"
    tf.mkdir(parents=True)
    (tf / BOOK.state_file).write_text(state_text(["b"]))
    (tf / BOOK.state_pre_upgrade).write_text("{}\n")  # a stale, different backup
    journal = Journal.open(Workspace(tmp_path))
    done = backup_local_state(tf, BOOK, tf / f"{BOOK.state_pre_upgrade}.1")
    assert done.file_op is not None
    journal.append(done.file_op)
    assert backup_from_journal(journal.records, tf, BOOK) == tf / f"{BOOK.state_pre_upgrade}.1"
    item = failed("State backup", "differs", "move it")
    shown = with_journaled_backup([item], journal.records, tf, BOOK)
    assert shown[0].status is CheckStatus.WARN and shown[0].summary.startswith("Backed up to")
    assert backup_ready(shown)
    (tf / BOOK.state_file).write_text(state_text(["b"], serial=58))  # the state moved on
    assert backup_from_journal(journal.records, tf, BOOK) is None
    assert not backup_ready([warned("State backup", "to do", "take it")])
