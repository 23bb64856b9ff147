"""Parking the previous release's cache file: rename, checksum, refusals."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.stage4 import CACHE_TF, make_release
from tui.core.files import sha256_bytes
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.parked_file import FileRename, ParkedFileError, park, unpark

PLAYBOOK = load_playbook()


def _tf_dir(tmp_path: Path, **files: str) -> Path:
    tf_files = {"02-sg.tf": "# sg\n", **files}
    return make_release(tmp_path, tf_files=tf_files) / "terraform" / "aws"


def test_park_renames_and_reports_the_checksum(tmp_path: Path) -> None:
    tf_dir = _tf_dir(tmp_path, **{PLAYBOOK.active_name: CACHE_TF})
    done = park(tf_dir, PLAYBOOK)
    assert (done.source, done.destination, done.changed) == (
        PLAYBOOK.active_name,
        PLAYBOOK.parked_name,
        True,
    )
    assert done.sha256 == sha256_bytes(CACHE_TF.encode())
    assert not (tf_dir / PLAYBOOK.active_name).exists()
    assert (tf_dir / PLAYBOOK.parked_name).read_text() == CACHE_TF


def test_unpark_undoes_park(tmp_path: Path) -> None:
    tf_dir = _tf_dir(tmp_path, **{PLAYBOOK.active_name: CACHE_TF})
    park(tf_dir, PLAYBOOK)
    back = unpark(tf_dir, PLAYBOOK)
    assert back.changed and (tf_dir / PLAYBOOK.active_name).read_text() == CACHE_TF
    assert not (tf_dir / PLAYBOOK.parked_name).exists()


def test_park_again_after_a_crash_is_a_no_op(tmp_path: Path) -> None:
    tf_dir = _tf_dir(tmp_path, **{PLAYBOOK.parked_name: CACHE_TF})
    again = park(tf_dir, PLAYBOOK)
    assert not again.changed and again.sha256 == sha256_bytes(CACHE_TF.encode())
    assert (tf_dir / PLAYBOOK.parked_name).read_text() == CACHE_TF


def test_both_names_present_is_refused_and_nothing_moves(tmp_path: Path) -> None:
    tf_dir = _tf_dir(tmp_path, **{PLAYBOOK.active_name: CACHE_TF, PLAYBOOK.parked_name: "# old\n"})
    with pytest.raises(ParkedFileError, match="both") as caught:
        park(tf_dir, PLAYBOOK)
    assert PLAYBOOK.active_name in caught.value.message and "by hand" in caught.value.hint
    assert (tf_dir / PLAYBOOK.active_name).read_text() == CACHE_TF
    assert (tf_dir / PLAYBOOK.parked_name).read_text() == "# old\n"


def test_missing_file_is_refused(tmp_path: Path) -> None:
    tf_dir = _tf_dir(tmp_path)
    with pytest.raises(ParkedFileError, match="neither") as caught:
        park(tf_dir, PLAYBOOK)
    assert PLAYBOOK.parked_name in caught.value.message
    assert sorted(p.name for p in tf_dir.iterdir()) == ["02-sg.tf", "terraform.tfvars"]


@pytest.mark.parametrize("move", [park, unpark], ids=["park", "unpark"])
def test_a_rename_killed_between_link_and_unlink_is_finished_next_time(
    tmp_path: Path, move: Callable[[Path, Playbook], FileRename]
) -> None:
    """A kill between the rename's link and its unlink leaves both names on one file (the
    state on disk made here exactly); the next move finishes it instead of refusing."""
    src_name, dst_name = (
        (PLAYBOOK.active_name, PLAYBOOK.parked_name)
        if move is park
        else (PLAYBOOK.parked_name, PLAYBOOK.active_name)
    )
    tf_dir = _tf_dir(tmp_path, **{src_name: CACHE_TF})
    os.link(tf_dir / src_name, tf_dir / dst_name)
    done = move(tf_dir, PLAYBOOK)
    assert done.changed and done.sha256 == sha256_bytes(CACHE_TF.encode())
    assert not (tf_dir / src_name).exists()
    assert (tf_dir / dst_name).read_text() == CACHE_TF


def test_two_different_files_under_both_names_are_still_refused_even_if_equal(
    tmp_path: Path,
) -> None:
    """Same text but two files (a copy, not our half-done rename): the operator decides."""
    tf_dir = _tf_dir(tmp_path, **{PLAYBOOK.active_name: CACHE_TF, PLAYBOOK.parked_name: CACHE_TF})
    with pytest.raises(ParkedFileError, match="both"):
        unpark(tf_dir, PLAYBOOK)
    assert (tf_dir / PLAYBOOK.parked_name).exists() and (tf_dir / PLAYBOOK.active_name).exists()
