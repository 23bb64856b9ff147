"""The Markdown change record: what it shows, what it never shows, and the CLI around it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.journal.reader import read_journal
from tui.core.journal.report import change_record, format_duration, readable_detail
from tui.core.journal.resume import fold
from tui.core.journal.writer import Journal, Workspace
from tui.core.secrets.redact import Redactor

SECRET = "Zq7|w8Kp-valkey-pass"
SHA_OLD = "1" * 64
SHA_NEW = "2" * 64


def record_an_upgrade(release: Path) -> Journal:
    """A journal as the wizard would leave it, with a secret written in clear (no hook)."""
    ticks = iter(range(1000))
    journal = Journal.open(
        Workspace(release),
        user="alice",
        host="jump1",
        clock=lambda: f"2026-05-01T10:00:{next(ticks):02d}.000+00:00",
    )
    journal.session_started(release.parent / "prev", release, "1.0.1", "1.1.0", "pb-x", "0.1.0")
    journal.step_entered("releases")
    journal.step_started("releases")
    journal.step_completed("releases")
    journal.step_entered("preflight")
    journal.step_waived("preflight", "DLM policy owned by | platform team\nticket OPS-12")
    journal.step_entered("carry_over")
    journal.step_started("carry_over")
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
    journal.step_started("plan")
    journal.command(["tofu", "init"], release, 0, 3.2, "001-tofu-init.log", step="plan")
    journal.command(["tofu", "plan", "-out", "tfplan"], release, 1, 75.0, "002-tofu-plan.log")
    journal.command(["helm", "status"], release, None, 600.0, "003-helm-status.log", "timeout")
    journal.decision("typed_confirmation", "destroy aws_instance.old accepted", step="plan")
    journal.note(f"valkey password is {SECRET}", step="plan")
    journal.note('tofu printed db_password = "hunter2xyz"')
    return journal


def test_report_shows_steps_commands_waivers_and_checksums(tmp_path: Path) -> None:
    journal = record_an_upgrade(tmp_path)
    state = fold(journal.records)
    order = ("releases", "preflight", "backend", "carry_over", "plan")
    md = change_record(state, step_order=order, step_titles={"carry_over": "Carry-over"})

    assert md.startswith("# Change record: 1.0.1 → 1.1.0\n")
    assert "- **Operators:** alice@jump1" in md
    assert "- **Playbook:** `pb-x`" in md
    assert "| releases | done | 2026-05-01T10:00:02.000+00:00 | 2026-05-01T10:00:03.000+00:00" in md
    assert "| preflight | waived |" in md
    assert "| backend | not started | — | — | — |" in md
    assert "| Carry-over | done |" in md
    assert "| plan | in progress | 2026-05-01T10:00:11.000+00:00 | — | alice@jump1 |" in md
    assert "- Not finished: plan." in md and "- Last step entered: plan." in md
    # a waiver keeps its reason on one table row, its pipe escaped
    assert "| waiver | DLM policy owned by \\| platform team ticket OPS-12 |" in md
    assert "| typed_confirmation | destroy aws_instance.old accepted |" in md
    assert f"| `{SHA_OLD}` | `{SHA_NEW}` |" in md
    assert "| `tofu init` |" in md and "| 0 | 3.2 s | `001-tofu-init.log` |" in md
    assert "| `tofu plan -out tfplan` |" in md and "| 1 | 1 min 15 s | `002-tofu-plan.log` |" in md
    assert "| — (timeout) | 10 min 00 s | `003-helm-status.log` |" in md
    assert "- Commands run: 3; failed, timed out or cancelled: 2." in md


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
    assert "| Releases | done |" in text and "| Rollback | not started |" in text
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


def test_cli_on_a_corrupt_journal_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = record_an_upgrade(tmp_path)
    lines = journal.path.read_text().splitlines()
    lines[4] = "{oops"
    journal.path.write_text("\n".join(lines) + "\n")
    assert main(["report", "--release", str(tmp_path), "--out", "-"]) == 1
    assert "line 5 is corrupt" in capsys.readouterr().err


def test_cli_reports_a_torn_last_line_as_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = record_an_upgrade(tmp_path)
    with journal.path.open("a") as handle:
        handle.write('{"ts": "2026-05-01T10:')
    assert main(["report", "--release", str(tmp_path), "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "kill mid-write" in captured.err
    assert "- Warning: " in captured.out and "| Plan | in progress |" in captured.out


def test_cli_refuses_an_output_folder_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_an_upgrade(tmp_path)
    out = tmp_path / "missing" / "record.md"
    assert main(["report", "--release", str(tmp_path), "--out", str(out)]) == 1
    assert f"{out.parent} is not a directory" in capsys.readouterr().err
    assert not out.exists()


def test_a_plan_with_changes_is_not_counted_as_failed(tmp_path: Path) -> None:
    journal = Journal.open(Workspace(tmp_path), user="alice", host="jump1")
    plan = ["tofu", "plan", "-out", "tfplan", "-detailed-exitcode"]
    journal.command(plan, tmp_path, 2, 1.0, step="plan")  # an older record: no outcome written
    journal.command(plan, tmp_path, 2, 1.0, outcome="ok: changes present", step="plan")
    journal.command(plan, tmp_path, 1, 1.0, step="plan")
    journal.command(["tofu", "apply", "tfplan"], tmp_path, 2, 1.0, step="apply")
    md = change_record(fold(journal.records))
    assert "- Commands run: 4; failed, timed out or cancelled: 2." in md
    assert "| 2 (ok: changes present) |" in md


def test_a_json_detail_reads_as_pairs() -> None:
    reviewed = json.dumps({"sha": "ab12", "state": {"serial": 57}})
    detail = json.dumps({"gate": "confirmed", "reviewed": reviewed, "typed": ""})
    assert readable_detail(detail) == "gate: confirmed; reviewed: (sha: ab12; state: (serial: 57))"
    assert readable_detail("plain words {not json}") == "plain words {not json}"
    assert readable_detail("{broken") == "{broken"
