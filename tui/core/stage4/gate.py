"""The teardown gate: each precondition of Stage 4, the waivers, and what the journal keeps.

The preconditions: the old cache is idle over the window; no live value names it (or
each remaining reference is waived with a typed reason); Valkey has served a full
business cycle (or that is waived with a reason); the final snapshot is taken, exists or
was declined. Waivers and the verdict are journaled as typed records, so they appear in
the change record and come back after a restart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from tui.core.errors import MocmError
from tui.core.journal.events import IdleVerdict, Stage4Verdict, WaiverGiven, WaiverSubject
from tui.core.journal.records import JournalRecord
from tui.core.playbook.model import IdleDefinition
from tui.core.stage4.connections import IDLE
from tui.core.stage4.evidence import Stage4Evidence
from tui.core.stage4.scan import DependencyScan, Reference

STEP = "stage4"


class ThresholdInvalid(MocmError):
    """The typed idle threshold is not a number of connections."""


def parse_threshold(text: str) -> float:
    """The idle threshold the operator typed: a finite number ≥ 0."""
    raw = text.strip()
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ThresholdInvalid(
            f"Idle threshold must be a number ≥ 0 (connections), not {raw!r}.",
            "Type a whole number such as 4 (the playbook's), then Enter.",
        )
    return value


class Precondition(StrEnum):
    """The preconditions of the teardown, in the order they are shown."""

    IDLE = "idle"
    REFERENCES = "references"
    BUSINESS_CYCLE = "business cycle"
    SNAPSHOT = "final snapshot"


class SnapshotDecision(StrEnum):
    """What became of the optional final snapshot."""

    TAKEN = "taken"
    EXISTED = "existed"
    DECLINED = "declined"


SNAPSHOT_WORDS = {
    SnapshotDecision.TAKEN: "final snapshot taken",
    SnapshotDecision.EXISTED: "final snapshot exists",
    SnapshotDecision.DECLINED: "final snapshot declined (journaled)",
}


@dataclass(frozen=True)
class PreconditionState:
    """One precondition: whether it holds (or is waived), and the line that says so."""

    kind: Precondition
    holds: bool
    line: str
    waivable: bool = False
    waived_because: str = ""  # the operator's reason when waived

    @property
    def met(self) -> bool:
        """Holds, or waived with a reason."""
        return self.holds or bool(self.waived_because)


@dataclass(frozen=True)
class Stage4Waivers:
    """The waivers in force: references by :func:`reference_key`, and the business cycle."""

    references: Mapping[str, str] = field(default_factory=dict)  # key → reason
    business_cycle: str = ""  # the reason, when waived


def reference_key(ref: Reference) -> str:
    """What a waiver names: place, key path and the word — a moved or changed line is new."""
    return f"{ref.where} names {ref.named}"


def open_references(scan: DependencyScan, waivers: Stage4Waivers) -> tuple[Reference, ...]:
    """The blocking references not waived."""
    return tuple(ref for ref in scan.references if reference_key(ref) not in waivers.references)


def reference_waiver(ref: Reference, reason: str) -> WaiverGiven:
    """The journal record waiving one reference (the reason is required)."""
    if not reason.strip():
        raise MocmError("A waived reference needs the operator's reason.", "Type why it is safe.")
    key = reference_key(ref)
    subject = WaiverSubject.TEARDOWN_WITH_REFERENCE
    return WaiverGiven(subject, (key,), key, reason.strip(), STEP)


def business_cycle_waiver(evidence: Stage4Evidence, reason: str) -> WaiverGiven:
    """The journal record waiving the business cycle (the reason is required)."""
    if not reason.strip():
        raise MocmError("Waiving the business cycle needs a reason.", "Type why it is safe.")
    subject = WaiverSubject.TEARDOWN_BEFORE_BUSINESS_CYCLE
    return WaiverGiven(subject, (), cycle_shortfall(evidence), reason.strip(), STEP)


def cycle_shortfall(evidence: Stage4Evidence) -> str:
    """How long Valkey has served against the business cycle, in one phrase."""
    valkey = evidence.valkey
    if valkey is None:
        return f"Valkey's traffic could not be read ({evidence.valkey_note or 'no data'})"
    return f"Valkey served {valkey.served_hours:.1f} h of the required {valkey.required_hours} h"


def read_waivers(records: Iterable[JournalRecord]) -> Stage4Waivers:
    """The Stage-4 waivers the journal holds, oldest first (a later one replaces)."""
    references: dict[str, str] = {}
    cycle = ""
    for record in records:
        body = record.body
        if not isinstance(body, WaiverGiven) or body.step != STEP:
            continue
        if body.subject is WaiverSubject.TEARDOWN_WITH_REFERENCE:
            references.update(dict.fromkeys(body.items, body.reason))
        elif body.subject is WaiverSubject.TEARDOWN_BEFORE_BUSINESS_CYCLE:
            cycle = body.reason
    return Stage4Waivers(references, cycle)


def teardown_preconditions(
    evidence: Stage4Evidence | None,
    snapshot: SnapshotDecision | None,
    waivers: Stage4Waivers,
    scan_dir: str,
) -> tuple[PreconditionState, ...]:
    """Each precondition of the teardown, with the line that says where it stands."""
    idle = evidence is not None and evidence.idleness.verdict == IDLE
    states = [
        PreconditionState(
            Precondition.IDLE,
            idle,
            "the old cache is idle over the window"
            if idle
            else "the old cache is not shown idle (section 1)",
        )
    ]
    if evidence is None:
        states.append(
            PreconditionState(Precondition.REFERENCES, False, "references not scanned yet")
        )
        states.append(
            PreconditionState(Precondition.BUSINESS_CYCLE, False, "Valkey's traffic not read yet")
        )
    else:
        states.append(_references_state(evidence.scan, waivers, scan_dir))
        states.append(_cycle_state(evidence, waivers))
    words = SNAPSHOT_WORDS.get(snapshot) if snapshot else None
    states.append(
        PreconditionState(
            Precondition.SNAPSHOT,
            snapshot is not None,
            words or "final snapshot: take it (section 4) or untick it",
        )
    )
    return tuple(states)


def _references_state(
    scan: DependencyScan, waivers: Stage4Waivers, scan_dir: str
) -> PreconditionState:
    left = open_references(scan, waivers)
    waived = len(scan.references) - len(left)
    if not scan.references:
        line = f"no live reference under {scan_dir}/"
        return PreconditionState(Precondition.REFERENCES, True, line, waivable=False)
    if not left:
        line = f"{waived} reference(s) under {scan_dir}/ waived with a reason (journaled)"
        reasons = "; ".join(waivers.references[reference_key(ref)] for ref in scan.references)
        return PreconditionState(Precondition.REFERENCES, False, line, True, reasons)
    line = f"{len(left)} live reference(s) under {scan_dir}/ name the old cache (section 2)"
    return PreconditionState(Precondition.REFERENCES, False, line, waivable=True)


def _cycle_state(evidence: Stage4Evidence, waivers: Stage4Waivers) -> PreconditionState:
    valkey = evidence.valkey
    if valkey is not None and valkey.long_enough:
        line = f"{cycle_shortfall(evidence)}: a full business cycle"
        return PreconditionState(Precondition.BUSINESS_CYCLE, True, line, waivable=True)
    line = f"{cycle_shortfall(evidence)}: not a full business cycle yet"
    if waivers.business_cycle:
        line += " — waived with a reason (journaled)"
    return PreconditionState(Precondition.BUSINESS_CYCLE, False, line, True, waivers.business_cycle)


def teardown_allowed(states: Iterable[PreconditionState]) -> bool:
    """Every precondition holds or is waived."""
    return all(state.met for state in states)


def idle_explanation(idle: IdleDefinition, threshold: float, period_seconds: int) -> str:
    """What "idle" means here: the guide's figure, AWS's baseline and its source, the rule."""
    text = (
        f"Idle means every {period_seconds // 60}-minute maximum of connections in the window "
        f"is at most {threshold:g}. The guide says {idle.guide_connections:g} connections, but "
        f"ElastiCache's own monitoring holds {idle.baseline_low:g} to {idle.baseline_high:g} "
        f"(source: {idle.baseline_source}), so an idle cluster never reads "
        f"{idle.guide_connections:g}."
    )
    if threshold == idle.threshold:
        text += f" The playbook's threshold {idle.threshold:g} is in force."
    else:
        text += (
            f" Threshold in force: {threshold:g}, typed by the operator "
            f"(the playbook's is {idle.threshold:g})."
        )
    return text


def idle_summary(idle: IdleDefinition, threshold: float) -> str:
    """The threshold in force and why it is not the guide's 0, short enough for one line."""
    if threshold == idle.threshold:
        force = f"Threshold in force: {threshold:g} (the playbook's)."
    else:
        force = (
            f"Threshold in force: {threshold:g}, typed by the operator "
            f"(the playbook's is {idle.threshold:g})."
        )
    return (
        f"{force} The guide says {idle.guide_connections:g} connections; ElastiCache's own "
        f"monitoring holds {idle.baseline_low:g}–{idle.baseline_high:g} (source: F1 help)."
    )


def verdict_record(
    evidence: Stage4Evidence, window_name: str, playbook_threshold: float, step: str = STEP
) -> Stage4Verdict:
    """The journal's record of one verdict: window, threshold in force, figures, references."""
    idle, span, scan = evidence.idleness, evidence.idleness.series.window, evidence.scan
    return Stage4Verdict(
        evidence.target.cluster_id,
        evidence.region,
        window_name,
        span.start.isoformat(),
        span.end.isoformat(),
        idle.threshold,
        idle.peak,
        idle.datapoints,
        IdleVerdict(idle.verdict),
        tuple(ref.location for ref in scan.references),
        evidence.blocked,
        step,
        threshold_typed=idle.threshold != playbook_threshold,
        not_live=tuple(f"{ref.location} ({ref.liveness.value})" for ref in scan.not_live),
        business_cycle=cycle_shortfall(evidence),
    )
