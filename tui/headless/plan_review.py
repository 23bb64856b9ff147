"""`mocm-upgrade plan-review PLAN_JSON [--stage upgrade|stage4] [--playbook FILE] [--json]`.

``--stage rollback`` (an extension) reviews a Rollback-A plan with the playbook's
rollback rules. Exit status: 0 safe, 3 blocked, 1 unreadable or malformed input
(reason on stderr).
Only addresses, actions and reasons are printed: never an attribute value.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tui.core.errors import MocmError
from tui.core.playbook.load import PLAN_STAGES, load_playbook
from tui.core.tofu.plan.model import Plan
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.core.tofu.plan.vocabulary import ActionKind

EXIT_SAFE = 0
EXIT_INVALID = 1
EXIT_BLOCKED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "plan", metavar="PLAN_JSON", help="output of `tofu show -json tfplan` (- = stdin)"
    )
    parser.add_argument(
        "--stage",
        choices=PLAN_STAGES,
        default="upgrade",
        help="which playbook rules apply (default: upgrade; rollback: a Rollback-A plan)",
    )
    parser.add_argument("--playbook", type=Path, help="upgrade playbook (default: bundled)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    try:
        playbook = load_playbook(args.playbook)
        plan = _read_plan(args.plan)
        result = review(plan, playbook, args.stage)
    except MocmError as exc:
        print(f"mocm-upgrade plan-review: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=False))
    else:
        print(to_text(result))
    return EXIT_BLOCKED if result.blocked else EXIT_SAFE


def _read_plan(name: str) -> Plan:
    if name == "-":
        return load_plan("<stdin>", sys.stdin.buffer.read())
    return load_plan(name)


def to_json(result: PlanReview) -> dict[str, Any]:
    """The `--json` object: counts, unexpected, verdict (plus context keys)."""
    return {
        "counts": result.counts,
        "unexpected": [
            {
                "address": issue.address,
                "actions": list(issue.actions),
                "reason": issue.reason,
                "blocking": issue.blocking,
                "overridable": issue.overridable,
                **({"deposed": issue.deposed} if issue.deposed else {}),
            }
            for issue in result.issues
        ],
        "verdict": result.verdict.value,
        "stage": result.stage,
        "override_allowed": result.override_allowed,
        "can_apply": result.plan.can_apply,
        "output_counts": _output_counts(result.plan),
        "notes": list(result.notes),
    }


def to_text(result: PlanReview) -> str:
    """The human report: counts, each unexpected change with its reason, the verdict."""
    plan = result.plan
    lines = [f"Plan {plan.source} (format {plan.format_version}) — stage {result.stage}"]
    shown = [f"{n} {key}" for key, n in result.counts.items() if n]
    lines.append("Resources: " + (", ".join(shown) if shown else "none"))
    outputs = [f"{n} {key}" for key, n in _output_counts(plan).items() if n]
    if outputs:
        lines.append("Outputs: " + ", ".join(outputs))
    lines.extend(f"Note: {note}" for note in result.notes)
    allowed = [r for r in result.reviewed if r.expected and r.change.destroys]
    if allowed:
        lines.append(f"Expected destroys ({len(allowed)}):")
        lines.extend(f"  {r.change.display_address}: {r.reason}" for r in allowed)
    if result.issues:
        lines.append(f"Unexpected ({len(result.issues)}):")
        for issue in result.issues:
            mark = "BLOCKS" if issue.blocking else "notice"
            actions = json.dumps(list(issue.actions)) if issue.actions else "(absent)"
            lines.append(f"  [{mark}] {issue.display_address} {actions}")
            lines.append(f"      {issue.reason}")
    else:
        lines.append("Unexpected: none")
    if not result.blocked:
        lines.append("Verdict: safe")
    elif result.override_allowed:
        lines.append("Verdict: blocked (an operator may override with a typed confirmation)")
    else:
        lines.append("Verdict: blocked (no override possible)")
    return "\n".join(lines)


def _output_counts(plan: Plan) -> dict[str, int]:
    counts = {kind.value: 0 for kind in ActionKind}
    for output in plan.output_changes:
        counts[output.kind.value] += 1
    return {key: n for key, n in counts.items() if n}
