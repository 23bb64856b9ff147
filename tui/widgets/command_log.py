"""Live command output: Textual's ``Log`` fed in batches, so 100k lines never freeze the screen.

Lines are buffered and written at most ``1 / flush_interval_s`` times a second.
stderr lines carry a coloured ``┃`` mark. The Log follows the output while the
operator is at the bottom, and stays put once they scroll up (Log's own rule).

While a command runs, everything alive when it started is kept out of the garbage
collector (``HeldOutOfCollector``): a full collection would walk the wizard's whole heap
(~50 ms on the Plan step) in the middle of the stream; objects made during the run are
still collected. The widest line is measured as lines are written, mostly in C, instead
of on Log's thread worker, whose per-line Python holds the GIL the event loop needs.
"""

from __future__ import annotations

import os
import shlex
from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Log
from textual.worker import Worker

from tui.core.errors import CommandFailed, MocmError
from tui.core.exec.process_group import DEFAULT_GRACE, CancelGrace
from tui.core.exec.result import CommandResult
from tui.core.exec.runner import (
    LineCallback,
    LinesCallback,
    RunningCommand,
    SpawnedCallback,
    Stream,
)
from tui.core.memory import HeldOutOfCollector
from tui.core.printable import printable
from tui.core.secrets.redact import Redactor
from tui.widgets.theme import Palette
from tui.widgets.worker_events import ReportsWorkers

STDERR_MARK = "┃ "
MARK = STDERR_MARK[0]
WORKER_GROUP = "command-log"


class StderrHighlighter(Highlighter):
    """Colours the stderr mark at the start of a line; leaves the text itself alone."""

    def __init__(self, style: str) -> None:
        self.style = style

    def highlight(self, text: Text) -> None:
        if text.plain.startswith(STDERR_MARK):
            text.stylize(self.style, 0, len(STDERR_MARK))


class CommandLog(ReportsWorkers, Log):
    """A Log that runs commands through the core runner and shows their (redacted) output."""

    class Finished(Message):
        """A command run by this log has ended (exited, timed out or cancelled)."""

        def __init__(self, command_log: CommandLog, result: CommandResult) -> None:
            super().__init__()
            self.command_log = command_log
            self.result = result

        @property
        def control(self) -> CommandLog:
            return self.command_log

    _frame_style: Style | None = None  # while a frame is rendered (render_lines)
    _plain_batch = False  # the lines being written are all printable ASCII (flush_pending)

    def __init__(
        self,
        *,
        redactor: Redactor,
        max_lines: int = 50_000,
        flush_interval_s: float = 0.1,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            highlight=True, max_lines=max_lines, auto_scroll=True, name=name, id=id, classes=classes
        )
        self.redactor = redactor  # the wizard's: secrets it learns at run time are masked too
        self.highlighter = StderrHighlighter("")  # the theme's warning colour, once mounted
        self._flush_interval_s = flush_interval_s
        # Lines beyond max_lines would be pruned on write anyway: drop them before.
        self._pending: deque[str] = deque(maxlen=max_lines)
        self._command: RunningCommand | None = None
        # While a command runs: what was alive when it started is out of the collector.
        self.collector_hold: HeldOutOfCollector | None = None

    @property
    def rich_style(self) -> Style:
        """The Log's style (one walk over the ancestors per frame, not one per line)."""
        style = self._frame_style
        return style if style is not None else super().rich_style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_style = None
        self._frame_style = self.rich_style  # every line of this frame draws with it
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        """Widen the Log to the widest of ``lines`` now (Log does it on a thread worker).

        The same measure as Log's: a printable ASCII line (nearly every line: the flush
        made them printable) is as wide as it is long; any other is measured cell by cell.
        A batch the flush found all printable ASCII (the stderr mark aside, one cell) is
        measured in one C pass: 100k streamed lines 9 % -> ~1 % of the event loop's time.
        """
        if not lines:
            return
        if self._plain_batch:  # one C pass: each line as wide as it is long
            widest = max(map(len, lines))
        else:
            widest = max(
                len(line)
                if line.isascii() and line.isprintable()
                else cell_len(self._process_line(line))
                for line in lines
            )
        self._update_maximum_width(updates, widest)

    def on_mount(self) -> None:
        self.highlighter = StderrHighlighter(Palette.of(self.app).warning)
        self.set_interval(self._flush_interval_s, self.flush_pending, name="command-log-flush")

    @property
    def running(self) -> bool:
        """True while a command started by :meth:`run` has not ended."""
        return self._command is not None

    def append_line(self, stream: Stream, text: str) -> None:
        """Queue one (already redacted) line; it is shown at the next flush.

        Usable as the ``on_line`` of any core runner, e.g. a PromptedCommand.
        """
        self._pending.append(STDERR_MARK + text if stream == "stderr" else text)

    def append_lines(self, stream: Stream, lines: Iterable[str]) -> None:
        """Queue (already redacted) lines, e.g. one chunk of a command's output."""
        if stream == "stderr":
            self._pending.extend(STDERR_MARK + text for text in lines)
        else:
            self._pending.extend(lines)

    def flush_pending(self) -> None:
        """Write every queued line to the Log in one go."""
        if self._pending:
            # A command's output may carry terminal escapes: shown as text, never obeyed.
            # (One check over the whole batch first: a tab or an escape is not printable.)
            lines = list(self._pending)
            self._pending.clear()
            batch = "".join(lines)
            shown_as_is = batch.isprintable()
            if not shown_as_is:
                lines = [printable(line.expandtabs()) for line in lines]
            # Printable ASCII but for the stderr mark (one cell, one character): each
            # line is as wide as it is long.
            self._plain_batch = shown_as_is and batch.replace(MARK, "").isascii()
            try:
                self.write_lines(lines)
            finally:
                self._plain_batch = False

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: str | os.PathLike[str],
        timeout_s: float | None,
        stdin: bytes | None = None,
        grace: CancelGrace = DEFAULT_GRACE,
        tee: LineCallback | None = None,
        tee_lines: LinesCallback | None = None,
        on_spawned: SpawnedCallback | None = None,
    ) -> Worker[CommandResult]:
        """Run ``argv`` in a worker, stream it here, then post :class:`Finished`.

        ``tee`` receives the same redacted lines one by one, ``tee_lines`` one batch per
        chunk read (e.g. for the transcript: one write per batch). A command that cannot
        start fails the worker with its typed error (after saying so here).
        """
        if self._command is not None:
            raise CommandFailed(
                f"{self._command.argv[0]} is still running in this log.",
                "Wait for it to finish or cancel it first.",
            )

        def on_lines(stream: Stream, lines: Sequence[str]) -> None:
            self.append_lines(stream, lines)
            if tee_lines is not None:
                tee_lines(stream, lines)

        command = RunningCommand(
            argv,
            env=env,
            cwd=cwd,
            timeout_s=timeout_s,
            on_lines=on_lines,
            on_line=tee,
            stdin=stdin,
            redactor=self.redactor,
            grace=grace,
            on_spawned=on_spawned,
        )
        self._command = command
        # One screen line, even for arguments holding newlines.
        shown = self.redactor.redact(shlex.join(argv)).replace("\n", "\\n")
        return self.run_worker(
            self._follow(command, shown),
            group=WORKER_GROUP,
            description=shown,
            exit_on_error=False,
        )

    def cancel(self) -> bool:
        """Stop the running command (SIGINT first, see the runner); False if none runs."""
        if self._command is None:
            return False
        self._command.cancel()
        return True

    async def _follow(self, command: RunningCommand, shown: str) -> CommandResult:
        self.append_line("stdout", f"$ {shown}")
        held = self.collector_hold = HeldOutOfCollector()  # no walk over the whole heap
        try:
            result = await command.run()
        except MocmError as error:
            self.append_line("stderr", f"✗ {error.message}")
            raise
        finally:
            held.release()
            self.collector_hold = None
            self._command = None
            self.flush_pending()
        self.append_line("stdout", summary(result))
        self.flush_pending()
        self.post_message(self.Finished(self, result))
        return result


def summary(result: CommandResult) -> str:
    """One closing line for the operator: how the command ended, and how long it took."""
    took = f"{result.duration_s:.1f} s"
    if result.timed_out:
        how = "timed out, stopped with " + ", ".join(result.signals_sent)
    elif result.cancelled:
        how = "cancelled with " + (", ".join(result.signals_sent) or "no signal needed")
    else:
        how = f"exit {result.exit_code}"
    return f"── {how} · {took}"
