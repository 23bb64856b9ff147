"""The CHANGELOG acknowledgement and the last diff, journaled and read back after a restart."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.helm.changelog import ChangelogEntry, find_entry
from tui.core.helm.diff import parse_diff
from tui.core.helm.review import (
    Acknowledgement,
    JournaledDiff,
    ReviewState,
    acknowledgement_record,
    diff_record,
    entry_fingerprint,
    read_review_journal,
)
from tui.core.journal.events import ChangelogAcknowledged, HelmDiffed
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


# -- acknowledgement records ------------------------------------------------------------------
def test_acknowledgement_covers_the_same_entry_only(journal: Journal) -> None:
    record = acknowledgement_record("10.6.2605", entry(), STEP)
    assert record == ChangelogAcknowledged(
        "10.6.2605", entry_fingerprint(entry()), ("The legacy job.",), "", STEP
    )
    journal.append(record)
    ack = reread(journal).acknowledgement
    assert ack == Acknowledgement("10.6.2605", entry_fingerprint(entry()), ack.at if ack else "")
    assert ack is not None and ack.covers("10.6.2605", entry())
    assert not ack.covers("10.6.2605", entry(CHANGELOG.replace("legacy", "old")))
    assert not ack.covers("10.6.2605", None)  # the entry disappeared
    assert not ack.covers("10.7.0", entry())


def test_acknowledgement_without_an_entry_holds_while_there_is_none(journal: Journal) -> None:
    record = acknowledgement_record("10.6.2605", None, STEP, "CHANGELOG.md has no entry")
    assert record.fingerprint is None and record.problem == "CHANGELOG.md has no entry"
    journal.append(record)
    ack = reread(journal).acknowledgement
    assert ack is not None and ack.covers("10.6.2605", None)
    assert not ack.covers("10.6.2605", entry())  # an entry appeared: read it


def test_an_acknowledgement_of_unknown_content_is_not_trusted() -> None:
    # an old journal's words without the fingerprint: read again rather than guess
    ack = Acknowledgement("10.6.2605", "", "t")
    assert not ack.covers("10.6.2605", entry()) and not ack.covers("10.6.2605", None)


# -- diff records -----------------------------------------------------------------------------
def test_diff_records_for_each_outcome(samples: Path) -> None:
    changes = parse_diff(
        (samples / "helmfile_diff.stdout.txt").read_text(),
        (samples / "helmfile_diff.stderr.txt").read_text(),
        2,
    )
    assert diff_record(changes, STEP).result.endswith(" changed")
    none = parse_diff("", (samples / "helmfile_diff_no_changes.stderr.txt").read_text(), 0)
    assert diff_record(none, STEP) == HelmDiffed("no changes", STEP)
    failed = parse_diff("", "Error: cluster unreachable\n", 1)
    assert diff_record(failed, STEP, 1) == HelmDiffed("failed (exit 1)", STEP)


# -- the journal read back --------------------------------------------------------------------
def test_restart_reads_the_newest_acknowledgement_and_diff(journal: Journal) -> None:
    journal.append(ChangelogAcknowledged("10.6.2605", "", (), "", STEP))
    journal.append(HelmDiffed("failed (exit 1)", STEP))
    journal.append(acknowledgement_record("10.6.2605", entry(), STEP))
    journal.append(HelmDiffed("mocm-service 6 resources changed", STEP))
    journal.append(HelmDiffed("no changes", "values"))  # another step's record
    journal.append(acknowledgement_record("9.9", None, "values", "x"))
    state = reread(journal)
    assert state.acknowledgement is not None
    assert state.acknowledgement.covers("10.6.2605", entry())
    assert state.acknowledgement.at == "2026-05-04T09:12:02.000+00:00"
    assert state.last_diff == JournaledDiff(
        "mocm-service 6 resources changed", "2026-05-04T09:12:03.000+00:00"
    )
    assert not state.last_diff.failed


def test_a_newer_acknowledgement_of_unknown_content_asks_again(journal: Journal) -> None:
    journal.append(acknowledgement_record("10.6.2605", entry(), STEP))
    journal.append(ChangelogAcknowledged("10.6.2605", "", (), "", STEP))
    journal.append(HelmDiffed("failed (exit 1)", STEP))
    state = reread(journal)
    assert state.acknowledgement is not None
    assert not state.acknowledgement.covers("10.6.2605", entry())
    assert state.last_diff is not None and state.last_diff.failed


def test_first_visit_has_nothing(journal: Journal) -> None:
    journal.note("something else", step=STEP)
    state = reread(journal)
    assert state.acknowledgement is None and state.last_diff is None
