"""Archive of the previous release: beside it, never overwriting, progress, verified."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

from tests.support.release import make_release, run_unprivileged
from tui.core.files import sha256_file
from tui.core.releases.archive import (
    PROGRESS_EVERY,
    ArchiveError,
    ArchiveProgress,
    archive_release,
    verify_archive,
)


@pytest.fixture
def release(tmp_path: Path) -> Path:
    rel = make_release(tmp_path, "mocm-10.5.2603", "10.5.2603")
    (rel / "terraform/aws/.terraform").mkdir()
    (rel / "terraform/aws/.terraform/link").symlink_to("../01-main.tf")
    (rel / "empty-dir").mkdir()
    return rel


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_archive_beside_the_release_holds_every_file(release: Path) -> None:
    before = tree(release)
    seen: list[ArchiveProgress] = []
    result = archive_release(release, seen.append)
    assert result.path == release.parent / "mocm-10.5.2603.tar.gz"
    assert result.files == len(before) and result.bytes == sum(len(b) for b in before.values())
    assert result.sha256 == sha256_file(result.path)
    with tarfile.open(result.path) as tar:
        names = tar.getnames()
        assert "mocm-10.5.2603/terraform/aws/terraform.tfvars" in names
        assert "mocm-10.5.2603/empty-dir" in names
        link = tar.getmember("mocm-10.5.2603/terraform/aws/.terraform/link")
        assert link.issym() and link.linkname == "../01-main.tf"
        member = tar.extractfile("mocm-10.5.2603/images/images.txt")
        assert member is not None and member.read() == before["images/images.txt"]
    assert tree(release) == before  # the release itself is untouched
    assert seen[-1].files_done == seen[-1].files_total == result.files
    assert seen[-1].bytes_done == seen[-1].bytes_total == result.bytes
    assert [p.files_done for p in seen] == sorted(p.files_done for p in seen)
    assert not list(release.parent.glob(".*.partial"))


def test_an_existing_archive_is_never_overwritten(release: Path) -> None:
    existing = release.parent / "mocm-10.5.2603.tar.gz"
    existing.write_bytes(b"someone's archive")
    result = archive_release(release)
    assert result.path == release.parent / "mocm-10.5.2603-1.tar.gz"
    assert existing.read_bytes() == b"someone's archive"


def test_large_file_reports_progress_inside_the_file(release: Path) -> None:
    big = release / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(3 * PROGRESS_EVERY + 123)
    seen: list[ArchiveProgress] = []
    result = archive_release(release, seen.append)
    inside = [p for p in seen if p.current.endswith("big.bin")]
    assert len(inside) >= 3  # reported while the file was being written, not only after it
    assert result.bytes >= 3 * PROGRESS_EVERY


def test_verification_names_a_missing_file(release: Path, tmp_path: Path) -> None:
    result = archive_release(release)
    (release / "added-later.txt").write_text("x")
    with pytest.raises(ArchiveError, match="lacks 1 file"):
        verify_archive(result.path, release)


def test_corrupt_archive_cannot_be_read_back(release: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(ArchiveError, match="cannot be read back"):
        verify_archive(broken, release)


def test_not_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="is not a release directory"):
        archive_release(tmp_path / "nope")


def test_unreadable_file_stops_and_leaves_no_archive(release: Path) -> None:
    secret = release / "terraform/aws/terraform.tfstate"
    secret.write_text("{}")
    secret.chmod(0o000)
    try:
        out = run_unprivileged(
            "from pathlib import Path\n"
            "from tui.core.releases.archive import archive_release\n"
            "from tui.core.errors import MocmError\n"
            "try:\n"
            f"    archive_release(Path({str(release)!r}))\n"
            "except MocmError as e:\n"
            "    print(e.message)\n"
        )
    finally:
        secret.chmod(0o644)
    assert f"Cannot archive {secret}: Permission denied." == out
    assert sorted(os.listdir(release.parent)) == ["mocm-10.5.2603"]
