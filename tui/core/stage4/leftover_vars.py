"""After Stage 4: tfvars settings of variables that only the parked file declared.

Parking the ElastiCache file deactivates its ``variable`` blocks, but the customer's
terraform.tfvars still sets some of them (``elasticache_node_type = …``). OpenTofu then
warns "Value for undeclared variable" on every plan: harmless — the value is ignored —
but noise that hides real warnings. The wizard offers to comment those assignments
out: backup first, the new text verified by parsing (the other settings unchanged),
written atomically; or it says exactly what the warning means.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import MocmError, ParseError
from tui.core.files import atomic_copy, atomic_write, free_backup_name, sha256_file
from tui.core.journal.records import FileOp
from tui.core.playbook.load import Playbook
from tui.core.stage4.targets import parse_hcl_file, parse_hcl_text

STEP = "stage4"
BACKUP_SUFFIX = ".pre-stage4"
_ASSIGNMENT = re.compile(r"^\s*(?P<name>[A-Za-z_][A-Za-z0-9_-]*)\s*=(?!=)")
_HEREDOC = re.compile(r"<<-?\s*(?P<tag>[A-Za-z_][A-Za-z0-9_]*)\s*$")


class LeftoverEditRefused(MocmError):
    """The tfvars could not be edited safely; nothing was written."""


@dataclass(frozen=True)
class Assignment:
    """One top-level ``name = value`` of a tfvars file, lines 1-based and inclusive."""

    name: str
    first_line: int
    last_line: int


@dataclass(frozen=True)
class LeftoverVariables:
    """The tfvars assignments of variables declared only in the parked file."""

    tfvars: Path
    parked_file: str
    assignments: tuple[Assignment, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.assignments)

    @property
    def warning_meaning(self) -> str:
        """What OpenTofu's warning about them means, in plain words."""
        if not self.assignments:
            return f"{self.tfvars.name} sets no variable that only {self.parked_file} declared."
        names = ", ".join(self.names)
        return (
            f"{self.tfvars.name} still sets {names}, declared only in {self.parked_file}, "
            'which Stage 4 parked. OpenTofu warns "Value for undeclared variable" on every '
            "plan: the values are ignored and nothing is created or destroyed because of them. "
            "Commenting them out silences the warning; keep them if the file may be reactivated."
        )


@dataclass(frozen=True)
class CommentedOut:
    """What commenting out wrote: the backup first, then the edited tfvars."""

    backup: Path
    names: tuple[str, ...]
    file_ops: tuple[FileOp, ...]  # to journal, in order


def declared_variables(document: dict[str, Any]) -> set[str]:
    """Names of the ``variable`` blocks of a parsed .tf document."""
    names: set[str] = set()
    for block in document.get("variable") or []:
        if isinstance(block, dict):
            names.update(str(name).strip('"') for name in block)
    return names


def _line_end_state(line: str, depth: int) -> int:
    """The bracket depth after ``line`` (strings and comments skipped)."""
    quote = False
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "#" or line.startswith("//", index):
            break
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        index += 1
    return depth


def top_level_assignments(text: str) -> list[Assignment]:
    """Every top-level assignment with the lines it spans (heredocs and brackets followed)."""
    lines = text.splitlines()
    out: list[Assignment] = []
    index = 0
    while index < len(lines):
        found = _ASSIGNMENT.match(lines[index])
        if found is None:
            index += 1
            continue
        start, depth, heredoc = index, 0, None
        while True:
            line = lines[index]
            if heredoc is not None:
                if line.strip() == heredoc:
                    heredoc = None
            else:
                depth = _line_end_state(line, depth)
                tag = _HEREDOC.search(line)
                if tag:
                    heredoc = tag["tag"]
            if (depth <= 0 and heredoc is None) or index == len(lines) - 1:
                break
            index += 1
        out.append(Assignment(found["name"], start + 1, index + 1))
        index += 1
    return out


def find_leftover_variables(terraform_dir: Path, playbook: Playbook) -> LeftoverVariables:
    """Assignments in the tfvars of variables the parked file declares and no active file does."""
    parked = terraform_dir / playbook.parked_name
    tfvars = terraform_dir / playbook.tfvars_file
    if not parked.is_file():
        raise MocmError(
            f"{parked} does not exist: the ElastiCache file is not parked",
            "Park it first (Stage 4, section 5).",
        )
    only_parked = declared_variables(parse_hcl_file(parked))
    for active in sorted(terraform_dir.glob("*.tf")):
        only_parked -= declared_variables(parse_hcl_file(active))
    text = _read(tfvars)
    set_names = set(parse_hcl_text(text, str(tfvars)))
    assignments = tuple(
        a for a in top_level_assignments(text) if a.name in only_parked and a.name in set_names
    )
    return LeftoverVariables(tfvars, playbook.parked_name, assignments)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ParseError(str(path), "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(str(path), f"cannot be read: {exc}") from exc


def commented_text(text: str, assignments: Sequence[Assignment], note: str) -> str:
    """``text`` with each assignment's lines commented out under a one-line ``note``."""
    lines = text.splitlines(keepends=True)
    starts = {a.first_line: a for a in assignments}
    inside: set[int] = {n for a in assignments for n in range(a.first_line, a.last_line + 1)}
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number in starts:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# {note}\n")
        out.append(f"# {line}" if number in inside else line)
    return "".join(out)


def comment_out_leftovers(leftovers: LeftoverVariables, note: str) -> CommentedOut:
    """Back up the tfvars, then comment the leftover assignments out, verified by parsing.

    Nothing is written unless the new text parses to the same settings minus the
    commented ones; the backup never overwrites an earlier one.
    """
    path = leftovers.tfvars
    if not leftovers.assignments:
        raise LeftoverEditRefused(f"{path.name} sets no leftover variable: nothing to do")
    text = _read(path)
    current = {a.name: (a.first_line, a.last_line) for a in top_level_assignments(text)}
    stale = [
        a.name for a in leftovers.assignments if current.get(a.name) != (a.first_line, a.last_line)
    ]
    if stale:
        raise LeftoverEditRefused(
            f"{path.name} changed since it was read ({', '.join(stale)} moved)",
            "Look again (the list is read anew), then confirm.",
        )
    new_text = commented_text(text, leftovers.assignments, note)
    before = parse_hcl_text(text, str(path))
    after = parse_hcl_text(new_text, f"{path} (edited)")
    expected = {k: v for k, v in before.items() if k not in leftovers.names}
    if after != expected:
        raise LeftoverEditRefused(
            f"commenting out {', '.join(leftovers.names)} would change other settings of "
            f"{path.name}; nothing was written",
            "Comment them out by hand.",
        )
    backup = free_backup_name(path, BACKUP_SUFFIX)
    sha_before = sha256_file(path)
    try:
        atomic_copy(path, backup)
        sha_after = atomic_write(path, new_text.encode("utf-8"))
    except OSError as exc:
        raise LeftoverEditRefused(
            f"cannot write {path} or its backup: {exc.strerror or exc}", "Nothing was lost."
        ) from exc
    ops = (
        FileOp("backup", str(backup), sha_before, None, str(path), STEP),
        FileOp("write", str(path), sha_after, sha_before, None, STEP),
    )
    return CommentedOut(backup, leftovers.names, ops)
