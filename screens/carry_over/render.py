"""What the Carry-over step shows: one coloured row per operation, its detail, the summary."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content

from tui.core.tofu.carry_over.model import CarryOperation, CarryOverPreview, CarryStatus
from tui.core.tofu.carry_over.preview import unified_diff
from tui.screens.releases.panel import diff_text

STATUS_STYLE = {
    CarryStatus.COPY: "bold $success",
    CarryStatus.OVERWRITE: "bold $warning",
    CarryStatus.IDENTICAL: "dim",
    CarryStatus.SKIPPED: "dim",
    CarryStatus.MISSING: "bold $error",
    CarryStatus.REFUSED: "bold $error",
    CarryStatus.APPEND: "bold $success",
    CarryStatus.PRESENT: "dim",
    CarryStatus.ACTIVATE: "bold $success",
    CarryStatus.ACTIVE: "dim",
}
OPTION_TEXT = {"local": "Option A (local state)", "remote": "Option B.2 (state in S3)"}


STATUS_WIDTH = 10
FILE_MIN = 16
REASON_MIN = 24
CELL_PADDING = 2  # the table pads each column one column each side
SCROLLBAR = 2


def columns_for(width: int, file: int, sha: int, reason: int) -> list[tuple[str, int]]:
    """The table's columns and widths for a table ``width`` wide, given the longest
    file name, checksum cell and reason.

    Every column keeps a readable minimum and long text wraps (a taller row, never a
    one-column one); the checksums go first when room is short (the detail pane below
    shows them in full).
    """
    usable = width - SCROLLBAR - STATUS_WIDTH - CELL_PADDING * 3
    with_sha = usable - sha - CELL_PADDING - FILE_MIN >= REASON_MIN
    rest = usable - ((sha + CELL_PADDING) if with_sha else 0)
    # The file gets at most half: a reason cut into many lines reads worse than a path.
    file_width = max(FILE_MIN, min(file, rest - min(REASON_MIN, reason), rest // 2))
    reason_width = max(REASON_MIN, rest - file_width)
    columns = [("status", STATUS_WIDTH), ("file", file_width)]
    if with_sha:
        columns.append(("sha256", sha))
    columns.append(("what happens", reason_width))
    return columns


def apply_question(preview: CarryOverPreview) -> tuple[str, str]:
    """The confirmation before writing: what will be written where, backups first."""
    changes = preview.changes
    lines = [
        f"{op.status.value:<9} {op.name}"
        + (f" (backup {relative(op.backup, preview)} first)" if op.backup is not None else "")
        for op in changes
    ]
    body = (
        f"{len(changes)} file operation(s) in {preview.destination_dir}:\n"
        + "\n".join(lines)
        + "\n\nEach is journaled with its sha256; a second preview then checks the result."
    )
    return "Apply the carry-over?", body


def status_cell(op: CarryOperation) -> Content:
    """``copy``, ``overwrite``… in colour; a blocking row reads ``blocked``."""
    label = f"✖ blocked ({op.status.value})" if op.status.blocks else op.status.value
    return Content.styled(label, STATUS_STYLE[op.status])


def short_sha(sha: str | None) -> str:
    return f"{sha[:12]}…" if sha else "—"


def checksum_cell(op: CarryOperation) -> str:
    """The checksum that matters for the row: what will be written, or what is there."""
    if op.status is CarryStatus.OVERWRITE:
        return f"{short_sha(op.destination_sha256)} → {short_sha(op.source_sha256)}"
    if op.status in (CarryStatus.COPY, CarryStatus.IDENTICAL, CarryStatus.ACTIVATE):
        return short_sha(op.source_sha256)
    if op.status in (CarryStatus.APPEND, CarryStatus.PRESENT):
        return short_sha(op.destination_sha256)
    return "—"


def relative(path: Path | None, preview: CarryOverPreview) -> str:
    """A path as ``previous/…`` or ``current/…``: short, and the same on every machine."""
    if path is None:
        return "—"
    for label, base in (("previous", preview.source_dir), ("current", preview.destination_dir)):
        if path.is_relative_to(base):
            return f"{label}/{path.relative_to(base)}"
    return str(path)


def detail_text(op: CarryOperation, preview: CarryOverPreview) -> Content:
    """The highlighted operation in full: what, from where to where, checksums, diff."""
    text = Content()
    text = text.append_text(f"{op.action} {op.name}: ", "bold")
    text = text.append(status_cell(op))
    text = text.append_text(f"\n{op.reason}")
    if op.source is not None:
        text = text.append_text(f"\nfrom   {relative(op.source, preview)}")
    text = text.append_text(f"\nto     {relative(op.destination, preview)}")
    if op.source_sha256:
        text = text.append_text(f"\nsha256 {op.source_sha256} (source)", "dim")
    if op.destination_sha256:
        text = text.append_text(f"\nsha256 {op.destination_sha256} (destination now)", "dim")
    if op.backup is not None:
        text = text.append_text(f"\nbackup {relative(op.backup, preview)} (written first)")
    if op.status in (CarryStatus.OVERWRITE, CarryStatus.APPEND):
        diff = unified_diff(op, preview).replace(str(preview.destination_dir) + "/", "current/")
        text = text.append_text("\n\n")
        text = text.append(diff_text(diff))
    return text


def summary_text(preview: CarryOverPreview) -> Content:
    """Counts, and either what blocks or what pressing apply will do."""
    text = Content.styled(f"{OPTION_TEXT.get(preview.option, preview.option)}: ", "bold")
    changes = preview.changes
    if preview.blocked:
        text = text.append_text(
            f"{len(preview.blockers)} operation(s) block the carry-over — ", "bold $error"
        )
        text = text.append_text(
            "; ".join(f"{op.name}: {op.reason}" for op in preview.blockers), "$error"
        )
        return text
    if not changes:
        text = text.append_text(
            "everything is carried over and verified (nothing left to write).", "$success"
        )
        return text.append_text(" Next: F3.", "bold")
    counts: dict[str, int] = {}
    for op in changes:
        counts[op.status.value] = counts.get(op.status.value, 0) + 1
    text = text.append_text(", ".join(f"{n} {what}" for what, n in counts.items()))
    text = text.append_text(" — press a to apply (backups first, checksums verified).")
    return text
