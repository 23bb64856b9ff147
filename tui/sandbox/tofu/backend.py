"""Where the state lives: the local file, or an S3 object (boto3, path-style, AWS_ENDPOINT_URL)."""

from __future__ import annotations

import contextlib
import json
import zlib
from pathlib import Path
from typing import Any

from tui.sandbox.tofu import gojson
from tui.sandbox.tofu.locks import LocalLock
from tui.sandbox.tofu.state import dump_state, parse_state

CACHE = Path(".terraform") / "terraform.tfstate"
_S3_CACHE_KEYS = (
    "access_key",
    "acl",
    "allowed_account_ids",
    "bucket",
    "dynamodb_table",
    "encrypt",
    "key",
    "kms_key_id",
    "profile",
    "region",
    "use_lockfile",
    "workspace_key_prefix",
)


class BackendError(Exception):
    """A backend failure, with the diagnostic summary and detail tofu prints."""

    def __init__(self, summary: str, detail: str = "") -> None:
        super().__init__(summary)
        self.summary = summary
        self.detail = detail


class LocalBackend:
    """`terraform.tfstate` in the working directory (or the `path` argument)."""

    type = "local"

    def __init__(self, cwd: Path, settings: dict[str, Any] | None = None) -> None:
        shown = str((settings or {}).get("path") or "terraform.tfstate")
        self.path = cwd / shown
        self.locker = LocalLock(self.path, shown)

    def read(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return parse_state(text, str(self.path.name))

    def write(self, state: dict[str, Any] | None) -> None:
        """Write the state; the previous file becomes `terraform.tfstate.backup`."""
        backup = self.path.with_name(self.path.name + ".backup")
        if self.path.exists():
            backup.write_bytes(self.path.read_bytes())
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text("" if state is None else dump_state(state), encoding="utf-8")
        tmp.replace(self.path)

    def lock(self, operation: str) -> dict[str, str]:
        return self.locker.acquire(operation)

    def unlock(self, info: dict[str, str]) -> None:
        self.locker.release(info)

    def force_unlock(self, lock_id: str) -> bool:
        return self.locker.force_release(lock_id)


def backend_for(cwd: Path, btype: str, settings: dict[str, Any]) -> Any:
    """A backend object for a configured type."""
    if btype == "local":
        return LocalBackend(cwd, settings)
    if btype == "s3":
        from tui.sandbox.tofu.s3backend import S3Backend  # boto3 only when S3 is used

        return S3Backend(settings)
    raise BackendError(
        "Unsupported backend type",
        f'There is no explicit backend type named "{btype}" in the mocm-upgrade sandbox\'s '
        "tofu stand-in (it models the local and s3 backends).",
    )


def config_hash(btype: str, settings: dict[str, Any]) -> int:
    """A stable number standing for the backend configuration (as the cache's `hash`)."""
    return zlib.crc32(json.dumps([btype, settings], sort_keys=True).encode())


def read_cache(cwd: Path) -> dict[str, Any] | None:
    """The `backend` block of `.terraform/terraform.tfstate`, if tofu init wrote one."""
    try:
        data = json.loads((cwd / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    backend = data.get("backend") if isinstance(data, dict) else None
    return backend if isinstance(backend, dict) else None


def write_cache(cwd: Path, btype: str, settings: dict[str, Any], lineage: str) -> None:
    """Write the backend cache in the legacy v3 layout (4-space indent, like tofu)."""
    full = {k: None for k in _S3_CACHE_KEYS} if btype == "s3" else {}
    full.update(settings)
    data = {
        "version": 3,
        "serial": 1,
        "lineage": lineage,
        "backend": {
            "type": btype,
            "config": {k: full[k] for k in sorted(full)},
            "hash": config_hash(btype, settings),
        },
        "modules": [{"path": ["root"], "outputs": {}, "resources": {}, "depends_on": []}],
    }
    (cwd / CACHE).parent.mkdir(parents=True, exist_ok=True)
    (cwd / CACHE).write_text(gojson.indented(data, 4) + "\n", encoding="utf-8")


def remove_cache(cwd: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (cwd / CACHE).unlink()


def cached_settings(cache: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Type and the non-null settings stored in the cache."""
    settings = {k: v for k, v in (cache.get("config") or {}).items() if v is not None}
    return str(cache.get("type", "local")), settings


def active_backend(cwd: Path, configured: tuple[str, dict[str, Any]] | None) -> Any:
    """The backend plan/apply/state use; tofu refuses when init has not caught up."""
    cache = read_cache(cwd)
    if configured is None:
        if cache is not None:
            from tui.sandbox.tofu.messages import backend_init_required

            raise BackendError(
                *backend_init_required(
                    f'Unsetting the previously set backend "{cache.get("type")}"'
                )
            )
        return LocalBackend(cwd)
    btype, settings = configured
    if cache is None:
        from tui.sandbox.tofu.messages import backend_init_required

        raise BackendError(
            *backend_init_required(f'Initial configuration of the requested backend "{btype}"')
        )
    if cache.get("hash") != config_hash(btype, settings):
        from tui.sandbox.tofu.messages import backend_init_required

        raise BackendError(*backend_init_required("Backend configuration block has changed"))
    return backend_for(cwd, btype, settings)
