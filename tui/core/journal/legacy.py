"""Reading the journal's first format (schema 1): decisions and notes as free text.

A schema-1 line has no ``schema`` field. Its step, command, file and note records
have the shape of today's (new fields have defaults). Its decisions
(``{"kind": "decision", "what": …, "detail": …}``) and the Helm step's notes are
turned here into the typed records the wizard writes now, from the exact words
the first format wrote; a decision whose words are not recognised stays an
``UntypedDecision`` (shown in the change record, never acted on).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tui.core.journal.events import (
    UNDONE_BY,
    UPGRADE_STAGE,
    ApplyEnded,
    ApplyOutcome,
    ApplyStarted,
    BackendChosen,
    BackendMigrated,
    BackendOption,
    ChangelogAcknowledged,
    ChartLinted,
    DraftFate,
    GateAnswered,
    GateQuestion,
    HelmDiffed,
    HelmHealthChecked,
    HelmLinted,
    HelmRevisionRecorded,
    HelmRollbackClosed,
    HelmRolledBack,
    HelmSynced,
    ImageRegistryTyped,
    MigrationOutcome,
    OverrideTyped,
    PlanApplied,
    PlanApproved,
    PlanFile,
    PlanReviewed,
    PlanVerdict,
    PlanVoided,
    PreflightItemWaived,
    ReleaseAfterSync,
    ReleaseHealthSeen,
    RollbackChosen,
    RollbackDone,
    RollbackKind,
    SnapshotDeclined,
    SnapshotPurpose,
    SnapshotRecorded,
    StateLeftBehind,
    StateSeen,
    TempFilesRemoved,
    ValuesChoice,
    ValuesDecision,
    ValuesDraftHandled,
    WaiverGiven,
    WaiverSubject,
)
from tui.core.journal.records import JournalRecord, Note, RecordBody, UntypedDecision

ParseCurrent = Callable[[Mapping[str, Any]], JournalRecord]


def migrate_schema_1(data: Mapping[str, Any], parse: ParseCurrent) -> JournalRecord:
    """The typed record a schema-1 line stands for (RecordShapeError from ``parse`` if bad)."""
    if data.get("kind") != "decision":
        record = parse(data)
        if isinstance(record.body, Note):
            typed = _typed_note(record.body)
            if typed is not None:
                return JournalRecord(record.ts, record.seq, record.user, record.host, typed)
        return record
    record = parse(data)
    body = record.body
    assert isinstance(body, UntypedDecision)  # "decision" is the untyped kind
    try:
        typed_body = _typed_decision(body.what, body.detail, body.step)
    except (ValueError, KeyError, TypeError):  # recognised words, damaged detail: keep as is
        typed_body = None
    if typed_body is None:
        return record
    return JournalRecord(record.ts, record.seq, record.user, record.host, typed_body)


# -- decisions --------------------------------------------------------------------------

_WAIVED_ITEM = re.compile(
    r"^(?P<item>.*?) \((?P<status>fail|warn)\): (?P<summary>.*) — reason: (?P<reason>.*)$", re.S
)
_OPTIONAL_SNAPSHOT = re.compile(
    r"^(?P<service>\S+) snapshot (?P<name>\S+) of (?P<source>\S+): (?P<status>.*?) "
    r"\((?P<how>already existed, kept as is|taken)\)"
    r"(?:; (?P<earlier>\d+) earlier snapshot\(s\) exist)?$"
)
_FINAL_SNAPSHOT = re.compile(
    r"^(?P<name>\S+) (?P<how>created|already existed, left untouched) \((?P<status>.*)\)$"
)
_FORCE = re.compile(r"^typed '(?P<phrase>.*)' for version (?P<version>\S+)$")
_LOCAL_ROLLBACK = re.compile(
    r"^restore (?P<source>.*) \(serial (?P<serial>\d+)\) to (?P<target>.*?)"
    r"(?:; typed '(?P<phrase>.*)')?$"
)
_MIGRATION = re.compile(
    r"^B\.1: (?P<outcome>[^(]+?) \(answered: (?P<answers>.*?)(?:; (?P<basis>.*))?\)$", re.S
)
_GATE_NO = re.compile(r"^apply not confirmed \(gate: (?P<mode>[a-z-]+)\)$")
_GATE_TYPED = re.compile(
    r"^apply confirmed by typing '(?P<phrase>.*?)'(?:; overrode \d+ unexpected destroy/replace: "
    r"(?P<over>.*?)(?: and \d+ more)?)?$"
)
_GATE_CONFIRMED = (
    "apply confirmed: every destroy and replace was expected",
    "apply confirmed: the plan destroys and replaces nothing",
)
_GATE_COUNTED = re.compile(
    r"^apply confirmed: (?P<destroys>\d+) destroy\(s\) and (?P<replaces>\d+) replace\(s\), "
    r"each one expected$"
)
_LEFT_BEHIND = re.compile(r"^\d+ resource\(s\) .*? nothing destroys them: (?P<addresses>.*)$", re.S)
_DRAFT = re.compile(
    r"^\d+ operation\(s\) from (?P<at>.*?): (?P<ops>.*?)(?: — (?P<reason>.*))?$", re.S
)
_DROPPED_TOGETHER = re.compile(r"^typed (?P<phrase>'.*?'|\".*?\"); (?P<keys>\[.*\])$", re.S)
# Plan stages by the step their records were written in (a first-format gate names none).
_STAGE_OF_STEP = {"stage4": "stage4", "rollback": "rollback"}
_PLACEHOLDERS_SAVED = re.compile(r"^\d+ left \((?P<keys>.*)\); reason: (?P<reason>.*)$", re.S)
_SYNC_PLACEHOLDERS = re.compile(
    r"^(?P<n>\d+) left in (?P<path>.*?) \((?P<keys>.*?)(?:, … \d+ more)?\); "
    r"reason: (?P<reason>.*)$",
    re.S,
)
_REGISTRY = re.compile(r"^(?P<host>\S+) \(values hold none\)$")
_DEPLOYED = re.compile(r"^(?P<release>\S+): revision (?P<rev>\d+) deployed \((?P<chart>.*)\)$")
_FIRST = re.compile(r"^(?P<release>\S+): first install \(no history\), no rollback target$")
_NONE_DEPLOYED = re.compile(
    r"^(?P<release>\S+): no deployed revision \((?P<count>\d+) revisions\)$"
)
_ROLLED_BACK = re.compile(r"^(?P<release>\S+) rolled back to revision (?P<rev>\d+)\.$")
_ROLLBACK_FAILED = (
    re.compile(r"^helm rollback of (?P<release>\S+) did not finish"),
    re.compile(r"^Rollback of (?P<release>\S+) to revision (?P<rev>\d+) failed"),
    re.compile(r"^(?P<release>\S+) has no revision (?P<rev>\d+):"),
    re.compile(r"^helm rollback exited 0 without confirming the rollback of (?P<release>\S+)\.$"),
    re.compile(r"^(?P<release>\S+) does not exist in the cluster"),
)
_ACK_ENTRY = re.compile(
    r"^entry (?P<version>\S+) \(fingerprint (?P<fp>[0-9a-f]+)\): \d+ Changed/Removed item\(s\) read"
    r"(?:: (?P<items>.*))?$",
    re.S,
)
_ACK_UNPRINTED = re.compile(r"^entry (?P<version>\S+)")  # words from before the fingerprint
_ACK_NONE = re.compile(r"^no entry for (?P<version>\S+) \((?P<problem>.*)\); read by hand$", re.S)


def _typed_decision(what: str, detail: str, step: str | None) -> RecordBody | None:
    parse = _DECISIONS.get(what)
    return parse(detail, step) if parse is not None else None


def _preflight_waiver(detail: str, step: str | None) -> RecordBody | None:
    found = _WAIVED_ITEM.match(detail)
    if found is None:
        return None
    item, status, summary, reason = found.group("item", "status", "summary", "reason")
    return PreflightItemWaived(item, status, summary, reason, step)


def _optional_snapshot(detail: str, step: str | None) -> RecordBody | None:
    found = _OPTIONAL_SNAPSHOT.match(detail)
    if found is None:
        return None
    existed = found["how"] != "taken"
    earlier = int(found["earlier"] or 0)
    return SnapshotRecorded(
        SnapshotPurpose.OPTIONAL,
        found["name"],
        found["source"],
        found["status"],
        existed,
        found["service"],
        earlier,
        step,
    )


def _final_snapshot(detail: str, step: str | None) -> RecordBody | None:
    if detail == "declined by the operator":
        return SnapshotDeclined(SnapshotPurpose.FINAL, step)
    found = _FINAL_SNAPSHOT.match(detail)
    if found is None:
        return None
    existed = found["how"] != "created"
    return SnapshotRecorded(
        SnapshotPurpose.FINAL, found["name"], "", found["status"], existed, step=step
    )


def _push_force(detail: str, step: str | None) -> RecordBody | None:
    found = _FORCE.match(detail)
    if found is None:
        return None
    return OverrideTyped("tofu state push -force", found["phrase"], found["version"], step)


def _state_restored(detail: str, step: str | None) -> RecordBody:
    s3 = detail.startswith("version ")  # else Rollback A's ``<file> (serial N) to <target>``
    kind = RollbackKind.STATE_VERSION if s3 else RollbackKind.LOCAL_STATE
    return RollbackDone(kind, detail, UNDONE_BY[kind], step)


def _left_behind(detail: str, step: str | None) -> RecordBody | None:
    found = _LEFT_BEHIND.match(detail)
    if found is None:
        return None
    return StateLeftBehind(tuple(found["addresses"].split(", ")), "the version pushed", step)


def _local_rollback(detail: str, step: str | None) -> RecordBody | None:
    found = _LOCAL_ROLLBACK.match(detail)
    if found is None:
        return None
    source = f"{found['source']} (serial {found['serial']})"
    kind = RollbackKind.LOCAL_STATE
    return RollbackChosen(kind, source, found["target"], found["phrase"] or "", step)


def _backend(detail: str, step: str | None) -> RecordBody | None:
    if detail.startswith("A:"):
        return BackendChosen(BackendOption.KEEP_LOCAL, detail[2:].strip(), step)
    if detail.startswith("B.2:"):
        return BackendChosen(BackendOption.REMOTE, detail[4:].strip(), step)
    found = _MIGRATION.match(detail)
    if found is None:
        return None
    said = found["answers"]
    answers = () if said == "none" else tuple(said.split(", "))
    try:
        outcome = MigrationOutcome(found["outcome"].strip())
    except ValueError:  # not an outcome this version knows: kept as written
        return None
    return BackendMigrated(outcome, answers, found["basis"] or "", step)


def _state_seen(lineage: object, serial: object, source: object) -> StateSeen | None:
    if lineage is None or serial is None:
        return None
    return StateSeen(str(lineage), int(str(serial)), str(source or ""))


def _reviewed_plan_file(text: str) -> PlanFile:
    """A ``ReviewedPlan.to_json`` of the first format."""
    raw = json.loads(text)
    state = raw.get("state")
    seen = None
    if isinstance(state, dict):
        seen = _state_seen(state.get("lineage"), state.get("serial"), state.get("source"))
    return PlanFile(str(raw["plan_path"]), str(raw["plan_sha256"]), seen, str(raw["reviewed_at"]))


def _stage(raw: Mapping[str, Any]) -> str:
    """The plan stage a pipeline record names (records before the stages were: the upgrade)."""
    return str(raw.get("stage") or UPGRADE_STAGE)


def _plan_reviewed(detail: str, step: str | None) -> RecordBody:
    raw = json.loads(detail)
    seen = _state_seen(raw.get("lineage"), raw.get("serial"), raw.get("state_source"))
    plan = PlanFile(str(raw["plan"]), str(raw["plan_sha256"]), seen, str(raw["reviewed_at"]))
    verdict = PlanVerdict(raw["verdict"])
    return PlanReviewed(str(raw["workdir"]), plan, verdict, step=step, stage=_stage(raw))


def _plan_approved(detail: str, step: str | None) -> RecordBody:
    raw = json.loads(detail)
    plan = _reviewed_plan_file(str(raw["reviewed"]))
    phrase = str(raw.get("typed_phrase") or "")
    return PlanApproved(str(raw["workdir"]), plan, phrase, step, _stage(raw))


def _plan_applied(detail: str, step: str | None) -> RecordBody | None:
    sha = detail.strip()
    if re.fullmatch(r"[0-9a-f]{64}", sha):
        return PlanApplied(sha, "", step)  # the first version: the bare sha, the upgrade's
    raw = json.loads(detail)
    return PlanApplied(str(raw["plan_sha256"]), str(raw["workdir"]), step, _stage(raw))


def _plan_voided(detail: str, step: str | None) -> RecordBody:
    raw = json.loads(detail)
    return PlanVoided(str(raw["workdir"]), str(raw.get("reason", "")), _stage(raw), step)


def _apply_started(detail: str, step: str | None) -> RecordBody:
    raw = json.loads(detail)
    return ApplyStarted(str(raw["workdir"]), str(raw["plan_sha256"]), _stage(raw), step)


def _apply_ended(detail: str, step: str | None) -> RecordBody:
    raw = json.loads(detail)
    code = raw.get("exit_code")
    exit_code = code if isinstance(code, int) and not isinstance(code, bool) else None
    outcome = ApplyOutcome(raw.get("outcome", ApplyOutcome.FAILED.value))
    workdir, sha = str(raw["workdir"]), str(raw["plan_sha256"])
    return ApplyEnded(workdir, sha, outcome, exit_code, _stage(raw), step)


def _teardown_reviewed(detail: str, step: str | None) -> RecordBody:
    verdict, _, reviewed = detail.partition("; ")
    plan = _reviewed_plan_file(reviewed)
    workdir = str(Path(plan.path).parent)
    return PlanReviewed(workdir, plan, PlanVerdict(verdict), step=step, stage="stage4")


def _teardown_applied(detail: str, step: str | None) -> RecordBody | None:
    applied = detail.startswith("apply of the reviewed plan")
    return PlanApplied("", "", step, "stage4") if applied else None


def _gate(detail: str, step: str | None) -> RecordBody | None:
    stage = _STAGE_OF_STEP.get(step or "", UPGRADE_STAGE)
    confirm = GateQuestion.CONFIRM
    if detail in _GATE_CONFIRMED:
        return GateAnswered(True, confirm, "", (), step=step, stage=stage)
    if found := _GATE_COUNTED.match(detail):
        destroys, replaces = int(found["destroys"]), int(found["replaces"])
        return GateAnswered(True, confirm, "", (), "", step, destroys, replaces, stage=stage)
    if found := _GATE_NO.match(detail):
        return GateAnswered(False, GateQuestion(found["mode"]), "", (), step=step, stage=stage)
    if found := _GATE_TYPED.match(detail):
        over = tuple(found["over"].split(", ")) if found["over"] else ()
        phrase = found["phrase"]
        return GateAnswered(True, GateQuestion.TYPE_PHRASE, phrase, over, step=step, stage=stage)
    return None


def _placeholders_saved(detail: str, step: str | None) -> RecordBody | None:
    found = _PLACEHOLDERS_SAVED.match(detail)
    if found is None:
        return None
    keys = tuple(k for k in found["keys"].split(", ") if k)
    return ValuesDecision(ValuesChoice.PLACEHOLDERS_LEFT, keys, found["reason"], step=step)


def _values_keys(choice: ValuesChoice) -> Callable[[str, str | None], RecordBody | None]:
    def parse(detail: str, step: str | None) -> RecordBody | None:
        labels = json.loads(detail)
        if not isinstance(labels, list):
            return None
        return ValuesDecision(choice, tuple(str(label) for label in labels), step=step)

    return parse


def _dropped_together(detail: str, step: str | None) -> RecordBody | None:
    found = _DROPPED_TOGETHER.match(detail)
    if found is None:
        return None
    keys = tuple(str(label) for label in json.loads(found["keys"]))
    reason = f"confirmed by typing {found['phrase']}"
    return ValuesDecision(ValuesChoice.DROPPED_TOGETHER, keys, reason, step=step)


def _values_draft(fate: DraftFate) -> Callable[[str, str | None], RecordBody | None]:
    def parse(detail: str, step: str | None) -> RecordBody | None:
        found = _DRAFT.match(detail)
        if found is None:  # no draft was read: only why
            return ValuesDraftHandled(fate, (), "", detail, step)
        at = "" if found["at"] == "an earlier session" else found["at"]
        ops = tuple(found["ops"].split("; "))
        return ValuesDraftHandled(fate, ops, at, found["reason"] or "", step)

    return parse


def _helm_revision(detail: str, step: str | None) -> RecordBody | None:
    if found := _DEPLOYED.match(detail):
        return HelmRevisionRecorded(
            found["release"], int(found["rev"]), found["chart"], False, step=step
        )
    if found := _FIRST.match(detail):
        return HelmRevisionRecorded(found["release"], None, "", True, step=step)
    if found := _NONE_DEPLOYED.match(detail):
        count = int(found["count"])
        return HelmRevisionRecorded(found["release"], None, "", False, count, step)
    return None


def _helm_rollback(detail: str, step: str | None) -> RecordBody | None:
    if found := _ROLLED_BACK.match(detail):
        return HelmRolledBack(found["release"], int(found["rev"]), True, detail, step)
    for pattern in _ROLLBACK_FAILED:
        if found := pattern.match(detail):
            rev = found.groupdict().get("rev")
            return HelmRolledBack(found["release"], int(rev) if rev else None, False, detail, step)
    return None


def _helm_rollback_closed(detail: str, step: str | None) -> RecordBody | None:
    rolled, sep, outcome = detail.partition(": ")
    return HelmRollbackClosed(rolled, outcome, step) if sep else None


def _changelog(detail: str, step: str | None) -> RecordBody | None:
    if found := _ACK_ENTRY.match(detail):
        items = tuple(found["items"].split(" | ")) if found["items"] else ()
        return ChangelogAcknowledged(found["version"], found["fp"], items, "", step)
    if found := _ACK_NONE.match(detail):
        return ChangelogAcknowledged(found["version"], None, (), found["problem"], step)
    if found := _ACK_UNPRINTED.match(detail):  # covers no entry: the operator reads it again
        return ChangelogAcknowledged(found["version"], "", (), "", step)
    return None


def _sync_placeholders(detail: str, step: str | None) -> RecordBody | None:
    found = _SYNC_PLACEHOLDERS.match(detail)
    if found is None:
        return None
    keys = tuple(k for k in found["keys"].split(", ") if k)
    said = f"{found['n']} placeholder(s) left in {found['path']}"
    subject = WaiverSubject.SYNC_WITH_PLACEHOLDERS
    return WaiverGiven(subject, keys, said, found["reason"], step)


def _sync_image_tag(detail: str, step: str | None) -> RecordBody:
    return WaiverGiven(WaiverSubject.SYNC_WITH_IMAGE_TAG, (), detail, "", step)


def _images_missing(detail: str, step: str | None) -> RecordBody | None:
    names, sep, reason = detail.partition(": ")
    if not sep:
        return None
    subject = WaiverSubject.SYNC_WITH_IMAGES_MISSING
    return WaiverGiven(subject, tuple(names.split(", ")), f"{names} missing in ECR", reason, step)


def _images_not_checked(detail: str, step: str | None) -> RecordBody | None:
    problem, sep, reason = detail.rpartition(": ")
    if not sep:
        return None
    said = f"images not checked ({problem})"
    return WaiverGiven(WaiverSubject.SYNC_WITH_IMAGES_NOT_CHECKED, (), said, reason, step)


_LINT_WAIVED = re.compile(
    r"^(?P<charts>.+?) \(values (?P<fp>[0-9a-f]+)\) — reason: (?P<reason>.*)$", re.S
)
_REFERENCE_WAIVED = re.compile(r"^(?P<key>.+? names \S+) — reason: (?P<reason>.+)$", re.S)
_CYCLE_WAIVED = re.compile(r"^(?P<shortfall>.+?) — reason: (?P<reason>.+)$", re.S)


def _lint_waived(detail: str, step: str | None) -> RecordBody | None:
    found = _LINT_WAIVED.match(detail)
    if found is None:
        return None
    charts = tuple(found["charts"].split(", "))
    said = f"{found['charts']} failed helm lint (values {found['fp']})"
    return WaiverGiven(WaiverSubject.SYNC_WITH_LINT_FAILED, charts, said, found["reason"], step)


def _reference_waived(detail: str, step: str | None) -> RecordBody | None:
    found = _REFERENCE_WAIVED.match(detail)
    if found is None:
        return None
    subject = WaiverSubject.TEARDOWN_WITH_REFERENCE
    return WaiverGiven(subject, (found["key"],), found["key"], found["reason"], step)


def _cycle_waived(detail: str, step: str | None) -> RecordBody | None:
    found = _CYCLE_WAIVED.match(detail)
    if found is None:
        return None
    subject = WaiverSubject.TEARDOWN_BEFORE_BUSINESS_CYCLE
    return WaiverGiven(subject, (), found["shortfall"], found["reason"], step)


def _registry(detail: str, step: str | None) -> RecordBody | None:
    found = _REGISTRY.match(detail)
    return ImageRegistryTyped(found["host"], step) if found else None


_DECISIONS: dict[str, Callable[[str, str | None], RecordBody | None]] = {
    "waive preflight item": _preflight_waiver,
    "optional snapshot": _optional_snapshot,
    "final snapshot": _final_snapshot,
    "state-push-force": _push_force,
    "state-restored": _state_restored,
    "local-rollback": _local_rollback,
    "backend option": _backend,
    "plan-reviewed": _plan_reviewed,
    "apply-gate": _gate,
    "teardown gate": _gate,
    "plan-approved": _plan_approved,
    "plan-applied": _plan_applied,
    "plan-voided": _plan_voided,
    "apply-started": _apply_started,
    "apply-ended": _apply_ended,
    "left-behind": _left_behind,
    "teardown plan reviewed": _teardown_reviewed,
    "teardown": _teardown_applied,
    "values saved with placeholders left": _placeholders_saved,
    "values orphans dropped": _values_keys(ValuesChoice.DROPPED),
    "values kept as the template has them": _values_keys(ValuesChoice.KEPT),
    "values undecided dropped together": _dropped_together,
    "values draft restored": _values_draft(DraftFate.RESTORED),
    "values draft discarded": _values_draft(DraftFate.DISCARDED),
    "values draft set aside": _values_draft(DraftFate.SET_ASIDE),
    "helm revision before sync": _helm_revision,
    "helm rollback": _helm_rollback,
    "helm outcome after rollback": _helm_rollback_closed,
    "CHANGELOG acknowledged": _changelog,
    "sync allowed with placeholders left": _sync_placeholders,
    "sync allowed with the image tag not the build": _sync_image_tag,
    "sync allowed with images missing in ECR": _images_missing,
    "sync allowed with images not checked in ECR": _images_not_checked,
    "image registry typed": _registry,
    "helm lint failures waived": _lint_waived,
    "Stage-4 reference waived": _reference_waived,
    "Stage-4 business cycle waived": _cycle_waived,
}

# -- notes ------------------------------------------------------------------------------

_SYNC_HEAD = re.compile(r"^helmfile sync \((?:exit (?P<exit>-?\d+)|(?P<cancelled>cancelled))\): ")
_SYNC_ITEM = re.compile(r"^(?P<release>\S+) (?P<state>[a-z][a-z -]*?)(?: rev (?P<rev>\d+))?$")
_DIFF = "helmfile diff: "
_LINT = re.compile(r"^helm lint \(values (?P<fp>[0-9a-f]+)\): (?P<items>.+)$")
_LINT_ITEM = re.compile(r"^(?P<chart>\S+) (?P<verdict>passed|failed|not finished)$")
_HEALTH = "helm health after sync: "
_HEALTH_ITEM = re.compile(
    r"(?:^|; )(?P<ok>ok|NOT OK) (?P<release>[^\s:]+)(?P<rest>: .*?)(?=; (?:ok|NOT OK) |$)"
)
_TEMP_FILES = re.compile(
    r"^Removed \d+ temp file\(s\) left by an interrupted write: (?P<paths>.*)$"
)


def _typed_note(note: Note) -> RecordBody | None:
    text, step = note.text, note.step
    if step == "helm" and text.startswith(_DIFF):
        return HelmDiffed(text.removeprefix(_DIFF), step)
    if step == "helm" and (head := _SYNC_HEAD.match(text)):
        releases = []
        for item in text[head.end() :].split(", "):
            found = _SYNC_ITEM.match(item)
            if found is None:
                return None
            rev = int(found["rev"]) if found["rev"] else None
            releases.append(ReleaseAfterSync(found["release"], found["state"], rev))
        exit_code = None if head["cancelled"] else int(head["exit"])
        return HelmSynced(exit_code, tuple(releases), step)
    if step == "helm" and (found := _LINT.match(text)):
        charts = []
        for item in found["items"].split(", "):
            chart = _LINT_ITEM.match(item)
            if chart is None:
                return None
            charts.append(ChartLinted(chart["chart"], chart["verdict"]))
        return HelmLinted(found["fp"], tuple(charts), step)
    if step == "helm" and text.startswith(_HEALTH):
        seen = tuple(
            ReleaseHealthSeen(m["release"], m["ok"] == "ok", m["release"] + m["rest"])
            for m in _HEALTH_ITEM.finditer(text.removeprefix(_HEALTH))
        )
        return HelmHealthChecked(seen, step) if seen else None
    if found := _TEMP_FILES.match(text):
        return TempFilesRemoved(tuple(found["paths"].split(", ")), step)
    return None
