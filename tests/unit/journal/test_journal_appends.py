"""The journal's appends: one write and one fsync each, every kind read back typed, the
sequence continued on reopening, the schema on every line, secrets redacted, the operator
named, a full disk and a writer killed with SIGKILL."""

from __future__ import annotations

import getpass
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.journal import open_journal
from tui.core.errors import JournalError
from tui.core.journal.events import OverrideTyped, PlanFile, PlanIssue, PlanReviewed, PlanVerdict
from tui.core.journal.reader import read_journal
from tui.core.journal.records import CommandRun, FileOp, StepWaived
from tui.core.journal.writer import Journal, Workspace, login_name


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


def test_a_full_disk_is_a_journal_error(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.path.unlink()
    journal.path.symlink_to("/dev/full")  # every write: ENOSPC, as on a full disk
    with pytest.raises(JournalError) as caught:
        journal.note("not recorded")
    assert caught.value.message.endswith(": No space left on device.")
    assert caught.value.message.startswith("Cannot write to the journal")
    assert "the last action may be unrecorded" in caught.value.hint


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


def test_every_line_written_says_its_schema(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.step_entered("plan")
    journal.note("x")
    lines = [json.loads(line) for line in journal.path.read_text().splitlines()]
    assert [line["schema"] for line in lines] == [3, 3]
