"""The shapes of a `helmfile diff` result: resource blocks, releases, helmfile's log."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DiffLineKind(StrEnum):
    """How a body line is coloured: added green, removed red."""

    ADDED = "added"
    REMOVED = "removed"
    CONTEXT = "context"
    SKIPPED = "skipped"  # `...` standing for unchanged lines cut by --context
    BLANK = "blank"


class DiffOutcome(StrEnum):
    """What the run says about the cluster compared with the charts."""

    NO_CHANGES = "no changes"
    CHANGES = "changes"
    FAILED = "failed"


@dataclass(frozen=True)
class DiffLine:
    kind: DiffLineKind
    text: str  # as printed, prefix included; Secret values always redacted
    secret: bool = False


@dataclass(frozen=True)
class ManifestChange:
    """One resource block of helm-diff."""

    namespace: str
    name: str
    kind: str
    group: str
    message: str
    lines: tuple[DiffLine, ...]

    @property
    def header(self) -> str:
        return f"{self.namespace}, {self.name}, {self.kind} ({self.group}) {self.message}"

    @property
    def added(self) -> int:
        """Lines added (an empty ``+`` line that only pads a new manifest is not counted)."""
        return sum(1 for ln in self.lines if ln.kind is DiffLineKind.ADDED and ln.text[1:].strip())

    @property
    def removed(self) -> int:
        """Lines removed (an empty ``-`` line is not counted)."""
        return sum(
            1 for ln in self.lines if ln.kind is DiffLineKind.REMOVED and ln.text[1:].strip()
        )


@dataclass(frozen=True)
class ReleaseDiff:
    """The changed resources of one release."""

    release: str
    resources: tuple[ManifestChange, ...]

    @property
    def added(self) -> int:
        return sum(r.added for r in self.resources)

    @property
    def removed(self) -> int:
        return sum(r.removed for r in self.resources)


@dataclass(frozen=True)
class ComparedRelease:
    release: str
    chart: str
    namespace: str | None  # helmfile before 2024 does not print it


@dataclass(frozen=True)
class AffectedRelease:
    release: str
    chart: str
    change: str  # UPDATED or DELETED


@dataclass(frozen=True)
class DiffLog:
    """What helmfile logged on stderr."""

    compared: tuple[ComparedRelease, ...]
    affected: tuple[AffectedRelease, ...]
    identified_change: bool
    no_affected: bool
    other: tuple[str, ...]


@dataclass(frozen=True)
class DiffReport:
    releases: tuple[ReleaseDiff, ...]
    log: DiffLog
    outcome: DiffOutcome

    def release(self, name: str) -> ReleaseDiff | None:
        """The diff of release ``name``; None when it has no change."""
        return next((r for r in self.releases if r.release == name), None)


def classify_line(line: str) -> DiffLineKind:
    """The colour class of one body line of helm-diff."""
    if not line:
        return DiffLineKind.BLANK
    if line[0] == "+":
        return DiffLineKind.ADDED
    if line[0] == "-":
        return DiffLineKind.REMOVED
    if line.strip() == "...":
        return DiffLineKind.SKIPPED
    return DiffLineKind.CONTEXT


def diff_outcome(exit_code: int, detailed_exitcode: bool, has_changes: bool) -> DiffOutcome:
    """Meaning of the exit code: with ``--detailed-exitcode`` 0 none, 2 changes, else failed.

    Without the flag helmfile exits 0 with or without changes, so the body decides.
    """
    if detailed_exitcode:
        return {0: DiffOutcome.NO_CHANGES, 2: DiffOutcome.CHANGES}.get(
            exit_code, DiffOutcome.FAILED
        )
    if exit_code != 0:
        return DiffOutcome.FAILED
    return DiffOutcome.CHANGES if has_changes else DiffOutcome.NO_CHANGES
