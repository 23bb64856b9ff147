"""The CHANGELOG acknowledgement and the last diff, journaled and read back after a restart."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.helm.changelog import ChangelogEntry, find_entry
from tui.core.helm.diff import parse_diff
from tui.core.helm.review import (
    ACKNOWLEDGED,
    Acknowledgement,
    JournaledDiff,
    ReviewState,
    acknowledgement_detail,
    diff_note,
    entry_fingerprint,
    parse_acknowledgement,
    read_review_journal,
)
from tui.core.journal.reader import read_journal
from tui.core.journal.writer import Journal, Workspace

STEP = "helm"
CHANGELOG = """# Changelog

## [10.6.2605] - 2026-05-04

### Added
- `cache.backend`.

### Removed
- The legacy job.

## [10.5.2603] - 2026-03-10

### Changed
- Worker replicas 4.
"""


def entry(text: str = CHANGELOG, version: str = "10.6.2605") -> ChangelogEntry:
    return find_entry(text, version, Path("CHANGELOG.md"))


def clock() -> Callable[[], str]:
    seconds = itertools.count()
    return lambda: f"2026-05-04T09:12:{next(seconds):02d}.000+00:00"


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal.open(Workspace(tmp_path), user="op", host="jump", clock=clock())


def reread(journal: Journal) -> ReviewState:
    """What a restarted wizard reads from the journal file."""
    return read_review_journal(read_journal(journal.path).records, STEP)


# -- fingerprint ------------------------------------------------------------------------------
def test_fingerprint_ignores_where_the_entry_sits() -> None:
    moved = "# Changelog\n\nIntro paragraph.\n\n" + CHANGELOG.removeprefix("# Changelog\n")
    assert entry(moved).line != entry().line
    assert entry_fingerprint(entry(moved)) == entry_fingerprint(entry())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("- The legacy job.", "- The legacy job and its role."),
        ("### Added", "### Changed"),
        ("2026-05-04", "2026-05-05"),
    ],
    ids=["item-text", "section-name", "date"],
)
def test_fingerprint_changes_with_the_content(old: str, new: str) -> None:
    changed = CHANGELOG.replace(old, new, 1)
    assert entry_fingerprint(entry(changed)) != entry_fingerprint(entry())


# -- acknowledgement words --------------------------------------------------------------------
def test_acknowledgement_round_trip_covers_the_same_entry_only() -> None:
    detail = acknowledgement_detail("10.6.2605", entry())
    assert detail.startswith(f"entry 10.6.2605 (fingerprint {entry_fingerprint(entry())}): ")
    assert detail.endswith("1 Changed/Removed item(s) read: The legacy job.")
    ack = parse_acknowledgement(detail, "t")
    assert ack == Acknowledgement("10.6.2605", entry_fingerprint(entry()), "t")
    assert ack.covers("10.6.2605", entry())
    assert not ack.covers("10.6.2605", entry(CHANGELOG.replace("legacy", "old")))
    assert not ack.covers("10.6.2605", None)  # the entry disappeared
    assert not ack.covers("10.7.0", entry())


def test_acknowledgement_without_an_entry_holds_while_there_is_none() -> None:
    detail = acknowledgement_detail("10.6.2605", None, "CHANGELOG.md has no entry")
    assert detail == "no entry for 10.6.2605 (CHANGELOG.md has no entry); read by hand"
    ack = parse_acknowledgement(detail)
    assert ack is not None and ack.fingerprint is None
    assert ack.covers("10.6.2605", None)
    assert not ack.covers("10.6.2605", entry())  # an entry appeared: read it


def test_words_without_a_fingerprint_are_not_trusted() -> None:
    # what the step journaled before the fingerprint existed: read again rather than guess
    assert parse_acknowledgement("entry 10.6.2605: 5 Changed/Removed item(s) read") is None


# -- diff notes -------------------------------------------------------------------------------
def test_diff_notes_for_each_outcome(samples: Path) -> None:
    changes = parse_diff(
        (samples / "helmfile_diff.stdout.txt").read_text(),
        (samples / "helmfile_diff.stderr.txt").read_text(),
        2,
    )
    assert diff_note(changes).startswith("helmfile diff: ")
    assert diff_note(changes).endswith(" changed")
    none = parse_diff("", (samples / "helmfile_diff_no_changes.stderr.txt").read_text(), 0)
    assert diff_note(none) == "helmfile diff: no changes"
    failed = parse_diff("", "Error: cluster unreachable\n", 1)
    assert diff_note(failed, 1) == "helmfile diff: failed (exit 1)"


# -- the journal read back --------------------------------------------------------------------
def test_restart_reads_the_newest_acknowledgement_and_diff(journal: Journal) -> None:
    journal.decision(ACKNOWLEDGED, "entry 10.6.2605: 5 Changed/Removed item(s) read", step=STEP)
    journal.note("helmfile diff: failed (exit 1)", step=STEP)
    journal.decision(ACKNOWLEDGED, acknowledgement_detail("10.6.2605", entry()), step=STEP)
    journal.note("helmfile diff: mocm-service 6 resources changed", step=STEP)
    journal.note("helmfile diff: no changes", step="values")  # another step's words
    journal.decision(ACKNOWLEDGED, acknowledgement_detail("9.9", None, "x"), step="values")
    state = reread(journal)
    assert state.acknowledgement is not None
    assert state.acknowledgement.covers("10.6.2605", entry())
    assert state.acknowledgement.at == "2026-05-04T09:12:02.000+00:00"
    assert state.last_diff == JournaledDiff(
        "mocm-service 6 resources changed", "2026-05-04T09:12:03.000+00:00"
    )
    assert not state.last_diff.failed


def test_a_newer_acknowledgement_in_old_words_asks_again(journal: Journal) -> None:
    journal.decision(ACKNOWLEDGED, acknowledgement_detail("10.6.2605", entry()), step=STEP)
    journal.decision(ACKNOWLEDGED, "entry 10.6.2605: read", step=STEP)
    journal.note("helmfile diff: failed (exit 1)", step=STEP)
    state = reread(journal)
    assert state.acknowledgement is None
    assert state.last_diff is not None and state.last_diff.failed


def test_first_visit_has_nothing(journal: Journal) -> None:
    journal.note("something else", step=STEP)
    state = reread(journal)
    assert state.acknowledgement is None and state.last_diff is None
