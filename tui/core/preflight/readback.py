"""What the Preflight step reads back from the journal: waivers, a verified state backup,
and what that leaves standing between the operator and Next."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui.core.files import sha256_file
from tui.core.journal.events import PreflightItemWaived
from tui.core.journal.records import FileOp, JournalRecord
from tui.core.playbook.load import Playbook
from tui.core.preflight.result import CheckResult, CheckStatus, warned

BACKUP_ITEM = "State backup"


def waiver_reason(records: Sequence[object], item: CheckResult) -> str | None:
    """The reason of the journaled waiver of exactly this finding (same status and summary)."""
    for record in reversed(records):
        body = record.body if isinstance(record, JournalRecord) else None
        if isinstance(body, PreflightItemWaived) and (body.item, body.status, body.summary) == (
            item.name,
            item.status.value,
            item.summary,
        ):
            return body.reason
    return None


def is_waived(records: Sequence[object], item: CheckResult) -> bool:
    """True when this failing or warning finding was waived (in this run or before a restart)."""
    return item.status in (CheckStatus.FAIL, CheckStatus.WARN) and (
        waiver_reason(records, item) is not None
    )


def backup_from_journal(
    records: Sequence[object], terraform_dir: Path | None, playbook: Playbook
) -> Path | None:
    """A journaled state backup that still holds exactly the current local state, if any."""
    if terraform_dir is None:
        return None
    state = terraform_dir / playbook.state_file
    try:
        current = sha256_file(state)
    except OSError:
        return None
    for record in reversed(records):
        body = record.body if isinstance(record, JournalRecord) else None
        if not (isinstance(body, FileOp) and body.op == "backup" and body.step == "preflight"):
            continue
        if body.source != str(state) or body.sha256_after != current:
            continue
        path = Path(body.path)
        try:
            if sha256_file(path) == current:
                return path
        except OSError:
            continue
    return None


def with_journaled_backup(
    results: Sequence[CheckResult],
    records: Sequence[object],
    terraform_dir: Path | None,
    playbook: Playbook,
) -> list[CheckResult]:
    """The report's items, the backup item replaced when a journaled backup stands."""
    shown = list(results)
    journaled = backup_from_journal(records, terraform_dir, playbook)
    for index, item in enumerate(shown):
        if item.name == BACKUP_ITEM and item.status is CheckStatus.FAIL and journaled:
            shown[index] = warned(
                BACKUP_ITEM,
                f"Backed up to {journaled.name} (verified, journaled); the existing "
                f"{playbook.state_pre_upgrade} differs and was kept.",
                "Rollback A restores the .pre-upgrade file: compare the two files before "
                "relying on either.",
            )
    return shown


def blocking(results: Sequence[CheckResult], records: Sequence[object]) -> list[CheckResult]:
    """Failed items nobody waived: the step cannot complete while there are any."""
    return [i for i in results if i.blocks and not is_waived(records, i)]


def backup_item(results: Sequence[CheckResult]) -> CheckResult | None:
    """The state backup item of the report, if it has one."""
    return next((i for i in results if i.name == BACKUP_ITEM), None)


def backup_ready(results: Sequence[CheckResult]) -> bool:
    """The backup exists (verified) or is not applicable (remote state)."""
    item = backup_item(results)
    if item is None:
        return False
    if item.status in (CheckStatus.PASS, CheckStatus.NOT_APPLICABLE):
        return True
    return item.status is CheckStatus.WARN and item.summary.startswith("Backed up to")
