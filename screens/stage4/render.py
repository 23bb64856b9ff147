"""What the Stage-4 screen says, as rich Text: verdict, figures, references, endpoint, errors, gate.

Pure functions of core results, so the words are tested once and shown the same way.
"""

from __future__ import annotations

from rich.text import Text

from tui.core.stage4.connections import BUSY, IDLE
from tui.core.stage4.evidence import Stage4Evidence
from tui.core.stage4.final_snapshot import FinalSnapshot, SnapshotProgress
from tui.core.stage4.followup import FollowUpCheck
from tui.core.stage4.scan import DependencyScan
from tui.core.stage4.valkey_endpoint import MASK, ValkeyEndpoint
from tui.widgets.connections_chart import utc

VERDICT_CLASS = {IDLE: "verdict-idle", BUSY: "verdict-busy"}
NO_DATA_CLASS = "verdict-no-data"
# The final snapshot section's outcomes, and how the teardown gate says each.
TAKEN, EXISTED, DECLINED = "taken", "existed", "declined"
SNAPSHOT_OUTCOME_WORDS = {
    TAKEN: "final snapshot taken",
    EXISTED: "final snapshot exists",
    DECLINED: "final snapshot declined (journaled)",
}


def verdict_text(evidence: Stage4Evidence, window_name: str) -> Text:
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
    return Text.assemble((head, "bold reverse"), "  ", (why, "bold"))


def evidence_lines(evidence: Stage4Evidence, region_note: str | None) -> Text:
    """Cluster confirmation, datapoint figures, warnings, Valkey's serving-since."""
    idle, cluster = evidence.idleness, evidence.cluster
    text = Text()
    text.append("Cluster ", "bold")
    text.append(
        f"{cluster.cluster_id} confirmed in {evidence.region} "
        f"({cluster.engine or '?'}, {cluster.status}; describe_cache_clusters)"
    )
    if region_note:
        text.append(f"\nnote: {region_note}", "yellow")
    series = idle.series
    if idle.datapoints:
        text.append("\nDatapoints ", "bold")
        text.append(
            f"{idle.datapoints} of about {series.window.expected_points}, "
            f"{utc(idle.first)} → {utc(idle.last)} ({series.calls} request"
            f"{'s' if series.calls > 1 else ''})"
        )
    for warning in idle.warnings:
        text.append(f"\nwarning: {warning}", "yellow")
    if evidence.valkey is not None:
        style = "green" if evidence.valkey.long_enough else "bold yellow"
        prefix = "" if evidence.valkey.long_enough else "warning: "
        text.append("\nValkey ", "bold")
        text.append(prefix + evidence.valkey.message, style)
    elif evidence.valkey_note:
        text.append(f"\nwarning: Valkey: {evidence.valkey_note}", "bold yellow")
    return text


def references_text(scan: DependencyScan, scanned_dir: str) -> Text:
    """Every match as ``file:line  line`` (secrets already masked by the scan)."""
    text = Text()
    files = f"{scan.files_scanned} file{'' if scan.files_scanned == 1 else 's'} scanned"
    if scan.blocks:
        text.append(" BLOCKED ", "bold reverse red")
        text.append(
            f"  {len(scan.references)} reference(s) to the old cache under {scanned_dir}/ "
            f"({files}): the teardown waits until every one is gone.\n",
            "bold red",
        )
        for ref in scan.references:
            text.append(f"{ref.location}", "bold")
            text.append(f"  {ref.text.strip()}\n")
    else:
        text.append(" CLEAR ", "bold reverse green")
        text.append(f"  no reference to the old cache under {scanned_dir}/ ({files})\n", "green")
    for skip in scan.skipped:
        text.append(f"not scanned: {skip.path} ({skip.reason})\n", "yellow")
    text.append("looked for: " + scan.searched, "dim")
    return text


def endpoint_text(endpoint: ValkeyEndpoint) -> Text:
    """Host, port, user and TLS; the password only ever as the mask."""
    text = Text()
    rows = [
        ("Secret", f"{endpoint.secret_id} ({endpoint.region})"),
        ("Host", endpoint.host or "not in the secret"),
        ("Port", str(endpoint.port) if endpoint.port is not None else "not in the secret"),
        ("User", endpoint.username or "not in the secret"),
        ("TLS", {True: "yes", False: "no", None: "not said"}[endpoint.tls]),
        ("Password", MASK if endpoint.password else "empty"),
    ]
    for label, value in rows:
        text.append(f"{label:<10}", "bold")
        text.append(value + "\n")
    if not endpoint.structured:
        text.append("The secret is a plain string, taken as the password alone.\n", "yellow")
    text.append("Point the applications at this endpoint before the teardown.", "dim")
    return text


def snapshot_progress_text(progress: SnapshotProgress) -> str:
    """One poll of the snapshot, for the progress line."""
    return f"{progress.name}: {progress.status} ({progress.waited_seconds:.0f} s)"


def snapshot_text(snapshot: FinalSnapshot) -> Text:
    """A snapshot found or made; an existing one is reported and left alone."""
    created = f", created {utc(snapshot.created)}" if snapshot.created else ""
    size = f", {snapshot.size}" if snapshot.size else ""
    if snapshot.already_existed:
        return Text(
            f"Snapshot {snapshot.name} already exists ({snapshot.status}{created}{size}): "
            "reported, not overwritten.",
            "bold yellow",
        )
    return Text(
        f"Snapshot {snapshot.name} of {snapshot.cluster_id} is {snapshot.status}{created}{size}.",
        "bold green",
    )


def follow_up_text(check: FollowUpCheck) -> Text:
    """Still referenced by X, or safe to remove in a follow-up change."""
    if check.safe_to_remove:
        return Text(check.summary, "bold green")
    text = Text(f"{check.resource}: still referenced by\n", "bold yellow")
    for ref in check.referrers:
        where = f"{ref.file}:{ref.line}" if ref.line else ref.file
        text.append(f"  {ref.address} ({where})\n")
    text.append("Remove those references in a follow-up change, then the resource itself.", "dim")
    return text


def teardown_preconditions(
    evidence: Stage4Evidence | None, snapshot_outcome: str | None, grep_dir: str
) -> list[tuple[bool, str]]:
    """Each precondition of the teardown: whether it holds, and the line that says so."""
    idle = evidence is not None and evidence.idleness.verdict == IDLE
    clear = evidence is not None and not evidence.scan.blocks
    snapshot_words = SNAPSHOT_OUTCOME_WORDS.get(
        snapshot_outcome or "", "final snapshot: take it (section 4) or untick it"
    )
    return [
        (
            idle,
            "the old cache is idle over the window"
            if idle
            else "the old cache is not shown idle (section 1)",
        ),
        (
            clear,
            f"no reference under {grep_dir}/"
            if clear
            else "references remain or were not scanned (section 2)",
        ),
        (snapshot_outcome is not None, snapshot_words),
    ]
