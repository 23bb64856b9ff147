"""The wizard's work folder and its append-only, fsynced JSONL journal (writing side).

Reading and the corrupt-line policy are in ``reader``; the JSON form in ``codec``.
Opening the journal for writing moves a torn last line aside to ``journal.torn-<seq>``
(nothing lost) and cuts it off, so the next record starts on a clean line.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.core.errors import JournalError
from tui.core.files import (
    SECRET_FILE,
    atomic_write,
    free_backup_name,
    fsync_directory,
    remove_stale_temp_files,
)
from tui.core.journal.codec import record_to_json, redact_body
from tui.core.journal.events import TempFilesRemoved
from tui.core.journal.reader import JournalRead, read_journal
from tui.core.journal.records import (
    CommandRun,
    CommandStarted,
    FileOp,
    FileOpKind,
    JournalRecord,
    Note,
    RecordBody,
    SessionStarted,
    StepCompleted,
    StepEntered,
    StepStarted,
    StepWaived,
)

WORK_DIR_NAME = ".mocm-upgrade"
PRIVATE_DIR = 0o700  # the wizard's folder and transcripts/: the owner only
PRIVATE_FILE = SECRET_FILE.new  # the journal, its torn tails, transcripts, the lock
Redact = Callable[[str], str]


def no_redaction(text: str) -> str:
    """The identity redaction hook."""
    return text


def utc_now() -> str:
    """Now, UTC, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def login_name() -> str:
    """The operator's login name (the uid when the system has no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


@dataclass(frozen=True)
class Workspace:
    """The wizard's folder ``<current-release>/.mocm-upgrade/`` and the paths inside it."""

    current_release: Path

    @property
    def root(self) -> Path:
        return self.current_release / WORK_DIR_NAME

    @property
    def journal_path(self) -> Path:
        return self.root / "journal.jsonl"

    @property
    def lock_path(self) -> Path:
        return self.root / "lock.json"

    @property
    def transcripts_dir(self) -> Path:
        return self.root / "transcripts"

    def ensure(self) -> Path:
        """Create the folder (and ``transcripts/``) with mode 0700; JournalError if impossible."""
        for directory in (self.root, self.transcripts_dir):
            try:
                if directory.is_symlink():
                    raise JournalError(
                        f"{directory} is a symbolic link; the wizard's folder must be a real one.",
                        hint="Remove the link and start again.",
                    )
                directory.mkdir(mode=PRIVATE_DIR, exist_ok=True)
                # mkdir's mode is filtered by the umask and ignored for an existing folder
                os.chmod(directory, PRIVATE_DIR)
            except OSError as exc:
                raise JournalError(
                    f"Cannot create the wizard's folder {directory}: {exc.strerror or exc}.",
                    hint=f"Check that {self.current_release} is a writable directory.",
                ) from exc
        return self.root


class Journal:
    """Appends records to the journal: one ``os.write`` + ``os.fsync`` per record.

    Use ``Journal.open(workspace)``; hold the release lock while writing.
    """

    def __init__(
        self,
        workspace: Workspace,
        read: JournalRead,
        redact: Redact = no_redaction,
        user: str | None = None,
        host: str | None = None,
        clock: Callable[[], str] = utc_now,
    ) -> None:
        self.workspace = workspace
        self.path = workspace.journal_path
        self.records: list[JournalRecord] = list(read.records)
        self.warnings: tuple[str, ...] = read.warnings
        self._redact = redact
        self._user = user if user is not None else login_name()
        self._host = host if host is not None else socket.gethostname()
        self._clock = clock
        self._next_seq = max((r.seq for r in self.records), default=0) + 1

    @classmethod
    def open(
        cls,
        workspace: Workspace,
        redact: Redact = no_redaction,
        *,
        user: str | None = None,
        host: str | None = None,
        clock: Callable[[], str] = utc_now,
    ) -> Journal:
        """Create or reopen the journal; a torn last line is set aside so appends stay clean."""
        workspace.ensure()
        path = workspace.journal_path
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE))
            os.chmod(path, PRIVATE_FILE)  # private even if something else created it wider
            fsync_directory(workspace.root)  # a new journal's name is durable too
        except OSError as exc:
            raise JournalError(f"Cannot open the journal {path}: {exc.strerror or exc}.") from exc
        read = read_journal(path)
        aside = None
        if read.torn_tail:
            aside = _set_torn_tail_aside(read)
        elif read.needs_newline:
            _append_line(path, b"\n")
        journal = cls(workspace, read, redact, user, host, clock)
        if aside is not None:
            kept = f"The torn last line ({len(read.torn_tail)} bytes) was moved to {aside}."
            journal.warnings += (kept,)
            journal.note(f"Journal reopened after a kill mid-write. {kept}")
        return journal

    # -- the typed API: one method per kind -------------------------------------------

    def session_started(
        self,
        previous: Path,
        current: Path,
        previous_build: str,
        current_build: str,
        playbook_id: str,
        tool_version: str,
    ) -> JournalRecord:
        """Record that the wizard started on these two releases."""
        paths = (str(previous), str(current))
        return self.append(
            SessionStarted(*paths, previous_build, current_build, playbook_id, tool_version)
        )

    def step_entered(self, step: str) -> JournalRecord:
        """Record the step the operator is on (a restart lands there)."""
        return self.append(StepEntered(step))

    def step_started(self, step: str) -> JournalRecord:
        """Record that the step's work began."""
        return self.append(StepStarted(step))

    def step_completed(self, step: str, summary: str = "") -> JournalRecord:
        """Record that the step's work finished."""
        return self.append(StepCompleted(step, summary))

    def step_waived(self, step: str, reason: str) -> JournalRecord:
        """Record a waiver; the operator's reason is required."""
        if not reason.strip():
            raise JournalError(f"Waiving step {step!r} needs the operator's reason.")
        return self.append(StepWaived(step, reason))

    def file_op(
        self,
        op: FileOpKind,
        path: Path,
        sha256_after: str | None,
        sha256_before: str | None = None,
        source: Path | None = None,
        step: str | None = None,
    ) -> JournalRecord:
        """Record a file operation with its checksums before and after."""
        src = None if source is None else str(source)
        return self.append(FileOp(op, str(path), sha256_after, sha256_before, src, step))

    def command(
        self,
        argv: Sequence[str],
        cwd: Path,
        exit_code: int | None,
        duration_s: float,
        transcript: str | None = None,
        outcome: str = "",
        step: str | None = None,
        run_id: str = "",
    ) -> JournalRecord:
        """Record a command run: argv, cwd, exit code, duration and transcript name.

        ``run_id`` names the ``command_started`` record it ends, if one was written.
        """
        body = CommandRun(
            tuple(argv), str(cwd), exit_code, duration_s, transcript, outcome, step, run_id
        )
        return self.append(body)

    def command_started(
        self,
        argv: Sequence[str],
        cwd: Path,
        transcript: str | None = None,
        step: str | None = None,
    ) -> str:
        """Record that a command starts now; returns the run id its ``command`` record repeats.

        A start with no end after it tells a restarted wizard the command was cut off.
        """
        run_id = uuid.uuid4().hex[:12]
        self.append(CommandStarted(run_id, tuple(argv), str(cwd), transcript, step))
        return run_id

    def note(self, text: str, step: str | None = None) -> JournalRecord:
        """Record free text."""
        return self.append(Note(text, step))

    def remove_stale_temp_files(self, directories: Iterable[Path] = ()) -> tuple[Path, ...]:
        """Remove the temp files killed writes left here and in ``directories``; journal them."""
        removed = remove_stale_temp_files((self.workspace.root, *directories))
        if removed:
            self.append(TempFilesRemoved(tuple(str(path) for path in removed)))
        return removed

    def append(self, body: RecordBody) -> JournalRecord:
        """Redact, serialise and durably append one record."""
        record = JournalRecord(
            ts=self._clock(),
            seq=self._next_seq,
            user=self._user,
            host=self._host,
            body=redact_body(body, self._redact),
        )
        line = json.dumps(record_to_json(record), ensure_ascii=False) + "\n"
        _append_line(self.path, line.encode("utf-8"))
        self._next_seq += 1
        self.records.append(record)
        return record


def _append_line(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    except OSError as exc:
        raise JournalError(f"Cannot open the journal {path}: {exc.strerror or exc}.") from exc
    try:
        rest = memoryview(data)
        while rest:  # a short write means a full disk: finish it or fail, we hold the lock
            rest = rest[os.write(fd, rest) :]
        os.fsync(fd)
    except OSError as exc:
        raise JournalError(
            f"Cannot write to the journal {path}: {exc.strerror or exc}.",
            hint="Free disk space or fix permissions; the last action may be unrecorded.",
        ) from exc
    finally:
        os.close(fd)


def _set_torn_tail_aside(read: JournalRead) -> Path:
    aside = free_backup_name(read.path, f".torn-{len(read.records) + 1}")
    try:
        atomic_write(aside, read.torn_tail, SECRET_FILE)
        os.truncate(read.path, read.good_length)  # a power loss only brings the tail back
    except OSError as exc:
        raise JournalError(
            f"Cannot set aside the torn end of {read.path}: {exc.strerror or exc}."
        ) from exc
    return aside
