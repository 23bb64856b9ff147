"""What the Stage-4 screen says: verdict, figures, references, endpoint, errors, gate, leftovers.

Pure functions of core results, so the words are tested once and shown the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from tui.core.printable import printable
from tui.core.stage4.connections import BUSY, IDLE
from tui.core.stage4.evidence import Stage4Evidence
from tui.core.stage4.final_snapshot import FinalSnapshot, SnapshotProgress
from tui.core.stage4.followup import FollowUpCheck
from tui.core.stage4.gate import (
    PreconditionState,
    Stage4Waivers,
    open_references,
)
from tui.core.stage4.leftover_vars import LeftoverVariables
from tui.core.stage4.scan import DependencyScan, Reference
from tui.core.stage4.valkey_endpoint import MASK, ValkeyEndpoint
from tui.widgets.connections_chart import utc

VERDICT_CLASS = {IDLE: "verdict-idle", BUSY: "verdict-busy"}
NO_DATA_CLASS = "verdict-no-data"


def verdict_text(evidence: Stage4Evidence, window_name: str) -> Content:
    """The verdict in capitals and the one sentence that justifies it."""
    idle = evidence.idleness
    if idle.verdict == IDLE:
        head, why = (
            " IDLE ",
            (f"peak {idle.peak:g} ≤ {idle.threshold:g} over the last {window_name}"),
        )
    elif idle.verdict == BUSY:
        head, why = (
            " BUSY ",
            f"peak {idle.peak:g} · last above {idle.threshold:g}: {utc(idle.last_above)}",
        )
    else:
        head, why = (
            " NO DATA ",
            (
                "CloudWatch returned no datapoints — wrong cluster id, region or window. "
                "No data is not idle."
            ),
        )
    return Content.assemble((head, "bold reverse"), "  ", (why, "bold"))


def evidence_lines(evidence: Stage4Evidence, region_note: str | None) -> Content:
    """Cluster confirmation, datapoint figures, warnings, Valkey's serving-since."""
    idle, cluster = evidence.idleness, evidence.cluster
    text = Content()
    text = text.append_text("Cluster ", "bold")
    text = text.append_text(
        f"{cluster.cluster_id} confirmed in {evidence.region} "
        f"({cluster.engine or '?'}, {cluster.status}; describe_cache_clusters)"
    )
    if region_note:
        text = text.append_text(f"\nnote: {region_note}", "$warning")
    series = idle.series
    if idle.datapoints:
        text = text.append_text("\nDatapoints ", "bold")
        text = text.append_text(
            f"{idle.datapoints} of about {series.window.expected_points}, "
            f"{utc(idle.first)} → {utc(idle.last)} ({series.calls} request"
            f"{'s' if series.calls > 1 else ''})"
        )
    for warning in idle.warnings:
        text = text.append_text(f"\nwarning: {warning}", "$warning")
    if evidence.valkey is not None:
        style = "$success" if evidence.valkey.long_enough else "bold $warning"
        prefix = "" if evidence.valkey.long_enough else "warning: "
        text = text.append_text("\nValkey ", "bold")
        text = text.append_text(prefix + evidence.valkey.message, style)
    elif evidence.valkey_note:
        text = text.append_text(f"\nwarning: Valkey: {evidence.valkey_note}", "bold $warning")
    return text


def references_text(scan: DependencyScan, scanned_dir: str, waivers: Stage4Waivers) -> Content:
    """The scan's verdict, and how to waive one reference (the list below holds them)."""
    text = Content()
    files = f"{scan.files_scanned} file{'' if scan.files_scanned == 1 else 's'} scanned"
    left = open_references(scan, waivers)
    waived = len(scan.references) - len(left)
    if left:
        text = text.append_text(" BLOCKED ", "bold reverse $error")
        text = text.append_text(
            f"  {len(scan.references)} reference(s) to the old cache under {scanned_dir}/ "
            f"({files}): {len(left)} open, {waived} waived. The teardown waits until every "
            "one is gone or waived.\n",
            "bold $error",
        )
        text = text.append_text(
            "Pick one (↑/↓) and press w or Enter to waive it with its own reason (journaled).",
            "dim",
        )
    elif scan.references:
        text = text.append_text(" WAIVED ", "bold reverse $warning")
        text = text.append_text(
            f"  {len(scan.references)} reference(s) under {scanned_dir}/ ({files}), "
            "each waived with a reason (journaled).",
            "bold $warning",
        )
    else:
        text = text.append_text(" CLEAR ", "bold reverse $success")
        text = text.append_text(
            f"  no live reference to the old cache under {scanned_dir}/ ({files})", "$success"
        )
    return text


def reference_option(ref: Reference, reason: str | None) -> Content:
    """One blocking reference in the picker: open, or waived with the operator's reason."""
    # A scanned file's line and the operator's reason: escaped, never obeyed.
    if reason:
        text = Content.styled("≈ waived ", "bold $warning")
    else:
        text = Content.styled("✘ open   ", "bold $error")
    text = text.append_text(printable(ref.where), "bold")
    text = text.append_text(f"  {printable(ref.text.strip())}")
    if reason:
        text = text.append_text(f"\n           waived: {printable(reason)}", "$warning")
    return text


def not_live_text(scan: DependencyScan) -> Content:
    """What matched but does not block (comments, backups), what was skipped, the search."""
    text = Content()
    if scan.not_live:
        text = text.append_text(
            f"Not live ({len(scan.not_live)}, shown and journaled, not blocking):\n", "bold"
        )
        for ref in scan.not_live:
            text = text.append_text(f"  {printable(ref.location)}", "dim bold")
            shown = printable(ref.text.strip())
            text = text.append_text(f" ({ref.liveness.value})  {shown}\n", "dim")
    for skip in scan.skipped:
        text = text.append_text(
            printable(f"not scanned: {skip.path} ({skip.reason})") + "\n", "$warning"
        )
    return text.append_text("looked for: " + scan.searched, "dim")


def endpoint_text(endpoint: ValkeyEndpoint) -> Content:
    """Host, port, user and TLS; the password only ever as the mask."""
    text = Content()
    rows = [
        ("Secret", f"{endpoint.secret_id} ({endpoint.region})"),
        ("Host", endpoint.host or "not in the secret"),
        ("Port", str(endpoint.port) if endpoint.port is not None else "not in the secret"),
        ("User", endpoint.username or "not in the secret"),
        ("TLS", {True: "yes", False: "no", None: "not said"}[endpoint.tls]),
        ("Password", MASK if endpoint.password else "empty"),
    ]
    for label, value in rows:
        text = text.append_text(f"{label:<10}", "bold")
        text = text.append_text(value + "\n")
    if not endpoint.structured:
        text = text.append_text(
            "The secret is a plain string, taken as the password alone.\n", "$warning"
        )
    text = text.append_text("Point the applications at this endpoint before the teardown.", "dim")
    return text


def snapshot_progress_text(progress: SnapshotProgress) -> str:
    """One poll of the snapshot, for the progress line."""
    return progress.sentence


def snapshot_text(snapshot: FinalSnapshot) -> Content:
    """A snapshot found or made; an existing one is reported and left alone."""
    created = f", created {utc(snapshot.created)}" if snapshot.created else ""
    size = f", {snapshot.size}" if snapshot.size else ""
    if snapshot.already_existed:
        return Content.styled(
            f"Snapshot {snapshot.name} already exists ({snapshot.status}{created}{size}): "
            "reported, not overwritten.",
            "bold $warning",
        )
    return Content.styled(
        f"Snapshot {snapshot.name} of {snapshot.cluster_id} is {snapshot.status}{created}{size}.",
        "bold $success",
    )


def follow_up_text(check: FollowUpCheck) -> Content:
    """Still referenced by X, or safe to remove in a follow-up change."""
    if check.safe_to_remove:
        return Content.styled(check.summary, "bold $success")
    text = Content.styled(f"{printable(check.resource)}: still referenced by\n", "bold $warning")
    for ref in check.referrers:
        where = f"{ref.file}:{ref.line}" if ref.line else str(ref.file)
        text = text.append_text(printable(f"  {ref.address} ({where})") + "\n")
    text = text.append_text(
        "Remove those references in a follow-up change, then the resource itself.", "dim"
    )
    return text


def precondition_lines(states: Sequence[PreconditionState]) -> Content:
    """Each precondition of the teardown: ✔ holds, ≈ waived (with the reason), ✘ open."""
    text = Content.styled("Before the teardown\n", "bold")
    for state in states:
        if state.holds:
            mark, style = "✔ ", "bold $success"
        elif state.met:
            mark, style = "≈ ", "bold $warning"
        else:
            mark, style = "✘ ", "bold $error"
        text = text.append_text(mark, style)
        text = text.append_text(state.line + "\n")
        if state.waived_because and not state.holds:
            text = text.append_text(f"    reason: {state.waived_because}\n", "$warning")
    return text


def leftover_text(leftovers: LeftoverVariables) -> Content:
    """The tfvars settings only the parked file declared, and what OpenTofu's warning means."""
    if not leftovers.assignments:
        return Content.styled(leftovers.warning_meaning, "$success")
    text = Content.styled(f"{leftovers.tfvars.name}: leftover settings\n", "bold $warning")
    for assignment in leftovers.assignments:
        lines = (
            f"line {assignment.first_line}"
            if assignment.first_line == assignment.last_line
            else f"lines {assignment.first_line}–{assignment.last_line}"
        )
        text = text.append_text(printable(f"  {assignment.name} ({lines})") + "\n")
    return text.append_text(leftovers.warning_meaning, "dim")
