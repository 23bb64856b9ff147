"""The CHANGELOG acknowledgement and the last diff, as journaled and read back after a restart.

The acknowledgement names the entry it covers by a fingerprint of the entry's
content (version, date, sections, items; not its line): a restarted wizard
keeps it only while the file's entry is the same, else the operator reads it
again. The diff is journaled as one note per run (its result); after a restart
the diff runs again (the cluster may have moved), but the operator is told when
it last ran and what it said.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tui.core.helm.changelog import ChangelogEntry
from tui.core.helm.diff_model import DiffOutcome, DiffReport
from tui.core.journal.records import Decision, JournalRecord, Note

ACKNOWLEDGED = "CHANGELOG acknowledged"
DIFF_NOTE = "helmfile diff: "
FINGERPRINT_CHARS = 12

_ENTRY_ACK = re.compile(r"^entry (?P<version>\S+) \(fingerprint (?P<fp>[0-9a-f]+)\): ")
_NO_ENTRY_ACK = re.compile(r"^no entry for (?P<version>\S+) ")


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


def acknowledgement_detail(version: str, entry: ChangelogEntry | None, problem: str = "") -> str:
    """The journal's words for an acknowledgement (what :func:`parse_acknowledgement` reads)."""
    if entry is None:
        return f"no entry for {version} ({problem}); read by hand"
    items = entry.attention_items
    detail = (
        f"entry {version} (fingerprint {entry_fingerprint(entry)}): "
        f"{len(items)} Changed/Removed item(s) read"
    )
    if items:
        detail += ": " + " | ".join(item.text for item in items)
    return detail


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


def parse_acknowledgement(detail: str, at: str = "") -> Acknowledgement | None:
    """The acknowledgement a detail tells; None for words without a fingerprint (ask again)."""
    if found := _ENTRY_ACK.match(detail):
        return Acknowledgement(found["version"], found["fp"], at)
    if found := _NO_ENTRY_ACK.match(detail):
        return Acknowledgement(found["version"], None, at)
    return None


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def diff_note(report: DiffReport, exit_code: int | None = None) -> str:
    """One journal line: which releases change and by how many resources, or the failure."""
    if report.outcome is DiffOutcome.FAILED:
        return DIFF_NOTE + f"failed (exit {exit_code})"
    if report.outcome is DiffOutcome.NO_CHANGES:
        return DIFF_NOTE + "no changes"
    parts = [f"{r.release} {plural(len(r.resources), 'resource')}" for r in report.releases]
    return DIFF_NOTE + (", ".join(parts) or "changes") + " changed"


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
        if isinstance(body, Decision) and body.step == step and body.what == ACKNOWLEDGED:
            acknowledgement = parse_acknowledgement(body.detail, record.ts)
        elif isinstance(body, Note) and body.step == step and body.text.startswith(DIFF_NOTE):
            last_diff = JournaledDiff(body.text.removeprefix(DIFF_NOTE), record.ts)
    return ReviewState(acknowledgement, last_diff)
