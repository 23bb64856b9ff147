"""A playbook's parsed data kept as JSON in the user's cache: start-up without ruamel.yaml.

Importing ruamel.yaml costs every headless command ~20 ms of start-up, and a playbook
changes once per release. The cache holds only the data YAML gave (the loader
validates it again on every load), is keyed by a digest of the file's exact bytes,
and is skipped whenever it cannot be read or written. ``MOCM_UPGRADE_CACHE_DIR``
chooses its folder (default: ``$XDG_CACHE_HOME/mocm-upgrade``, ``~/.cache/…``).
"""

from __future__ import annotations

import json
import os
from _blake2 import blake2b  # hashlib's own blake2b, without loading OpenSSL (~2 ms)
from pathlib import Path

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMAT = 1  # bump when the cached shape changes


def cache_dir() -> Path:
    """Where parsed playbooks are kept."""
    chosen = os.environ.get("MOCM_UPGRADE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mocm-upgrade"


def _entry(raw: bytes) -> Path:
    digest = blake2b(raw, digest_size=20, person=b"mocm-playbook").hexdigest()
    return cache_dir() / f"playbook-{FORMAT}-{digest}.json"


def cached(raw: bytes) -> Any | None:
    """The data parsed before from these exact bytes, or None."""
    try:
        with _entry(raw).open("rb") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def remember(raw: bytes, data: Any) -> None:
    """Keep ``data`` for the next load of these bytes (silently skipped when impossible)."""
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        entry = _entry(raw)
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, entry)  # atomic: a concurrent reader sees all or nothing
    except (OSError, TypeError, ValueError):
        return
