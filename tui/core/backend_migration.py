"""B.1: ``tofu init -migrate-state`` answered only with the operator's answer, then verified.

The tool's own prompt is handed to the caller (the screen asks the operator);
"no" does not abort init (formats §2.3), so a "no" or a failure renames nothing.
After "yes" and success, the S3 object is read back and its lineage and serial
compared with the local state; only then is the local file renamed. Real
Terraform 1.11 gives the S3 copy a new lineage and serial 1 (OpenTofu keeps them):
then the resources and outputs must be identical, and the result says so.

The shared pexpect driver (tui/core/prompt_driver.py) did not exist when this
was written, so the small :class:`PromptSession` below drives pexpect itself.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import pexpect
from botocore.exceptions import BotoCoreError, ClientError

from tui.core.backend import S3Backend, read_backend_file
from tui.core.cache_cluster import explain_aws_error
from tui.core.errors import MocmError, ParseError
from tui.core.fsops import atomic_write, free_backup_name, sha256_bytes, sha256_file
from tui.core.journal_records import FileOp
from tui.core.playbook import Playbook
from tui.core.redact import Redactor
from tui.core.runner import resolve_program
from tui.core.statefile import StateFile, parse_state

STEP = "backend"
MigrationAnswer = Literal["yes", "no"]
ANSWERS: frozenset[str] = frozenset({"yes", "no"})
PROMPT = re.compile(r"Enter a value: ?")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MAX_PROMPTS = 5  # the tool asks once per question; more means something unexpected
DEFAULT_TIMEOUT_S = 300.0


class MigrationRefused(MocmError):
    """The migration cannot start (no backend.tf, no local state, bad answer)."""


class MigrationOutcome(StrEnum):
    """How the B.1 migration ended."""

    MIGRATED = "migrated"  # copied, verified in S3, local file renamed
    DECLINED = "declined"  # the operator answered "no"
    FAILED = "failed"  # the tool failed, timed out or never asked
    NOT_VERIFIED = "not verified"  # the S3 object does not match the local state


@dataclass(frozen=True)
class MigrationPrompt:
    """The tool's question and the whole block it printed, for the operator to read."""

    question: str
    text: str


@dataclass(frozen=True)
class MigrationResult:
    """What happened, what the tool printed (redacted), and the file ops to journal."""

    outcome: MigrationOutcome
    message: str
    argv: tuple[str, ...]
    exit_code: int | None
    duration_s: float
    output: tuple[str, ...]
    prompts: tuple[MigrationPrompt, ...]
    answers: tuple[str, ...]
    local_state: StateFile
    remote_state: StateFile | None = None
    file_ops: tuple[FileOp, ...] = field(default=())

    @property
    def lineage_kept(self) -> bool:
        """True when the S3 state continues the local state's history (lineage and serial)."""
        remote = self.remote_state
        return remote is not None and (remote.lineage, remote.serial) == (
            self.local_state.lineage,
            self.local_state.serial,
        )


@dataclass
class _Transcript:
    chunks: list[str] = field(default_factory=list)

    def lines(self, redactor: Redactor) -> tuple[str, ...]:
        text = ANSI.sub("", "".join(self.chunks)).replace("\r\n", "\n").replace("\r", "\n")
        redact = redactor.line_redactor()
        return tuple(redact(line) for line in text.split("\n"))


def prompt_from(block: str) -> MigrationPrompt:
    """The question (first unindented line of the prompt block) and the block itself."""
    lines = ANSI.sub("", block).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.strip() and not line.startswith(" "):
            start = index
            break
    text = "\n".join(lines[start:]).rstrip()
    return MigrationPrompt(lines[start].strip(), text)


class PromptSession:
    """One pexpect child: prompts go to ``ask``, its answer is the only thing typed."""

    def __init__(self, argv: list[str], cwd: Path, env: Mapping[str, str], timeout_s: float):
        self.argv = argv
        self.transcript = _Transcript()
        self.child = pexpect.spawn(
            argv[0],
            argv[1:],
            cwd=str(cwd),
            env=dict(env),
            encoding="utf-8",
            codec_errors="replace",
            timeout=timeout_s,
            echo=False,
            dimensions=(50, 200),  # wide: the tool's own wrapping, not the pty's
        )
        self.child.logfile_read = _Sink(self.transcript.chunks)
        self.timed_out = False

    def run(
        self, ask: Callable[[MigrationPrompt], str], redactor: Redactor
    ) -> tuple[list[MigrationPrompt], list[str], int | None]:
        """Answer prompts until the tool exits; returns prompts, answers and exit code."""
        prompts: list[MigrationPrompt] = []
        answers: list[str] = []
        try:
            while True:
                index = self.child.expect([PROMPT, pexpect.EOF, pexpect.TIMEOUT])
                if index == 1:
                    break
                if index == 2 or len(prompts) >= MAX_PROMPTS:
                    self.timed_out = index == 2
                    self._stop()
                    break
                seen = "".join(self.transcript.chunks)
                prompt = prompt_from(redactor.redact(seen[-4000:]))
                prompts.append(prompt)
                answer = ask(prompt)
                if answer not in ANSWERS:
                    self._stop()
                    raise MigrationRefused(
                        f"Only 'yes' or 'no' can be typed into the prompt, not {answer!r}.",
                        "The tool was interrupted; nothing was migrated or renamed.",
                    )
                answers.append(answer)
                self.child.sendline(answer)
        finally:
            self.child.close()
        code = self.child.exitstatus
        return prompts, answers, code if code is not None else None

    def _stop(self) -> None:
        """SIGINT first, so the tool releases its locks; then force."""
        self.child.sendintr()
        try:
            self.child.expect(pexpect.EOF, timeout=10)
        except pexpect.TIMEOUT:
            self.child.terminate(force=True)


class _Sink:
    """pexpect's logfile_read target: keeps every chunk the child printed."""

    def __init__(self, chunks: list[str]) -> None:
        self._chunks = chunks

    def write(self, data: str) -> None:
        self._chunks.append(data)

    def flush(self) -> None:
        return None


def read_remote_state(s3: Any, backend: S3Backend) -> StateFile:
    """The state object at bucket/key, parsed (AWS errors become typed errors)."""
    where = f"s3://{backend.bucket}/{backend.key}"
    try:
        body = s3.get_object(Bucket=backend.bucket, Key=backend.key)["Body"].read()
    except (ClientError, BotoCoreError) as exc:
        raise explain_aws_error(exc, f"s3:GetObject on {where}", backend.region or "") from exc
    return parse_state(body, where)


def migrate_state(
    terraform_dir: Path,
    playbook: Playbook,
    tofu_bin: str,
    env: Mapping[str, str],
    ask: Callable[[MigrationPrompt], str],
    s3: Any,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    redactor: Redactor | None = None,
) -> MigrationResult:
    """Run ``init -migrate-state``, verify the S3 object, then rename the local state."""
    redactor = redactor or Redactor()
    backend_path = terraform_dir / playbook.backend_file
    state_path = terraform_dir / playbook.state_file
    if not backend_path.exists():
        raise MigrationRefused(f"{backend_path} does not exist: write it from the form first.")
    backend = read_backend_file(backend_path)
    if not state_path.exists():
        raise MigrationRefused(f"{state_path} does not exist: there is no local state to migrate.")
    try:
        original = state_path.read_bytes()  # the tool may empty the file, even after "no"
    except OSError as exc:
        raise MigrationRefused(f"{state_path} cannot be read: {exc.strerror or exc}.") from exc
    local = parse_state(original, str(state_path))
    argv = [resolve_program(tofu_bin, env), "init", "-migrate-state", "-no-color"]
    began = time.monotonic()
    session = PromptSession(argv, terraform_dir, env, timeout_s)
    try:
        prompts, answers, code = session.run(ask, redactor)
    except BaseException:
        restore_local_state(state_path, original)
        raise
    output = session.transcript.lines(redactor)
    restored = restore_local_state(state_path, original)
    kept_note = (
        f" The tool had emptied {state_path.name}; it was restored from the copy taken "
        "before the run (checksum verified)."
        if restored
        else ""
    )

    def result(
        outcome: MigrationOutcome,
        message: str,
        remote: StateFile | None = None,
        ops: tuple[FileOp, ...] = (),
    ) -> MigrationResult:
        return MigrationResult(
            outcome,
            message + kept_note,
            (tofu_bin, *argv[1:]),
            code,
            time.monotonic() - began,
            output,
            tuple(prompts),
            tuple(answers),
            local,
            remote,
            restored + ops,
        )

    if session.timed_out or code != 0:
        why = f"did not finish within {timeout_s:g} s" if session.timed_out else f"exit {code}"
        return result(
            MigrationOutcome.FAILED,
            f"`{tofu_bin} init -migrate-state` failed ({why}){_last_error(output)}. "
            f"Nothing was renamed; {state_path.name} is still the state.",
        )
    if not prompts:
        return result(
            MigrationOutcome.FAILED,
            "The tool finished without asking to copy the state, so it may not have migrated "
            f"anything. Nothing was renamed; compare s3://{backend.bucket}/{backend.key} with "
            f"{state_path.name}.",
        )
    if "no" in answers:
        return result(
            MigrationOutcome.DECLINED,
            "You answered no. The tool still configured the S3 backend, which keeps its own "
            f"(empty) state; {state_path.name} was not renamed.",
        )
    remote = read_remote_state(s3, backend)
    kept = (remote.lineage, remote.serial) == (local.lineage, local.serial)
    if not kept and remote.content_sha256 != local.content_sha256:
        return result(
            MigrationOutcome.NOT_VERIFIED,
            f"s3://{backend.bucket}/{backend.key} (lineage {remote.lineage}, serial "
            f"{remote.serial}) does not hold what the local state holds (lineage "
            f"{local.lineage}, serial {local.serial}). {state_path.name} was not renamed.",
            remote,
        )
    op = archive_local_state(terraform_dir, playbook)
    where = f"s3://{backend.bucket}/{backend.key}"
    if kept:
        said = f"lineage and serial {remote.serial} verified"
    else:
        # Terraform 1.11 mints a new lineage here; OpenTofu keeps both (formats §2.3).
        said = (
            f"same resources and outputs, but the tool gave it a new lineage {remote.lineage} "
            f"and serial {remote.serial} (the local state had {local.lineage}, serial "
            f"{local.serial}); restoring {playbook.state_pre_upgrade} later needs "
            "`state push -force`"
        )
    return result(
        MigrationOutcome.MIGRATED,
        f"State copied to {where} ({said}); local file renamed {Path(op.path).name}.",
        remote,
        (op,),
    )


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


def _last_error(lines: tuple[str, ...]) -> str:
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
