"""The values as helmfile sync deploys them: placeholders left by key path, the image tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.helm.deployed_values import check_sync_values, tag_waiver_record, waiver_record
from tui.core.journal.events import WaiverSubject
from tui.core.playbook.load import load_playbook

BOOK = load_playbook()
BUILD = "10.6.2605"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "values.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_template_sample_lists_every_placeholder_with_its_line(samples: Path) -> None:
    check = check_sync_values(samples / "values_new_template.yaml", BOOK, BUILD)
    assert len(check.placeholders) == 29  # as the samples' README counts them
    paths = check.key_paths
    assert paths[0] == "global.image.registry"
    assert "productKey" in paths  # unquoted
    lines = (samples / "values_new_template.yaml").read_text().splitlines()
    for left in check.placeholders:
        assert left.line is not None and "REPLACE_VALUE_" in lines[left.line - 1]
    assert check.image_tag.matches and not check.clean


def test_filled_values_are_clean(samples: Path) -> None:
    check = check_sync_values(samples / "values_prev.yaml", BOOK, "10.5.2603")
    assert check.placeholders == ()
    assert check.clean
    assert check.image_tag.sentence() == "global.image.tag is 10.5.2603, the current build"


def test_placeholder_in_a_comment_does_not_count(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# fill < REPLACE_VALUE_HOST > before sync\nglobal:\n  image:\n    tag: '10.6.2605'\n",
    )
    assert check_sync_values(path, BOOK, BUILD).placeholders == ()


def test_placeholder_inside_a_longer_string_and_a_list(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "global:\n  image:\n    tag: '10.6.2605'\n"
        "secret: '< REPLACE_VALUE_PREFIX >/valkey'\nhosts:\n  - ok\n  - < REPLACE_VALUE_H >\n",
    )
    check = check_sync_values(path, BOOK, BUILD)
    assert check.key_paths == ("secret", "hosts")  # a list of plain values is one value
    assert [p.line for p in check.placeholders] == [4, 5]


def test_tag_of_the_previous_build_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "global:\n  image:\n    tag: '10.5.2603'\n")
    check = check_sync_values(path, BOOK, BUILD)
    assert not check.image_tag.matches and not check.clean
    assert check.image_tag.sentence().startswith(
        "global.image.tag is '10.5.2603' but the current release's build is 10.6.2605"
    )
    waiver = tag_waiver_record(check, "helm")
    assert waiver.subject is WaiverSubject.SYNC_WITH_IMAGE_TAG and waiver.reason == ""
    assert waiver.detail == f"{check.image_tag.sentence()} ({path})"


def test_tag_absent_or_placeholder(tmp_path: Path) -> None:
    absent = check_sync_values(write(tmp_path, "global:\n  image: {}\n"), BOOK, BUILD)
    assert absent.image_tag.found is None
    assert "is not set: the chart's default tag, not 10.6.2605" in absent.image_tag.sentence()
    held = check_sync_values(
        write(tmp_path, "global:\n  image:\n    tag: < REPLACE_VALUE_TAG >\n"), BOOK, BUILD
    )
    assert held.image_tag.placeholder and held.key_paths == ("global.image.tag",)
    assert held.image_tag.sentence() == (
        "global.image.tag is still a placeholder, not the current build 10.6.2605"
    )


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "global:\n  image:\n    tag: [10.6.2605\nother: 1\n")
    with pytest.raises(ParseError) as raised:
        check_sync_values(path, BOOK, BUILD)
    assert (raised.value.line, raised.value.column) == (4, 6)
    assert raised.value.path == str(path)


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot be read"):
        check_sync_values(tmp_path / "absent.yaml", BOOK, BUILD)


def test_not_a_mapping_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="must hold a mapping"):
        check_sync_values(write(tmp_path, "- a\n- b\n"), BOOK, BUILD)


def test_waiver_names_key_paths_only(samples: Path) -> None:
    check = check_sync_values(samples / "values_new_template.yaml", BOOK, BUILD)
    waiver = waiver_record(check, "test cluster", "helm")
    assert waiver.subject is WaiverSubject.SYNC_WITH_PLACEHOLDERS
    assert waiver.detail == f"29 placeholder(s) left in {check.path}"
    assert waiver.items[:2] == ("global.image.registry", "productKey") and len(waiver.items) == 29
    assert waiver.reason == "test cluster"
    assert "REPLACE_VALUE" not in repr(waiver)
