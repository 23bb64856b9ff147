"""Work done in a child Python process whose pickled result comes back on stdout.

ruamel's round-trip parser is pure Python: parsing in children uses both cores and
leaves the GIL to the screen. A child that cannot start, fails, hangs past its timeout
or answers garbage gives ``None``; the caller then does the work in-process, so its
errors keep their exact type and text.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Sequence

CHILD_TIMEOUT_S = 120.0  # a 10 MB values file parses in well under this
# The child is our own interpreter: it needs only where to find the package and the locale.
CHILD_ENV_KEYS = ("PATH", "PYTHONPATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def child_env() -> dict[str, str]:
    """The explicit environment of a child: the few variables Python itself needs."""
    return {key: os.environ[key] for key in CHILD_ENV_KEYS if key in os.environ}


def start_child(code: str, args: Sequence[str]) -> subprocess.Popen[bytes] | None:
    """Start ``python -c code *args``; None when it cannot start."""
    try:
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=child_env(),
        )
    except OSError:
        return None


def collect_child(
    child: subprocess.Popen[bytes] | None, timeout_s: float = CHILD_TIMEOUT_S
) -> object | None:
    """The child's unpickled answer, or None if it failed, hung (it is killed) or garbled."""
    if child is None:
        return None
    try:
        out, _ = child.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return None
    if child.returncode != 0:
        return None
    try:
        answer: object = pickle.loads(out)  # our own child's output
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return answer
