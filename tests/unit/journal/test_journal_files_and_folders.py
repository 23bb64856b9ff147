"""The journal's file and work folder: made private, a missing journal or one that is a
folder a clear error, a release that is a file, a symlinked work folder refused, a journal
removed under the wizard an error and not a new file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.support.journal import open_journal
from tui.core.errors import JournalError
from tui.core.journal.reader import read_journal
from tui.core.journal.resume import load_state
from tui.core.journal.writer import Workspace


def test_work_folder_and_journal_are_private(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        open_journal(tmp_path).note("hello")
    finally:
        os.umask(old)
    workspace = Workspace(tmp_path)
    assert stat.S_IMODE(workspace.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(workspace.transcripts_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(workspace.journal_path.stat().st_mode) == 0o600


def test_missing_journal_is_a_clear_error_for_readers(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="No journal at"):
        read_journal(Workspace(tmp_path).journal_path)
    assert load_state(Workspace(tmp_path)).last_entered is None


def test_release_that_is_a_file_gives_a_journal_error(tmp_path: Path) -> None:
    # root bypasses chmod, so use ENOTDIR: the "release" is a regular file
    not_a_dir = tmp_path / "release"
    not_a_dir.write_text("x")
    with pytest.raises(JournalError, match="Cannot create the wizard's folder") as caught:
        open_journal(not_a_dir)
    assert "writable directory" in caught.value.hint


def test_journal_path_taken_by_a_folder_gives_a_journal_error(tmp_path: Path) -> None:
    Workspace(tmp_path).journal_path.mkdir(parents=True)
    with pytest.raises(JournalError, match="Cannot open the journal"):
        open_journal(tmp_path)


def test_symlinked_work_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    release = tmp_path / "release"
    release.mkdir()
    (release / ".mocm-upgrade").symlink_to(elsewhere)
    with pytest.raises(JournalError, match="symbolic link"):
        open_journal(release)


def test_existing_journal_with_wide_mode_is_made_private(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    workspace.journal_path.write_text("")
    workspace.journal_path.chmod(0o644)
    open_journal(tmp_path)
    assert stat.S_IMODE(workspace.journal_path.stat().st_mode) == 0o600


def test_reading_a_journal_that_is_a_folder_is_a_journal_error(tmp_path: Path) -> None:
    (tmp_path / "journal.jsonl").mkdir()
    with pytest.raises(
        JournalError, match=r"Cannot read the journal .*journal\.jsonl: Is a directory"
    ):
        read_journal(tmp_path / "journal.jsonl")


def test_journal_removed_under_the_wizard_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.path.unlink()
    with pytest.raises(JournalError, match="Cannot open the journal"):
        journal.note("lost")
    assert not journal.path.exists()


def test_an_existing_wider_work_folder_is_made_private(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.root.mkdir(mode=0o755)
    workspace.root.chmod(0o755)
    workspace.ensure()
    assert stat.S_IMODE(workspace.root.stat().st_mode) == 0o700
