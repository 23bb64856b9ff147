"""Carry-over preview: what copying the customer's files into the new release would do.

One row per playbook file (Option A ``carry_over_local`` or B.2 ``carry_over_remote``),
plus the tfvars block and the parked-file activation. Nothing is written here;
``carry_over_apply`` performs a preview after the operator has seen it. The
preview's rows and statuses are defined in carry_over_model.

State guard (safety rule 2): a state is never copied over a destination state of
another lineage, a higher serial, or the same serial with other content, nor over a
destination that cannot be read as a state. A file that cannot be read at either end
(a directory, no permission) is a refused row, never "absent".
"""

from __future__ import annotations

import difflib
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.files import free_backup_name, sha256_bytes
from tui.core.playbook.load import CarryFile, Playbook
from tui.core.tofu.carry_over.model import (
    BACKUP_SUFFIX,
    CarryOperation,
    CarryOverError,
    CarryOverPreview,
    CarryStatus,
)
from tui.core.tofu.carry_over.tfvars_block import (
    TfvarsAppend,
    marker_variables,
    plan_append,
    variables,
)
from tui.core.tofu.parked_file import half_renamed
from tui.core.tofu.statefile import parse_state

MAX_DIFF_BYTES = 2 << 20  # larger files are summarised, not diffed line by line


def _read(path: Path) -> bytes | None:
    """The file's bytes, None when absent; unreadable files raise CarryOverError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise CarryOverError(f"{path} is a directory, expected a file.") from exc
    except OSError as exc:
        raise CarryOverError(f"Cannot read {path}: {exc.strerror or exc}.") from exc


def _state_guard(src: bytes, dst: bytes, item: CarryFile, source: Path, dest: Path) -> str | None:
    """Why ``src`` must not replace ``dst`` (None when it may)."""
    try:
        incoming = parse_state(src, str(source))
        current = parse_state(dst, str(dest))
    except MocmError as exc:
        return f"cannot compare the states: {exc.message}"
    if incoming.lineage != current.lineage:
        return (
            f"the destination {item.file} belongs to another state history "
            f"(lineage {current.lineage} ≠ {incoming.lineage}); copying would replace it"
        )
    if current.serial > incoming.serial:
        return (
            f"the destination {item.file} is newer (serial {current.serial} > "
            f"{incoming.serial}); copying would lose its changes"
        )
    if current.serial == incoming.serial and current.content_sha256 != incoming.content_sha256:
        return (
            f"the destination {item.file} has the same serial {current.serial} but other "
            "resources or outputs: one of the two changed without a new serial; "
            "copying could lose its changes"
        )
    return None


def _tfvars_equivalent(src: bytes, dst: bytes, dest: Path, prefix: str) -> bool:
    """The destination holds the source's variables plus its own marker block (done before)."""
    try:
        have, want = variables(dst, dest), variables(src, dest)
    except MocmError:
        return False
    if not marker_variables(have, prefix):
        return False
    return {k: v for k, v in have.items() if not k.startswith(prefix)} == want


def _copy_row(item: CarryFile, source: Path, dest: Path, prefix: str) -> CarryOperation:
    try:
        src, dst = _read(source), _read(dest)
    except CarryOverError as exc:
        return CarryOperation(
            "copy", item.file, CarryStatus.REFUSED, dest, exc.message, source, kind=item.kind
        )
    src_sha = None if src is None else sha256_bytes(src)
    dst_sha = None if dst is None else sha256_bytes(dst)
    backup: Path | None = None
    if src is None:
        status = CarryStatus.MISSING if item.required else CarryStatus.SKIPPED
        reason = (
            f"required, but not in {source.parent}"
            if item.required
            else "optional, absent in the previous release"
        )
    elif item.kind == "state" and (broken := _unreadable_state(src, source)):
        status, reason = CarryStatus.REFUSED, broken
    elif dst is None:
        status, reason = CarryStatus.COPY, "new in the current release"
    elif dst == src:
        status, reason = CarryStatus.IDENTICAL, "already identical"
    elif item.kind == "tfvars" and _tfvars_equivalent(src, dst, dest, prefix):
        status, reason = CarryStatus.IDENTICAL, "already carried over, with its block"
    elif item.kind == "state" and (refusal := _state_guard(src, dst, item, source, dest)):
        status, reason = CarryStatus.REFUSED, refusal
    else:
        backup = free_backup_name(dest, BACKUP_SUFFIX)
        status, reason = (
            CarryStatus.OVERWRITE,
            f"differs: backed up as {backup.name}, then replaced",
        )
    return CarryOperation(
        "copy", item.file, status, dest, reason, source, src_sha, dst_sha, backup, item.kind
    )


def _unreadable_state(data: bytes, path: Path) -> str | None:
    try:
        parse_state(data, str(path))
    except MocmError as exc:
        return f"not a readable state: {exc.message}"
    return None


def _append_row(
    copy: CarryOperation | None, dest: Path, playbook: Playbook
) -> tuple[CarryOperation, TfvarsAppend | None]:
    """The tfvars block, decided on the bytes the destination will hold after the copy."""
    name = f"{dest.name} (+ {playbook.tfvars_marker_prefix}* block)"
    base_path = dest
    if copy is not None and copy.status in (CarryStatus.COPY, CarryStatus.OVERWRITE):
        assert copy.source is not None
        base_path = copy.source
    if copy is not None and copy.status.blocks:
        return CarryOperation(
            "append", name, CarryStatus.SKIPPED, dest, f"waits for {dest.name}"
        ), None
    try:
        base = _read(base_path)
    except CarryOverError as exc:
        return CarryOperation("append", name, CarryStatus.REFUSED, dest, exc.message), None
    if base is None:
        return CarryOperation(
            "append", name, CarryStatus.SKIPPED, dest, f"no {dest.name} to append to"
        ), None
    try:
        decision = plan_append(base, base_path, playbook)
    except MocmError as exc:
        return CarryOperation("append", name, CarryStatus.REFUSED, dest, exc.message), None
    sha = sha256_bytes(base)
    if not decision.needed:
        found = ", ".join(decision.existing_markers)
        return CarryOperation(
            "append",
            name,
            CarryStatus.PRESENT,
            dest,
            f"already has {found}",
            destination_sha256=sha,
        ), decision
    backup = free_backup_name(dest, BACKUP_SUFFIX + "-append")
    added = len(decision.added_variables)
    return CarryOperation(
        "append",
        name,
        CarryStatus.APPEND,
        dest,
        f"{added} variables appended; backed up as {backup.name} first",
        destination_sha256=sha,
        backup=backup,
    ), decision


def _activate_row(directory: Path, playbook: Playbook) -> CarryOperation:
    parked, active = directory / playbook.parked_name, directory / playbook.active_name
    name = f"{playbook.parked_name} → {playbook.active_name}"
    if half_renamed(parked, active):
        return CarryOperation(
            "activate",
            name,
            CarryStatus.ACTIVATE,
            active,
            "an interrupted rename: both names are one file; the parked name is removed",
            parked,
            sha256_bytes(active.read_bytes()),
        )
    if parked.is_file() and active.is_file():
        return CarryOperation(
            "activate",
            name,
            CarryStatus.REFUSED,
            active,
            "both names exist: remove the stale copy by hand",
        )
    if active.is_file():
        return CarryOperation("activate", name, CarryStatus.ACTIVE, active, "already active")
    if not parked.is_file():
        return CarryOperation(
            "activate",
            name,
            CarryStatus.REFUSED,
            active,
            f"neither {parked.name} nor {active.name} exists",
        )
    return CarryOperation(
        "activate",
        name,
        CarryStatus.ACTIVATE,
        active,
        "renamed so the old cache keeps running in parallel",
        parked,
        sha256_bytes(parked.read_bytes()),
    )


def preview_carry_over(
    source_dir: Path, destination_dir: Path, playbook: Playbook, *, remote: bool
) -> CarryOverPreview:
    """The operations of Option A (``remote=False``) or B.2 (``remote=True``), nothing written."""
    for where in (source_dir, destination_dir):
        if not where.is_dir():
            raise CarryOverError(
                f"{where} is not a directory.", "Choose the releases' terraform/aws directories."
            )
    files = playbook.carry_over_remote if remote else playbook.carry_over_local
    prefix = playbook.tfvars_marker_prefix
    rows = [
        _copy_row(item, source_dir / item.file, destination_dir / item.file, prefix)
        for item in files
    ]
    tfvars_name = next((i.file for i in files if i.kind == "tfvars"), playbook.tfvars_file)
    tfvars_copy = next((r for r in rows if r.name == tfvars_name), None)
    append, decision = _append_row(tfvars_copy, destination_dir / tfvars_name, playbook)
    rows.append(append)
    rows.append(_activate_row(destination_dir, playbook))
    return CarryOverPreview(
        "remote" if remote else "local", source_dir, destination_dir, tuple(rows), decision
    )


def unified_diff(op: CarryOperation, preview: CarryOverPreview, context: int = 3) -> str:
    """The change an operation makes, as a unified diff (current → after)."""
    if op.action == "append" and preview.tfvars_append and preview.tfvars_append.new_bytes:
        before, after = preview.tfvars_append.original, preview.tfvars_append.new_bytes
    elif op.action == "copy" and op.source is not None:
        try:
            before, after = _read(op.destination) or b"", _read(op.source) or b""
        except CarryOverError as exc:
            return f"({exc.message})"
    else:
        return ""
    if max(len(before), len(after)) > MAX_DIFF_BYTES or b"\0" in before + after:
        old, new = sha256_bytes(before)[:12], sha256_bytes(after)[:12]
        return f"(binary or large file: sha256 {old} → {new})"
    lines = difflib.unified_diff(
        before.decode("utf-8", "replace").splitlines(keepends=True),
        after.decode("utf-8", "replace").splitlines(keepends=True),
        f"{op.destination} (now)",
        f"{op.destination} (after)",
        n=context,
    )
    return "".join(lines)
