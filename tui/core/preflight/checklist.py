"""The Preflight step's core: every item as pass / warn / fail, and waivers for the journal.

``run_preflight`` blocks (subprocesses and boto3): call it from a thread worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.core.errors import MocmError
from tui.core.exec.recorder import CommandRecorder
from tui.core.journal.events import PreflightItemWaived
from tui.core.journal.records import JournalRecord
from tui.core.journal.writer import Journal
from tui.core.playbook.load import Playbook
from tui.core.preflight.aws_checks import AwsIdentity, check_buckets, check_identity
from tui.core.preflight.result import CheckResult, CheckStatus, failed
from tui.core.preflight.snapshots import DEFAULT_SNAPSHOT_MAX_AGE_H, check_mongodb_snapshots
from tui.core.preflight.state_backup import check_state_backup
from tui.core.preflight.state_versions import NAME as STATE_VERSIONS
from tui.core.preflight.state_versions import check_state_versions
from tui.core.preflight.tools import PROBE_TIMEOUT_S, ToolFloors, check_tools
from tui.core.tofu.backend.detect import read_backend_file
from tui.core.tofu.backend.migration import read_remote_state
from tui.core.tofu.statefile import StateFile, read_state
from tui.core.tofu.tfvars import read_tfvars

STEP = "preflight"


@dataclass(frozen=True)
class PreflightSettings:
    """How to run the checks: the wizard's tofu binary, environment and limits.

    The minimum tool versions are not settings: they are the playbook's.
    """

    env: Mapping[str, str]
    tofu_bin: str = "tofu"
    helm_bin: str = "helm"
    helmfile_bin: str = "helmfile"
    tool_timeout_s: float = PROBE_TIMEOUT_S
    snapshot_max_age_h: float = DEFAULT_SNAPSHOT_MAX_AGE_H
    on_finished: CommandRecorder | None = None  # records each tool probe (the journal)


@dataclass(frozen=True)
class PreflightReport:
    """Every item, in the order shown, and the identity for the banner (None if STS failed)."""

    results: tuple[CheckResult, ...]
    identity: AwsIdentity | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        """Items that block until fixed or waived."""
        return tuple(r for r in self.results if r.status is CheckStatus.FAIL)

    @property
    def warnings(self) -> tuple[CheckResult, ...]:
        """Items worth a look that do not block."""
        return tuple(r for r in self.results if r.status is CheckStatus.WARN)


def tfvars_region(terraform_dir: Path, playbook: Playbook) -> tuple[str | None, CheckResult | None]:
    """``aws_region`` of the tfvars, or a failed item saying why it cannot be read."""
    path = terraform_dir / playbook.tfvars_file
    try:
        values = read_tfvars(path)
    except MocmError as exc:
        return None, failed(
            "Customer settings",
            f"{playbook.tfvars_file} cannot be read: {exc.message}",
            f"Fix {path} (it is the customer's file: edit it by hand), then re-run.",
        )
    region = values.get(playbook.region_var)
    if not isinstance(region, str) or not region:
        return None, failed(
            "Customer settings",
            f"{playbook.tfvars_file} has no {playbook.region_var}.",
            f'Add {playbook.region_var} = "<region>" to {path}, then re-run.',
        )
    return region, None


def previous_state(terraform_dir: Path, playbook: Playbook, s3: Any) -> StateFile:
    """The previous release's state: the local file, else the S3 object ``backend.tf`` names."""
    local = terraform_dir / playbook.state_file
    if local.exists():
        return read_state(local)
    backend_path = terraform_dir / playbook.backend_file
    if backend_path.exists():
        return read_remote_state(s3, read_backend_file(backend_path))
    raise MocmError(
        f"No state in {terraform_dir}: neither {playbook.state_file} nor {playbook.backend_file}.",
        "Choose the release directory where `tofu apply` was run.",
    )


def run_preflight(
    terraform_dir: Path,
    playbook: Playbook,
    session: Any,
    settings: PreflightSettings,
    now: datetime,
) -> PreflightReport:
    """Run every item against the previous release's ``terraform/aws`` and AWS (``session``)."""
    results = list(
        asyncio.run(
            check_tools(
                settings.tofu_bin,
                settings.env,
                ToolFloors(playbook.minimum_tofu, playbook.minimum_helm, playbook.minimum_helmfile),
                settings.tool_timeout_s,
                settings.helm_bin,
                settings.helmfile_bin,
                settings.on_finished,
            )
        )
    )
    expected_region, tfvars_problem = tfvars_region(terraform_dir, playbook)
    if tfvars_problem is not None:
        results.append(tfvars_problem)
    identity = check_identity(
        session.client("sts"), session.region_name, expected_region, playbook.tfvars_file
    )
    results.append(identity.result)
    results.append(
        check_mongodb_snapshots(
            session.client("dlm"), session.client("ec2"), now, settings.snapshot_max_age_h
        )
    )
    s3 = session.client("s3")
    try:
        state = previous_state(terraform_dir, playbook, s3)
    except MocmError as exc:
        results.append(
            failed("S3 buckets", f"The state cannot be read: {exc.message}", exc.hint or "")
        )
    else:
        results.append(
            check_buckets(s3, state, playbook.bucket_resource_type, playbook.expected_buckets)
        )
    backup = check_state_backup(terraform_dir, playbook)
    results.append(backup)
    if backup.status is CheckStatus.NOT_APPLICABLE:  # B.2: the state is in S3
        results.append(remote_state_restorable(terraform_dir, playbook, s3))
    return PreflightReport(tuple(results), identity.identity)


def remote_state_restorable(terraform_dir: Path, playbook: Playbook, s3: Any) -> CheckResult:
    """For a state in S3: the bucket's versioning keeps the pre-upgrade state restorable."""
    try:
        backend = read_backend_file(terraform_dir / playbook.backend_file)
    except MocmError as exc:
        return failed(STATE_VERSIONS, f"{playbook.backend_file}: {exc.message}", exc.hint or "")
    return check_state_versions(s3, backend)


def record_waivers(
    journal: Journal, waived: Sequence[CheckResult], reason: str, step: str = STEP
) -> list[JournalRecord]:
    """Journal one decision per waived item; a waived failure also waives the step.

    Passing items cannot be waived (there is nothing to waive); the reason is required.
    """
    if not reason.strip():
        raise MocmError("A waiver needs the operator's reason.", "Type why it is safe to go on.")
    records: list[JournalRecord] = []
    for item in waived:
        if item.status not in (CheckStatus.FAIL, CheckStatus.WARN):
            raise MocmError(f"'{item.name}' is {item.status.value}: there is nothing to waive.")
        waiver = PreflightItemWaived(item.name, item.status.value, item.summary, reason, step)
        records.append(journal.append(waiver))
    if any(item.status is CheckStatus.FAIL for item in waived):
        records.append(journal.step_waived(step, reason))
    return records
