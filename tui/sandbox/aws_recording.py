"""The demo world's AWS side on disk: moto's request recording, checked before it is replayed.

The sandbox's endpoint appends every request it receives to ``aws-recording.jsonl``
in the world folder (moto's recorder, one JSON object per line) and replays the
file on the next start (``tui.sandbox.endpoint_server``). Before that this module
makes the file safe to replay: private (0600: it holds the Valkey password sent to
Secrets Manager), and without a line torn by a kill in the middle of a write.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tui.core.errors import MocmError
from tui.core.files import SECRET_FILE, atomic_write
from tui.sandbox.endpoint_server import PROBE_PATH

RECORDING_NAME = "aws-recording.jsonl"
PRIVATE = SECRET_FILE.new  # 0600


class RecordingError(MocmError):
    """The recording cannot be replayed."""


@dataclass(frozen=True)
class Recording:
    """A recording ready for the endpoint: how many requests it replays, what was repaired."""

    path: Path
    requests: int
    torn_line_dropped: bool = False
    probes_dropped: int = 0

    @property
    def empty(self) -> bool:
        return self.requests == 0


def recording_path(world_root: Path) -> Path:
    return world_root / RECORDING_NAME


def _is_probe(entry: object) -> bool:
    """The readiness probe of a start: moto records it, and it changes nothing."""
    if not isinstance(entry, dict) or entry.get("method") != "GET":
        return False
    return urlsplit(str(entry.get("url", ""))).path == PROBE_PATH


def prepare_recording(path: Path) -> Recording:
    """Create the file (0600) or make an existing one private and replayable.

    A last line cut short by a kill is dropped (the request it held never got an
    answer); a bad line anywhere else is refused, naming it.
    """
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE))
        return Recording(path, 0)
    try:
        path.chmod(PRIVATE)
        data = path.read_bytes()
    except OSError as exc:
        raise RecordingError(f"cannot read the recorded AWS world {path}: {exc.strerror}") from exc
    lines = data.split(b"\n")
    tail = lines.pop()  # after the last newline: empty unless a write was cut short
    kept: list[bytes] = []
    probes = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:  # JSON or UTF-8
            raise RecordingError(
                f"{path}: line {number} is not a recorded request ({exc})",
                "Start the demo over with --fresh (the recorded AWS world is lost).",
            ) from exc
        if _is_probe(entry):
            probes += 1
            continue
        kept.append(line)
    torn = bool(tail.strip())
    if torn:
        try:  # a complete request whose newline never came is kept
            json.loads(tail)
            kept.append(tail)
            torn = False
        except ValueError:
            pass
    if torn or probes or (data and not data.endswith(b"\n")):
        atomic_write(path, b"".join(line + b"\n" for line in kept), SECRET_FILE)
    return Recording(path, len(kept), torn_line_dropped=torn, probes_dropped=probes)
