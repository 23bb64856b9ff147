"""The words the change record uses at their edges: durations at the minute and the hour,
the key list at its limit, a clock that went backwards, a plan made before any state."""

from __future__ import annotations

from dataclasses import replace

from tui.core.journal.events import (
    ChangelogAcknowledged,
    HelmRevisionRecorded,
    IdleVerdict,
    PlanFile,
    SnapshotPurpose,
    SnapshotRecorded,
    Stage4Verdict,
)
from tui.core.journal.records import CommandRun
from tui.core.journal.words import (
    KEYS_SHOWN,
    command_result,
    describe,
    elapsed,
    format_duration,
    some,
    state_words,
)


def test_durations_change_unit_at_the_minute_and_the_hour() -> None:
    assert format_duration(59.94) == "59.9 s"
    assert format_duration(60) == "1 min 00 s"
    assert format_duration(3599) == "59 min 59 s"
    assert format_duration(3600) == "1 h 00 min"
    assert format_duration(3661) == "1 h 01 min"


def test_a_clock_that_went_backwards_shows_no_negative_duration() -> None:
    assert elapsed("2026-12-07T10:00:05+00:00", "2026-12-07T10:00:00+00:00") == "0.0 s"
    assert elapsed("2026-12-07T10:00:00+00:00", "2026-12-07T10:01:30+00:00") == "1 min 30 s"
    assert elapsed(None, "2026-12-07T10:00:00+00:00") == "—"
    assert elapsed("yesterday", "2026-12-07T10:00:00+00:00") == "—"


def test_the_key_list_names_up_to_its_limit_then_counts_the_rest() -> None:
    keys = [f"k{n}" for n in range(KEYS_SHOWN + 2)]
    assert KEYS_SHOWN == 30
    assert some(keys[:KEYS_SHOWN]) == ", ".join(keys[:KEYS_SHOWN])
    assert some(keys) == ", ".join(keys[:KEYS_SHOWN]) + ", … and 2 more"


def test_a_plan_made_before_any_state_says_so() -> None:
    assert state_words(PlanFile("tfplan", "ab", None, "now")) == "no state yet"


def test_a_command_result_adds_only_what_its_status_does_not_say() -> None:
    ok = CommandRun(("tofu", "init"), "/r", 0, 1.0)
    assert command_result(ok) == "succeeded (exit 0)"
    migrated = CommandRun(("tofu", "init", "-migrate-state"), "/r", 0, 1.0, outcome="migrated")
    assert command_result(migrated) == "succeeded (exit 0; migrated)"
    failed = CommandRun(("tofu", "apply"), "/r", 1, 1.0, outcome="failed: lock held")
    assert command_result(failed) == "failed (exit 1)"
    never = CommandRun(("tofu", "apply"), "/r", None, 0.0, outcome="")
    assert command_result(never) == "failed (no exit code)"


def test_the_words_follow_each_record_branch() -> None:
    kept = SnapshotRecorded(SnapshotPurpose.OPTIONAL, "s1", "cache-1", "available", True)
    taken = replace(kept, already_existed=False)
    assert "(already existed, kept)" in describe(kept) and "(taken)" in describe(taken)
    by_hand = ChangelogAcknowledged("10.6.2605", None, problem="no such heading")
    read = ChangelogAcknowledged("10.6.2605", "f00d", ("Removed: x",))
    assert describe(by_hand) == "CHANGELOG: no entry for 10.6.2605 (no such heading); read by hand"
    assert describe(read) == "CHANGELOG entry 10.6.2605 acknowledged (1 item(s) read)"
    none_deployed = HelmRevisionRecorded("mocm-service", None, "", False, 3)
    assert describe(none_deployed) == "mocm-service: no deployed revision (3 revisions)"
    verdict = Stage4Verdict(
        "old", "eu-central-1", "72h", "a", "b", 5.0, 0.0, 288, IdleVerdict.IDLE, blocked=False
    )
    assert describe(verdict).endswith("; no reference")
    assert describe(replace(verdict, references=("x.tf:3",))).endswith("; 1 reference(s) left")
