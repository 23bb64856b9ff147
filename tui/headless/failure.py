"""How a headless command reports a failure: one escaped line on stderr, exit 1."""

from __future__ import annotations

import sys

from tui.core.errors import MocmError
from tui.core.printable import printable

EXIT_ERROR = 1


def report_failure(prog: str, exc: MocmError) -> int:
    """Print ``prog: message — hint`` as one line (names from files escaped); return 1."""
    hint = f" — {exc.hint}" if exc.hint else ""
    print(f"{prog}: {printable(exc.message + hint)}", file=sys.stderr)
    return EXIT_ERROR
