"""Journal records in words: one sentence per record kind, and the figures' formats.

The change record (``report``) is made of these sentences; the screens may show them too.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from datetime import datetime

from tui.core.journal.events import (
    UPGRADE_STAGE,
    ApplyEnded,
    ApplyStarted,
    AwsIdentityConfirmed,
    BackendChosen,
    BackendMigrated,
    ChangeCount,
    ChangelogAcknowledged,
    GateAnswered,
    HelmDiffed,
    HelmHealthChecked,
    HelmLinted,
    HelmRevisionRecorded,
    HelmRollbackClosed,
    HelmRolledBack,
    HelmSynced,
    ImageRegistryTyped,
    OverrideTyped,
    PlanApplied,
    PlanApproved,
    PlanFile,
    PlanReviewed,
    PlanVoided,
    PreflightItemWaived,
    RollbackChosen,
    RollbackDone,
    SnapshotDeclined,
    SnapshotRecorded,
    Stage4Verdict,
    StateLeftBehind,
    TempFilesRemoved,
    ValuesDecision,
    ValuesDraftHandled,
    WaiverGiven,
)
from tui.core.journal.records import (
    ChildHandled,
    CommandChild,
    CommandInterrupted,
    CommandRun,
    CommandStarted,
    FileOp,
    Note,
    RecordBody,
    SessionStarted,
    StepCompleted,
    StepEntered,
    StepStarted,
    StepWaived,
    UntypedDecision,
)

KEYS_SHOWN = 30  # key paths named per row; the count says the rest


def stage_words(stage: str) -> str:
    """`` (stage4)`` for a plan stage other than the upgrade's, else nothing."""
    return "" if stage == UPGRADE_STAGE else f" ({stage})"


def format_duration(seconds: float) -> str:
    """``4.2 s``, ``3 min 05 s``, ``2 h 03 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def elapsed(start: str | None, end: str | None) -> str:
    """The duration between two journal timestamps, or ``—``."""
    if not start or not end:
        return "—"
    try:
        seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except ValueError:
        return "—"
    return format_duration(max(seconds, 0.0))


def some(items: Sequence[str], limit: int = KEYS_SHOWN) -> str:
    """``a, b, c`` or ``a, b, … and 12 more``."""
    shown = ", ".join(items[:limit])
    return shown + (f", … and {len(items) - limit} more" if len(items) > limit else "")


def counts_words(counts: Sequence[ChangeCount]) -> str:
    """``2 create, 1 destroy`` (only the actions present)."""
    said = [f"{c.count} {c.action}" for c in counts if c.count]
    return ", ".join(said) or "no changes"


def state_words(plan: PlanFile) -> str:
    state = plan.state
    if state is None:
        return "no state yet"
    return f"serial {state.serial}, lineage {state.lineage}"


def command_result(body: CommandRun) -> str:
    """The command's real outcome: ``succeeded, changes present (exit 2)``, ``failed (exit 1)``."""
    status = body.status
    code = "no exit code" if body.exit_code is None else f"exit {body.exit_code}"
    said = body.outcome.strip().lower()
    extra = (
        f"; {body.outcome}" if said and not said.startswith(("ok", "timeout", status.value)) else ""
    )
    return f"{status.value} ({code}{extra})"


def describe(body: RecordBody) -> str:
    """One record in words (the journal section, and the cells of the other sections)."""
    match body:
        case SessionStarted():
            return (
                f"wizard started on {body.previous_build} → {body.current_build} "
                f"(mocm-upgrade {body.tool_version}, playbook {body.playbook_id})"
            )
        case StepEntered():
            return "step shown"
        case StepStarted():
            return "step's work began"
        case StepCompleted():
            return "step done" + (f": {body.summary}" if body.summary else "")
        case StepWaived():
            return f"step waived; reason: {body.reason}"
        case FileOp():
            source = f" from {body.source}" if body.source else ""
            after = body.sha256_after or "—"
            return f"{body.op} {body.path}{source} (sha256 after {after})"
        case CommandStarted():
            return f"started {shlex.join(body.argv)} in {body.cwd}"
        case CommandRun():
            took = format_duration(body.duration_s)
            return f"ran {shlex.join(body.argv)}: {command_result(body)}, {took}"
        case CommandInterrupted():
            return (
                f"{shlex.join(body.argv)} (started {body.started_at}) never finished: "
                "the wizard was stopped while it ran"
            )
        case CommandChild():
            return (
                f"command {body.run_id} runs as pid {body.pid}, process group {body.pgid} "
                f"(started at clock tick {body.start_ticks} of boot {body.boot_id})"
            )
        case ChildHandled():
            return (
                f"{shlex.join(body.argv)} (command {body.run_id}, pid {body.pid}, process group "
                f"{body.pgid}) was still running at the restart: {body.choice.value}"
            )
        case Note():
            return body.text
        case UntypedDecision():
            return f"{body.what}: {body.detail}"
        case AwsIdentityConfirmed():
            return f"AWS account {body.account}, region {body.region}, as {body.principal}"
        case TempFilesRemoved():
            return (
                f"removed {len(body.paths)} temp file(s) of interrupted writes: {some(body.paths)}"
            )
        case PreflightItemWaived():
            return f"waived {body.item} ({body.status}: {body.summary}); reason: {body.reason}"
        case SnapshotRecorded():
            how = "already existed, kept" if body.already_existed else "taken"
            of = f" of {body.source_id}" if body.source_id else ""
            earlier = f"; {body.earlier} earlier" if body.earlier else ""
            return f"{body.purpose.value} {body.name}{of}: {body.status} ({how}{earlier})"
        case SnapshotDeclined():
            return f"{body.purpose.value} declined by the operator"
        case BackendChosen():
            return f"Option {body.option.value}: {body.detail}"
        case BackendMigrated():
            answers = ", ".join(body.answers) or "none"
            basis = f"; {body.basis}" if body.basis else ""
            return f"Option B.1 (migrate to S3): {body.outcome}; answered {answers}{basis}"
        case PlanReviewed():
            issues = "; ".join(
                f"{i.address} {list(i.actions)}{' (blocking)' if i.blocking else ''}: {i.reason}"
                for i in body.unexpected
            )
            return (
                f"plan reviewed: {body.verdict.value}; {counts_words(body.counts)}; "
                f"tfplan sha256 {body.plan.sha256} on {state_words(body.plan)}"
                + (f"; unexpected: {issues}" if issues else "")
            )
        case GateAnswered():
            return body.sentence()
        case PlanApproved():
            typed = f"; typed '{body.typed_phrase}'" if body.typed_phrase else ""
            return f"plan approved for apply: tfplan sha256 {body.plan.sha256}{typed}"
        case PlanApplied():
            sha = f" (sha256 {body.plan_sha256})" if body.plan_sha256 else ""
            return f"reviewed plan applied{sha}{stage_words(body.stage)}"
        case PlanVoided():
            return f"review void{stage_words(body.stage)}: {body.reason}"
        case ApplyStarted():
            return f"apply of tfplan sha256 {body.plan_sha256} started{stage_words(body.stage)}"
        case ApplyEnded():
            code = "" if body.exit_code is None else f", exit {body.exit_code}"
            return (
                f"apply of tfplan sha256 {body.plan_sha256} {body.outcome.value}{code}"
                f"{stage_words(body.stage)}"
            )
        case OverrideTyped():
            return f"{body.action} let through by typing '{body.phrase}' ({body.subject})"
        case ValuesDraftHandled():
            reason = f" ({body.reason})" if body.reason else ""
            when = f" of {body.written_at}" if body.written_at else ""
            ops = f": {some(body.operations)}" if body.operations else ""
            return (
                f"values draft{when} {body.fate.value}{reason}; "
                f"{len(body.operations)} operation(s){ops}"
            )
        case ValuesDecision():
            reason = f"; reason: {body.reason}" if body.reason else ""
            return f"values {body.choice.value}: {len(body.keys)} key(s): {some(body.keys)}{reason}"
        case ChangelogAcknowledged():
            if body.fingerprint is None:
                return f"CHANGELOG: no entry for {body.version} ({body.problem}); read by hand"
            return f"CHANGELOG entry {body.version} acknowledged ({len(body.items)} item(s) read)"
        case ImageRegistryTyped():
            return f"image registry typed: {body.registry}"
        case WaiverGiven():
            reason = f"; reason: {body.reason}" if body.reason else "; confirmed"
            return f"{body.subject.value}: {body.detail}{reason}"
        case HelmLinted():
            items = ", ".join(f"{c.chart} {c.verdict}" for c in body.charts)
            return f"helm lint (values {body.values_fingerprint}): {items}"
        case HelmHealthChecked():
            return "helm health after sync: " + "; ".join(
                ("ok " if r.healthy else "NOT OK ") + r.message for r in body.releases
            )
        case HelmRevisionRecorded():
            if body.first_install:
                return f"{body.release}: first install (no rollback target)"
            if body.revision is None:
                return f"{body.release}: no deployed revision ({body.revision_count} revisions)"
            return f"{body.release}: revision {body.revision} deployed before ({body.chart})"
        case HelmDiffed():
            return f"helmfile diff: {body.result}"
        case HelmSynced():
            head = "cancelled or timed out" if body.exit_code is None else f"exit {body.exit_code}"
            items = ", ".join(
                f"{r.release} {r.state}" + (f" rev {r.revision}" if r.revision is not None else "")
                for r in body.releases
            )
            return f"helmfile sync ({head}): {items}"
        case HelmRolledBack():
            return body.message
        case HelmRollbackClosed():
            return f"rollback closed ({body.rolled_back}): {body.outcome}"
        case Stage4Verdict():
            peak = "no data" if body.peak is None else f"{body.peak:g}"
            refs = (
                f"{len(body.references)} reference(s) left" if body.references else "no reference"
            )
            origin = "typed by the operator" if body.threshold_typed else "the playbook's"
            cycle = f"; {body.business_cycle}" if body.business_cycle else ""
            return (
                f"{body.cluster_id}: {body.verdict.value.upper()} over {body.window} "
                f"(peak {peak}, threshold {body.threshold:g} ({origin}), "
                f"{body.datapoints} datapoints); {refs}{cycle}"
            )
        case RollbackChosen():
            typed = f"; typed '{body.typed_phrase}'" if body.typed_phrase else ""
            return f"{body.rollback.value}: restoring {body.source} to {body.target}{typed}"
        case RollbackDone():
            return f"{body.rollback.value}: {body.detail} (reverts {', '.join(body.undoes)})"
        case StateLeftBehind():
            return (
                f"{len(body.addresses)} resource(s) not in the state restored from "
                f"{body.restored_from}, still in AWS: {some(body.addresses)}"
            )
    return type(body).__name__  # pragma: no cover - every kind is matched above
