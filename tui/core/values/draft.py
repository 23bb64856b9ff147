"""Unsaved values edits kept as a draft beside the journal, so that no edit is lost.

After every operation the editor's unsaved work is written (atomically, mode 0600: an
edit may hold a password) to ``.mocm-upgrade/values-draft.json`` as the list of
operations since the file was opened or saved, with the checksums of the two files
they apply to. Nothing unsaved: the draft is removed. On the next start the draft is
offered back; it is replayed only on the very files it was made on (same previous
values, same working copy, same placeholder pattern): otherwise it is set aside with
the reason, never applied blindly. A draft that cannot be read is set aside too.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from tui.core.files import SECRET_FILE, atomic_write, free_backup_name

DRAFT_NAME = "values-draft.json"
DRAFT_VERSION = 1
MAX_DRAFT_BYTES = 4 * 1024 * 1024  # a draft is a few KB; anything larger is not ours


class OperationKind(StrEnum):
    """One operator operation on the values merge (undo and redo are not operations)."""

    PORT = "port"
    PORT_SUBTREE = "port-subtree"
    EDIT = "edit"
    KEEP = "keep"
    CARRY = "carry"
    DROP = "drop"
    DROP_UNDECIDED = "drop-undecided"
    AUTO_FILL = "auto-fill"
    IMAGE_TAG = "image-tag"


@dataclass(frozen=True)
class KnownEntry:
    """A value auto-fill took from a source the wizard reads (tfvars, the Valkey secret)."""

    source: str
    value: str | int
    origin: str


@dataclass(frozen=True)
class Operation:
    """What the operator asked for, replayable on the same files."""

    kind: OperationKind
    label: str = ""  # the row; the image tag's key for IMAGE_TAG
    text: str = ""  # what was typed (EDIT); the build (IMAGE_TAG)
    labels: tuple[str, ...] = ()  # DROP_UNDECIDED
    known: tuple[KnownEntry, ...] = ()  # AUTO_FILL
    secret: bool = False  # EDIT of a secret-looking row: the text is never described

    def describe(self) -> str:
        """The operation in words, without any value (safe for the screen and the journal)."""
        if self.kind == OperationKind.DROP_UNDECIDED:
            return f"drop {len(self.labels)} undecided: {', '.join(self.labels)}"
        if self.kind == OperationKind.AUTO_FILL:
            known = f" (with {len(self.known)} value(s) the wizard read)" if self.known else ""
            return f"auto-fill{known}"
        if self.kind == OperationKind.IMAGE_TAG:
            return f"set {self.label} to {self.text}"
        return f"{self.kind.value} {self.label}"


@dataclass(frozen=True)
class DraftBase:
    """The files a draft applies to: its operations replay exactly only on these."""

    previous_sha256: str
    working: str  # the working copy's path
    working_sha256: str
    placeholder_pattern: str

    def mismatch(self, other: DraftBase) -> str | None:
        """Why a draft made on ``self`` cannot be replayed on ``other``; None when it can."""
        if self.working != other.working:
            return f"it was made on {self.working}, the editor opens {other.working}"
        if self.working_sha256 != other.working_sha256:
            name = Path(self.working).name
            return f"{name} changed since{_shas(self.working_sha256, other.working_sha256)}"
        if self.previous_sha256 != other.previous_sha256:
            shas = _shas(self.previous_sha256, other.previous_sha256)
            return f"the previous values file changed since{shas}"
        if self.placeholder_pattern != other.placeholder_pattern:
            return "the playbook's placeholder pattern changed since"
        return None


def _shas(before: str, after: str) -> str:
    return f" (sha256 {before[:12]} → {after[:12]})"


@dataclass(frozen=True)
class Draft:
    """The unsaved work: operations applied (in order), then those undone (redo order)."""

    base: DraftBase
    applied: tuple[Operation, ...]
    undone: tuple[Operation, ...] = ()
    written_at: str = ""

    def describe(self) -> list[str]:
        return [op.describe() for op in self.applied]


@dataclass(frozen=True)
class DraftFound:
    """A draft on disk that replays on the files just opened."""

    draft: Draft


@dataclass(frozen=True)
class DraftStale:
    """A draft on disk that does not apply (anymore): why, and what it held."""

    path: Path
    reason: str
    draft: Draft | None = None  # None: it could not be read at all


DraftCheck = DraftFound | DraftStale


class DraftUnreadable(ValueError):
    """The draft file is not a draft this version wrote (the message says what is wrong)."""


# -- JSON ------------------------------------------------------------------------------------


def draft_to_json(draft: Draft) -> dict[str, Any]:
    return {
        "version": DRAFT_VERSION,
        "written_at": draft.written_at,
        "base": {
            "previous_sha256": draft.base.previous_sha256,
            "working": draft.base.working,
            "working_sha256": draft.base.working_sha256,
            "placeholder_pattern": draft.base.placeholder_pattern,
        },
        "applied": [_operation_to_json(op) for op in draft.applied],
        "undone": [_operation_to_json(op) for op in draft.undone],
    }


def _operation_to_json(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": op.kind.value}
    if op.label:
        out["label"] = op.label
    if op.text:
        out["text"] = op.text
    if op.labels:
        out["labels"] = list(op.labels)
    if op.known:
        out["known"] = [[k.source, k.value, k.origin] for k in op.known]
    if op.secret:
        out["secret"] = True
    return out


def draft_from_json(data: object) -> Draft:
    """A draft from its JSON, checked field by field (DraftUnreadable says what is wrong)."""
    obj = _mapping(data, "the draft")
    version = obj.get("version")
    if version != DRAFT_VERSION:
        raise DraftUnreadable(f"it is version {version!r}; this wizard reads {DRAFT_VERSION}")
    base = _mapping(obj.get("base"), "base")
    return Draft(
        base=DraftBase(
            previous_sha256=_text(base, "previous_sha256"),
            working=_text(base, "working"),
            working_sha256=_text(base, "working_sha256"),
            placeholder_pattern=_text(base, "placeholder_pattern"),
        ),
        applied=tuple(_operation(item) for item in _list(obj.get("applied"), "applied")),
        undone=tuple(_operation(item) for item in _list(obj.get("undone", []), "undone")),
        written_at=_text(obj, "written_at", ""),
    )


def _operation(data: object) -> Operation:
    obj = _mapping(data, "an operation")
    try:
        kind = OperationKind(str(obj.get("kind")))
    except ValueError as exc:
        raise DraftUnreadable(f"unknown operation {obj.get('kind')!r}") from exc
    known = []
    for entry in _list(obj.get("known", []), "known"):
        if (
            not isinstance(entry, list)
            or len(entry) != 3
            or not isinstance(entry[0], str)
            or not isinstance(entry[1], str | int)
            or isinstance(entry[1], bool)
            or not isinstance(entry[2], str)
        ):
            raise DraftUnreadable("a known value is not [source, value, origin]")
        known.append(KnownEntry(entry[0], entry[1], entry[2]))
    labels = _list(obj.get("labels", []), "labels")
    if not all(isinstance(label, str) for label in labels):
        raise DraftUnreadable("labels must be text")
    secret = obj.get("secret", False)
    if not isinstance(secret, bool):
        raise DraftUnreadable("secret must be true or false")
    return Operation(
        kind,
        _text(obj, "label", ""),
        _text(obj, "text", ""),
        tuple(str(label) for label in labels),
        tuple(known),
        secret,
    )


def _mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise DraftUnreadable(f"{what} is not a JSON object")
    return data


def _list(data: object, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise DraftUnreadable(f"{what} is not a list")
    return data


def _text(obj: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = obj.get(key, default)
    if not isinstance(value, str):
        raise DraftUnreadable(f"{key} is missing or not text")
    return value


# -- the file ----------------------------------------------------------------------------------


@dataclass
class DraftStore:
    """The draft file of one release (``<release>/.mocm-upgrade/values-draft.json``).

    ``keep`` is safe from any thread: writes are serialised and a write older than the
    last one kept is skipped, so the file always ends with the newest unsaved work.
    """

    path: Path
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _kept: int = field(default=0, repr=False)
    _issued: int = field(default=0, repr=False)

    @classmethod
    def beside(cls, work_dir: Path) -> DraftStore:
        return cls(work_dir / DRAFT_NAME)

    def ticket(self) -> int:
        """A number for the next ``keep`` (take it on the thread that changed the merge)."""
        with self._lock:
            self._issued += 1
            return self._issued

    def keep(self, ticket: int, draft: Draft | None) -> bool:
        """Write ``draft`` (None: remove the file) unless a newer ticket was kept already."""
        with self._lock:
            if ticket <= self._kept:
                return False
            self._kept = ticket
            if draft is None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
                return True
            data = json.dumps(draft_to_json(draft), ensure_ascii=False, indent=1) + "\n"
            atomic_write(self.path, data.encode("utf-8"), SECRET_FILE)
            return True

    def remove(self) -> None:
        """Drop the draft now (and any write still to come from an older ticket)."""
        self.keep(self.ticket(), None)

    def check(self, base: DraftBase) -> DraftCheck | None:
        """The draft on disk against the files just opened; None when there is none."""
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_DRAFT_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return DraftStale(self.path, f"it cannot be read: {exc.strerror or exc}")
        try:
            if len(raw) > MAX_DRAFT_BYTES:
                raise DraftUnreadable(f"it is larger than {MAX_DRAFT_BYTES // 1048576} MiB")
            try:
                data = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise DraftUnreadable(f"it is not JSON ({exc})") from exc
            draft = draft_from_json(data)
        except DraftUnreadable as exc:
            return DraftStale(self.path, f"it cannot be read: {exc}")
        reason = draft.base.mismatch(base)
        if reason is not None:
            return DraftStale(self.path, reason, draft)
        return DraftFound(draft)

    def set_aside(self) -> Path:
        """Move the draft out of the way (kept for the operator to read); its new path."""
        with self._lock:
            aside = free_backup_name(self.path, ".stale")
            os.replace(self.path, aside)
            self._kept = self._issued  # nothing older may write over what was set aside
            return aside


def replay_order(draft: Draft) -> Sequence[Operation]:
    """Every operation to apply: the applied ones, then the undone ones (undone again after)."""
    return (*draft.applied, *reversed(draft.undone))
