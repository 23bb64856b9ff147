"""Shared by the Helm sections: a log that hands its lines on, the yes/no question, the values."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from textual.content import Content
from textual.worker import Worker

from tui.core.errors import MocmError
from tui.core.exec.result import CommandResult
from tui.core.exec.runner import LineCallback, Stream, resolve_program
from tui.core.helm.commands import HelmCommand, HelmPlan
from tui.core.helm.deployed_values import SyncValuesCheck
from tui.core.helm.journal_readback import RecordedRevision
from tui.core.helm.kube_context import KubeTarget
from tui.core.journal.records import JournalRecord, RecordBody
from tui.widgets.command_log import CommandLog
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.wizard import Wizard

Listener = Callable[[Stream, str], None]


class HelmStep(Protocol):
    """What the Helm sections use of the step that holds them (``HelmPanel``)."""

    plan: HelmPlan | None
    sync_started: bool
    wizard: Wizard

    @property
    def releases(self) -> tuple[str, ...]: ...

    @property
    def namespace(self) -> str: ...

    @property
    def recorded(self) -> dict[str, RecordedRevision]: ...

    @property
    def changelog_acknowledged(self) -> bool: ...

    @property
    def step_id(self) -> str: ...

    def journal_decision(self, record: RecordBody) -> JournalRecord | None: ...

    def focus_after(self, done: str) -> None: ...

    def journal_records(self) -> list[JournalRecord]: ...

    @property
    def values_check(self) -> SyncValuesCheck | None: ...

    @property
    def kube(self) -> KubeTarget | None: ...

    def sync_blockers(self, values: bool = True) -> list[str]: ...

    def update_gate(self) -> None: ...

    def run_logged(
        self,
        log: CommandLog,
        argv: Sequence[str],
        *,
        cwd: Path,
        timeout_s: float | None,
        stdin: bytes | None = None,
    ) -> Worker[CommandResult]: ...


class CapturingLog(CommandLog):
    """A CommandLog that also hands every (redacted) output line to ``listener``.

    The listener runs on the event loop, line by line as the command streams, so a
    section can follow progress and tee the output to a file like ``tee`` does.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.listener: Listener | None = None

    def run(
        self, argv: Sequence[str], *, tee: LineCallback | None = None, **kwargs: Any
    ) -> Worker[CommandResult]:
        listener = self.listener

        def both(stream: Stream, text: str) -> None:
            if tee is not None:
                tee(stream, text)
            if listener is not None:
                listener(stream, text)

        return super().run(argv, tee=both, **kwargs)


class Captured:
    """The full output of one command, per stream (the runner keeps only tails)."""

    def __init__(self) -> None:
        self.stdout: list[str] = []
        self.stderr: list[str] = []

    def __call__(self, stream: Stream, text: str) -> None:
        (self.stdout if stream == "stdout" else self.stderr).append(text)

    @property
    def stdout_text(self) -> str:
        return "\n".join(self.stdout) + ("\n" if self.stdout else "")

    @property
    def stderr_text(self) -> str:
        return "\n".join(self.stderr) + ("\n" if self.stderr else "")


def missing_program(program: str, env: Mapping[str, str]) -> MocmError | None:
    """The error to show when ``program`` is not on the wizard's PATH, else None."""
    try:
        resolve_program(program, env)
    except MocmError as exc:
        return exc
    return None


def relative(path: Path, base: Path) -> str:
    """``path`` shown relative to the release directory when it lies inside it."""
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def helm_question(title: str, body: Content, action: str) -> ConfirmDialog:
    """A yes/no question before a command that changes the cluster (No is focused)."""
    return ConfirmDialog(
        title,
        body,
        confirm=action,
        cancel="No",
        key="y",
        cancel_key="n",
        destructive=True,
        dialog_id="helm-confirm",
    )


Each = Callable[[HelmCommand, CommandResult, Captured], bool]


class CommandSeries:
    """Commands run one after another in one log, each one's whole output captured.

    ``each`` is called after every command; returning False stops the series.
    The owner forwards its log's ``Finished`` message to :meth:`finished`.
    """

    def __init__(self, panel: HelmStep, log: CapturingLog) -> None:
        self.panel = panel
        self.log = log
        self.pending: list[HelmCommand] = []
        self.current: HelmCommand | None = None
        self.captured = Captured()
        self.each: Each | None = None

    @property
    def running(self) -> bool:
        return self.current is not None

    def start(self, commands: Sequence[HelmCommand], each: Each) -> None:
        self.pending, self.each = list(commands), each
        self.log.display = True
        self.next()

    def next(self) -> None:
        if not self.pending:
            self.current = None
            return
        self.current = self.pending.pop(0)
        self.captured = Captured()
        self.log.listener = self.captured
        self.panel.run_logged(
            self.log,
            self.current.argv,
            cwd=self.current.cwd,
            timeout_s=self.current.timeout_seconds,
        )

    def finished(self, result: CommandResult) -> None:
        command, self.current = self.current, None
        if command is None or self.each is None:
            return
        go_on = self.each(command, result, self.captured)
        if go_on and not result.cancelled:
            self.next()
        else:
            self.pending = []

    def cancel(self) -> bool:
        self.pending = []
        return self.log.cancel()
