"""Command transcripts: ``transcripts/NNN-<slug>.log``, mode 0600, redacted.

A transcript holds a header (argv, cwd, start), every output line prefixed by
its stream (``out| `` or ``err| ``) and a footer (exit code, duration).
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import stat
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TextIO

from tui.core.errors import MocmError
from tui.core.journal.writer import PRIVATE_FILE, Redact, Workspace, no_redaction, utc_now

PACE_S = 0.02  # the writer thread's rest after each write (see Transcript.__init__)
_TAKE_BUFFER = object()  # queued for the writer thread: write what the buffer holds
STREAM_PREFIX = {"stdout": "out", "out": "out", "stderr": "err", "err": "err"}
_NUMBERED = re.compile(r"^(\d+)-")
_SLUG_WORD = re.compile(r"[^a-z0-9]+")


class TranscriptError(MocmError):
    """A transcript could not be created or written."""


def slug_for(argv: Sequence[str], max_len: int = 40) -> str:
    """A file-name-safe slug: the program name and its leading sub-commands (``tofu-plan``)."""
    words = [os.path.basename(argv[0])] if argv else ["command"]
    for arg in argv[1:3]:
        if arg.startswith("-") or "=" in arg or "/" in arg:
            break
        words.append(arg)
    return clean_slug("-".join(words), max_len)


def clean_slug(text: str, max_len: int = 40) -> str:
    """``text`` lower-cased with every run of other characters than ``a-z0-9`` made a dash."""
    slug = _SLUG_WORD.sub("-", text.lower()).strip("-")
    return slug[:max_len].strip("-") or "command"


class Transcript:
    """One command's transcript, open for writing until ``close``."""

    def __init__(self, path: Path, handle: TextIO, redact: Redact) -> None:
        self.path = path
        self._handle = handle
        self._redact = redact
        self.closed = False
        # Output is written by a thread of its own: a command's output never waits for the
        # disk on the caller's thread (the UI's event loop). Chunks keep their order. They
        # gather in one buffer; at each wake-up the thread takes all that came meanwhile,
        # then rests up to PACE_S (at most ~50 writes a second; ``flush`` and ``close`` cut
        # the rest short). Woken once per chunk (a command's stderr often comes a line per
        # read) it took the GIL from the event loop ~10,000 times for 100k streamed lines:
        # bench_plan_stream 0.31-0.33 s -> 0.28-0.29 s (0.24 s with no transcript at all).
        self._pending: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._buffer: list[str] = []
        self._buffer_queued = False  # a _TAKE_BUFFER is in the queue, not yet taken
        self._buffer_lock = threading.Lock()
        self._hurry = threading.Event()
        self._failure: OSError | ValueError | None = None
        self._writer = threading.Thread(
            target=self._write_pending, name=f"transcript {path.name}", daemon=True
        )
        self._writer.start()

    @property
    def name(self) -> str:
        """The file name (what the journal records)."""
        return self.path.name

    def line(self, stream: str, text: str) -> None:
        """Append one output line from ``stream`` (``stdout``/``stderr``)."""
        prefix = STREAM_PREFIX.get(stream, stream)
        clean = self._redact(text.rstrip("\n"))
        self._write("".join(f"{prefix}| {part}\n" for part in clean.split("\n")))

    def redacted_lines(self, stream: str, lines: Sequence[str]) -> None:
        """Append lines the runner already redacted with this transcript's redactor: one write.

        (``line`` redacts again: for text of any other origin.)
        """
        prefix = f"{STREAM_PREFIX.get(stream, stream)}| "
        # Each line (and each part of a line holding "\n") behind the prefix, built in C.
        self._write(prefix + "\n".join(lines).replace("\n", "\n" + prefix) + "\n" if lines else "")

    def flush(self) -> None:
        """Return once every line given so far is in the file (what a kill after it finds)."""
        written = threading.Event()
        self._pending.put(written)
        self._hurry.set()
        written.wait()
        self._raise_failure()

    def close(self, exit_code: int | None, duration_s: float, outcome: str = "") -> None:
        """Write the footer and close the file (idempotent)."""
        if self.closed:
            return
        code = "none" if exit_code is None else str(exit_code)
        extra = f" outcome: {self._redact(outcome)}" if outcome else ""
        footer = f"# exit: {code} duration: {duration_s:.3f} s ended: {utc_now()}{extra}\n"
        self._write(footer)
        self._pending.put(None)  # everything queued is written, then the thread ends
        self._hurry.set()
        self._writer.join()
        self._raise_failure()
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
        except OSError as exc:
            raise TranscriptError(f"Cannot finish the transcript {self.path}: {exc}.") from exc
        self.closed = True

    def __enter__(self) -> Transcript:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.closed:
            self.close(None, 0.0, "interrupted" if exc_type else "")

    def _write(self, text: str) -> None:
        """Queue ``text`` for the writer thread; a write that failed before is raised here."""
        self._raise_failure()
        if self.closed or not self._writer.is_alive():
            raise TranscriptError(f"Cannot write the transcript {self.path}: it is closed.")
        with self._buffer_lock:
            self._buffer.append(text)
            if self._buffer_queued:
                return  # the thread takes it with what is already waiting
            self._buffer_queued = True
        self._pending.put(_TAKE_BUFFER)

    def _raise_failure(self) -> None:
        if self._failure is not None:
            exc = self._failure
            raise TranscriptError(f"Cannot write the transcript {self.path}: {exc}.") from exc

    def _write_pending(self) -> None:
        """The writer thread: each queued chunk in order, until ``close`` queues None."""
        while (item := self._pending.get()) is not None:
            if isinstance(item, threading.Event):
                item.set()  # `flush`: everything before it is written (line-buffered)
                self._hurry.clear()
                continue
            with self._buffer_lock:  # _TAKE_BUFFER: all that was written until now
                texts, self._buffer = self._buffer, []
                self._buffer_queued = False
            if self._failure is not None:
                continue  # reported to the caller once; the rest is dropped
            try:
                self._handle.write("".join(texts))
            except (OSError, ValueError) as exc:
                self._failure = exc
            self._hurry.wait(PACE_S)


class Transcripts:
    """The transcripts folder of a workspace; numbers files in order."""

    def __init__(self, workspace: Workspace, redact: Redact = no_redaction) -> None:
        self.directory = workspace.transcripts_dir
        self._workspace = workspace
        self._redact = redact

    def next_number(self) -> int:
        """One more than the highest number already used."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return 1
        numbers = [int(m.group(1)) for n in names if (m := _NUMBERED.match(n))]
        return max(numbers, default=0) + 1

    def output(self, name: str) -> list[str] | None:
        """The output lines a transcript holds (prefixes and header dropped), even one a
        killed wizard never closed; None when there is no such transcript or it is unreadable."""
        if not name or Path(name).name != name:  # a journal's name, never a path elsewhere
            return None
        try:
            text = (self.directory / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        prefixes = tuple(f"{p}| " for p in set(STREAM_PREFIX.values()))
        return [line[len("out| ") :] for line in text.splitlines() if line.startswith(prefixes)]

    def open(self, argv: Sequence[str], cwd: Path, slug: str | None = None) -> Transcript:
        """Create the next transcript (mode 0600 whatever the umask) and write its header."""
        self._workspace.ensure()
        safe_slug = clean_slug(slug) if slug else slug_for(argv)
        number = self.next_number()
        while True:
            path = self.directory / f"{number:03d}-{safe_slug}.log"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
                break
            except FileExistsError:
                number += 1
            except OSError as exc:
                raise TranscriptError(f"Cannot create the transcript {path}: {exc}.") from exc
        os.fchmod(fd, PRIVATE_FILE)
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode != PRIVATE_FILE:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise TranscriptError(f"{path} got mode {mode:o} instead of 600; not writing to it.")
        handle = open(fd, "w", encoding="utf-8", errors="replace", buffering=1)  # noqa: SIM115
        transcript = Transcript(path, handle, self._redact)
        header = (
            f"# command: {self._redact(shlex.join(argv))}\n"
            f"# cwd: {self._redact(str(cwd))}\n"
            f"# started: {utc_now()}\n"
        )
        transcript._write(header)
        return transcript
