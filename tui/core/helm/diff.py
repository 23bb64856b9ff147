"""`helmfile diff`: helm-diff's body (stdout) and helmfile's log (stderr), see formats.md §5.1.

stdout holds one block per changed resource, headed
``<namespace>, <name>, <Kind> (<group>) <message>``; a release's blocks end with
one extra blank line. stderr names the releases (``Comparing release=…``) and
ends with ``Affected releases are:``. With ``2>&1`` both are interleaved and the
``Comparing`` line comes right before that release's blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tui.core.helm.diff_model import (
    AffectedRelease,
    ComparedRelease,
    DiffLine,
    DiffLineKind,
    DiffLog,
    DiffOutcome,
    DiffReport,
    ManifestChange,
    ReleaseDiff,
    classify_line,
    diff_outcome,
)
from tui.core.helm.output import output_lines, strip_ansi

__all__ = [
    "MASKED_VALUE",
    "AffectedRelease",
    "ComparedRelease",
    "DiffLine",
    "DiffLineKind",
    "DiffLog",
    "DiffOutcome",
    "DiffReport",
    "ManifestChange",
    "ReleaseDiff",
    "classify_line",
    "diff_outcome",
    "parse_diff",
    "parse_diff_body",
    "parse_diff_combined",
    "parse_diff_log",
]

_HEADER = re.compile(
    r"^(?P<namespace>[^,]*), (?P<name>[^,]+), (?P<kind>[A-Za-z0-9]+) \((?P<group>[^)]*)\) "
    r"(?P<message>has changed:|has been added:|has been removed:|changed ownership:"
    r"|has changed, but diff is empty after suppression\.)$"
)
_COMPARING = re.compile(
    r"^Comparing release=(?P<release>[^,\s]+), chart=(?P<chart>[^,\s]+)"
    r"(?:, namespace=(?P<namespace>\S+))?$"
)
_AFFECTED_ITEM = re.compile(r"^\s+(?P<release>\S+) \((?P<chart>[^)]*)\) (?P<change>[A-Z]+)$")
_AFFECTED_HEADING = "Affected releases are:"
_IDENTIFIED_CHANGE = "Identified at least one change"
_NO_AFFECTED = "No affected releases"
# helm-diff's own redaction of Secret values (unchanged / old side / new side).
_REDACTED_VALUE = re.compile(r"^'(?:REDACTED|-{8}|\+{8}) # \(\d+ bytes\)'$")
_SUPPRESSED = "Changes suppressed on sensitive content of type Secret"
MASKED_VALUE = "'******** # (hidden by mocm-upgrade)'"
_SECRET_MAPS = ("data:", "stringData:")
_SOURCE = re.compile(r"^# Source: (?P<chart>[^/]+)/")


@dataclass
class _Block:
    header: re.Match[str]
    lines: list[DiffLine] = field(default_factory=list)
    secret_map_indent: int | None = None  # indent of `data:` while inside it

    def add(self, text: str) -> None:
        kind = classify_line(text)
        is_secret = False
        if self.header["kind"] == "Secret" and kind is not DiffLineKind.BLANK:
            text, is_secret = self._redact(text)
        self.lines.append(DiffLine(kind, text, is_secret))

    def _redact(self, text: str) -> tuple[str, bool]:
        """Keep helm-diff's redaction; mask any Secret value it printed in clear."""
        body = text[2:]
        indent = len(body) - len(body.lstrip(" "))
        stripped = body.strip()
        if _SUPPRESSED in stripped:
            return text, True
        if self.secret_map_indent is not None and stripped and indent <= self.secret_map_indent:
            self.secret_map_indent = None
        if stripped in _SECRET_MAPS:
            self.secret_map_indent = indent
            return text, False
        if self.secret_map_indent is None or ":" not in stripped:
            return text, False
        key, _, value = stripped.partition(":")
        value = value.strip()
        if not value or _REDACTED_VALUE.match(value):
            return text, True
        return f"{text[:2]}{' ' * indent}{key}: {MASKED_VALUE}", True

    def resource(self) -> ManifestChange:
        m = self.header
        return ManifestChange(
            m["namespace"], m["name"], m["kind"], m["group"], m["message"], tuple(self.lines)
        )


@dataclass
class _Group:
    release: str | None
    blocks: list[_Block] = field(default_factory=list)


class _DiffReader:
    """Walks helm-diff lines; in ``combined`` mode also helmfile's log lines."""

    def __init__(self, combined: bool) -> None:
        self.combined = combined
        self.groups: list[_Group] = []
        self.pending_blanks = 0
        self.compared: list[ComparedRelease] = []
        self.affected: list[AffectedRelease] = []
        self.in_affected = False
        self.identified_change = False
        self.no_affected = False
        self.other: list[str] = []

    def feed(self, line: str) -> None:
        if self.combined and self.log_line(line):
            return
        if not line.strip():
            self.pending_blanks += 1
            return
        header = _HEADER.match(line)
        current = self.groups[-1].blocks[-1] if self.groups and self.groups[-1].blocks else None
        if header:
            if not self.groups or (not self.combined and self.pending_blanks >= 2):
                self.groups.append(_Group(None))
            self.groups[-1].blocks.append(_Block(header))
        elif current is not None:
            for _ in range(self.pending_blanks):
                current.add("")
            current.add(line)
        else:
            self.other.append(line)
        self.pending_blanks = 0

    def log_line(self, line: str) -> bool:
        """Record helmfile's stderr lines; True when ``line`` was one."""
        stripped = line.strip()
        if self.in_affected:
            item = _AFFECTED_ITEM.match(line)
            if item:
                self.affected.append(
                    AffectedRelease(item["release"], item["chart"], item["change"])
                )
                return True
            self.in_affected = False
        comparing = _COMPARING.match(stripped)
        if comparing:
            self.compared.append(
                ComparedRelease(comparing["release"], comparing["chart"], comparing["namespace"])
            )
            self.groups.append(_Group(comparing["release"]))
            self.pending_blanks = 0
            return True
        if stripped == _AFFECTED_HEADING:
            self.in_affected = True
        elif stripped == _IDENTIFIED_CHANGE:
            self.identified_change = True
        elif stripped == _NO_AFFECTED:
            self.no_affected = True
        else:
            return False
        return True

    def log(self) -> DiffLog:
        return DiffLog(
            tuple(self.compared),
            tuple(self.affected),
            self.identified_change,
            self.no_affected,
            tuple(self.other),
        )


def parse_diff_log(stderr: str) -> DiffLog:
    """helmfile's stderr of a diff: compared and affected releases, final verdict lines."""
    reader = _DiffReader(combined=True)
    for line in output_lines(stderr):
        if not reader.log_line(line) and line.strip():
            reader.other.append(line.strip())
    return reader.log()


def _source_chart(group: _Group) -> str | None:
    """The chart directory named by the first ``# Source: <chart>/templates/…`` line."""
    for block in group.blocks:
        for line in block.lines:
            found = _SOURCE.match(line.text[2:].strip())
            if found:
                return found["chart"]
    return None


def _name_groups(
    groups: list[_Group], names: Sequence[str], compared: Sequence[ComparedRelease]
) -> tuple[ReleaseDiff, ...]:
    """Name stdout groups after the affected releases in order, else after their chart."""
    groups = [g for g in groups if g.blocks]
    by_chart = {c.chart.rstrip("/").rsplit("/", 1)[-1]: c.release for c in compared}
    out: dict[str, list[ManifestChange]] = {}
    for i, group in enumerate(groups):
        name = group.release
        if name is None and len(names) == len(groups):
            name = names[i]
        if name is None:
            chart = _source_chart(group)
            name = by_chart.get(chart or "") or chart or f"release {i + 1}"
        # an empty manifest line before a block's end looks like a release break: rejoin
        out.setdefault(name, []).extend(b.resource() for b in group.blocks)
    return tuple(ReleaseDiff(name, tuple(resources)) for name, resources in out.items())


def parse_diff_body(
    stdout: str, release_names: Sequence[str] = (), compared: Sequence[ComparedRelease] = ()
) -> tuple[ReleaseDiff, ...]:
    """helm-diff's stdout split into releases: named from ``release_names`` when the counts
    match, else from the chart of each group's ``# Source:`` line."""
    reader = _DiffReader(combined=False)
    for line in output_lines(stdout):
        reader.feed(line)
    return _name_groups(reader.groups, release_names, compared)


def parse_diff(
    stdout: str, stderr: str, exit_code: int, detailed_exitcode: bool = True
) -> DiffReport:
    """A diff run captured as two streams."""
    log = parse_diff_log(stderr)
    changed = [a.release for a in log.affected if a.change == "UPDATED"]
    releases = parse_diff_body(stdout, changed, log.compared)
    outcome = diff_outcome(exit_code, detailed_exitcode, bool(releases))
    return DiffReport(releases, log, outcome)


def parse_diff_combined(
    lines: Iterable[str], exit_code: int, detailed_exitcode: bool = True
) -> DiffReport:
    """A diff run seen with ``2>&1`` (as the wizard streams it): releases named by ``Comparing``."""
    reader = _DiffReader(combined=True)
    for line in lines:
        reader.feed(strip_ansi(line).rstrip("\r\n"))
    releases = _name_groups(reader.groups, (), ())
    log = reader.log()
    outcome = diff_outcome(exit_code, detailed_exitcode, bool(releases))
    return DiffReport(releases, log, outcome)
