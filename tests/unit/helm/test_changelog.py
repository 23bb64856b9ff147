"""CHANGELOG.md: the entry of the chart version, Changed/Removed items flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.helm.changelog import (
    ChangelogEntryMissing,
    ChangelogMissing,
    changelog_versions,
    find_entry,
    read_entry,
)
from tui.core.playbook.load import load_playbook

VERSION = load_playbook().chart_version

CHANGELOG = f"""# Changelog
All notable changes to this chart are documented in this file.

## [Unreleased]

### Added
- nothing yet

## [{VERSION}] - 2026-05-18

Valkey replaces Redis as the cache.

### Added
- `credentials.valkey.*` and `cache.*` keys.
- New `notifier` component (`componentReplicas.notifier`,
  `resources.notifier.*`).

### Changed
- `credentials.redis.*` is only read while `cache.backend` is `redis`.
- Worker replicas default to 6.

### Removed
- The `legacy-redis-check` job.

### Fixed
* Probe timeouts on slow nodes.

## [10.5.2603] - 2026-03-02

### Changed
- Older change that must not leak into the entry above.

[{VERSION}]: https://example.invalid/compare/10.5.2603...{VERSION}
"""


def test_entry_sections_and_attention_items(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(CHANGELOG, encoding="utf-8")
    entry = read_entry(path, VERSION)
    assert (entry.version, entry.date, entry.line) == (VERSION, "2026-05-18", 9)
    assert [(s.name, len(s.items)) for s in entry.sections] == [
        ("Notes", 0),
        ("Added", 2),
        ("Changed", 2),
        ("Removed", 1),
        ("Fixed", 1),
    ]
    assert entry.sections[0].text == ("Valkey replaces Redis as the cache.",)
    assert entry.sections[1].items[1].text == (
        "New `notifier` component (`componentReplicas.notifier`, `resources.notifier.*`)."
    )
    assert [i.text for i in entry.attention_items] == [
        "`credentials.redis.*` is only read while `cache.backend` is `redis`.",
        "Worker replicas default to 6.",
        "The `legacy-redis-check` job.",
    ]
    assert not any(i.needs_attention for i in entry.sections[1].items)
    assert [s.needs_attention for s in entry.sections] == [False, False, True, True, False]


@pytest.mark.parametrize(
    "heading",
    [
        f"## {VERSION}",
        f"## {VERSION} - 2026-05-18",
        f"## v{VERSION} (2026-05-18)",
        f"## [{VERSION}]",
    ],
)
def test_heading_variants(heading: str) -> None:
    text = f"# Changelog\n\n{heading}\n### Removed\n- old key\n\n## 1.0.0\n### Removed\n- x\n"
    entry = find_entry(text, VERSION, Path("CHANGELOG.md"))
    assert [i.text for i in entry.attention_items] == ["old key"]


def test_no_entry_lists_the_versions_found() -> None:
    text = CHANGELOG.replace(f"## [{VERSION}] - 2026-05-18", "## [10.6.2604] - 2026-05-01")
    with pytest.raises(ChangelogEntryMissing) as caught:
        find_entry(text, VERSION, Path("mocm/CHANGELOG.md"))
    assert caught.value.found == ("Unreleased", "10.6.2604", "10.5.2603")
    assert str(caught.value).startswith(
        f"mocm/CHANGELOG.md has no entry for version {VERSION} "
        "(versions found: Unreleased, 10.6.2604, 10.5.2603)"
    )


def test_empty_changelog_says_none_found() -> None:
    with pytest.raises(ChangelogEntryMissing, match=r"versions found: none"):
        find_entry("# Changelog\n", VERSION, Path("CHANGELOG.md"))
    assert changelog_versions("") == ()


def test_missing_changelog(tmp_path: Path) -> None:
    with pytest.raises(ChangelogMissing, match=r"CHANGELOG\.md: not found"):
        read_entry(tmp_path / "CHANGELOG.md", VERSION)


def test_unreadable_changelog(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_bytes(b"\xff\xfe## [broken")
    with pytest.raises(ChangelogMissing, match="cannot be read"):
        read_entry(path, VERSION)
