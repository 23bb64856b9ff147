"""Appending the playbook's tfvars block: decided by parsing, the rest kept byte for byte.

Pure functions on bytes; ``carry_over`` does the writing. "Already present" means a
*variable* whose name starts with the marker prefix exists — a comment mentioning
it does not count, which is why this parses with python-hcl2 instead of grepping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import MocmError, ParseError
from tui.core.playbook.load import Playbook, fill
from tui.core.tofu.tfvars import parse_hcl, unquote

BOM = "\ufeff"


class TfvarsAppendError(MocmError):
    """The block cannot be appended safely (the result would not be valid HCL)."""


@dataclass(frozen=True)
class TfvarsAppend:
    """The decision for one tfvars file: ``new_bytes`` is None when nothing is appended."""

    path: Path
    marker_prefix: str
    original: bytes
    existing_markers: tuple[str, ...]  # variables already starting with the prefix
    added_variables: tuple[str, ...]
    new_bytes: bytes | None

    @property
    def needed(self) -> bool:
        """True when the block has to be appended."""
        return self.new_bytes is not None


def variables(data: bytes, path: Path) -> dict[str, Any]:
    """The variables of tfvars bytes (quotes removed); ParseError when not valid HCL."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(str(path), "not UTF-8 text") from exc
    raw = parse_hcl(text.removeprefix(BOM), path)
    # python-hcl2 reports comments under "__comments__": they are not variables.
    return {k: unquote(v) for k, v in raw.items() if not k.startswith("__")}


def marker_variables(found: Mapping[str, Any], prefix: str) -> tuple[str, ...]:
    """Names of the variables that start with ``prefix``, sorted."""
    return tuple(sorted(name for name in found if name.startswith(prefix)))


def template_values(found: Mapping[str, Any]) -> dict[str, str]:
    """Values for the block's ``<field>``s: the tfvars' own string variables (``name_prefix``…)."""
    return {name: value for name, value in found.items() if isinstance(value, str) and value}


def appended_bytes(original: bytes, block: str) -> bytes:
    """``original`` unchanged, then one blank line, then the block (same line endings)."""
    newline = b"\r\n" if b"\r\n" in original else b"\n"
    body = block.strip("\n").replace("\r\n", "\n").encode("utf-8")
    body = body.replace(b"\n", newline) + newline
    if not original.strip():
        return original + body
    if original.endswith(newline * 2):
        separator = b""
    elif original.endswith(newline):
        separator = newline
    else:
        separator = newline * 2
    return original + separator + body


def plan_append(data: bytes, path: Path, playbook: Playbook) -> TfvarsAppend:
    """Decide whether the block is needed for ``data`` and, if so, prove the result parses.

    Raises ParseError when ``data`` is not valid HCL (nothing can be decided), and
    TfvarsAppendError when the appended result would not parse or would change an
    existing variable.
    """
    prefix = playbook.tfvars_marker_prefix
    before = variables(data, path)
    existing = marker_variables(before, prefix)
    if existing:
        return TfvarsAppend(path, prefix, data, existing, (), None)
    block = fill(playbook.tfvars_block, **template_values(before))
    new = appended_bytes(data, block)
    try:
        after = variables(new, path)
    except ParseError as exc:
        raise TfvarsAppendError(
            f"{path}: appending the block would make the file invalid HCL ({exc.reason}).",
            "The playbook's block or the end of the file is malformed; nothing was written.",
        ) from exc
    changed = sorted(k for k, v in before.items() if after.get(k) != v)
    if changed:
        raise TfvarsAppendError(
            f"{path}: the block would change existing variables: {', '.join(changed)}.",
            "Nothing was written; the block must only add variables.",
        )
    added = tuple(sorted(set(after) - set(before)))
    return TfvarsAppend(path, prefix, data, (), added, new)


def verify_appended(data: bytes, path: Path, expected: TfvarsAppend) -> None:
    """Re-parse the written file: it must hold every variable the plan promised to add."""
    found = variables(data, path)
    missing = [name for name in expected.added_variables if name not in found]
    if missing:
        raise TfvarsAppendError(
            f"{path}: after the append, variables are missing: {', '.join(missing)}."
        )
