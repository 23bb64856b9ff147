"""B.1: ``tofu init -migrate-state`` answered only with the operator's answer, then verified.

The command runs through the shared prompt driver (:class:`PromptedCommand`): the
tool's own question goes to the caller's ``ask`` (the screen shows it to the
operator) and only "yes" or "no" is ever typed. "no" does not abort init
(formats §2.3), so a "no", a failure or a cancel renames nothing. Real Terraform
empties the local ``terraform.tfstate`` during the run (even after "no"): its bytes,
read before the run, are written back first. After "yes" and success the S3
object is read back and compared with the local state (``MigratedStateCheck``);
only when it holds the same content is the local file renamed.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import explain_aws_error
from tui.core.errors import MocmError, ParseError
from tui.core.exec.process_group import DEFAULT_GRACE, CancelGrace
from tui.core.exec.prompt_driver import PromptedCommand
from tui.core.exec.prompts import TOFU_PROMPT, Prompt
from tui.core.exec.result import CommandResult
from tui.core.exec.runner import LineCallback, Stream
from tui.core.files import atomic_write, free_backup_name, sha256_bytes, sha256_file

# how B.1 ended is a journal record field: the enum lives there, named here too
from tui.core.journal.events import MigrationOutcome as MigrationOutcome
from tui.core.journal.records import FileOp
from tui.core.playbook.load import Playbook
from tui.core.secrets.redact import Redactor
from tui.core.tofu.backend.detect import S3Backend, read_backend_file
from tui.core.tofu.backend.readback import MigratedStateCheck
from tui.core.tofu.statefile import StateFile, parse_state

STEP = "backend"
DEFAULT_TIMEOUT_S = 300.0
ANSWERS = frozenset({"yes", "no"})
MAX_PROMPTS = 5  # tofu asks once per question (and once more after a bad answer)

MigrationAsk = Callable[[Prompt], Awaitable[str]]


class MigrationRefused(MocmError):
    """The migration cannot start or go on (no backend.tf, no local state, bad answer)."""


@dataclass(frozen=True)
class MigrationRequest:
    """Where and with what to migrate: the release's terraform dir, the tool, AWS."""

    terraform_dir: Path
    playbook: Playbook
    tofu_bin: str
    env: Mapping[str, str]
    s3: Any  # a boto3 S3 client
    timeout_s: float = DEFAULT_TIMEOUT_S


@dataclass(frozen=True)
class MigrationResult:
    """What happened, what the tool printed (redacted), and the file ops to journal."""

    outcome: MigrationOutcome
    message: str
    command: CommandResult
    output: tuple[str, ...]
    prompts: tuple[Prompt, ...]
    answers: tuple[str, ...]
    local_state: StateFile
    check: MigratedStateCheck | None = None  # the S3 object read back, after "yes"
    file_ops: tuple[FileOp, ...] = field(default=())


class StateMigration:
    """One ``init -migrate-state`` run: build it, ``await run()``, ``cancel()`` from anywhere."""

    def __init__(
        self,
        request: MigrationRequest,
        ask: MigrationAsk,
        *,
        redactor: Redactor | None = None,
        on_line: LineCallback | None = None,
        grace: CancelGrace = DEFAULT_GRACE,
    ) -> None:
        self.request = request
        self._ask = ask
        self._on_line = on_line
        self._asked: list[Prompt] = []
        self._lines: list[str] = []
        self.command = PromptedCommand(
            [request.tofu_bin, "init", "-migrate-state", "-no-color"],
            env=request.env,
            cwd=request.terraform_dir,
            prompt=TOFU_PROMPT,
            on_prompt=self._answer,
            timeout_s=request.timeout_s,
            on_line=self._line,
            redactor=redactor,
            grace=grace,
        )

    def cancel(self) -> None:
        """Stop the tool (SIGINT first); safe from any thread, before or during the run."""
        self.command.cancel()

    async def run(self) -> MigrationResult:
        """Run the tool, answer with the operator's answers, verify, then rename.

        The tool's failure, timeout or cancel is an outcome; a refused start or answer,
        or a missing tool, raises (the local state is restored first in every case).
        """
        request = self.request
        book = request.playbook
        backend_path = request.terraform_dir / book.backend_file
        state_path = request.terraform_dir / book.state_file
        if not backend_path.exists():
            raise MigrationRefused(f"{backend_path} does not exist: write it from the form first.")
        backend = read_backend_file(backend_path)
        if not state_path.exists():
            raise MigrationRefused(
                f"{state_path} does not exist: there is no local state to migrate."
            )
        try:
            original = state_path.read_bytes()  # the tool may empty the file, even after "no"
        except OSError as exc:
            raise MigrationRefused(f"{state_path} cannot be read: {exc.strerror or exc}.") from exc
        local = parse_state(original, str(state_path))
        try:
            done = await self.command.run()
        finally:
            restored = restore_local_state(state_path, original)
        answers = tuple(answered.answer for answered in done.answered)
        where = f"s3://{backend.bucket}/{backend.key}"

        def result(
            outcome: MigrationOutcome,
            message: str,
            check: MigratedStateCheck | None = None,
            ops: tuple[FileOp, ...] = (),
        ) -> MigrationResult:
            if restored:
                message += (
                    f" The tool had emptied {state_path.name} during init; the wizard wrote its "
                    "original bytes back (checksum verified) before anything else."
                )
            return MigrationResult(
                outcome,
                message,
                command=done.command,
                output=tuple(self._lines),
                prompts=tuple(self._asked),
                answers=answers,
                local_state=local,
                check=check,
                file_ops=restored + ops,
            )

        kept = f"Nothing was renamed; {state_path.name} is still the state."
        command = done.command
        if command.cancelled:
            how = f" ({', '.join(command.signals_sent)})" if command.signals_sent else ""
            return result(
                MigrationOutcome.CANCELLED,
                f"You stopped `{request.tofu_bin} init -migrate-state`{how}. {kept}",
            )
        if command.timed_out or command.exit_code != 0:
            why = (
                f"did not finish within {request.timeout_s:g} s"
                if command.timed_out
                else f"exit {command.exit_code}"
            )
            return result(
                MigrationOutcome.FAILED,
                f"`{request.tofu_bin} init -migrate-state` failed ({why})"
                f"{_last_error(self._lines)}. {kept}",
            )
        if not answers:
            return result(
                MigrationOutcome.FAILED,
                "The tool finished without asking to copy the state, so it may not have migrated "
                f"anything. {kept} Compare {where} with {state_path.name}.",
            )
        if "no" in answers:
            return result(
                MigrationOutcome.DECLINED,
                "You answered no. The tool still configured the S3 backend, which keeps its own "
                f"(empty) state; {state_path.name} was not renamed.",
            )
        remote = await asyncio.to_thread(read_remote_state, request.s3, backend)
        check = MigratedStateCheck(local, remote, where)
        if not check.verified:
            return result(
                MigrationOutcome.NOT_VERIFIED,
                f"{check.sentence()} {state_path.name} was not renamed.",
                check,
            )
        op = archive_local_state(request.terraform_dir, book)
        note = ""
        if not check.same_lineage:
            note = (
                f" {book.state_pre_upgrade} keeps the old lineage: pushing it to S3 would need "
                "`state push -force`; a rollback uses the S3 object's own versions."
            )
        return result(
            MigrationOutcome.MIGRATED,
            f"The tool copied the state. {check.sentence()} Only then was the local file "
            f"renamed {Path(op.path).name}.{note}",
            check,
            (op,),
        )

    async def _answer(self, prompt: Prompt) -> str:
        """The operator's answer; anything but yes/no (or a question too many) stops the tool."""
        if len(self._asked) >= MAX_PROMPTS:
            raise MigrationRefused(
                f"The tool asked more than {MAX_PROMPTS} questions; it was interrupted.",
                "Nothing was renamed. Run `tofu init -migrate-state` by hand to see why.",
            )
        self._asked.append(prompt)
        answer = await self._ask(prompt)
        if answer not in ANSWERS:
            raise MigrationRefused(
                f"Only 'yes' or 'no' can be typed into the prompt, not {answer!r}.",
                "The tool was interrupted; nothing was migrated or renamed.",
            )
        return answer

    def _line(self, stream: Stream, text: str) -> None:
        self._lines.append(text)
        if self._on_line is not None:
            self._on_line(stream, text)


def read_remote_state(s3: Any, backend: S3Backend) -> StateFile:
    """The state object at bucket/key, parsed (AWS errors become typed errors)."""
    where = f"s3://{backend.bucket}/{backend.key}"
    try:
        body = s3.get_object(Bucket=backend.bucket, Key=backend.key)["Body"].read()
    except (ClientError, BotoCoreError) as exc:
        raise explain_aws_error(exc, f"s3:GetObject on {where}", backend.region or "") from exc
    return parse_state(body, where)


def restore_local_state(state_path: Path, original: bytes) -> tuple[FileOp, ...]:
    """Put the state's bytes back when the tool changed or emptied the file; the write op."""
    try:
        current = state_path.read_bytes()
    except FileNotFoundError:
        current = None
    if current == original:
        return ()
    before = None if current is None else sha256_bytes(current)
    sha = atomic_write(state_path, original)
    return (FileOp("write", str(state_path), sha, before, None, STEP),)


def _last_error(lines: list[str]) -> str:
    errors = [line.strip() for line in lines if line.strip().startswith("Error:")]
    return f": {errors[-1]}" if errors else ""


def archive_local_state(terraform_dir: Path, playbook: Playbook) -> FileOp:
    """Rename the local state to ``terraform.tfstate.migrated-to-s3`` (a free name if taken)."""
    source = terraform_dir / playbook.state_file
    target = terraform_dir / playbook.state_migrated
    if target.exists():
        target = free_backup_name(target, "")
    try:
        sha = sha256_file(source)
        os.rename(source, target)
        fd = os.open(terraform_dir, os.O_RDONLY)
        try:
            os.fsync(fd)  # make the rename durable before it is journaled
        finally:
            os.close(fd)
    except OSError as exc:
        raise MigrationRefused(
            f"The state is in S3 and verified, but {source.name} could not be renamed: "
            f"{exc.strerror or exc}.",
            f"Rename it by hand to {target.name}; it must not be used again.",
        ) from exc
    if sha256_file(target) != sha:
        raise ParseError(str(target), "checksum changed during the rename")
    return FileOp("rename", str(target), sha, None, str(source), STEP)
