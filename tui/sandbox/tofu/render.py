"""Human output of plan and apply (OpenTofu's layout; attribute bodies abbreviated)."""

from __future__ import annotations

import json
from typing import Any

from tui.sandbox.tofu.expr import UNKNOWN, contains_unknown
from tui.sandbox.tofu.planmodel import Change, Plan
from tui.sandbox.tofu.sensitive import SENSITIVE_TEXT, masked

RULE = "─" * 77
_SYMBOLS = {
    "create": ("+", "create", "will be created"),
    "update": ("~", "update in-place", "will be updated in-place"),
    "delete": ("-", "destroy", "will be destroyed"),
    "delete,create": ("-/+", "destroy and then create replacement", "must be replaced"),
    "create,delete": ("+/-", "create replacement and then destroy", "must be replaced"),
}
_REASONS = {
    "delete_because_no_resource_config": "(because {res} is not in configuration)",
    "delete_because_count_index": "(because index {key} is out of range for count)",
    "delete_because_each_key": "(because key {key} is not in for_each map)",
    "delete_because_no_module": "(because {mod} is not in configuration)",
    "delete_because_wrong_repetition": "(because resource does not use count or for_each)",
}


def _value(value: Any, sensitive: Any = False) -> str:
    if sensitive is True:
        return SENSITIVE_TEXT
    if value is UNKNOWN or contains_unknown(value):
        return "(known after apply)"
    return json.dumps(masked(value, sensitive), ensure_ascii=False)


def _empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def _sub(tree: Any, name: str) -> Any:
    return tree.get(name, False) if isinstance(tree, dict) else False


def _body(change: Change, symbol: str) -> list[str]:
    """The attribute lines; sensitive values read ``(sensitive value)``, as tofu prints them."""
    lines = [f'  {symbol} resource "{change.type}" "{change.name}" {{']
    before, after = change.before or {}, change.after or {}
    marks_before, marks_after = change.before_sensitive, change.after_sensitive
    forcing = {path[0] for path in change.replace_paths or () if path}
    names = sorted(set(before) | set(after))
    width = max((len(n) for n in names), default=0)
    hidden = 0
    for name in names:
        old, new = before.get(name), after.get(name, None if change.after is None else UNKNOWN)
        was, now = _sub(marks_before, name), _sub(marks_after, name)
        note = " # forces replacement" if name in forcing else ""
        if change.actions == ["delete"]:
            lines.append(f"      - {name:<{width}} = {_value(old, was)} -> null")
        elif change.before is None:
            if new is None:
                continue
            lines.append(f"      + {name:<{width}} = {_value(new, now)}")
        elif (old == new and new is not UNKNOWN) or (name not in after and _empty(old)):
            hidden += 1
        elif was is True or now is True:
            lines.append(f"      ~ {name:<{width}} = {SENSITIVE_TEXT}{note}")
        else:
            shown = f"{_value(old, was)} -> {_value(new, now)}"
            lines.append(f"      ~ {name:<{width}} = {shown}{note}")
    if hidden:
        lines.append(f"        # ({hidden} unchanged attributes hidden)")
    lines.append("    }")
    return lines


def plan_text(plan: Plan, refresh: list[str], out_path: str | None, automation: bool) -> str:
    """What `tofu plan` prints on stdout."""
    lines = list(refresh)
    changes = [c for c in plan.changes if not c.is_noop]
    if not plan.has_changes:
        lines += [
            "",
            "No changes. Your infrastructure matches the configuration.",
            "",
            "OpenTofu has compared your real infrastructure against your configuration",
            "and found no differences, so no changes are needed.",
        ]
        return "\n".join(lines) + "\n"
    kinds = [",".join(c.actions) for c in changes]
    if changes:
        lines += [
            "",
            "OpenTofu used the selected providers to generate the following execution",
            "plan. Resource actions are indicated with the following symbols:",
        ]
        for key in ("create", "update", "delete", "delete,create", "create,delete"):
            if key in kinds:
                lines.append(f"  {_SYMBOLS[key][0]} {_SYMBOLS[key][1]}")
        lines += ["", "OpenTofu will perform the following actions:", ""]
        for change in changes:
            symbol, _, verb = _SYMBOLS[",".join(change.actions)]
            lines.append(f"  # {change.address} {verb}")
            if change.action_reason in _REASONS:
                key = json.dumps(change.index) if change.index is not None else ""
                lines.append(
                    "  # "
                    + _REASONS[change.action_reason].format(
                        res=change.address, key=f"[{key}]", mod=change.module
                    )
                )
            lines += _body(change, symbol)
            lines.append("")
    add = sum("create" in c.actions for c in changes)
    update = sum(c.actions == ["update"] for c in changes)
    destroy = sum("delete" in c.actions for c in changes)
    lines.append(f"Plan: {add} to add, {update} to change, {destroy} to destroy.")
    outputs = [o for o in plan.outputs.values() if o.actions != ["no-op"]]
    if outputs:
        lines += ["", "Changes to Outputs:"]
        width = max(len(o.name) for o in outputs)
        for out in outputs:
            symbol = {"create": "+", "update": "~", "delete": "-"}[out.actions[0]]
            shown = SENSITIVE_TEXT if out.sensitive else _value(out.after)
            if out.actions == ["delete"]:
                shown = f"{_value(out.before, out.sensitive)} -> null"
            elif out.actions == ["update"] and not out.sensitive:
                shown = f"{_value(out.before)} -> {shown}"
            lines.append(f"  {symbol} {out.name:<{width}} = {shown}")
    text = "\n".join(lines) + "\n"
    if automation:
        return text
    text += "\n" + RULE + "\n"
    if out_path:
        text += (
            f"\nSaved the plan to: {out_path}\n\n"
            "To perform exactly these actions, run the following command to apply:\n"
            f'    tofu apply "{out_path}"\n'
        )
    else:
        text += (
            "\nNote: You didn't use the -out option to save this plan, so OpenTofu can't\n"
            'guarantee to take exactly these actions if you run "tofu apply" now.\n'
        )
    return text


def apply_summary(added: int, changed: int, destroyed: int, outputs: dict[str, Any]) -> str:
    """The closing lines of `tofu apply`."""
    text = (
        f"\nApply complete! Resources: {added} added, {changed} changed, {destroyed} destroyed.\n"
    )
    if outputs:
        text += "\nOutputs:\n\n"
        width = max(len(n) for n in outputs)
        for name in sorted(outputs):
            value, sensitive = outputs[name]
            shown = "<sensitive>" if sensitive else json.dumps(value, ensure_ascii=False)
            text += f"{name:<{width}} = {shown}\n"
    return text
