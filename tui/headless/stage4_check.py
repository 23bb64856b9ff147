"""`mocm-upgrade stage4-check --release-dir DIR [--window 24h|72h|7d] [--threshold N] [--json]`.

Is the old ElastiCache idle and unreferenced? Useful from cron while the operator
waits out the business cycle. Exit status: 0 idle and unreferenced, 3 busy or
referenced (references win over "no data": they block whatever the metric says),
4 no datapoints, 1 error (message on stderr). A reference is a live value naming the
old cluster; matches in YAML comments and backup files are listed as not live.
Region: ``aws_region`` of the release's terraform.tfvars wins over AWS_REGION (a
different environment region is mentioned on stderr). Credentials: boto3's default
chain; AWS_ENDPOINT_URL is honoured.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.playbook.load import load_playbook
from tui.core.printable import printable
from tui.headless.failure import report_failure

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.playbook.model import IdleDefinition
    from tui.core.stage4.evidence import Stage4Evidence

EXIT_CLEAR = 0
EXIT_ERROR = 1
EXIT_BLOCKED = 3
EXIT_NO_DATA = 4
PROG = "mocm-upgrade stage4-check"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--release-dir", required=True, type=Path, help="the current release directory"
    )
    parser.add_argument(
        "--window", default="24h", help="how far back: 24h, 72h or 7d (default: 24h)"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="idle when every maximum is at most N connections (default: the playbook's)",
    )
    parser.add_argument("--playbook", type=Path, help="upgrade playbook (default: bundled)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    try:
        playbook = load_playbook(args.playbook)
        threshold = playbook.stage4.idle_threshold if args.threshold is None else args.threshold
        if not math.isfinite(threshold) or threshold < 0:
            raise MocmError(f"--threshold must be a number ≥ 0, got {args.threshold}")
        release_dir = args.release_dir.resolve()
        if not release_dir.is_dir():
            raise MocmError(f"--release-dir {args.release_dir} is not a directory")
        # Lazy: boto3, botocore and the HCL parser cost ~0.4 s of start-up; a refused
        # argument is answered before they load.
        import boto3

        from tui.core.stage4.connections import WINDOWS, window_length
        from tui.core.stage4.evidence import choose_region, gather_stage4_evidence
        from tui.core.stage4.targets import load_stage4_target

        if args.window not in WINDOWS:
            raise MocmError(f"--window must be one of {', '.join(WINDOWS)}, got {args.window}")
        target = load_stage4_target(release_dir, playbook)
        choice = choose_region(target.region, os.environ)
        if choice.note:
            print(f"{PROG}: note: {printable(choice.note)}", file=sys.stderr)
        evidence = gather_stage4_evidence(
            boto3.session.Session(),
            playbook,
            target,
            choice.region,
            window_length(args.window),
            threshold,
            datetime.now(UTC),
        )
    except MocmError as exc:
        return report_failure(PROG, exc)
    if args.json:
        print(json.dumps(to_json(evidence), ensure_ascii=True))
    else:
        lines = to_text(evidence, args.window, playbook.stage4.idle)
        print("\n".join(printable(line) for line in lines))
    return exit_code(evidence)


def exit_code(evidence: Stage4Evidence) -> int:
    """3 when referenced or busy, 4 when there is no data, 0 when clear."""
    from tui.core.stage4.connections import NO_DATA

    if evidence.scan.blocks or evidence.idleness.verdict == "busy":
        return EXIT_BLOCKED
    if evidence.idleness.verdict == NO_DATA:
        return EXIT_NO_DATA
    return EXIT_CLEAR


def to_json(evidence: Stage4Evidence) -> dict[str, Any]:
    """The contract: verdict, peak, datapoints, references (``file:line``, blocking only).

    ``not_live`` lists the matches that do not block (YAML comments, backup files, the
    wizard's folder), in the same form; ``warnings``: a cron job can see that data
    covered only part of the window.
    """
    return {
        "verdict": evidence.idleness.verdict,
        "peak": evidence.idleness.peak,
        "datapoints": evidence.idleness.datapoints,
        "references": [ref.location for ref in evidence.scan.references],
        "not_live": [ref.location for ref in evidence.scan.not_live],
        "warnings": list(evidence.idleness.warnings),
    }


def _utc(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "—"


def to_text(evidence: Stage4Evidence, window_name: str, idle_meaning: IdleDefinition) -> list[str]:
    """The human report: verdict, figures, chart, Valkey, references."""
    from tui.core.stage4.connections import NO_DATA
    from tui.core.stage4.gate import idle_explanation
    from tui.core.stage4.text_chart import LABEL_WIDTH, block_chart, legend

    idle, target = evidence.idleness, evidence.target
    series = idle.series
    lines = [
        f"Old cache {target.cluster_id} ({evidence.region}, status {evidence.cluster.status}): "
        f"CurrConnections, maximum per {series.window.period_seconds} s, last {window_name}",
    ]
    if idle.verdict == NO_DATA:
        lines.append("Verdict: NO DATA — CloudWatch returned no datapoints (this is not zero)")
    else:
        lines.append(
            f"Verdict: {idle.verdict.upper()} — peak {idle.peak:g} connections "
            f"(idle threshold {idle.threshold:g})"
        )
        lines.append(
            f"Last connection above the threshold: {_utc(idle.last_above)}"
            if idle.last_above
            else f"No datapoint above {idle.threshold:g} in the window"
        )
        lines.append(
            f"Datapoints: {idle.datapoints} from {_utc(idle.first)} to {_utc(idle.last)} "
            f"({series.calls} request{'s' if series.calls > 1 else ''})"
        )
    lines += [f"warning: {warning}" for warning in idle.warnings]
    lines.append(idle_explanation(idle_meaning, idle.threshold, series.window.period_seconds))
    import shutil  # the chart only: the refusals before it start without

    columns = shutil.get_terminal_size((80, 24)).columns
    width = max(24, min(96, columns - LABEL_WIDTH - 1))
    lines += ["", *block_chart(series, idle.threshold, width=width), legend(idle.threshold), ""]
    if evidence.valkey is not None:
        mark = "" if evidence.valkey.long_enough else "warning: "
        lines.append(f"{mark}Valkey: {evidence.valkey.message}")
    elif evidence.valkey_note:
        lines.append(f"warning: Valkey: {evidence.valkey_note}")
    scan = evidence.scan
    scanned = scan.root.relative_to(target.release_dir).as_posix()
    files = f"{scan.files_scanned} file{'' if scan.files_scanned == 1 else 's'}"
    lines.append(f"References to the old cache under {scanned}/ ({files} scanned):")
    if scan.references:
        lines += [f"  {ref.where}: {ref.text.strip()}" for ref in scan.references]
    else:
        lines.append("  none")
    lines += [
        f"  not live ({ref.liveness.value}): {ref.location}: {ref.text.strip()}"
        for ref in scan.not_live
    ]
    lines += [f"  not scanned: {skip.path} ({skip.reason})" for skip in scan.skipped]
    lines.append(f"  looked for: {scan.searched}")
    lines.append(_conclusion(evidence))
    return lines


def _conclusion(evidence: Stage4Evidence) -> str:
    from tui.core.stage4.connections import NO_DATA

    if evidence.scan.blocks:
        return "Result: BLOCKED — finish the application cutover: references remain."
    if evidence.idleness.verdict == "busy":
        return "Result: BLOCKED — the old cache still has connections."
    if evidence.idleness.verdict == NO_DATA:
        return "Result: CANNOT VERIFY — no data; check the cluster id, region and window."
    return "Result: CLEAR — idle over the window and unreferenced."
