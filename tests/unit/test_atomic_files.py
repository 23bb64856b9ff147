"""Atomic writes and copies: permission bits never widened, failures raised, temp files gone."""

from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tui.core.files import (
    SECRET_FILE,
    SHARED_FILE,
    FileMode,
    WriteVerifyFailed,
    atomic_copy,
    atomic_write,
    free_backup_name,
    is_stale_temp_file,
    pid_alive,
    remove_stale_temp_files,
    sha256_bytes,
    sha256_file,
    temp_name,
    verify_checksum,
)
from tui.core.journal.events import TempFilesRemoved
from tui.core.journal.writer import Journal, Workspace

SECRET_VALUES = b"redis:\n  password: Vq8#nT2!eL6@rW4z\n"


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def bits(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(child.stdout)
    assert pid_alive(pid) is False
    return pid


@pytest.mark.parametrize(
    ("policy", "mask", "expected"),
    [
        (SECRET_FILE, 0o022, 0o600),
        (SECRET_FILE, 0o077, 0o600),
        (SECRET_FILE, 0o277, 0o400),
        (SHARED_FILE, 0o022, 0o644),
        (SHARED_FILE, 0o077, 0o600),
        (None, 0o022, 0o600),  # no policy given: the file is treated as holding secrets
    ],
)
def test_new_file_mode_follows_the_policy_and_the_umask(
    tmp_path: Path, policy: FileMode | None, mask: int, expected: int
) -> None:
    target = tmp_path / "values.yaml"
    with umask(mask):
        digest = atomic_write(target, SECRET_VALUES, policy)
    assert oct(bits(target)) == oct(expected)
    assert target.read_bytes() == SECRET_VALUES
    assert digest == sha256_bytes(SECRET_VALUES)
    assert os.listdir(tmp_path) == ["values.yaml"]  # no temp file left


@pytest.mark.parametrize(
    ("policy", "before", "after"),
    [
        (SECRET_FILE, 0o644, 0o600),  # a secret file is narrowed to its owner
        (SECRET_FILE, 0o400, 0o400),  # a stricter destination keeps its mode
        (SECRET_FILE, 0o640, 0o600),
        (SECRET_FILE, 0o755, 0o600),
        (SHARED_FILE, 0o640, 0o640),  # a shared file keeps its own bits
        (SHARED_FILE, 0o664, 0o664),
        (SHARED_FILE, 0o4755, 0o755),  # setuid, setgid and sticky are never carried
        (SHARED_FILE, 0o7777, 0o777),
    ],
)
def test_rewritten_file_is_never_widened(
    tmp_path: Path, policy: FileMode, before: int, after: int
) -> None:
    target = tmp_path / "terraform.tfvars"
    target.write_bytes(b"old\n")
    target.chmod(before)
    with umask(0o022):
        atomic_write(target, b"new\n", policy)
    assert oct(bits(target)) == oct(after)
    assert target.read_bytes() == b"new\n"


def test_temp_file_of_a_secret_write_is_private_from_its_creation(tmp_path: Path) -> None:
    target = tmp_path / "values.yaml"
    tmp = temp_name(target)
    assert tmp.parent == tmp_path and tmp.name.startswith(".values.yaml.mocm-")
    assert tmp.name.endswith(".tmp") and is_stale_temp_file(tmp.name) is False  # we are alive
    assert temp_name(target) != tmp  # a fresh name each time


def test_the_longest_target_name_still_gets_a_temp_file(tmp_path: Path) -> None:
    long_target = tmp_path / ("é" * 127)  # 254 bytes: multi-byte characters are cut whole
    tmp = temp_name(long_target)
    assert len(os.fsencode(tmp.name)) in (254, 255)
    assert tmp.name.startswith(".éé") and is_stale_temp_file(tmp.name) is False
    widest = tmp_path / ("v" * 255)
    assert len(temp_name(widest).name) == 255
    atomic_write(widest, b"x\n")
    assert widest.read_bytes() == b"x\n"
    assert os.listdir(tmp_path) == [widest.name]


class SyncSpy:
    """Calls through to os.fsync, os.replace and os.close, noting what each one was given."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[tuple[str, object]] = []
        self.closed: set[int] = set()
        real_fsync, real_replace, real_close = os.fsync, os.replace, os.close

        def fsync(fd: int) -> None:
            info = os.fstat(fd)
            what = "dir" if stat.S_ISDIR(info.st_mode) else info.st_size
            self.events.append(("fsync", what))
            real_fsync(fd)

        def replace(src: str, dst: str) -> None:
            self.events.append(("replace", os.path.basename(dst)))
            real_replace(src, dst)

        def close(fd: int) -> None:
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                self.closed.add(fd)
            real_close(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "close", close)


def test_write_is_on_disk_before_the_rename_and_the_rename_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = SyncSpy(monkeypatch)
    atomic_write(tmp_path / "values.yaml", SECRET_VALUES)
    # the whole content is flushed and synced, then renamed, then the folder synced
    assert spy.events == [
        ("fsync", len(SECRET_VALUES)),
        ("replace", "values.yaml"),
        ("fsync", "dir"),
    ]
    assert len(spy.closed) == 1  # the folder's descriptor is not leaked


def test_copy_is_on_disk_before_the_rename_and_the_rename_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "terraform.tfstate"
    source.write_bytes(b"{}" * 50)  # small enough to sit in the write buffer until flushed
    spy = SyncSpy(monkeypatch)
    atomic_copy(source, tmp_path / "copy")
    assert spy.events == [("fsync", 100), ("replace", "copy"), ("fsync", "dir")]
    assert len(spy.closed) == 1


def test_write_error_is_raised_and_the_temp_file_removed(tmp_path: Path) -> None:
    target = tmp_path / "values.yaml"
    target.mkdir()
    (target / "keep").write_text("x")  # a non-empty directory cannot be replaced by a file
    with pytest.raises(OSError) as raised:
        atomic_write(target, SECRET_VALUES, SECRET_FILE)
    assert raised.value.filename2 == str(target)  # the rename's own error, not a later one
    assert sorted(os.listdir(tmp_path)) == ["values.yaml"]
    assert (target / "keep").read_text() == "x"


def test_write_into_a_missing_directory_is_raised(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "gone" / "values.yaml", SECRET_VALUES)


def test_checksum_mismatch_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "state"
    target.write_bytes(b"on disk\n")
    assert verify_checksum(target, sha256_bytes(b"on disk\n"), "write") == sha256_file(target)
    with pytest.raises(WriteVerifyFailed, match=r"state: checksum after write [0-9a-f]{12} ≠"):
        verify_checksum(target, sha256_bytes(b"meant\n"), "write")


def test_copy_of_a_source_that_changes_while_copied_is_refused(tmp_path: Path) -> None:
    # The kernel answers every read of this file with a new UUID: what is copied is
    # never what was checksummed before the copy.
    source = Path("/proc/sys/kernel/random/uuid")
    target = tmp_path / "copy"
    with pytest.raises(WriteVerifyFailed, match=r"copy: checksum after copy"):
        atomic_copy(source, target)
    assert len(target.read_text().strip()) == 36
    assert os.listdir(tmp_path) == ["copy"]


def test_copy_keeps_content_time_and_the_sources_mode(tmp_path: Path) -> None:
    source = tmp_path / "terraform.tfstate"
    source.write_bytes(b'{"version": 4}\n')
    source.chmod(0o644)
    os.utime(source, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    target = tmp_path / "terraform.tfstate.backup"
    with umask(0o077):
        digest = atomic_copy(source, target)
    assert digest == sha256_file(source) == sha256_file(target)
    assert oct(bits(target)) == "0o644"
    assert target.stat().st_mtime_ns == 1_700_000_000_000_000_000
    assert sorted(os.listdir(tmp_path)) == ["terraform.tfstate", "terraform.tfstate.backup"]


@pytest.mark.parametrize(("source_bits", "target_bits"), [(0o644, 0o600), (0o600, 0o644)])
def test_copy_over_a_file_never_widens_either(
    tmp_path: Path, source_bits: int, target_bits: int
) -> None:
    source = tmp_path / "new.tfstate"
    source.write_bytes(b"new\n")
    source.chmod(source_bits)
    target = tmp_path / "terraform.tfstate"
    target.write_bytes(b"old\n")
    target.chmod(target_bits)
    atomic_copy(source, target)
    assert oct(bits(target)) == "0o600"
    assert target.read_bytes() == b"new\n"


def test_failed_copy_is_raised_and_the_temp_file_removed(tmp_path: Path) -> None:
    source = tmp_path / "terraform.tfstate"
    source.write_bytes(b"state\n")
    target = tmp_path / "dest"
    target.mkdir()
    (target / "keep").write_text("x")
    with pytest.raises(OSError) as raised:
        atomic_copy(source, target)
    assert raised.value.filename2 == str(target)
    assert sorted(os.listdir(tmp_path)) == ["dest", "terraform.tfstate"]


def test_backup_name_is_the_first_free_one(tmp_path: Path) -> None:
    target = tmp_path / "values.yaml"
    assert free_backup_name(target, ".bak") == tmp_path / "values.yaml.bak"
    (tmp_path / "values.yaml.bak").write_text("1")
    assert free_backup_name(target, ".bak") == tmp_path / "values.yaml.bak.1"
    (tmp_path / "values.yaml.bak.1").write_text("2")
    assert free_backup_name(target, ".bak") == tmp_path / "values.yaml.bak.2"


# Blocks every catchable signal, then reports which ones are pending when asked.
SIGNAL_WITNESS = """
import signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})
print("ready", flush=True)
sys.stdin.readline()
print(sorted(int(s) for s in signal.sigpending()), flush=True)
"""


def test_liveness_of_a_process_is_asked_without_sending_a_signal() -> None:
    assert pid_alive(os.getpid()) is True
    assert pid_alive(dead_pid()) is False
    witness = subprocess.Popen(
        [sys.executable, "-c", SIGNAL_WITNESS],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert witness.stdin is not None and witness.stdout is not None
    try:
        assert witness.stdout.readline() == "ready\n"
        assert pid_alive(witness.pid) is True
        witness.stdin.write("report\n")
        witness.stdin.flush()
        assert witness.stdout.readline() == "[]\n"  # nothing was delivered to it
    finally:
        witness.kill()
        witness.wait()


def test_sha256_of_a_file_larger_than_one_read(tmp_path: Path) -> None:
    data = os.urandom(3 * (1 << 20) + 7)
    path = tmp_path / "big"
    path.write_bytes(data)
    assert sha256_file(path) == sha256_bytes(data)


def test_stale_temp_files_of_dead_writers_are_removed_and_nothing_else(tmp_path: Path) -> None:
    gone = dead_pid()
    live = subprocess.Popen(["sleep", "300"])
    names = {
        f".values.yaml.mocm-{gone}-0123abcd.tmp": True,
        f".lock.json.{gone}.89abcdef": True,
        f".terraform.tfvars.mocm-{os.getpid()}-0123abcd.tmp": False,  # ours: in flight
        f".values.yaml.mocm-{live.pid}-0123abcd.tmp": False,  # a live writer
        f".values.yaml.mocm-{gone}-0123abcd.tmp.keep": False,
        f"values.yaml.mocm-{gone}-0123abcd.tmp": False,  # not hidden: not ours
        ".values.yaml.swp": False,
        "values.yaml": False,
        f".lock.json.{gone}": False,
        "lock.json": False,
    }
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / f".dir.mocm-{gone}-0123abcd.tmp").mkdir()  # a directory is never removed
    (tmp_path / f".link.mocm-{gone}-0123abcd.tmp").symlink_to(tmp_path / "values.yaml")
    other = tmp_path / "other"
    other.mkdir()
    (other / f".state.mocm-{gone}-fedcba98.tmp").write_text("x")
    try:
        removed = remove_stale_temp_files(
            [tmp_path / "missing", tmp_path / "values.yaml", tmp_path, other]
        )
    finally:
        live.kill()
        live.wait()
    expected = [tmp_path / n for n in sorted(names) if names[n]]
    assert list(removed) == [*expected, other / f".state.mocm-{gone}-fedcba98.tmp"]
    left = set(os.listdir(tmp_path))
    assert left == {n for n in names if not names[n]} | {
        "other",
        f".dir.mocm-{gone}-0123abcd.tmp",
        f".link.mocm-{gone}-0123abcd.tmp",  # a link is not a file we wrote
    }
    assert os.listdir(other) == []


def test_journal_records_the_removal(tmp_path: Path) -> None:
    journal = Journal.open(Workspace(tmp_path), user="alice", host="jump1")
    gone = dead_pid()
    release = tmp_path / "terraform"
    release.mkdir()
    (release / f".terraform.tfstate.mocm-{gone}-00000000.tmp").write_text("x")
    (journal.workspace.root / f".lock.json.{gone}.11111111").write_text("x")
    assert journal.remove_stale_temp_files([release]) == (
        journal.workspace.root / f".lock.json.{gone}.11111111",
        release / f".terraform.tfstate.mocm-{gone}-00000000.tmp",
    )
    assert journal.records[-1].body == TempFilesRemoved(
        (
            str(journal.workspace.root / f".lock.json.{gone}.11111111"),
            str(release / f".terraform.tfstate.mocm-{gone}-00000000.tmp"),
        )
    )
    count = len(journal.records)
    assert journal.remove_stale_temp_files([release]) == ()
    assert len(journal.records) == count  # nothing removed, nothing journaled


WRITER = """
import sys
from pathlib import Path
from tui.core.files import atomic_write
target = Path(sys.argv[1])
blocks = (b"A" * 300_000, b"B" * 200_000)
n = 0
while True:
    atomic_write(target, blocks[n % 2])
    n += 1
    print(n, flush=True)
"""


def test_kill_9_mid_write_never_tears_the_file_and_the_leftovers_are_removed(
    tmp_path: Path,
) -> None:
    target = tmp_path / "values.yaml"
    blocks = (b"A" * 300_000, b"B" * 200_000)
    target.write_bytes(blocks[0])
    rng = random.Random(20)
    for _ in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        for _ in range(rng.randint(1, 4)):  # kill after a random number of whole writes
            assert child.stdout.readline()
        child.kill()
        child.wait()
        child.stdout.close()
        assert target.read_bytes() in blocks
    remove_stale_temp_files([tmp_path])
    assert os.listdir(tmp_path) == ["values.yaml"]
    assert oct(bits(target)) == "0o600"
