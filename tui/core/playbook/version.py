"""Semantic versions, as the playbook states minimums and tools report themselves.

Its own module: the playbook's model needs ``Version`` at start-up, while the tool
checks that also compare versions run processes (and import asyncio) only in Preflight.
"""

from __future__ import annotations

import re

from tui.core.records import FrozenRecord

_SEMVER = re.compile(
    r"^v?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)


class VersionSyntaxError(ValueError):
    """The text is not a semantic version."""


class Version(FrozenRecord):
    """A semantic version; ``1.11.0-rc1`` sorts before ``1.11.0`` (SemVer §11)."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``1.10.4``, ``v1.10.4``, ``1.11.0-rc1``, ``1.10.4+build``."""
        match = _SEMVER.match(text.strip())
        if match is None:
            raise VersionSyntaxError(f"{text!r} is not a version like 1.10.4")
        pre = match.group("pre")
        return cls(
            int(match.group("major")),
            int(match.group("minor") or 0),
            int(match.group("patch") or 0),
            tuple(pre.split(".")) if pre else (),
        )

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        # A release outranks any prerelease; numeric identifiers sort below alphanumeric ones.
        ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, ids)

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Version) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Version) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Version) -> bool:
        return self._key() >= other._key()

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{'.'.join(self.prerelease)}" if self.prerelease else core
