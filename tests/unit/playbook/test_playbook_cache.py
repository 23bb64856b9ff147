"""The parsed playbook kept as JSON: the same playbook either way, never a stale one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.errors import PlaybookError
from tui.core.playbook import cache
from tui.core.playbook.load import default_playbook_path, load_playbook


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MOCM_UPGRADE_CACHE_DIR", str(folder))
    return folder


def test_the_second_load_reads_the_cache_and_gives_the_same_playbook(cache_dir: Path) -> None:
    first = load_playbook()
    (entry,) = cache_dir.glob("playbook-*.json")
    assert load_playbook() == first
    assert cache.cached(default_playbook_path().read_bytes()) is not None
    assert entry.is_file()


def test_an_edited_playbook_is_parsed_again(cache_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "pb.yaml"
    text = default_playbook_path().read_text()
    copy.write_text(text)
    assert load_playbook(copy).stage4.idle_threshold == load_playbook().stage4.idle_threshold
    copy.write_text(text.replace("only_expected: true", "only_expected: false"))
    assert not load_playbook(copy).rules("stage4").only_expected
    assert len(list(cache_dir.glob("playbook-*.json"))) == 2


def test_a_damaged_cache_entry_is_ignored(cache_dir: Path) -> None:
    load_playbook()
    (entry,) = cache_dir.glob("playbook-*.json")
    entry.write_text("{not json")
    assert load_playbook().rules("stage4").only_expected


def test_cached_data_is_validated_like_parsed_data(cache_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "pb.yaml"
    copy.write_text(default_playbook_path().read_text())
    load_playbook(copy)
    (entry,) = cache_dir.glob("playbook-*.json")
    entry.write_text('{"schema": 2}')  # what a tampered cache would hold
    with pytest.raises(PlaybookError, match="schema"):
        load_playbook(copy)


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("MOCM_UPGRADE_CACHE_DIR", str(blocker / "cache"))
    assert load_playbook().rules("stage4").only_expected
