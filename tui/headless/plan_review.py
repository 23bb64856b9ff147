"""`mocm-upgrade plan-review PLAN_JSON [--stage upgrade|stage4] [--playbook FILE] [--json]`.

``--stage rollback`` (an extension) reviews a Rollback-A plan with the playbook's
rollback rules. Exit status: 0 safe, 3 blocked, 1 unreadable or malformed input
(reason on stderr).
Only addresses, actions and reasons are printed: never an attribute value; every
printed line has its control characters escaped (a plan is a file we did not write).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.playbook.load import load_playbook
from tui.core.playbook.model import PLAN_STAGES
from tui.core.printable import printable
from tui.core.tofu.plan.gate import GateMode, gate_policy
from tui.core.tofu.plan.model import Plan, ResourceChange
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.core.tofu.plan.vocabulary import ActionKind
from tui.headless.failure import report_failure

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EXIT_SAFE = 0
EXIT_INVALID = 1
EXIT_BLOCKED = 3
SHOWN = 50  # changes listed per group in words; the count says the rest


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
        return report_failure("mocm-upgrade plan-review", exc)
    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=True))
    else:
        print(to_text(result))
    return EXIT_BLOCKED if result.blocked else EXIT_SAFE


def _read_plan(name: str) -> Plan:
    if name == "-":
        return load_plan("<stdin>", sys.stdin.buffer.read())
    return load_plan(name)


def to_json(result: PlanReview) -> dict[str, Any]:
    """The `--json` object: counts, unexpected, verdict (plus context keys).

    ASCII JSON: a control character in an address is written ``\u001b``, never raw.
    """
    policy = gate_policy(result)
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
                **(
                    {"confirm_attributes": list(issue.confirm_attributes)}
                    if issue.confirm_attributes
                    else {}
                ),
            }
            for issue in result.issues
        ],
        "verdict": result.verdict.value,
        "stage": result.stage,
        "override_allowed": result.override_allowed,
        "override_phrase": policy.phrase if policy.mode is GateMode.TYPE_PHRASE else None,
        "can_apply": result.plan.can_apply,
        "errored": result.plan.errored,
        "format_version": result.plan.format_version,
        "output_counts": _output_counts(result.plan),
        "action_invocations": [a.address for a in result.plan.action_invocations],
        "deferred_changes": [d.change.address for d in result.plan.deferred_changes],
        "drift": [rc.address for rc in result.plan.resource_drift if rc.is_change],
        "notes": list(result.notes),
    }


def to_text(result: PlanReview) -> str:
    """The human report: counts, each unexpected change with its reason, the verdict."""
    plan = result.plan
    engine = f", {plan.terraform_version}" if plan.terraform_version else ""
    lines = [f"Plan {plan.source} (format {plan.format_version}{engine}) — stage {result.stage}"]
    shown = [f"{n} {key}" for key, n in result.counts.items() if n]
    lines.append("Resources: " + (", ".join(shown) if shown else "none"))
    outputs = [f"{n} {key}" for key, n in _output_counts(plan).items() if n]
    if outputs:
        lines.append("Outputs: " + ", ".join(outputs))
    if plan.action_invocations:
        lines.append(f"Provider actions: {len(plan.action_invocations)}")
        lines.extend(f"  {action.describe()}" for action in plan.action_invocations)
    lines.extend(f"Note: {note}" for note in result.notes)
    for title, changes in _in_words(plan):
        lines.append(f"{title} ({len(changes)}):")
        lines.extend(f"  {rc.display_address}: {rc.explain()}" for rc in changes[:SHOWN])
        if len(changes) > SHOWN:
            lines.append(f"  … and {len(changes) - SHOWN} more")
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
    lines.append("Verdict: " + _verdict(result))
    return "\n".join(printable(line) for line in lines)


def _in_words(plan: Plan) -> list[tuple[str, list[ResourceChange]]]:
    """Imports, moves and objects leaving the state: each change said in words."""
    groups = [
        ("Imports", [rc for rc in plan.resource_changes if rc.is_import]),
        ("Moves", [rc for rc in plan.resource_changes if rc.is_move]),
        ("Leaving the state (forget)", [rc for rc in plan.resource_changes if rc.leaves_state]),
    ]
    return [(title, changes) for title, changes in groups if changes]


def _verdict(result: PlanReview) -> str:
    if not result.blocked:
        return "safe (nothing to apply)" if result.plan.nothing_to_apply else "safe"
    policy = gate_policy(result)
    if policy.mode is GateMode.TYPE_PHRASE:
        return f"blocked (an operator may override with a typed confirmation: '{policy.phrase}')"
    return "blocked (no override possible): " + " ".join(policy.why)


def _output_counts(plan: Plan) -> dict[str, int]:
    counts = {kind.value: 0 for kind in ActionKind}
    for output in plan.output_changes:
        counts[output.kind.value] += 1
    return {key: n for key, n in counts.items() if n}
