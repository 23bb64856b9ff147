"""The carry-over preview as data: each operation, its status, and the whole preview.

``carry_over`` builds a ``CarryOverPreview``; ``carry_over_apply`` performs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.tofu.carry_over.tfvars_block import TfvarsAppend

BACKUP_SUFFIX = ".pre-carry-over"


class CarryStatus(StrEnum):
    """What one operation of the preview will do (or why it cannot)."""

    COPY = "copy"  # destination absent
    OVERWRITE = "overwrite"  # destination differs: backed up, then replaced
    IDENTICAL = "identical"  # nothing to do
    SKIPPED = "skipped"  # optional file absent at the source
    MISSING = "missing"  # required file absent at the source: blocks
    REFUSED = "refused"  # unsafe or unreadable: blocks
    APPEND = "append"  # tfvars block to append
    PRESENT = "present"  # tfvars block already there
    ACTIVATE = "activate"  # parked file to rename to its active name
    ACTIVE = "active"  # already active

    @property
    def changes(self) -> bool:
        """True when applying this operation writes something."""
        return self in (
            CarryStatus.COPY,
            CarryStatus.OVERWRITE,
            CarryStatus.APPEND,
            CarryStatus.ACTIVATE,
        )

    @property
    def blocks(self) -> bool:
        """True when this operation stops the whole carry-over."""
        return self in (CarryStatus.MISSING, CarryStatus.REFUSED)


@dataclass(frozen=True)
class CarryOperation:
    """One row of the preview. ``action`` is ``copy``, ``append`` or ``activate``."""

    action: str
    name: str
    status: CarryStatus
    destination: Path
    reason: str
    source: Path | None = None
    source_sha256: str | None = None
    destination_sha256: str | None = None
    backup: Path | None = None  # planned backup name, when something is overwritten
    kind: str = "plain"


@dataclass(frozen=True)
class CarryOverPreview:
    """Every operation, in the order they are applied."""

    option: str  # "local" (Option A) or "remote" (Option B.2)
    source_dir: Path
    destination_dir: Path
    operations: tuple[CarryOperation, ...]
    tfvars_append: TfvarsAppend | None = None

    @property
    def blockers(self) -> tuple[CarryOperation, ...]:
        """Operations that stop the carry-over until fixed."""
        return tuple(op for op in self.operations if op.status.blocks)

    @property
    def blocked(self) -> bool:
        """True when anything blocks."""
        return bool(self.blockers)

    @property
    def changes(self) -> tuple[CarryOperation, ...]:
        """Operations that will write something."""
        return tuple(op for op in self.operations if op.status.changes)


class CarryOverError(MocmError):
    """The carry-over cannot be previewed or applied safely."""
