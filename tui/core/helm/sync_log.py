"""The tee target of ``helmfile sync``: ``mocm/helmfile-upgrade.log``, like the guide's ``| tee``.

An earlier log is kept under a free ``.previous`` name, never overwritten; the new one
is created owner-only (the sync output may name secrets' keys and hosts).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from tui.core.files import free_backup_name


def open_sync_log(path: Path) -> IO[str]:
    """A new, line-buffered log at ``path``; an existing one is moved aside first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.rename(free_backup_name(path, ".previous"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", buffering=1)
