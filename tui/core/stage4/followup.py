"""Follow-up check: is a resource still referenced by any other block of the release?

Every ``*.tf`` is parsed with python-hcl2; references are looked for inside
expressions (``${…}``) only, so comments and literal text never count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import MocmError
from tui.core.stage4.targets import parse_hcl_file

# Block types whose labels form an address, and the address prefix they use.
_LABELLED = {
    "resource": "",
    "data": "data.",
    "module": "module.",
    "output": "output.",
    "variable": "var.",
    "provider": "provider.",
}
# The other way round: an address's first part ("var") → its block type ("variable").
_KIND_OF_PREFIX = {prefix.removesuffix("."): kind for kind, prefix in _LABELLED.items() if prefix}


@dataclass(frozen=True)
class Referrer:
    """A block that references the resource."""

    address: str  # e.g. aws_elasticache_cluster.elasticache, local.sg_ids, output.x
    file: str  # file name inside the terraform directory
    line: int | None  # first line of that file naming the resource in code


@dataclass(frozen=True)
class FollowUpCheck:
    """Whether ``resource`` can be removed in a follow-up change."""

    resource: str
    defined_in: tuple[str, ...]  # files that define it (normally the playbook's one)
    referrers: tuple[Referrer, ...]
    files_parsed: int

    @property
    def safe_to_remove(self) -> bool:
        """True when no other block references the resource."""
        return not self.referrers

    @property
    def summary(self) -> str:
        """The sentence the operator reads."""
        if self.safe_to_remove:
            return f"{self.resource}: safe to remove in a follow-up change"
        named = ", ".join(f"{r.address} ({r.file})" for r in self.referrers)
        return f"{self.resource}: still referenced by {named}"


def _expressions(text: str) -> Iterator[str]:
    """The contents of each ``${…}`` in a serialized value (nesting respected)."""
    index = 0
    while (start := text.find("${", index)) != -1:
        if start > 0 and text[start - 1] == "$":  # $${ is an escaped literal
            index = start + 2
            continue
        depth, cursor = 1, start + 2
        while cursor < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[cursor], 0)
            cursor += 1
        yield text[start + 2 : cursor - 1]
        index = cursor


def _mentions(value: Any, pattern: re.Pattern[str]) -> bool:
    if isinstance(value, str):
        return any(pattern.search(expr) for expr in _expressions(value))
    if isinstance(value, dict):
        return any(_mentions(v, pattern) for k, v in value.items() if not str(k).startswith("__"))
    if isinstance(value, list):
        return any(_mentions(item, pattern) for item in value)
    return False


def _blocks(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(address, body) of every top-level block or local of a parsed file."""
    for kind, entries in document.items():
        for entry in entries if isinstance(entries, list) else [entries]:
            if not isinstance(entry, dict):
                continue
            if kind == "locals":
                for key, value in entry.items():
                    if not key.startswith("__"):
                        yield f"local.{key}", value
            elif kind == "resource" or kind == "data":
                for rtype, named in entry.items():
                    for name, body in named.items() if isinstance(named, dict) else []:
                        yield f"{_LABELLED[kind]}{rtype}.{name}", body
            elif kind in _LABELLED:
                for name, body in entry.items():
                    yield f"{_LABELLED[kind]}{name}", body
            else:  # terraform, moved, import, check… blocks have no label of their own
                yield kind, entry


def _header(address: str) -> re.Pattern[str]:
    """A regex for the first line of the block (or local) behind an address."""
    parts = address.split(".")
    if parts[0] == "local":
        return re.compile(rf"^\s*{re.escape(parts[1])}\s*=")
    kind = _KIND_OF_PREFIX.get(parts[0], "resource")
    labels = parts if kind == "resource" else parts[1:]
    quoted = r"\s+".join(rf'"?{re.escape(label)}"?' for label in labels)
    return re.compile(rf"^\s*{kind}\s+{quoted}")


def _line_of(lines: list[str], address: str, pattern: re.Pattern[str]) -> int | None:
    """First code line naming the resource at or after the referrer's header."""
    header = _header(address)
    start = next((i for i, line in enumerate(lines) if header.search(line)), 0)
    for number in range(start, len(lines)):
        code = lines[number].split("#", 1)[0].split("//", 1)[0]
        if pattern.search(code):
            return number + 1
    return None


def check_follow_up(terraform_dir: Path, resource: str) -> FollowUpCheck:
    """Parse every ``*.tf`` and list the blocks, other than its own, referencing ``resource``."""
    if not terraform_dir.is_dir():
        raise MocmError(f"{terraform_dir} is not a directory")
    pattern = re.compile(rf"(?<![\w.-]){re.escape(resource)}(?![\w-])")
    referrers: list[Referrer] = []
    defined: list[str] = []
    files = sorted(terraform_dir.glob("*.tf"))
    for path in files:
        lines: list[str] | None = None
        for address, body in _blocks(parse_hcl_file(path)):
            if address == resource:
                defined.append(path.name)
            elif _mentions(body, pattern):
                lines = lines or path.read_text(encoding="utf-8").splitlines()
                referrers.append(Referrer(address, path.name, _line_of(lines, address, pattern)))
    return FollowUpCheck(resource, tuple(defined), tuple(referrers), len(files))
