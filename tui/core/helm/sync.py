"""`helmfile sync` stderr, read line by line as it streams (formats.md §5.2).

Per release: ``Upgrading release=…``, helm's ``NAME:``/``STATUS:``/``REVISION:``
block, ``Listing releases matching ^name$`` and a tab-separated row. The run
ends with a summary (``UPDATED RELEASES:`` table up to helmfile 1.6, a
``=== Updated Releases ===`` divider from 1.7) and, on failure, with
``… failed processing release <name>: …`` followed by the failed helm call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from tui.core.helm.output import strip_ansi
from tui.core.helm.sync_summary import (
    SummaryRow,
    SummaryTableReader,
    SyncSummary,
    parse_sync_summary,
)

__all__ = [
    "ReleaseProgress",
    "ReleaseState",
    "SummaryRow",
    "SyncEvent",
    "SyncResult",
    "SyncSummary",
    "SyncTracker",
    "parse_sync",
    "parse_sync_summary",
]

_STARTED = re.compile(r"^(?:Upgrading|Installing) release=(?P<release>[^,\s]+),")
_INSTALL_NOW = re.compile(r'^Release "(?P<release>[^"]+)" does not exist\. Installing it now\.')
_HELM_FIELD = re.compile(r"^(?P<key>NAME|STATUS|REVISION): (?P<value>.+)$")
_LISTING = re.compile(r"^Listing releases matching \^(?P<release>.+)\$$")
_FAILED_PROCESSING = re.compile(r"failed processing release (?P<release>[^:\s]+):")
# helmfile's and helm's own error lines outside the failed-call block
_RUN_ERROR = re.compile(r"^(?:Error: |err(?:or)?: |in \S+: )")
_FAILURE_SECTIONS = ("PATH:", "ARGS:", "ERROR:", "EXIT STATUS", "STDERR:", "COMBINED OUTPUT:")


class ReleaseState(StrEnum):
    NOT_STARTED = "not started"
    UPGRADING = "upgrading"
    INSTALLING = "installing"
    DEPLOYED = "deployed"
    FAILED = "failed"
    DELETED = "deleted"


@dataclass(frozen=True)
class ReleaseProgress:
    """Where one release stands; ``revision`` is the one helm just wrote."""

    release: str
    state: ReleaseState = ReleaseState.NOT_STARTED
    revision: int | None = None
    installed: bool = False  # first install rather than upgrade
    error: str = ""
    duration: str = ""


@dataclass(frozen=True)
class SyncEvent:
    """A change of one release's state, emitted as soon as its line arrives."""

    release: str
    state: ReleaseState
    revision: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class SyncResult:
    releases: tuple[ReleaseProgress, ...]  # enforced order first, then any other
    summary: SyncSummary
    failure_output: tuple[str, ...]  # helm's STDERR block of the failed call
    error_lines: tuple[str, ...]  # other error lines (helmfile.yaml broken, helm missing…)
    exit_code: int | None

    def release(self, name: str) -> ReleaseProgress:
        """The progress of ``name`` (NOT_STARTED when the run never named it)."""
        return next((r for r in self.releases if r.release == name), ReleaseProgress(name))

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(r.release for r in self.releases if r.state is ReleaseState.FAILED)

    @property
    def succeeded(self) -> bool:
        """Exit 0 and every release that was touched is deployed."""
        done = {ReleaseState.DEPLOYED, ReleaseState.NOT_STARTED, ReleaseState.DELETED}
        return self.exit_code == 0 and all(r.state in done for r in self.releases)


class SyncTracker:
    """A small state machine fed the lines of a running sync, one at a time."""

    def __init__(self, releases: Sequence[str]) -> None:
        self._progress: dict[str, ReleaseProgress] = {r: ReleaseProgress(r) for r in releases}
        self._current: str | None = None  # release whose helm output is being read
        self._listing: str | None = None
        self._helm_status: str | None = None  # STATUS: of the NAME: block being read
        self._summary = SummaryTableReader()
        self._failure_section: str | None = None
        self._failure_lines: list[str] = []
        self._failed_release: str | None = None
        self._error_lines: list[str] = []

    def feed(self, line: str) -> list[SyncEvent]:
        """Read one line (line end optional); return the state changes it causes."""
        text = strip_ansi(line).rstrip("\r\n")
        stripped = text.strip()
        failed = _FAILED_PROCESSING.search(stripped)
        if failed:
            self._failed_release = failed["release"]
            self._failure_section = None
            return self._set(failed["release"], ReleaseState.FAILED)
        consumed, row = self._summary.feed(text)
        if consumed:
            return self._summary_row(row) if row else []
        if self._failed_release is not None:
            return self._failure_line(text)
        return self._release_line(text, stripped)

    def _release_line(self, text: str, stripped: str) -> list[SyncEvent]:
        started = _STARTED.match(stripped)
        if started:
            self._current, self._listing = started["release"], None
            return self._set(started["release"], ReleaseState.UPGRADING)
        install = _INSTALL_NOW.match(stripped)
        if install:
            self._current = install["release"]
            return self._set(install["release"], ReleaseState.INSTALLING, installed=True)
        listing = _LISTING.match(stripped)
        if listing:
            self._listing = listing["release"]
            return []
        if self._listing is not None and "\t" in text:
            return self._listing_row(text)
        field = _HELM_FIELD.match(stripped)
        if field and self._current is not None:
            return self._helm_field(self._current, field["key"], field["value"].strip())
        if _RUN_ERROR.match(stripped):
            self._error_lines.append(stripped)
        return []

    def _helm_field(self, release: str, key: str, value: str) -> list[SyncEvent]:
        if key == "NAME":
            self._current = value if value in self._progress else release
            self._helm_status = None
        elif key == "STATUS":
            self._helm_status = value
        elif key == "REVISION" and value.isdigit():
            name = self._current or release
            if self._helm_status in (None, "deployed"):
                return self._set(name, ReleaseState.DEPLOYED, revision=int(value))
            reason = f"helm reports status {self._helm_status}"
            return self._set(name, ReleaseState.FAILED, revision=int(value), error=reason)
        return []

    def _listing_row(self, text: str) -> list[SyncEvent]:
        cells = [c.strip() for c in text.split("\t")]
        release, self._listing = self._listing, None
        if release is None or cells[0] != release or len(cells) < 5 or not cells[2].isdigit():
            return []
        if cells[4] == "deployed":
            return self._set(release, ReleaseState.DEPLOYED, revision=int(cells[2]))
        reason = f"helm lists it as {cells[4]}"
        return self._set(release, ReleaseState.FAILED, revision=int(cells[2]), error=reason)

    def _summary_row(self, row: tuple[str, SummaryRow]) -> list[SyncEvent]:
        section, entry = row
        state = {
            "updated": ReleaseState.DEPLOYED,
            "deleted": ReleaseState.DELETED,
            "failed": ReleaseState.FAILED,
        }[section]
        events = self._set(entry.release, state)
        self._progress[entry.release] = replace(
            self._progress[entry.release], duration=entry.duration
        )
        return events

    def _failure_line(self, text: str) -> list[SyncEvent]:
        stripped = text.strip()
        if stripped in _FAILURE_SECTIONS:
            self._failure_section = stripped
            return []
        if self._failure_section != "STDERR:" or not stripped:
            return []
        self._failure_lines.append(stripped)
        release = self._failed_release or ""
        progress = self._progress[release]
        if progress.error:
            return []
        self._progress[release] = replace(progress, error=stripped)
        return [SyncEvent(release, ReleaseState.FAILED, progress.revision, stripped)]

    def _set(
        self,
        release: str,
        state: ReleaseState,
        revision: int | None = None,
        installed: bool = False,
        error: str = "",
    ) -> list[SyncEvent]:
        old = self._progress.get(release, ReleaseProgress(release))
        if state is ReleaseState.DEPLOYED and old.state is ReleaseState.FAILED:
            return []  # a summary row never undoes a failure seen earlier
        new = replace(
            old,
            state=state,
            revision=revision if revision is not None else old.revision,
            installed=installed or old.installed,
            error=error or old.error,
        )
        self._progress[release] = new
        if (new.state, new.revision) == (old.state, old.revision):
            return []
        return [SyncEvent(release, new.state, new.revision, new.error)]

    def progress(self) -> tuple[ReleaseProgress, ...]:
        """Every release so far: the enforced order first, then any the run added."""
        return tuple(self._progress.values())

    def result(self, exit_code: int | None) -> SyncResult:
        """The final picture once the process has ended (``None``: it was cancelled)."""
        return SyncResult(
            self.progress(),
            self._summary.summary(),
            tuple(self._failure_lines),
            tuple(self._error_lines),
            exit_code,
        )


def parse_sync(lines: Iterable[str], releases: Sequence[str], exit_code: int | None) -> SyncResult:
    """A whole sync log at once; the same as feeding a ``SyncTracker`` line by line."""
    tracker = SyncTracker(releases)
    for line in lines:
        tracker.feed(line)
    return tracker.result(exit_code)
