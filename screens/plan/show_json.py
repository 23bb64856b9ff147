"""The plan pipeline's ``tofu show -json``: stdout captured into the plan JSON file.

The command's stderr streams into the view's log and its transcript; its stdout goes to
the file the review reads (``shown.plan_json_path``), never to the screen. The command
is journaled like any other (``wizard.commands``). Its worker belongs to the view that
starts it, which hands the result to the core; once captured, the file's first lines
are shown in the log, redacted (``show_head``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual.widget import Widget

from tui.core.exec.runner import RunningCommand, Stream
from tui.core.tofu.plan.pipeline import CaptureJson
from tui.core.tofu.plan.shown import json_head, plan_json_path
from tui.core.tofu.plan.target import PipelineTarget
from tui.widgets.command_log import CommandLog
from tui.wizard import Wizard

SHOW_GROUP = "pipeline-show"


class JsonCapture:
    """One ``tofu show -json`` of ``target``'s plan, into its plan JSON file."""

    def __init__(
        self,
        wizard: Wizard,
        step_id: str,
        target: PipelineTarget,
        step: CaptureJson,
        log: CommandLog,
    ) -> None:
        session = wizard.session
        base = session.workspace.root if session is not None else target.workdir
        self.wizard, self.argv, self.log = wizard, step.argv, log
        self.destination: Path = plan_json_path(base, target)
        self.record = record = wizard.commands.start(
            session, list(step.argv), target.workdir, step_id
        )

        def on_lines(stream: Stream, lines: Sequence[str]) -> None:  # stderr: stdout is the file
            log.append_lines(stream, lines)
            if record.transcript is not None:  # the runner's redactor is the transcript's
                record.transcript.redacted_lines(stream, lines)

        self.command = RunningCommand(
            step.argv,
            env=wizard.context.env,
            cwd=target.workdir,
            timeout_s=step.timeout_s,
            on_lines=on_lines,
            redactor=wizard.redactor,
            stdout_to=self.destination,
        )

    def start(self, owner: Widget) -> None:
        """Run it in a worker of ``owner`` (group ``SHOW_GROUP``), journaled when it ends."""
        command = "$ " + " ".join(self.argv) + f"   (stdout → {self.destination})"
        self.log.append_line("stdout", command)
        worker = owner.run_worker(
            self.command.run(),
            group=SHOW_GROUP,
            exit_on_error=False,
            description="tofu show -json",
        )
        self.wizard.commands.track(worker, self.record)

    def cancel(self) -> None:
        self.command.cancel()


def show_head(json_file: Path, redact: Callable[[str], str], log: CommandLog) -> None:
    """The captured file's first lines in the log, redacted (MocmError: it cannot be read)."""
    for line in json_head(json_file, redact).lines:
        log.append_line("stdout", line)
