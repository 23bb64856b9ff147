"""Release discovery and validation: what the operator is told for each wrong layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.release import make_pair, make_release, run_unprivileged
from tui.core.errors import LayoutError, ReleaseOrderError
from tui.core.playbook.load import load_playbook
from tui.core.releases.directories import (
    PlaybookMismatch,
    build_key,
    discover_releases,
    load_pair,
    read_build,
    suggested_pair,
)

BOOK = load_playbook()


def test_valid_pair_reads_builds_and_customer_values(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    pair = load_pair(prev, curr, BOOK)
    assert (pair.previous.build, pair.current.build) == ("10.5.2603", "10.6.2605")
    assert (pair.name_prefix, pair.aws_region) == ("acme-mocm-prod", "eu-central-1")


def test_nonexistent_path_is_named(tmp_path: Path) -> None:
    _, curr = make_pair(tmp_path)
    with pytest.raises(LayoutError) as err:
        load_pair(tmp_path / "nope", curr, BOOK)
    assert f"{tmp_path / 'nope'}: does not exist" in err.value.message


def test_file_where_directory_expected(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    shutil.rmtree(prev / "terraform" / "aws")
    (prev / "terraform" / "aws").write_text("oops")
    with pytest.raises(LayoutError) as err:
        load_pair(prev, curr, BOOK)
    assert "terraform/aws: is a file, expected a directory" in err.value.message


def test_release_argument_that_is_a_file(tmp_path: Path) -> None:
    _, curr = make_pair(tmp_path)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(LayoutError) as err:
        load_pair(tmp_path / "a-file", curr, BOOK)
    assert "is a file, expected a release directory" in err.value.message


def test_missing_terraform_dir_and_values_named_together(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    shutil.rmtree(curr / "terraform")
    (curr / "mocm" / "values.yaml").unlink()
    with pytest.raises(LayoutError) as err:
        load_pair(prev, curr, BOOK)
    assert f"{curr / 'terraform/aws'}: missing (directory expected" in err.value.message
    assert f"{curr / 'mocm/values.yaml'}: missing (file expected" in err.value.message


def test_same_directory_twice(tmp_path: Path) -> None:
    prev, _ = make_pair(tmp_path)
    with pytest.raises(ReleaseOrderError) as err:
        load_pair(prev, prev / ".." / prev.name, BOOK)
    assert "same directory was given twice" in err.value.message


def test_builds_in_wrong_order(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    with pytest.raises(ReleaseOrderError) as err:
        load_pair(curr, prev, BOOK)
    assert "build 10.6.2605" in err.value.message and "not older than" in err.value.message


def test_builds_compare_as_numbers_not_text() -> None:
    assert build_key("10.10.1") > build_key("10.9.9999")


def test_unreadable_images_list(tmp_path: Path) -> None:
    """Without root's override, a mode-000 images.txt is named with the reason."""
    prev = make_release(tmp_path, "mocm-10.5.2603", "10.5.2603")
    images = prev / "images" / "images.txt"
    images.chmod(0)
    result = run_unprivileged(
        "from pathlib import Path\n"
        "from tui.core.releases.directories import read_build\n"
        "from tui.core.errors import LayoutError\n"
        f"try: read_build(Path({str(images)!r}))\n"
        "except LayoutError as e: print(e.message)\n"
    )
    assert result == f"{images}: permission denied"


def test_unreadable_images_list_as_directory(tmp_path: Path) -> None:
    prev, _ = make_pair(tmp_path)
    images = prev / "images" / "images.txt"
    images.unlink()
    images.mkdir()
    with pytest.raises(LayoutError) as err:
        load_pair(prev, tmp_path / "mocm-10.6.2605", BOOK)
    assert "images.txt: is a directory, expected a file" in err.value.message


def test_images_without_build_tag(tmp_path: Path) -> None:
    prev, _ = make_pair(tmp_path)
    (prev / "images" / "images.txt").write_text("# nothing\nmongo:latest\n")
    with pytest.raises(LayoutError, match="no image with a build tag"):
        read_build(prev / "images" / "images.txt")


def test_malformed_tfvars_gives_line_and_column(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    (prev / "terraform/aws/terraform.tfvars").write_text('name_prefix = "acme"\naws_region = \n')
    with pytest.raises(LayoutError) as err:
        load_pair(prev, curr, BOOK)
    assert "terraform.tfvars:3:1" in err.value.message or "terraform.tfvars:2:" in err.value.message
    assert "not valid HCL" in err.value.message


def test_tfvars_missing_region(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    (prev / "terraform/aws/terraform.tfvars").write_text('name_prefix = "acme"\n')
    with pytest.raises(LayoutError, match="variable 'aws_region' is missing"):
        load_pair(prev, curr, BOOK)


def test_discovery_offers_siblings_oldest_first(tmp_path: Path) -> None:
    make_pair(tmp_path)
    make_release(tmp_path, "releases-2026-01", "10.4.2601")
    (tmp_path / "not-a-release").mkdir()
    found = discover_releases(tmp_path / "mocm-10.6.2605")
    assert [r.build for r in found] == ["10.4.2601", "10.5.2603", "10.6.2605"]
    assert [r.build for r in discover_releases(tmp_path)] == ["10.4.2601", "10.5.2603", "10.6.2605"]


def test_a_pair_the_playbook_is_not_for_is_refused_naming_both_pairs(tmp_path: Path) -> None:
    """The issue: 10.4.2511 → 10.5.2603 was accepted under the 10.5.2603 → 10.6.2605 playbook."""
    prev = make_release(tmp_path, "mocm-10.4.2511", "10.4.2511")
    curr = make_release(tmp_path, "mocm-10.5.2603", "10.5.2603")
    with pytest.raises(PlaybookMismatch) as err:
        load_pair(prev, curr, BOOK)
    assert err.value.message == (
        "the chosen releases go from build 10.4.2511 to 10.5.2603, but the playbook "
        "10.5.2603-to-10.6.2605 is for 10.5.2603 → 10.6.2605"
    )
    assert "--playbook <the playbook of 10.4.2511 → 10.5.2603>" in err.value.hint


def test_suggested_pair_prefers_the_playbooks_transition(tmp_path: Path) -> None:
    make_pair(tmp_path)
    make_release(tmp_path, "releases-2026-01", "10.4.2601")
    make_release(tmp_path, "releases-2026-09", "10.7.2609")
    found = discover_releases(tmp_path)
    suggested = suggested_pair(found, BOOK)
    assert suggested is not None
    assert [r.build for r in suggested] == ["10.5.2603", "10.6.2605"]
    others = [r for r in found if r.build != "10.6.2605"]
    fallback = suggested_pair(others, BOOK)
    assert fallback is not None and [r.build for r in fallback] == ["10.5.2603", "10.7.2609"]
    assert suggested_pair(found[:1], BOOK) is None
