"""The journal: durable appends, torn/corrupt lines, bad folders, redaction, resume."""

from __future__ import annotations

import getpass
import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.errors import JournalError
from tui.core.journal.events import OverrideTyped, PlanFile, PlanIssue, PlanReviewed, PlanVerdict
from tui.core.journal.reader import read_journal
from tui.core.journal.records import (
    CommandRun,
    FileOp,
    JournalRecord,
    StepCompleted,
    StepStarted,
    StepWaived,
)
from tui.core.journal.resume import fold, load_state
from tui.core.journal.writer import Journal, Workspace, login_name
from tui.core.steps import StepStatus

ORDER = ("releases", "preflight", "backend", "carry_over", "plan", "apply")


def make_clock() -> Callable[[], str]:
    ticks = iter(range(10_000))
    return lambda: f"2026-05-01T10:{next(ticks) // 60:02d}:{next(ticks) % 60:02d}.000+00:00"


def open_journal(release: Path, redact: Callable[[str], str] = lambda s: s) -> Journal:
    return Journal.open(Workspace(release), redact, user="alice", host="jump1", clock=make_clock())


def test_records_are_appended_one_write_and_one_fsync_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = open_journal(tmp_path)
    calls: list[str] = []
    real_write, real_fsync = os.write, os.fsync

    def counting_write(fd: int, data: bytes) -> int:
        calls.append("write")
        return real_write(fd, data)

    def counting_fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    monkeypatch.setattr(os, "write", counting_write)
    monkeypatch.setattr(os, "fsync", counting_fsync)
    journal.step_entered("plan")
    journal.step_started("plan")
    assert calls == ["write", "fsync", "write", "fsync"]

    lines = (tmp_path / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    first = json.loads(lines[1])
    assert first["kind"] == "step_started" and first["step"] == "plan"
    assert first["seq"] == 2 and first["user"] == "alice" and first["host"] == "jump1"
    assert first["ts"].endswith("+00:00")


def test_work_folder_and_journal_are_private(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        open_journal(tmp_path).note("hello")
    finally:
        os.umask(old)
    workspace = Workspace(tmp_path)
    assert stat.S_IMODE(workspace.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(workspace.transcripts_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(workspace.journal_path.stat().st_mode) == 0o600


def test_every_kind_reads_back_as_typed_records(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.session_started(tmp_path / "prev", tmp_path, "1.0", "1.1", "pb-1", "0.1.0")
    journal.file_op("copy", tmp_path / "b", "a" * 64, None, source=tmp_path / "a", step="carry")
    journal.command(["tofu", "plan"], tmp_path, 2, 1.5, "001-tofu-plan.log", step="plan")
    journal.step_waived("preflight", "DLM policy is managed by the platform team")
    journal.append(OverrideTyped("tofu state push -force", "push v3", "v3", "rollback"))

    read = read_journal(Workspace(tmp_path).journal_path)
    assert [r.seq for r in read.records] == [1, 2, 3, 4, 5]
    assert read.warnings == ()
    op = read.records[1].body
    assert op == FileOp("copy", str(tmp_path / "b"), "a" * 64, None, str(tmp_path / "a"), "carry")
    cmd = read.records[2].body
    assert isinstance(cmd, CommandRun) and cmd.argv == ("tofu", "plan") and cmd.exit_code == 2
    assert read.records[3].body == StepWaived(
        "preflight", "DLM policy is managed by the platform team"
    )


def test_reopening_continues_the_sequence(tmp_path: Path) -> None:
    open_journal(tmp_path).step_started("releases")
    record = open_journal(tmp_path).step_completed("releases")
    assert record.seq == 2


def test_truncated_last_line_is_ignored_with_a_warning_and_set_aside(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    journal.step_completed("releases")
    path = journal.path
    good = path.read_bytes()
    half = json.dumps({"ts": "x", "seq": 3, "kind": "step_started", "step": "pre"})[:25]
    path.write_bytes(good + half.encode())

    read = read_journal(path)
    assert [r.kind for r in read.records] == ["step_started", "step_completed"]
    assert len(read.warnings) == 1 and "line 3" in read.warnings[0]
    assert "kill mid-write" in read.warnings[0]

    reopened = open_journal(tmp_path)
    reopened.step_started("preflight")
    aside = path.with_name("journal.jsonl.torn-3")
    assert aside.read_bytes() == half.encode()
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert any(str(aside) in warning for warning in reopened.warnings)
    again = read_journal(path)
    assert again.warnings == ()
    assert [r.kind for r in again.records] == [
        "step_started",
        "step_completed",
        "note",
        "step_started",
    ]
    assert "torn last line" in getattr(again.records[2].body, "text", "")


def test_complete_last_record_without_newline_is_kept(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    path = journal.path
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    read = read_journal(path)
    assert len(read.records) == 1 and read.needs_newline and read.warnings == ()
    assert read.good_length == path.stat().st_size and read.torn_tail == b""
    open_journal(tmp_path).step_completed("releases")
    assert [r.kind for r in read_journal(path).records] == ["step_started", "step_completed"]


def test_corrupt_middle_line_names_the_line(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    for step in ORDER[:3]:
        journal.step_started(step)
    lines = journal.path.read_bytes().split(b"\n")
    lines[1] = b'{"kind": "step_started", garbage'
    journal.path.write_bytes(b"\n".join(lines))
    with pytest.raises(JournalError, match="line 2 is corrupt") as caught:
        read_journal(journal.path)
    assert "intact" in caught.value.hint
    with pytest.raises(JournalError, match="line 2"):
        open_journal(tmp_path)
    # nothing was cut off or rewritten
    assert journal.path.read_bytes() == b"\n".join(lines)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update(seq="two"), "'seq'"),
        (lambda d: d.update(kind="teleported"), "unknown kind"),
        (lambda d: d.pop("cwd"), "'cwd' is missing"),
        (lambda d: d.update(exit_code=True), "'exit_code'"),
    ],
)
def test_valid_json_with_a_wrong_shape_is_corrupt(
    tmp_path: Path, mutate: Callable[[dict[str, object]], object], reason: str
) -> None:
    journal = open_journal(tmp_path)
    journal.command(["true"], tmp_path, 0, 0.1, step="plan")
    journal.note("after")
    lines = journal.path.read_text().splitlines()
    record = json.loads(lines[0])
    mutate(record)
    journal.path.write_text("\n".join([json.dumps(record), lines[1]]) + "\n")
    with pytest.raises(JournalError, match=reason):
        read_journal(journal.path)


def test_non_utf8_line_is_corrupt(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.note("a")
    journal.note("b")
    data = journal.path.read_bytes()
    journal.path.write_bytes(b"\xff\xfe\n" + data)
    with pytest.raises(JournalError, match="line 1 is corrupt"):
        read_journal(journal.path)


def test_empty_journal_has_no_records_and_resumes_on_the_first_step(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    workspace.journal_path.write_bytes(b"")
    read = read_journal(workspace.journal_path)
    assert read.records == () and read.warnings == ()
    state = load_state(workspace)
    assert state.resume_step(ORDER) == "releases"
    assert all(state.status(step) is StepStatus.NOT_STARTED for step in ORDER)


def test_missing_journal_is_a_clear_error_for_readers(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="No journal at"):
        read_journal(Workspace(tmp_path).journal_path)
    assert load_state(Workspace(tmp_path)).last_entered is None


def test_release_that_is_a_file_gives_a_journal_error(tmp_path: Path) -> None:
    # root bypasses chmod, so use ENOTDIR: the "release" is a regular file
    not_a_dir = tmp_path / "release"
    not_a_dir.write_text("x")
    with pytest.raises(JournalError, match="Cannot create the wizard's folder") as caught:
        open_journal(not_a_dir)
    assert "writable directory" in caught.value.hint


def test_journal_path_taken_by_a_folder_gives_a_journal_error(tmp_path: Path) -> None:
    Workspace(tmp_path).journal_path.mkdir(parents=True)
    with pytest.raises(JournalError, match="Cannot open the journal"):
        open_journal(tmp_path)


def test_symlinked_work_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    release = tmp_path / "release"
    release.mkdir()
    (release / ".mocm-upgrade").symlink_to(elsewhere)
    with pytest.raises(JournalError, match="symbolic link"):
        open_journal(release)


def test_waiver_without_reason_is_refused(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="reason"):
        open_journal(tmp_path).step_waived("preflight", "  ")


def test_secrets_never_reach_the_journal_file(tmp_path: Path) -> None:
    secret = "hunter2-s3cr3t"
    journal = open_journal(tmp_path, redact=lambda s: s.replace(secret, "••••"))
    journal.command(["psql", f"--password={secret}"], tmp_path, 0, 0.2)
    journal.note(f"password is {secret}")
    journal.append(OverrideTyped("push", f"typed {secret}", "v1"))
    issue = PlanIssue("aws_db.x", ("update",), f"password {secret} changes", False)
    plan = PlanFile("/p", "a" * 64, None, "t")
    journal.append(PlanReviewed("/w", plan, PlanVerdict.SAFE, (), (issue,)))
    text = journal.path.read_text()
    assert secret not in text
    assert text.count("••••") == 4


def test_restart_after_a_kill_resumes_on_the_entered_step(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    for step in ("releases", "preflight"):
        journal.step_entered(step)
        journal.step_started(step)
        journal.step_completed(step)
    journal.step_entered("backend")
    journal.step_waived("backend", "local backend stays")
    journal.step_entered("carry_over")
    journal.step_started("carry_over")
    journal.file_op("backup", tmp_path / "x.bak", "b" * 64, None, source=tmp_path / "x")
    # killed here: half a record on disk
    with journal.path.open("ab") as handle:
        handle.write(b'{"ts": "2026-05-01T1')

    state = load_state(Workspace(tmp_path))
    assert state.resume_step(ORDER) == "carry_over"
    assert state.status("releases") is StepStatus.DONE
    assert state.status("preflight") is StepStatus.DONE
    assert state.status("backend") is StepStatus.WAIVED
    assert state.step("backend").waived_reason == "local backend stays"
    assert state.status("carry_over") is StepStatus.IN_PROGRESS
    assert state.step("carry_over").started_by == "alice@jump1"
    assert state.status("plan") is StepStatus.NOT_STARTED
    assert len(state.file_ops) == 1 and len(state.warnings) == 1


def test_redoing_a_done_step_reopens_it_until_it_completes() -> None:
    def rec(seq: int, body: StepStarted | StepCompleted) -> JournalRecord:
        return JournalRecord(f"t{seq}", seq, "bob", "h", body)

    state = fold(
        [rec(1, StepStarted("plan")), rec(2, StepCompleted("plan")), rec(3, StepStarted("plan"))]
    )
    assert state.status("plan") is StepStatus.IN_PROGRESS
    assert state.step("plan").completed_at is None
    # nothing entered: resume lands on the first step not finished
    assert state.resume_step(("plan", "apply")) == "plan"


def test_existing_journal_with_wide_mode_is_made_private(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    workspace.journal_path.write_text("")
    workspace.journal_path.chmod(0o644)
    open_journal(tmp_path)
    assert stat.S_IMODE(workspace.journal_path.stat().st_mode) == 0o600


WRITER = """
import sys
from pathlib import Path
from tui.core.journal.writer import Journal, Workspace, login_name
journal = Journal.open(Workspace(Path(sys.argv[1])))
for n in range(100_000):
    journal.note("x" * 200 + str(n))
    if n == 50:
        print("ready", flush=True)
"""


def test_a_writer_killed_with_sigkill_leaves_a_readable_journal(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    journal = open_journal(tmp_path)
    seqs = [r.seq for r in journal.records]
    assert len(seqs) > 50
    assert seqs == list(range(1, len(seqs) + 1))
    assert journal.step_started("plan").seq in (len(seqs) + 1, len(seqs) + 2)
    assert read_journal(journal.path).warnings == ()


def test_corrupt_last_complete_line_is_a_torn_tail_not_an_error(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    good = journal.path.read_bytes()
    journal.path.write_bytes(good + b'{"kind": "step_st\n')
    read = read_journal(journal.path)
    assert [r.kind for r in read.records] == ["step_started"]
    assert read.torn_tail == b'{"kind": "step_st\n' and read.good_length == len(good)
    assert "line 2" in read.warnings[0]


def test_reading_a_journal_that_is_a_folder_is_a_journal_error(tmp_path: Path) -> None:
    (tmp_path / "journal.jsonl").mkdir()
    with pytest.raises(
        JournalError, match=r"Cannot read the journal .*journal\.jsonl: Is a directory"
    ):
        read_journal(tmp_path / "journal.jsonl")


def test_journal_removed_under_the_wizard_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.path.unlink()
    with pytest.raises(JournalError, match="Cannot open the journal"):
        journal.note("lost")
    assert not journal.path.exists()


def test_a_full_disk_is_a_journal_error(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.path.unlink()
    journal.path.symlink_to("/dev/full")  # every write: ENOSPC, as on a full disk
    with pytest.raises(JournalError) as caught:
        journal.note("not recorded")
    assert caught.value.message.endswith(": No space left on device.")
    assert caught.value.message.startswith("Cannot write to the journal")
    assert "the last action may be unrecorded" in caught.value.hint


def test_torn_tail_is_set_aside_under_a_free_name(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    journal.path.write_bytes(journal.path.read_bytes() + b'{"half')
    journal.path.with_name("journal.jsonl.torn-2").mkdir()  # the name is taken
    reopened = open_journal(tmp_path)
    aside = journal.path.with_name("journal.jsonl.torn-2.1")
    assert aside.read_bytes() == b'{"half'
    assert any(str(aside) in warning for warning in reopened.warnings)
    assert not journal.path.read_bytes().endswith(b'{"half')


def test_a_login_without_a_name_is_the_uid() -> None:
    # A uid with no passwd entry and no LOGNAME/USER: getpass has no name to give.
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
                os.environ.pop(name, None)
            if os.geteuid() == 0:
                os.setgid(54321)
                os.setuid(54321)
            os.write(write_end, login_name().encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as answer:
        got = answer.read().decode()
    expected = "54321" if os.geteuid() == 0 else getpass.getuser()
    assert got == expected


def test_the_operator_is_named_by_login(tmp_path: Path) -> None:
    journal = Journal.open(Workspace(tmp_path))
    record = journal.note("who")
    assert record.user == getpass.getuser() and record.host == os.uname().nodename


def test_an_existing_wider_work_folder_is_made_private(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.root.mkdir(mode=0o755)
    workspace.root.chmod(0o755)
    workspace.ensure()
    assert stat.S_IMODE(workspace.root.stat().st_mode) == 0o700


def test_opening_syncs_the_folder_and_appends_leak_no_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced_dirs: list[str] = []
    opened: list[int] = []
    closed: list[int] = []
    real_fsync, real_open, real_close = os.fsync, os.open, os.close

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            synced_dirs.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def open_(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        fd = real_open(path, flags, *args)
        if os.fspath(path).endswith("journal.jsonl"):
            opened.append(fd)
        return fd

    def close(fd: int) -> None:
        closed.append(fd)
        real_close(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "close", close)
    journal = open_journal(tmp_path)
    journal.note("one")
    journal.note("two")
    monkeypatch.undo()
    assert synced_dirs == [str(journal.workspace.root)]
    assert len(opened) == 3 and all(fd in closed for fd in opened)


def test_a_hand_edited_last_line_is_named_not_set_aside(tmp_path: Path) -> None:
    """A whole JSON line is never a torn write: a wrong shape there was edited by hand."""
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    journal.step_completed("releases")
    lines = journal.path.read_text().splitlines()
    edited = json.loads(lines[-1]) | {"step": 42}
    journal.path.write_text("\n".join([*lines[:-1], json.dumps(edited)]) + "\n")
    before = journal.path.read_bytes()
    with pytest.raises(JournalError, match=r"line 2 is corrupt \(field 'step'") as caught:
        open_journal(tmp_path)
    assert "edited by hand?" in caught.value.hint
    assert journal.path.read_bytes() == before  # nothing cut off or set aside
    assert not list(journal.path.parent.glob("journal.jsonl.torn-*"))


@pytest.mark.parametrize("where", ["middle", "last"])
def test_a_line_of_a_newer_schema_is_refused_naming_the_version(tmp_path: Path, where: str) -> None:
    journal = open_journal(tmp_path)
    journal.step_started("releases")
    newer = {"ts": "t", "seq": 2, "kind": "step_teleported", "user": "u", "host": "h", "schema": 4}
    lines = journal.path.read_text().splitlines()
    lines.insert(0 if where == "middle" else len(lines), json.dumps(newer))
    journal.path.write_text("\n".join(lines) + "\n")
    number = 1 if where == "middle" else 2
    with pytest.raises(JournalError) as caught:
        read_journal(journal.path)
    assert caught.value.message == (
        f"{journal.path}: line {number} was written by a newer mocm-upgrade (journal schema 4); "
        "this one reads journal schema 3 and older."
    )
    with pytest.raises(JournalError, match="journal schema 4"):
        open_journal(tmp_path)


def test_every_line_written_says_its_schema(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_entered("plan")
    journal.note("x")
    lines = [json.loads(line) for line in journal.path.read_text().splitlines()]
    assert [line["schema"] for line in lines] == [3, 3]
