"""Which OpenTofu backend the previous release uses, read from what is on disk.

* ``backend.tf`` with ``backend "s3"`` and no local state → B.2 (remote).
* a local ``terraform.tfstate`` and no ``backend.tf`` → A (local), B.1 offered.
* ``.terraform/terraform.tfstate`` (the backend cache, formats §3) tells what the
  directory was last initialised with; it turns contradictions into explanations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from tui.core.errors import ParseError
from tui.core.playbook.load import Playbook
from tui.core.tofu.statefile import StateFile, read_state
from tui.core.tofu.tfvars import parse_hcl, unquote

BACKEND_CACHE = Path(".terraform") / "terraform.tfstate"
REQUIRED_S3_KEYS = ("bucket", "key")


class BackendConfigError(ParseError):
    """A backend block is missing a required setting or is not an S3 backend."""


class BackendKind(StrEnum):
    """The situation the Backend step explains."""

    LOCAL = "A"  # local state, no backend.tf: Option A, with B.1 offered
    REMOTE = "B.2"  # backend.tf (s3) and no local state
    MIGRATION_PENDING = "B.1 pending"  # backend.tf written, local state not migrated yet
    CONTRADICTION = "contradiction"  # initialised with S3, yet a local state is there
    NO_STATE = "no state"


@dataclass(frozen=True)
class S3Backend:
    """The settings of a ``backend "s3"`` block (``settings`` holds every key as written)."""

    bucket: str
    key: str
    region: str | None
    dynamodb_table: str | None
    use_lockfile: bool
    encrypt: bool
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BackendCache:
    """``.terraform/terraform.tfstate``: the backend the directory was initialised with."""

    type: str
    config: Mapping[str, Any]

    def same_place(self, backend: S3Backend) -> bool:
        """True when the cache points at the same bucket and key as ``backend``."""
        return (
            self.type == "s3"
            and self.config.get("bucket") == backend.bucket
            and self.config.get("key") == backend.key
        )


@dataclass(frozen=True)
class BackendSituation:
    """What the previous release holds, and the sentences that explain it."""

    kind: BackendKind
    terraform_dir: Path
    backend: S3Backend | None
    local_state: StateFile | None
    cache: BackendCache | None
    explanation: tuple[str, ...]
    offers_b1: bool = False

    @property
    def option(self) -> str:
        """``A`` or ``B.2`` for the carry-over (``""`` while undecided)."""
        return {BackendKind.LOCAL: "A", BackendKind.REMOTE: "B.2"}.get(self.kind, "")


def _label(raw: str) -> str:
    return str(unquote(raw))


def parse_backend_text(text: str, path: Path) -> tuple[str, dict[str, Any]] | None:
    """The first ``backend "<type>" {…}`` of a terraform block: (type, settings), or None."""
    data = parse_hcl(text, path)
    for block in data.get("terraform") or []:
        if not isinstance(block, dict):
            continue
        for backend in block.get("backend") or []:
            if not isinstance(backend, dict):
                continue
            for label, body in backend.items():
                settings = {
                    k: unquote(v)
                    for k, v in (body or {}).items()
                    if isinstance(k, str) and not k.startswith("__")
                }
                return _label(label), settings
    return None


def s3_backend_from(settings: Mapping[str, Any], path: Path) -> S3Backend:
    """Typed S3 settings; a missing ``bucket`` or ``key`` names the file and the key."""
    for key in REQUIRED_S3_KEYS:
        value = settings.get(key)
        if not isinstance(value, str) or not value.strip():
            raise BackendConfigError(
                str(path), f"the backend \"s3\" block has no '{key}' (it is required)"
            )
    region = settings.get("region")
    table = settings.get("dynamodb_table")
    return S3Backend(
        bucket=str(settings["bucket"]),
        key=str(settings["key"]),
        region=str(region) if isinstance(region, str) and region else None,
        dynamodb_table=str(table) if isinstance(table, str) and table else None,
        use_lockfile=settings.get("use_lockfile") is True,
        encrypt=settings.get("encrypt") is True,
        settings=dict(settings),
    )


def read_backend_file(path: Path) -> S3Backend:
    """Parse ``backend.tf``; not S3, no backend block or a missing key is a BackendConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ParseError(str(path), "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(str(path), f"cannot be read ({exc})") from exc
    found = parse_backend_text(text, path)
    if found is None:
        raise BackendConfigError(str(path), 'has no terraform { backend "s3" { … } } block')
    kind, settings = found
    if kind != "s3":
        raise BackendConfigError(
            str(path), f'declares a "{kind}" backend; the wizard handles "s3" and local state'
        )
    return s3_backend_from(settings, path)


def read_backend_cache(terraform_dir: Path) -> BackendCache | None:
    """The backend cache, or None when the directory was never initialised (or it is unreadable)."""
    path = terraform_dir / BACKEND_CACHE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # no cache only means "not initialised": detection goes on without it
    backend = raw.get("backend") if isinstance(raw, dict) else None
    if not isinstance(backend, dict) or not isinstance(backend.get("type"), str):
        return None
    config = backend.get("config")
    return BackendCache(backend["type"], config if isinstance(config, dict) else {})


def detect_backend(terraform_dir: Path, playbook: Playbook) -> BackendSituation:
    """Read backend.tf, the local state and the backend cache; explain what they say together."""
    backend_path = terraform_dir / playbook.backend_file
    state_path = terraform_dir / playbook.state_file
    backend = read_backend_file(backend_path) if backend_path.exists() else None
    state = read_state(state_path) if state_path.exists() else None
    cache = read_backend_cache(terraform_dir)
    where = f"s3://{backend.bucket}/{backend.key}" if backend else ""
    said: list[str] = []
    if backend is not None and state is None:
        kind = BackendKind.REMOTE
        said.append(f"{backend_path.name} keeps the state in S3 at {where} (Option B.2).")
        if cache is not None and not cache.same_place(backend):
            said.append(
                f"The directory was last initialised with a {cache.type} backend elsewhere; "
                "`tofu init` will ask to reconfigure."
            )
        if (terraform_dir / playbook.state_migrated).exists():
            said.append(f"The local state was migrated earlier ({playbook.state_migrated} kept).")
    elif backend is None and state is not None:
        kind = BackendKind.LOCAL
        said.append(
            f"The state is local: {state_path.name} (serial {state.serial}), no "
            f"{backend_path.name} (Option A). Migrating it to S3 first (B.1) is offered."
        )
        if cache is not None and cache.type != "local":
            said.append(
                f"Yet {BACKEND_CACHE} says the directory was initialised with a {cache.type} "
                f"backend: {backend_path.name} may have been removed after an init. Check with "
                "the team before choosing."
            )
            kind = BackendKind.CONTRADICTION
    elif backend is not None and state is not None:
        if cache is not None and cache.same_place(backend):
            kind = BackendKind.CONTRADICTION
            said.append(
                f"{backend_path.name} points at {where} and the directory is initialised with "
                f"it, yet a local {state_path.name} (serial {state.serial}) is still there."
            )
            said.append(
                'Either a migration was answered "no" (S3 then holds an empty state) or the '
                "local file is a leftover. Compare it with the S3 object before anything else."
            )
        else:
            kind = BackendKind.MIGRATION_PENDING
            said.append(
                f"{backend_path.name} points at {where}, but the local {state_path.name} "
                f"(serial {state.serial}) has not been migrated: `tofu init -migrate-state` "
                "is the remaining step of B.1."
            )
    else:
        kind = BackendKind.NO_STATE
        said.append(
            f"No state here: neither {state_path.name} nor {backend_path.name} exists in "
            f"{terraform_dir}. Is this the directory where `tofu apply` was run?"
        )
    return BackendSituation(
        kind, terraform_dir, backend, state, cache, tuple(said), kind is BackendKind.LOCAL
    )
