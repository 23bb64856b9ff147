"""Every record type the journal knows is rendered in the change record: in its line of
"The journal, line by line" and in the section of its kind (tests/support/change_record_check).
A record type added without a rendering (or without a check) fails here."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.support.change_record_check import (
    CHECKS,
    check_record,
    leaf_values,
    parse_record,
    sample,
)
from tui.core.journal.reader import read_journal
from tui.core.journal.records import (
    BODY_BY_KIND,
    CommandInterrupted,
    CommandRun,
    CommandStarted,
)
from tui.core.journal.report import change_record
from tui.core.journal.resume import fold
from tui.core.journal.words import describe
from tui.core.journal.writer import Journal, Workspace
from tui.core.steps import STEP_IDS, STEPS

TITLES = {step.id: step.title for step in STEPS}


def render(release: Path) -> tuple[list, str]:  # type: ignore[type-arg]
    read = read_journal(Workspace(release).journal_path)
    markdown = change_record(fold(read.records), step_order=STEP_IDS, step_titles=TITLES)
    return list(read.records), markdown


def test_every_record_type_has_a_check() -> None:
    assert set(CHECKS) == set(BODY_BY_KIND.values())


def test_one_record_of_every_type_is_rendered_where_it_belongs(tmp_path: Path) -> None:
    journal = Journal.open(Workspace(tmp_path), user="alice", host="jump1")
    bodies = [sample(kind) for kind in BODY_BY_KIND.values()]
    started = next(b for b in bodies if isinstance(b, CommandStarted))
    for body in bodies:
        if isinstance(body, CommandRun):  # its start is the CommandStarted above
            body = dataclasses.replace(body, run_id=started.run_id, argv=started.argv)
        if isinstance(body, CommandInterrupted):  # another command, cut off
            journal.append(dataclasses.replace(started, run_id="cut-off"))
            body = dataclasses.replace(body, run_id="cut-off", argv=started.argv)
        journal.append(body)
    # a plan with changes (exit 2) and a command whose start is the only record
    journal.append(PLAN)
    journal.append(dataclasses.replace(started, run_id="still-running"))
    records, markdown = render(tmp_path)
    counts = check_record(records, markdown)
    assert set(counts) == {kind.value for kind in BODY_BY_KIND}
    assert "| running |" in markdown and "changes present" in markdown


PLAN = CommandRun(
    ("tofu", "plan", "-detailed-exitcode", "-out=tfplan"),
    "/r/terraform/aws",
    2,
    3.0,
    outcome="ok: changes present",
    step="plan",
)


def test_a_row_the_journal_lacks_is_caught(tmp_path: Path) -> None:
    Journal.open(Workspace(tmp_path), user="alice", host="jump1").append(PLAN)
    records, markdown = render(tmp_path)
    check_record(records, markdown)
    forged = markdown.replace(
        "## Rollbacks\n\nNone.\n",
        "## Rollbacks\n\n| Line | When | Step | Rollback |\n|---|---|---|---|\n| 9 | x | — | y |\n",
    )
    assert forged != markdown
    with pytest.raises(AssertionError, match="lines the journal lacks"):
        check_record(records, forged)


def test_a_plan_with_changes_shown_as_failed_is_caught(tmp_path: Path) -> None:
    Journal.open(Workspace(tmp_path), user="alice", host="jump1").append(PLAN)
    records, markdown = render(tmp_path)
    check_record(records, markdown)
    wrong = markdown.replace("| succeeded, changes present |", "| failed |")
    assert wrong != markdown
    with pytest.raises(AssertionError):
        check_record(records, wrong)


def test_sections_and_tables_are_read_back() -> None:
    sections = parse_record("# T\n\n## A\n\n| Line | What |\n|---|---|\n| 1 | a \\| b |\n\ntext\n")
    [table] = sections["A"].tables
    assert table.rows == [{"Line": "1", "What": "a \\| b"}]
    assert "text" in sections["A"].lines


# Fields a record's words leave out: shown by the record's own section (Commands, Plans,
# Stage-4 evidence, File operations), or ids and paths no operator reads in a sentence.
NOT_SHOWN: dict[str, set[str]] = {
    "SessionStarted": {"previous", "current"},  # the heading names both directories
    "FileOp": {"sha256_before"},  # the File operations table
    "CommandStarted": {"run_id", "transcript"},  # the Commands table
    "CommandRun": {"cwd", "duration_s", "transcript", "run_id"},  # duration as words
    "CommandInterrupted": {"run_id", "cwd"},
    "SnapshotRecorded": {"service"},
    "PlanReviewed": {"workdir", "plan.path", "plan.state.source", "plan.reviewed_at", "stage"},
    "GateAnswered": {  # its sentence; the Plans table has the plan's sha256
        "typed_phrase",
        "overridden[]",
        "plan_sha256",
        "destroys",
        "replaces",
        "workdir",
        "stage",
    },
    "PlanApproved": {
        "workdir",
        "plan.path",
        "plan.state.lineage",
        "plan.state.serial",
        "plan.state.source",
        "plan.reviewed_at",
        "stage",
    },
    "PlanApplied": {"workdir"},
    "PlanVoided": {"workdir"},
    "ApplyStarted": {"workdir"},
    "ApplyEnded": {"workdir"},
    "ValuesDecision": {"file"},
    "ChangelogAcknowledged": {"fingerprint", "items[]", "problem"},
    "WaiverGiven": {"items[]"},
    "HelmHealthChecked": {"releases[].release"},  # each message names its release
    "HelmRevisionRecorded": {"revision_count"},
    "HelmRolledBack": {"release", "revision"},  # its message names both
    "Stage4Verdict": {"region", "window_start", "window_end", "references[]", "not_live[]"},
}
NEVER_SHOWN = {"step"}


@pytest.mark.parametrize("kind", list(BODY_BY_KIND.values()), ids=lambda k: k.__name__)
def test_the_words_of_a_record_name_what_it_holds(kind: type) -> None:
    body = sample(kind)
    said = describe(body)
    hidden = NEVER_SHOWN | NOT_SHOWN.get(kind.__name__, set())
    missing = [
        name for name, value in leaf_values(body) if name not in hidden and str(value) not in said
    ]
    assert not missing, f"{kind.__name__}: {said!r} leaves out {missing}"


@pytest.mark.parametrize("kind", list(BODY_BY_KIND.values()), ids=lambda k: k.__name__)
def test_the_other_branch_of_a_record_has_its_own_words(kind: type) -> None:
    usual, other = sample(kind), sample(kind, other=True)
    for body in (usual, other):
        said = describe(body)
        assert isinstance(said, str) and said.strip(), body
    if usual != other and kind.__name__ not in SAME_WORDS:
        assert describe(usual) != describe(other), f"{kind.__name__}: a flag or None is not said"


# Records whose flags or optional fields change no words (their sections show them).
SAME_WORDS = {
    "CommandStarted",  # a transcript or none: the Commands table names it
    "HelmRolledBack",  # its message says whether it worked
}
