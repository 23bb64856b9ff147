"""The Markdown change record: what it shows, what it never shows, and the CLI around it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.journal.events import (
    UNDONE_BY,
    AwsIdentityConfirmed,
    BackendMigrated,
    ChangeCount,
    GateAnswered,
    GateQuestion,
    HelmRevisionRecorded,
    HelmSynced,
    IdleVerdict,
    MigrationOutcome,
    PlanApplied,
    PlanApproved,
    PlanFile,
    PlanIssue,
    PlanReviewed,
    PlanVerdict,
    ReleaseAfterSync,
    RollbackDone,
    RollbackKind,
    Stage4Verdict,
    StateSeen,
    ValuesChoice,
    ValuesDecision,
)
from tui.core.journal.reader import read_journal
from tui.core.journal.report import change_record
from tui.core.journal.resume import fold
from tui.core.journal.words import elapsed, format_duration
from tui.core.journal.writer import Journal, Workspace
from tui.core.secrets.redact import Redactor

SECRET = "Zq7|w8Kp-valkey-pass"
SHA_OLD = "1" * 64
SHA_NEW = "2" * 64
PLAN = PlanFile("/r/tfplan", "c" * 64, StateSeen("lin-8c3f", 57, "terraform.tfstate"), "t")
ORDER = ("releases", "preflight", "backend", "carry_over", "plan", "apply", "stage4")


def record_an_upgrade(release: Path) -> Journal:
    """A journal as the wizard would leave it, with a secret written in clear (no hook)."""
    ticks = iter(range(1000))
    journal = Journal.open(
        Workspace(release),
        user="alice",
        host="jump1",
        clock=lambda: f"2026-05-01T10:{next(ticks):02d}:00.000+00:00",
    )
    journal.session_started(release.parent / "prev", release, "1.0.1", "1.1.0", "pb-x", "0.1.0")
    journal.step_entered("releases")
    journal.step_completed("releases")
    journal.step_entered("preflight")
    journal.append(AwsIdentityConfirmed("123456789012", "arn:aws:iam::1:user/ops", "eu-west-1"))
    journal.step_waived("preflight", "DLM policy owned by | platform team\nticket OPS-12")
    journal.step_entered("backend")
    migrate = ["tofu", "init", "-migrate-state"]
    run = journal.command_started(migrate, release, "001-tofu-init.log", "backend")
    journal.command(migrate, release, 0, 12.0, "001-tofu-init.log", "migrated", "backend", run)
    journal.append(
        BackendMigrated(MigrationOutcome.MIGRATED, ("yes",), "the S3 object holds the local state")
    )
    journal.step_completed("backend")
    journal.step_entered("carry_over")
    journal.file_op(
        "copy",
        release / "terraform.tfstate",
        SHA_NEW,
        SHA_OLD,
        source=release.parent / "prev" / "terraform.tfstate",
        step="carry_over",
    )
    journal.step_completed("carry_over")
    journal.step_entered("plan")
    plan = ["tofu", "plan", "-out", "tfplan", "-detailed-exitcode"]
    journal.command(plan, release, 2, 75.0, "002-tofu-plan.log", "ok: changes present", "plan")
    issue = PlanIssue("aws_instance.old", ("delete",), "not expected at upgrade", True)
    counts = (ChangeCount("create", 3), ChangeCount("delete", 1))
    journal.append(PlanReviewed(str(release), PLAN, PlanVerdict.BLOCKED, counts, (issue,), "plan"))
    gate = GateAnswered(True, GateQuestion.TYPE_PHRASE, "destroy 1", ("aws_instance.old",))
    journal.append(gate)
    journal.append(PlanApproved(str(release), PLAN, "destroy 1", "plan"))
    journal.step_completed("plan")
    journal.step_entered("apply")
    journal.step_started("apply")
    apply = ["tofu", "apply", "tfplan"]
    cut = journal.command_started(apply, release, "003-tofu-apply.log", "apply")
    journal.command(["helm", "status"], release, None, 600.0, "004-helm-status.log", "timeout")
    journal.command(["tofu", "state", "pull"], release, 1, 1.0, None, "", "apply")
    journal.append(PlanApplied("c" * 64, str(release), "apply"))
    kind = RollbackKind.STATE_VERSION
    journal.append(RollbackDone(kind, "version v3: serial 56", UNDONE_BY[kind], "rollback"))
    journal.append(ValuesDecision(ValuesChoice.DROPPED, ("nodeSelector",)))
    journal.append(
        ValuesDecision(ValuesChoice.PLACEHOLDERS_LEFT, ("smtp.password",), "filled by Vault")
    )
    journal.append(HelmRevisionRecorded("mocm-service", 9, "mocm-service-1.0.1", False))
    journal.append(HelmSynced(0, (ReleaseAfterSync("mocm-service", "deployed", 10),)))
    journal.step_entered("stage4")
    journal.append(
        Stage4Verdict(
            "old-redis",
            "eu-west-1",
            "72h",
            "t0",
            "t1",
            1.0,
            0.0,
            288,
            IdleVerdict.IDLE,
            ("mocm/values.yaml:12",),
            True,
        )
    )
    journal.note(f"valkey password is {SECRET}", step="plan")
    journal.note('tofu printed db_password = "hunter2xyz"')
    del cut  # the apply never ended: the wizard was killed
    return journal


def test_report_tells_the_whole_truth(tmp_path: Path) -> None:
    journal = record_an_upgrade(tmp_path)
    state = fold(journal.records)
    md = change_record(state, step_order=ORDER, step_titles={"carry_over": "Carry-over"})

    assert md.startswith("# Change record: 1.0.1 → 1.1.0\n")
    assert "- **Operators (OS user@host):** alice@jump1" in md
    assert (
        "- **AWS:** account 123456789012, region eu-west-1, principal `arn:aws:iam::1:user/ops`"
        in md
    )
    # every step entered has a start; a finished one an end and a duration
    assert (
        "| releases | done | 2026-05-01T10:01:00.000+00:00 | 2026-05-01T10:02:00.000+00:00 "
        "| 1 min 00 s | alice@jump1 | — |" in md
    )
    assert "| preflight | waived | 2026-05-01T10:03:00.000+00:00 |" in md
    assert "reason: DLM policy owned by \\| platform team ticket OPS-12 |" in md
    assert "| Carry-over | done |" in md
    # a rollback reverted plan and apply; Stage 4 was entered, so it is in progress
    assert "| plan | rolled back |" in md and "reverted by Rollback B" in md
    assert "| apply | rolled back |" in md
    assert "| stage4 | in progress | 2026-05-01T10:" in md
    # exit 2 with changes present and a migration that succeeded are not failures
    assert (
        "- Commands run: 5; succeeded: 2 (1 with changes present); failed: 1; timed out: 1; "
        "cancelled: 0; interrupted: 0." in md
    )
    assert "- Running (no end recorded yet): 1." in md
    assert "| succeeded, changes present | 2 | 1 min 15 s | `002-tofu-plan.log` |" in md
    assert "| succeeded (migrated) | 0 | 12.0 s |" in md
    assert "| timed out | — | 10 min 00 s |" in md
    # the plan: counts, unexpected items, the typed confirmation, approval, apply
    assert "3 create, 1 delete; state serial 57, lineage lin-8c3f" in md
    assert "unexpected: aws_instance.old ['delete'] (blocking): not expected at upgrade" in md
    assert "apply confirmed by typing 'destroy 1'; overrode 1: aws_instance.old" in md
    assert "| approved | `cccccccccccccccc…` | typed 'destroy 1'" in md
    # values, Helm before and after, Stage 4's evidence
    assert "| dropped | 1 | `nodeSelector` |" in md
    assert "| saved with placeholders left | 1 | `smtp.password` | filled by Vault |" in md
    assert "| mocm-service | 9 | mocm-service-1.0.1 | 10 | deployed |" in md
    assert "| old-redis | eu-west-1 | 72h (t0 → t1) | 1 | 0 | 288 | IDLE |" in md
    assert "| mocm/values.yaml:12 | blocked |" in md
    assert (
        "Rollback B: S3 state version restored: version v3: serial 56 (reverts plan, apply)" in md
    )
    assert f"| `{SHA_OLD}` | `{SHA_NEW}` |" in md
    # and every record, line by line
    journal_rows = md.split("## The journal, line by line")[1].strip().splitlines()[2:]
    assert len(journal_rows) == len(journal.records)


def test_a_secret_in_a_record_never_reaches_the_report(tmp_path: Path) -> None:
    journal = record_an_upgrade(tmp_path)
    # written in clear: no hook on this journal, and none on the first rendering
    assert SECRET in journal.path.read_text()
    assert "hunter2xyz" in change_record(fold(journal.records))
    md = change_record(fold(journal.records), redact=Redactor([SECRET]).redact)
    assert SECRET not in md
    # the secret holds a pipe: escaping must not split it before redaction
    assert "Zq7" not in md and "w8Kp" not in md
    assert "valkey password is ••••••" in md


def test_report_on_an_empty_journal_says_so(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    workspace.journal_path.write_text("")
    md = change_record(fold(read_journal(workspace.journal_path).records))
    assert "The journal holds no session start." in md
    assert "## Commands\n\nNone." in md


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.04, "0.0 s"), (59.9, "59.9 s"), (61, "1 min 01 s"), (7380, "2 h 03 min")],
)
def test_durations_read_like_a_person_wrote_them(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_elapsed_between_journal_times() -> None:
    assert elapsed("2026-05-01T10:00:00.000+00:00", "2026-05-01T11:02:05.000+00:00") == (
        "1 h 02 min"
    )
    assert elapsed(None, "2026-05-01T10:00:00.000+00:00") == "—"
    assert elapsed("x", "y") == "—"


def test_cli_writes_the_record_into_the_work_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_an_upgrade(tmp_path)
    assert main(["report", "--release", str(tmp_path)]) == 0
    written = list((tmp_path / ".mocm-upgrade").glob("change-record-*.md"))
    assert len(written) == 1
    assert capsys.readouterr().out == f"Change record written to {written[0]}\n"
    assert stat.S_IMODE(written[0].stat().st_mode) == 0o600
    text = written[0].read_text()
    assert "| Releases | done |" in text and "| Rollback | in progress |" in text
    assert "| Values | in progress |" in text
    # the CLI redacts with the project's pattern-based Redactor
    assert "hunter2xyz" not in text and 'db_password = "••••••"' in text
    assert "- **Record generated:** 20" in text


def test_cli_defaults_to_the_working_directory_and_prints_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record_an_upgrade(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# Change record: 1.0.1 → 1.1.0")
    assert captured.err == ""


def test_cli_without_a_journal_fails_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--release", str(tmp_path), "--out", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"No journal at {tmp_path}/.mocm-upgrade/journal.jsonl" in captured.err
    assert "has not run on this release" in captured.err


def test_cli_on_a_release_directory_gone_names_it_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = tmp_path / "mocm-10.6.2605"
    assert main(["report", "--release", str(gone), "--out", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"mocm-upgrade report: {gone}: the release directory does not exist (moved or deleted?).\n"
    )
    gone.write_text("a file where the release was")
    assert main(["report", "--release", str(gone), "--out", "-"]) == 1
    assert f"{gone}: the release directory is not a directory." in capsys.readouterr().err


def test_cli_on_a_corrupt_journal_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = record_an_upgrade(tmp_path)
    lines = journal.path.read_text().splitlines()
    lines[4] = "{oops"
    journal.path.write_text("\n".join(lines) + "\n")
    assert main(["report", "--release", str(tmp_path), "--out", "-"]) == 1
    assert "line 5 is corrupt" in capsys.readouterr().err


def test_cli_on_a_newer_journal_names_the_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = record_an_upgrade(tmp_path)
    with journal.path.open("a") as handle:
        handle.write(
            '{"ts": "t", "seq": 99, "kind": "warp", "user": "u", "host": "h", "schema": 7}\n'
        )
    assert main(["report", "--release", str(tmp_path), "--out", "-"]) == 1
    err = capsys.readouterr().err
    assert f"line {len(journal.records) + 1} was written by a newer mocm-upgrade" in err
    assert "(journal schema 7); this one reads journal schema 3 and older" in err


def test_cli_reports_a_torn_last_line_as_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = record_an_upgrade(tmp_path)
    with journal.path.open("a") as handle:
        handle.write('{"ts": "2026-05-01T10:')
    assert main(["report", "--release", str(tmp_path), "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "kill mid-write" in captured.err
    assert "- Warning: " in captured.out and "| Stage 4 | in progress |" in captured.out


def test_cli_refuses_an_output_folder_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_an_upgrade(tmp_path)
    out = tmp_path / "missing" / "record.md"
    assert main(["report", "--release", str(tmp_path), "--out", str(out)]) == 1
    assert f"{out.parent} is not a directory" in capsys.readouterr().err
    assert not out.exists()
