"""After a sync: is each release deployed, at a revision past the one recorded before it?

``helm status R -n NS`` (the table form: NAME, LAST DEPLOYED, NAMESPACE, STATUS,
REVISION…; the JSON form would carry the release's values and their secrets). A release
is healthy when helm says ``deployed`` and its revision moved past the recorded one
(any revision for a first install). Anything else, or helm failing, is said per release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tui.core.helm.journal_readback import RecordedRevision
from tui.core.helm.output import helm_error_message, output_lines
from tui.core.journal.events import HelmHealthChecked, ReleaseHealthSeen

_FIELD = re.compile(r"^(?P<key>NAME|NAMESPACE|STATUS|REVISION): (?P<value>.*)$")


@dataclass(frozen=True)
class ReleaseStatus:
    """What ``helm status`` said of one release (``error`` when it could not say)."""

    release: str
    status: str  # deployed, failed, pending-upgrade… ("" when helm failed)
    revision: int | None
    namespace: str = ""
    error: str = ""


@dataclass(frozen=True)
class ReleaseHealth:
    """One release's verdict after the sync, in one sentence."""

    release: str
    healthy: bool
    status: str
    revision: int | None
    before: int | None  # the revision recorded before the sync
    message: str


def parse_status(release: str, stdout: str, stderr: str, exit_code: int | None) -> ReleaseStatus:
    """The STATUS and REVISION lines of ``helm status``, or helm's error."""
    if exit_code != 0:
        said = helm_error_message(stderr) or helm_error_message(stdout)
        return ReleaseStatus(release, "", None, error=said or f"exit code {exit_code}")
    fields: dict[str, str] = {}
    for line in output_lines(stdout):
        found = _FIELD.match(line.strip())
        if found and found["key"] not in fields:
            fields[found["key"]] = found["value"].strip()
    revision = fields.get("REVISION", "")
    if "STATUS" not in fields or not revision.isdigit():
        return ReleaseStatus(release, "", None, error="helm status printed no STATUS/REVISION")
    return ReleaseStatus(release, fields["STATUS"], int(revision), fields.get("NAMESPACE", ""))


def judge_health(status: ReleaseStatus, recorded: RecordedRevision | None) -> ReleaseHealth:
    """Deployed, and the revision moved past the one recorded before the sync."""
    before = recorded.revision if recorded is not None else None
    name = status.release
    if status.error:
        message = f"{name}: helm status failed — {status.error}"
        return ReleaseHealth(name, False, "", None, before, message)
    rev = status.revision
    if status.status != "deployed":
        message = f"{name}: {status.status} at revision {rev} — not deployed"
        return ReleaseHealth(name, False, status.status, rev, before, message)
    if before is not None and (rev is None or rev <= before):
        message = f"{name}: deployed, but still revision {rev} (recorded before the sync: {before})"
        return ReleaseHealth(name, False, status.status, rev, before, message)
    moved = f"revision {before} → {rev}" if before is not None else f"revision {rev}"
    return ReleaseHealth(name, True, status.status, rev, before, f"{name}: deployed, {moved}")


def check_health(
    statuses: Iterable[ReleaseStatus], recorded: Mapping[str, RecordedRevision]
) -> tuple[ReleaseHealth, ...]:
    """Each release's verdict, in the order given."""
    return tuple(judge_health(s, recorded.get(s.release)) for s in statuses)


def health_record(results: Iterable[ReleaseHealth], step: str) -> HelmHealthChecked:
    """The journal's record of a health check: each release's sentence, ok or not."""
    seen = tuple(ReleaseHealthSeen(r.release, r.healthy, r.message) for r in results)
    return HelmHealthChecked(seen, step)
