"""State locks: the local lock-info file, the S3 `.tflock` object, the DynamoDB item."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from tui.sandbox.tofu.messages import VERSION


class LockHeld(Exception):
    """Someone else holds the lock: the backend's error text and the holder's lock info."""

    def __init__(self, backend_error: str, info: dict[str, str]) -> None:
        super().__init__(backend_error)
        self.backend_error = backend_error
        self.info = info


def new_lock_info(operation: str, path: str) -> dict[str, str]:
    """Lock info as tofu writes it (JSON, `Created` in RFC 3339 with nanoseconds)."""
    import datetime as dt  # here: a run that takes no lock does not load it

    from tui.sandbox.tofu.state import random_uuid

    now = dt.datetime.now(dt.UTC)
    host = os.uname().nodename  # what socket.gethostname() returns on Linux
    try:
        who = f"{_user()}@{host}"
    except (KeyError, OSError):
        who = f"unknown@{host}"
    return {
        "ID": random_uuid(),
        "Operation": operation,
        "Info": "",
        "Who": who,
        "Version": VERSION,
        "Created": now.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z",
        "Path": path,
    }


def _user() -> str:
    """`getpass.getuser()` (its order: LOGNAME, USER, LNAME, USERNAME, then the password
    database), without loading getpass and termios."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        user = os.environ.get(name)
        if user:
            return user
    import pwd

    return pwd.getpwuid(os.getuid())[0]


def display_info(raw: dict[str, Any]) -> dict[str, str]:
    """Lock info as the error message shows it (`Created` in Go's time.String form)."""
    info = {k: str(v) for k, v in raw.items()}
    created = info.get("Created", "")
    if created.endswith("Z") and "T" in created:
        day, clock = created[:-1].split("T", 1)
        info["Created"] = f"{day} {clock} +0000 UTC"
    return info


class LocalLock:
    """`.terraform.tfstate.lock.info` next to the state file; its existence is the lock."""

    def __init__(self, state_path: Path, shown_path: str) -> None:
        self.path = state_path.with_name(f".{state_path.name}.lock.info")
        self.shown_path = shown_path

    def acquire(self, operation: str) -> dict[str, str]:
        info = new_lock_info(operation, self.shown_path)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise LockHeld("resource temporarily unavailable", self._holder()) from None
        with os.fdopen(fd, "w") as handle:
            json.dump(info, handle)
        return info

    def _holder(self) -> dict[str, str]:
        try:
            return display_info(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {"Path": self.shown_path}

    def release(self, info: dict[str, str]) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def force_release(self, lock_id: str) -> bool:
        if not self.path.exists():
            return False
        holder = self._holder()
        if holder.get("ID") != lock_id:
            return False
        self.path.unlink()
        return True


def hold_if_asked() -> None:
    """MOCM_STANDIN_HOLD_LOCK=1: keep the lock until stdin is closed (tests hold a lock)."""
    if os.environ.get("MOCM_STANDIN_HOLD_LOCK") == "1":
        sys.stderr.write("mocm stand-in: holding the state lock until stdin closes\n")
        sys.stderr.flush()
        while sys.stdin.readline():
            pass


class Locked:
    """Hold the state lock for the duration of a command (unless -lock=false)."""

    def __init__(self, backend: Any, operation: str, enabled: bool) -> None:
        self.backend, self.operation, self.enabled = backend, operation, enabled
        self.info: dict[str, str] | None = None

    def __enter__(self) -> Locked:
        if self.enabled:
            self.info = self.backend.lock(self.operation)
            hold_if_asked()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.info is not None:
            self.backend.unlock(self.info)
