"""`helm history` (JSON and table) and `helm rollback` results (formats.md §5.3, §5.4)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tui.core.errors import ParseError
from tui.core.helm.output import helm_error_message, output_lines

_NOT_FOUND = "release: not found"
_ROLLBACK_OK = "Rollback was a success!"
_TABLE_COLUMNS = ("REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION")


@dataclass(frozen=True)
class Revision:
    """One row of ``helm history``."""

    revision: int
    updated: str  # RFC 3339 in JSON, time.ANSIC in the table; shown as printed
    status: str
    chart: str
    app_version: str
    description: str


@dataclass(frozen=True)
class ReleaseHistory:
    """The revisions of one release, oldest first; empty for a release never installed."""

    release: str
    revisions: tuple[Revision, ...]

    @property
    def first_install(self) -> bool:
        return not self.revisions

    @property
    def last_deployed(self) -> Revision | None:
        """The newest revision whose status is ``deployed`` (the one serving now)."""
        deployed = [r for r in self.revisions if r.status == "deployed"]
        return max(deployed, key=lambda r: r.revision) if deployed else None


@dataclass(frozen=True)
class RollbackResult:
    """What ``helm rollback`` said, in one sentence for the operator."""

    release: str
    revision: int
    succeeded: bool
    message: str


def _text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        raise ParseError(where, f"'{key}' must be a string, got {value!r}")
    return value


def parse_history_json(release: str, stdout: str) -> ReleaseHistory:
    """``helm history R -o json`` (one line); helm 4 may leave ``updated`` out."""
    where = f"helm history {release} -o json"
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError as exc:
        raise ParseError(where, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from exc
    if not isinstance(data, list):
        raise ParseError(where, "expected a list of revisions")
    revisions = []
    for i, item in enumerate(data):
        at = f"{where} [{i}]"
        if not isinstance(item, dict):
            raise ParseError(at, "a revision must be an object")
        number = item.get("revision")
        if isinstance(number, bool) or not isinstance(number, int):
            raise ParseError(at, f"'revision' must be a whole number, got {number!r}")
        revisions.append(
            Revision(
                number,
                _text(item, "updated", at),
                _text(item, "status", at),
                _text(item, "chart", at),
                _text(item, "app_version", at),
                _text(item, "description", at),
            )
        )
    return ReleaseHistory(release, tuple(sorted(revisions, key=lambda r: r.revision)))


def parse_history_table(release: str, stdout: str) -> ReleaseHistory:
    """``helm history R`` as a table: tab-separated, padded cells, header first."""
    where = f"helm history {release}"
    lines = [line for line in output_lines(stdout) if line.strip()]
    if not lines:
        return ReleaseHistory(release, ())
    header = tuple(cell.strip() for cell in lines[0].split("\t"))
    if header != _TABLE_COLUMNS:
        raise ParseError(where, f"unexpected header {' | '.join(header)}", 1)
    revisions = []
    for number, line in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in line.split("\t", len(_TABLE_COLUMNS) - 1)]
        if len(cells) != len(_TABLE_COLUMNS) or not cells[0].isdigit():
            raise ParseError(where, "a row must have 6 tab-separated cells", number)
        revisions.append(Revision(int(cells[0]), *cells[1:]))
    return ReleaseHistory(release, tuple(revisions))


def read_history(release: str, stdout: str, stderr: str, exit_code: int) -> ReleaseHistory:
    """The history from a finished ``helm history -o json`` run.

    A release that does not exist yet (``Error: release: not found``) has an
    empty history; any other failure raises ``ParseError`` with helm's message.
    """
    if exit_code != 0:
        message = helm_error_message(stderr)
        if message == _NOT_FOUND:
            return ReleaseHistory(release, ())
        raise ParseError(f"helm history {release}", message or f"exit code {exit_code}")
    return parse_history_json(release, stdout)


def read_rollback(
    release: str, revision: int, stdout: str, stderr: str, exit_code: int
) -> RollbackResult:
    """The outcome of ``helm rollback R REV``, told in plain words."""
    if exit_code == 0 and _ROLLBACK_OK in stdout:
        return RollbackResult(
            release, revision, True, f"{release} rolled back to revision {revision}."
        )
    message = helm_error_message(stderr) or helm_error_message(stdout)
    if message == _NOT_FOUND:
        text = f"{release} does not exist in the cluster: nothing to roll back."
    elif message == f"release has no {revision} version":
        text = f"{release} has no revision {revision}: pick one from its history."
    else:
        text = f"Rollback of {release} to revision {revision} failed: {message or 'no output'}"
        if exit_code == 0:
            text = f"helm rollback exited 0 without confirming the rollback of {release}."
    return RollbackResult(release, revision, False, text)
