"""B.1: ``tofu init -migrate-state`` answered only with the operator's answer, then verified.

The tool's own prompt is handed to the caller (the screen asks the operator);
"no" does not abort init (formats §2.3), so a "no" or a failure renames nothing.
After "yes" and success, the S3 object is read back and its lineage and serial
compared with the local state; only then is the local file renamed. Real
Terraform 1.11 gives the S3 copy a new lineage and serial 1 (OpenTofu keeps them):
then the resources and outputs must be identical, and the result says so.

The prompt is driven by :mod:`tui.core.migration_prompt` (pexpect).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.backend import S3Backend, read_backend_file
from tui.core.cache_cluster import explain_aws_error
from tui.core.errors import ParseError
from tui.core.fsops import atomic_write, free_backup_name, sha256_bytes, sha256_file
from tui.core.journal_records import FileOp
from tui.core.migration_prompt import MigrationPrompt as MigrationPrompt
from tui.core.migration_prompt import MigrationRefused as MigrationRefused
from tui.core.migration_prompt import PromptSession
from tui.core.playbook import Playbook
from tui.core.redact import Redactor
from tui.core.runner import resolve_program
from tui.core.statefile import StateFile, parse_state

STEP = "backend"
DEFAULT_TIMEOUT_S = 300.0


class MigrationOutcome(StrEnum):
    """How the B.1 migration ended."""

    MIGRATED = "migrated"  # copied, verified in S3, local file renamed
    DECLINED = "declined"  # the operator answered "no"
    FAILED = "failed"  # the tool failed, timed out or never asked
    NOT_VERIFIED = "not verified"  # the S3 object does not match the local state


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
