"""The CHANGELOG acknowledgement and the last diff, as journaled and read back after a restart.

The acknowledgement names the entry it covers by a fingerprint of the entry's
content (version, date, sections, items; not its line): a restarted wizard
keeps it only while the file's entry is the same, else the operator reads it
again. The diff is journaled as one record per run (its result); after a restart
the diff runs again (the cluster may have moved), but the operator is told when
it last ran and what it said.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from tui.core.helm.changelog import ChangelogEntry
from tui.core.helm.diff_model import DiffOutcome, DiffReport
from tui.core.journal.events import ChangelogAcknowledged, HelmDiffed
from tui.core.journal.records import JournalRecord

FINGERPRINT_CHARS = 12


def entry_fingerprint(entry: ChangelogEntry) -> str:
    """A short digest of what the entry says (moving it within the file does not change it)."""
    content = {
        "version": entry.version,
        "date": entry.date,
        "sections": [
            {"name": s.name, "text": list(s.text), "items": [i.text for i in s.items]}
            for s in entry.sections
        ],
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]


def acknowledgement_record(
    version: str, entry: ChangelogEntry | None, step: str, problem: str = ""
) -> ChangelogAcknowledged:
    """The journal's record of an acknowledgement (what :func:`read_review_journal` reads)."""
    if entry is None:
        return ChangelogAcknowledged(version, None, (), problem, step)
    items = tuple(item.text for item in entry.attention_items)
    return ChangelogAcknowledged(version, entry_fingerprint(entry), items, "", step)


@dataclass(frozen=True)
class Acknowledgement:
    """A journaled acknowledgement of the CHANGELOG entry of ``version``."""

    version: str
    fingerprint: str | None  # None: there was no entry, the notes were read by hand
    at: str  # the record's timestamp

    def covers(self, version: str, entry: ChangelogEntry | None) -> bool:
        """Whether it still holds for the entry the file has now."""
        if version != self.version:
            return False
        if entry is None:
            return self.fingerprint is None
        return self.fingerprint == entry_fingerprint(entry)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def diff_record(report: DiffReport, step: str, exit_code: int | None = None) -> HelmDiffed:
    """Which releases change and by how many resources, or the failure."""
    if report.outcome is DiffOutcome.FAILED:
        return HelmDiffed(f"failed (exit {exit_code})", step)
    if report.outcome is DiffOutcome.NO_CHANGES:
        return HelmDiffed("no changes", step)
    parts = [f"{r.release} {plural(len(r.resources), 'resource')}" for r in report.releases]
    return HelmDiffed((", ".join(parts) or "changes") + " changed", step)


@dataclass(frozen=True)
class JournaledDiff:
    """The last diff the journal tells of."""

    result: str  # ``no changes``, ``mocm-service 3 resources changed``, ``failed (exit 1)``
    at: str

    @property
    def failed(self) -> bool:
        return self.result.startswith("failed")


@dataclass(frozen=True)
class ReviewState:
    acknowledgement: Acknowledgement | None  # the newest one
    last_diff: JournaledDiff | None


def read_review_journal(records: Iterable[JournalRecord], step: str) -> ReviewState:
    """The newest acknowledgement and diff the Helm step journaled."""
    acknowledgement: Acknowledgement | None = None
    last_diff: JournaledDiff | None = None
    for record in records:
        body = record.body
        if isinstance(body, ChangelogAcknowledged) and body.step == step:
            acknowledgement = Acknowledgement(body.version, body.fingerprint, record.ts)
        elif isinstance(body, HelmDiffed) and body.step == step:
            last_diff = JournaledDiff(body.result, record.ts)
    return ReviewState(acknowledgement, last_diff)
