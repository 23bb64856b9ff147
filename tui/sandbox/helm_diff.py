"""helm-diff's text report between two sets of manifests (formats.md §5.1)."""

from __future__ import annotations

import base64
import binascii
import difflib
import re

from tui.sandbox.helm_chart import Manifest

DATA_LINE = re.compile(r"^(  )([A-Za-z0-9_.-]+): (.*)$")


def _secret_data(text: str) -> dict[str, int]:
    """Key -> decoded byte length of a Secret's ``data`` section."""
    out: dict[str, int] = {}
    for key, value in _raw_data(text).items():
        try:
            out[key] = len(base64.b64decode(value.strip("'\"")))
        except (binascii.Error, ValueError):
            out[key] = len(value)
    return out


def _redacted(text: str, mine: dict[str, str], other: dict[str, str], sign: str) -> list[str]:
    """A Secret's lines with values hidden the way helm-diff hides them."""
    lines = []
    in_data = False
    lengths = _secret_data(text)
    for line in text.splitlines():
        if line == "data:":
            in_data = True
            lines.append(line)
            continue
        if in_data and not line.startswith("  "):
            in_data = False
        match = DATA_LINE.match(line) if in_data else None
        if match:
            key = match.group(2)
            size = lengths.get(key, 0)
            if key in other and other[key] == mine[key]:
                lines.append(f"  {key}: 'REDACTED # ({size} bytes)'")
            else:
                lines.append(f"  {key}: '{sign * 8} # ({size} bytes)'")
            continue
        lines.append(line)
    return lines


def _raw_data(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    in_data = False
    for line in text.splitlines():
        if line == "data:":
            in_data = True
            continue
        if in_data and not line.startswith("  "):
            in_data = False
        match = DATA_LINE.match(line) if in_data else None
        if match:
            out[match.group(2)] = match.group(3)
    return out


def _body(old: list[str], new: list[str], context: int) -> list[str]:
    rows: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [(" ", line) for line in old[i1:i2]]
        else:
            rows += [("-", line) for line in old[i1:i2]]
            rows += [("+", line) for line in new[j1:j2]]
    if context < 0:
        keep = [True] * len(rows)
    else:
        changed = [i for i, (sign, _) in enumerate(rows) if sign != " "]
        keep = [any(abs(i - c) <= context for c in changed) for i in range(len(rows))]
    out: list[str] = []
    skipped = False
    for index, (sign, line) in enumerate(rows):
        if not keep[index]:
            skipped = True
            continue
        if skipped:
            out.append("...")
            skipped = False
        if sign == " " and line == "":
            out.append("")
        else:
            out.append(f"{sign} {line}")
    if skipped:
        out.append("...")
    return out


def resource_block(
    old: Manifest | None, new: Manifest | None, namespace: str, context: int, suppress_secrets: bool
) -> str | None:
    """One resource's block (header, body, blank line), or None when unchanged."""
    ref = new or old
    assert ref is not None
    old_text = old.text if old else ""
    new_text = new.text if new else ""
    if old_text == new_text:
        return None
    message = "has changed:" if old and new else ("has been added:" if new else "has been removed:")
    header = f"{namespace}, {ref.name}, {ref.kind} ({ref.api_group}) {message}"
    if ref.kind == "Secret":
        if suppress_secrets:
            return f"{header}\n+ Changes suppressed on sensitive content of type Secret\n"
        old_data, new_data = _raw_data(old_text), _raw_data(new_text)
        old_lines = _redacted(old_text, old_data, new_data, "-") if old else [""]
        new_lines = _redacted(new_text, new_data, old_data, "+") if new else [""]
    else:
        old_lines = old_text.splitlines() if old else [""]
        new_lines = new_text.splitlines() if new else [""]
    body = _body(old_lines, new_lines, context)
    return "\n".join([header, *body]) + "\n\n"


def release_report(
    old: list[Manifest], new: list[Manifest], namespace: str, context: int, suppress_secrets: bool
) -> str:
    """helm-diff's stdout for one release: changed/added in chart order, then removed."""
    old_by_id = {(m.kind, m.name): m for m in old}
    new_ids = {(m.kind, m.name) for m in new}
    blocks = []
    for manifest in new:
        block = resource_block(
            old_by_id.get((manifest.kind, manifest.name)),
            manifest,
            namespace,
            context,
            suppress_secrets,
        )
        if block:
            blocks.append(block)
    for manifest in old:
        if (manifest.kind, manifest.name) not in new_ids:
            block = resource_block(manifest, None, namespace, context, suppress_secrets)
            if block:
                blocks.append(block)
    return "".join(blocks)
