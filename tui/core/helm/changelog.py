"""The chart's CHANGELOG.md (Keep a Changelog): the entry for one version.

Entries are headed ``## [1.2.3] - 2026-05-18`` (also tolerated: ``## 1.2.3``,
with or without a date). Every ``### Changed`` and ``### Removed`` item may need
edits to the values file, so each is flagged for the operator's attention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import MocmError

# `## [1.2.3] - 2026-05-18`, `## 1.2.3`, `## v1.2.3 (2026-05-18)`, `## [Unreleased]`
_ENTRY = re.compile(r"^##\s+\[?(?P<version>[^\]\s]+)\]?(?:\s+(?:[-–—]\s*)?(?P<date>\S.*?))?\s*$")
_SECTION = re.compile(r"^###\s+(?P<name>.+?)\s*$")
_ITEM = re.compile(r"^[-*+]\s+(?P<text>.*)$")
ATTENTION_SECTIONS = frozenset({"changed", "removed"})


class ChangelogMissing(MocmError):
    """The CHANGELOG cannot be found or read."""


class ChangelogEntryMissing(MocmError):
    """The CHANGELOG has no entry for the chart version of this release."""

    def __init__(self, path: Path, version: str, found: tuple[str, ...]) -> None:
        listed = ", ".join(found) if found else "none"
        super().__init__(
            f"{path} has no entry for version {version} (versions found: {listed})",
            "read the chart notes shipped with the release, then acknowledge by hand",
        )
        self.version = version
        self.found = found


@dataclass(frozen=True)
class ChangelogItem:
    text: str  # the bullet's text, continuation lines joined with a space
    needs_attention: bool


@dataclass(frozen=True)
class ChangelogSection:
    name: str  # Added, Changed, Deprecated, Removed, Fixed, Security, …
    items: tuple[ChangelogItem, ...]
    text: tuple[str, ...]  # lines of prose that are not bullets

    @property
    def needs_attention(self) -> bool:
        return self.name.lower() in ATTENTION_SECTIONS


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    date: str
    sections: tuple[ChangelogSection, ...]
    line: int  # where the entry's heading is in the file

    @property
    def attention_items(self) -> tuple[ChangelogItem, ...]:
        """Every item that may need edits to the values file."""
        return tuple(i for s in self.sections for i in s.items if i.needs_attention)


def changelog_versions(text: str) -> tuple[str, ...]:
    """Every version that has an entry, in file order (``Unreleased`` included)."""
    return tuple(m["version"] for m in map(_ENTRY.match, text.splitlines()) if m)


def _sections(lines: list[str]) -> tuple[ChangelogSection, ...]:
    sections: list[tuple[str, list[str], list[str]]] = []
    for raw in lines:
        heading = _SECTION.match(raw)
        if heading:
            sections.append((heading["name"], [], []))
            continue
        if not raw.strip():
            continue
        if not sections:
            sections.append(("Notes", [], []))
        _, items, prose = sections[-1]
        item = _ITEM.match(raw.strip())
        if item and raw[:1] in "-*+":
            items.append(item["text"].strip())
        elif items and raw[:1].isspace():
            items[-1] = f"{items[-1]} {raw.strip()}"  # continuation or nested bullet
        else:
            prose.append(raw.strip())
    out = []
    for name, items, prose in sections:
        attention = name.lower() in ATTENTION_SECTIONS
        out.append(
            ChangelogSection(name, tuple(ChangelogItem(t, attention) for t in items), tuple(prose))
        )
    return tuple(out)


def find_entry(text: str, version: str, path: Path) -> ChangelogEntry:
    """The entry for ``version``; ``ChangelogEntryMissing`` lists the versions there are."""
    lines = text.splitlines()
    start = None
    date = ""
    for number, line in enumerate(lines):
        heading = _ENTRY.match(line)
        if heading and heading["version"].removeprefix("v") == version.removeprefix("v"):
            start, date = number, (heading["date"] or "").strip()
            break
    if start is None:
        raise ChangelogEntryMissing(path, version, changelog_versions(text))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    body = [ln for ln in lines[start + 1 : end] if not ln.startswith("[")]  # link refs
    return ChangelogEntry(version, date, _sections(body), start + 1)


def read_entry(path: Path, version: str) -> ChangelogEntry:
    """Read ``path`` and return the entry for ``version``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ChangelogMissing(
            f"{path}: not found", "the chart's CHANGELOG.md ships with the release"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ChangelogMissing(f"{path}: cannot be read ({exc})") from exc
    return find_entry(text, version, path)
