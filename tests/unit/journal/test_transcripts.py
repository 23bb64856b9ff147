"""Command transcripts: private files, numbered, header/lines/footer, redacted again."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from tui.core.errors import JournalError
from tui.core.journal.transcripts import PACE_S, TranscriptError, Transcripts, slug_for
from tui.core.journal.writer import Workspace
from tui.core.secrets.redact import Redactor


def test_transcript_is_0600_even_under_umask_0(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        transcript = Transcripts(Workspace(tmp_path)).open(["tofu", "plan"], tmp_path)
        transcript.close(0, 0.5)
    finally:
        os.umask(old)
    assert stat.S_IMODE(transcript.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(transcript.path.parent.stat().st_mode) == 0o700


def test_header_lines_by_stream_and_footer(tmp_path: Path) -> None:
    store = Transcripts(Workspace(tmp_path))
    with store.open(["tofu", "plan", "-out", "tf plan"], tmp_path / "terraform") as transcript:
        transcript.line("stdout", "Plan: 1 to add, 0 to change, 1 to destroy.\n")
        transcript.line("stderr", "Warning: deprecated attribute")
        transcript.close(2, 12.3456)
    lines = transcript.path.read_text().splitlines()
    assert lines[0] == "# command: tofu plan -out 'tf plan'"
    assert lines[1] == f"# cwd: {tmp_path / 'terraform'}"
    assert lines[2].startswith("# started: 20")
    assert lines[3] == "out| Plan: 1 to add, 0 to change, 1 to destroy."
    assert lines[4] == "err| Warning: deprecated attribute"
    assert lines[5].startswith("# exit: 2 duration: 12.346 s ended: 20")
    assert transcript.name == "001-tofu-plan.log"


def test_numbers_follow_the_files_already_there(tmp_path: Path) -> None:
    store = Transcripts(Workspace(tmp_path))
    first = store.open(["tofu", "init", "-upgrade"], tmp_path)
    first.close(0, 1.0)
    (store.directory / "041-helm-status.log").write_text("")
    second = store.open(["/usr/local/bin/helmfile", "--file", "x", "sync"], tmp_path)
    second.close(None, 600.0, "timeout")
    assert first.name == "001-tofu-init.log"
    assert second.name == "042-helmfile.log"
    assert "# exit: none duration: 600.000 s" in second.path.read_text()
    assert "outcome: timeout" in second.path.read_text()


def test_an_existing_name_is_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Transcripts(Workspace(tmp_path))
    store.open(["tofu", "plan"], tmp_path).close(0, 0.1)
    taken = store.directory / "002-tofu-plan.log"
    taken.write_text("keep me")
    # another writer took number 2 between our count and our create
    monkeypatch.setattr(store, "next_number", lambda: 2)
    transcript = store.open(["tofu", "plan"], tmp_path, slug="tofu plan")
    transcript.close(0, 0.1)
    assert taken.read_text() == "keep me"
    assert transcript.name == "003-tofu-plan.log"


def test_lines_are_redacted_again(tmp_path: Path) -> None:
    redactor = Redactor(["Sup3rS3cretValue"])
    store = Transcripts(Workspace(tmp_path), redactor.redact)
    with store.open(["aws", "secretsmanager", "get-secret-value"], tmp_path) as transcript:
        transcript.line("stdout", '{"SecretString": "{\\"password\\": \\"Sup3rS3cretValue\\"}"}')
        transcript.line("stdout", "token=Sup3rS3cretValue")
        transcript.close(0, 0.4)
    text = transcript.path.read_text()
    assert "Sup3rS3cretValue" not in text
    assert text.count("out| ") == 2


def test_interrupted_transcript_still_gets_a_footer(tmp_path: Path) -> None:
    store = Transcripts(Workspace(tmp_path))
    with pytest.raises(KeyboardInterrupt), store.open(["tofu", "apply"], tmp_path) as transcript:
        transcript.line("stdout", "aws_instance.x: Destroying...")
        raise KeyboardInterrupt
    assert transcript.path.read_text().splitlines()[-1].endswith("outcome: interrupted")


def test_writing_after_close_is_a_transcript_error(tmp_path: Path) -> None:
    transcript = Transcripts(Workspace(tmp_path)).open(["true"], tmp_path)
    transcript.close(0, 0.0)
    with pytest.raises(TranscriptError, match="Cannot write the transcript"):
        transcript.line("stdout", "late")


def test_unwritable_transcripts_folder_is_a_clear_error(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.root.mkdir()
    # a file where the transcripts folder should be (root ignores chmod, so use ENOTDIR)
    workspace.transcripts_dir.write_text("")
    with pytest.raises(JournalError, match="Cannot create the wizard's folder"):
        Transcripts(workspace).open(["true"], tmp_path)


@pytest.mark.parametrize(
    ("argv", "slug"),
    [
        (["tofu", "plan", "-out", "tfplan"], "tofu-plan"),
        (["/usr/bin/helm", "rollback", "mocm-service", "3"], "helm-rollback-mocm-service"),
        (["tofu", "-chdir=terraform/aws", "init"], "tofu"),
        (["../evil;rm -rf", "x/../../y"], "evil-rm-rf"),
        ([], "command"),
    ],
)
def test_slugs_are_safe_file_names(argv: list[str], slug: str) -> None:
    assert slug_for(argv) == slug


class ThreadRecordingHandle:
    """A transcript's file handle that notes the thread of every write."""

    def __init__(self, handle: object) -> None:
        self.handle = handle
        self.threads: set[int] = set()
        self.writes = 0

    def write(self, text: str) -> int:
        self.threads.add(threading.get_ident())
        self.writes += 1
        return self.handle.write(text)  # type: ignore[attr-defined,no-any-return]

    def __getattr__(self, name: str) -> object:
        return getattr(self.handle, name)


def test_output_is_written_off_the_callers_thread_in_order(tmp_path: Path) -> None:
    transcript = Transcripts(Workspace(tmp_path)).open(["tofu", "plan"], tmp_path)
    recording = ThreadRecordingHandle(transcript._handle)
    transcript._handle = recording  # type: ignore[assignment]
    for chunk in range(200):
        transcript.redacted_lines("stdout", [f"{chunk:03d} {n}" for n in range(50)])
    transcript.close(0, 1.0)
    lines = transcript.path.read_text().splitlines()
    assert lines[3:-1] == [f"out| {c:03d} {n}" for c in range(200) for n in range(50)]
    assert lines[-1].startswith("# exit: 0")
    assert recording.threads and threading.get_ident() not in recording.threads


def test_a_failed_background_write_is_reported_to_the_caller(tmp_path: Path) -> None:
    transcript = Transcripts(Workspace(tmp_path)).open(["helm", "diff"], tmp_path)
    transcript._handle.close()  # the file goes away under the writer thread
    # Raised at the next write or at the close: the header's write may already have failed
    # when the line is queued (the writer thread's pace decides which).
    with pytest.raises(TranscriptError, match=r"Cannot write the transcript .*001-helm-diff"):
        transcript.line("stdout", "lost")
        transcript.close(1, 0.2)


def test_flush_returns_once_the_lines_are_in_the_file(tmp_path: Path) -> None:
    """What a kill right after `flush` finds on disk: every line given before it."""
    transcript = Transcripts(Workspace(tmp_path)).open(["tofu", "apply"], tmp_path)
    for n in range(500):
        transcript.line("stdout", f"line {n}")
    transcript.flush()
    text = transcript.path.read_text(encoding="utf-8")
    assert text.count("\n") == 3 + 500 and text.endswith("out| line 499\n")
    transcript.close(0, 0.1)


def test_redacted_lines_put_the_prefix_before_every_line_and_every_part_of_one(
    tmp_path: Path,
) -> None:
    transcript = Transcripts(Workspace(tmp_path)).open(["tofu", "plan"], tmp_path)
    transcript.redacted_lines("stdout", ["first", "", "two\nparts"])
    transcript.redacted_lines("stderr", [])  # nothing to write
    transcript.redacted_lines("stderr", ["warning"])
    transcript.close(0, 0.1)
    lines = transcript.path.read_text(encoding="utf-8").splitlines()
    assert lines[3:-1] == ["out| first", "out| ", "out| two", "out| parts", "err| warning"]


def test_chunks_written_meanwhile_go_to_the_file_in_one_write(tmp_path: Path) -> None:
    """The writer thread takes what gathered while it wrote or rested: a stream of small
    chunks (stderr, a line per read) wakes it ~PACE_S apart, not once per chunk."""
    transcript = Transcripts(Workspace(tmp_path)).open(["tofu", "apply"], tmp_path)
    recording = ThreadRecordingHandle(transcript._handle)
    transcript._handle = recording  # type: ignore[assignment]
    started = time.monotonic()
    for n in range(2000):
        transcript.redacted_lines("stderr", [f"line {n}"])
    elapsed = time.monotonic() - started
    transcript.close(0, 1.0)
    lines = transcript.path.read_text(encoding="utf-8").splitlines()
    assert lines[3:-1] == [f"err| line {n}" for n in range(2000)]
    # (the header's maybe), the first chunk's, one each PACE_S while they came, the footer's
    most = 2 + int(elapsed / PACE_S) + 1
    assert 1 <= recording.writes <= min(most, 2000 // 2)
