"""Parking the previous release's cache file: rename, checksum, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.stage4 import CACHE_TF, make_release
from tui.core.files import sha256_bytes
from tui.core.playbook.load import load_playbook
from tui.core.tofu.parked_file import ParkedFileError, park, unpark

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
