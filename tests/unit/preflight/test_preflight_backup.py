"""State backup to terraform.tfstate.pre-upgrade: verified, never overwriting, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.preflight import state_text
from tests.support.release import run_unprivileged
from tui.core.errors import ParseError
from tui.core.files import sha256_file
from tui.core.playbook.load import load_playbook
from tui.core.preflight.result import CheckStatus
from tui.core.preflight.state_backup import (
    BackupConflict,
    BackupFailed,
    BackupOutcome,
    backup_local_state,
    check_state_backup,
)

PLAYBOOK = load_playbook()


@pytest.fixture
def tf_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "terraform" / "aws"
    directory.mkdir(parents=True)
    (directory / "terraform.tfstate").write_text(state_text(["a-b-media"]))
    return directory


def test_backup_is_written_verified_and_journaled(tf_dir: Path) -> None:
    assert check_state_backup(tf_dir, PLAYBOOK).status is CheckStatus.WARN
    backup = backup_local_state(tf_dir, PLAYBOOK)
    target = tf_dir / "terraform.tfstate.pre-upgrade"
    assert backup.outcome is BackupOutcome.BACKED_UP
    assert target.read_bytes() == (tf_dir / "terraform.tfstate").read_bytes()
    assert backup.sha256 == sha256_file(target)
    assert backup.file_op is not None
    assert (backup.file_op.op, backup.file_op.path) == ("backup", str(target))
    assert backup.file_op.source == str(tf_dir / "terraform.tfstate")
    assert backup.file_op.sha256_after == backup.sha256
    check = check_state_backup(tf_dir, PLAYBOOK)
    assert check.status is CheckStatus.PASS and "Already backed up" in check.summary


def test_identical_backup_is_already_done(tf_dir: Path) -> None:
    backup_local_state(tf_dir, PLAYBOOK)
    again = backup_local_state(tf_dir, PLAYBOOK)
    assert again.outcome is BackupOutcome.ALREADY and again.file_op is None


def test_different_backup_is_refused_and_kept(tf_dir: Path) -> None:
    existing = tf_dir / "terraform.tfstate.pre-upgrade"
    existing.write_text(state_text(["a-b-media"], serial=12))
    before = existing.read_bytes()
    with pytest.raises(BackupConflict) as caught:
        backup_local_state(tf_dir, PLAYBOOK)
    assert caught.value.free_name == tf_dir / "terraform.tfstate.pre-upgrade.1"
    assert "already exists and differs" in caught.value.message
    assert "terraform.tfstate.pre-upgrade.1" in caught.value.hint
    assert existing.read_bytes() == before
    check = check_state_backup(tf_dir, PLAYBOOK)
    assert check.status is CheckStatus.FAIL and "free name" in check.action
    done = backup_local_state(tf_dir, PLAYBOOK, caught.value.free_name)
    assert done.outcome is BackupOutcome.BACKED_UP
    assert caught.value.free_name.read_bytes() == (tf_dir / "terraform.tfstate").read_bytes()
    assert existing.read_bytes() == before


def test_remote_backend_is_not_applicable(tmp_path: Path) -> None:
    (tmp_path / "backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
    check = check_state_backup(tmp_path, PLAYBOOK)
    assert check.status is CheckStatus.NOT_APPLICABLE
    assert check.summary == (
        "Not applicable: the state is in S3, per backend.tf (its versions are checked as "
        "their own item)."
    )


def test_nothing_to_back_up(tmp_path: Path) -> None:
    with pytest.raises(BackupFailed, match="No state to back up"):
        backup_local_state(tmp_path, PLAYBOOK)


def test_corrupt_state_is_not_backed_up(tf_dir: Path) -> None:
    (tf_dir / "terraform.tfstate").write_text("{not json")
    with pytest.raises(ParseError, match="is not JSON"):
        backup_local_state(tf_dir, PLAYBOOK)
    assert not (tf_dir / "terraform.tfstate.pre-upgrade").exists()
    assert check_state_backup(tf_dir, PLAYBOOK).status is CheckStatus.FAIL


def test_permission_denied_on_the_destination(tf_dir: Path) -> None:
    tf_dir.chmod(0o555)
    try:
        out = run_unprivileged(
            "from pathlib import Path\n"
            "from tui.core.playbook.load import load_playbook\n"
            "from tui.core.preflight.state_backup import backup_local_state, BackupFailed\n"
            f"try:\n    backup_local_state(Path({str(tf_dir)!r}), load_playbook())\n"
            "except BackupFailed as e:\n    print(e.message)\n"
        )
    finally:
        tf_dir.chmod(0o755)
    assert out.endswith("terraform.tfstate.pre-upgrade: permission denied. Nothing was changed.")
    assert sorted(p.name for p in tf_dir.iterdir()) == ["terraform.tfstate"]
