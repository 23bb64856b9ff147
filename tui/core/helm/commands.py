"""Every command the Helm step runs, built from the playbook, and the rollback target.

The guide runs helmfile from ``<current-release>/mocm`` as
``helmfile -f helmfile.yaml -n fusion diff|sync``; namespace, helmfile path and
release order come from the playbook. A rollback always names its revision:
``helm rollback R`` alone targets current − 1 even when that one failed.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tui.core.errors import MocmError, ParseError
from tui.core.helm.history import ReleaseHistory
from tui.core.playbook.load import Playbook

SHORT_TIMEOUT = 120.0  # history, lint: seconds
DIFF_TIMEOUT = 900.0
ROLLBACK_TIMEOUT = 900.0
# helm waits up to helmDefaults.timeout per release; the sync runs them one after another.
SYNC_TIMEOUT_PER_RELEASE = 900.0


class RollbackImpossible(MocmError):
    """There is no revision a release can safely be rolled back to."""


@dataclass(frozen=True)
class HelmCommand:
    """One command line, where it runs, and what it is for (shown in the log)."""

    argv: tuple[str, ...]
    cwd: Path
    purpose: str
    timeout_seconds: float


@dataclass(frozen=True)
class RollbackChoice:
    """The revision to go back to, or why there is none."""

    release: str
    revision: int | None
    reason: str

    @property
    def possible(self) -> bool:
        return self.revision is not None


def rollback_confirmed(typed: str, release: str) -> bool:
    """The operator typed the release's exact name (surrounding spaces aside)."""
    return typed.strip() == release


@dataclass(frozen=True)
class HelmfileRelease:
    name: str
    namespace: str
    chart: str


def choose_rollback_revision(history_before_sync: ReleaseHistory) -> RollbackChoice:
    """The revision recorded before the sync: the last ``deployed`` one.

    Never "previous": after a failed upgrade the newest revisions may be
    ``failed`` ones. A release with no history was a first install.
    """
    release = history_before_sync.release
    if history_before_sync.first_install:
        return RollbackChoice(
            release, None, "no rollback possible: first install, uninstall instead"
        )
    target = history_before_sync.last_deployed
    if target is None:
        statuses = ", ".join(f"{r.revision} {r.status}" for r in history_before_sync.revisions)
        return RollbackChoice(
            release, None, f"no rollback possible: no deployed revision in the history ({statuses})"
        )
    return RollbackChoice(
        release,
        target.revision,
        f"revision {target.revision} ({target.chart}) was deployed before the upgrade",
    )


@dataclass(frozen=True)
class HelmPlan:
    """Builds the Helm step's commands for one release directory."""

    playbook: Playbook
    release_dir: Path
    helm: str = "helm"
    helmfile: str = "helmfile"
    kube_context: str | None = None  # pinned with --kube-context on every command when set

    def _context(self) -> tuple[str, ...]:
        return ("--kube-context", self.kube_context) if self.kube_context else ()

    @property
    def chart_dir(self) -> Path:
        """The directory holding helmfile.yaml (the guide's ``cd <current-release>/mocm``)."""
        return self.release_dir / PurePosixPath(self.playbook.helmfile).parent

    @property
    def helmfile_path(self) -> Path:
        return self.release_dir / self.playbook.helmfile

    @property
    def sync_log(self) -> Path:
        """Where the sync output is teed, as the guide's ``| tee helmfile-upgrade.log``."""
        return self.release_dir / self.playbook.helm_sync_log

    def _helmfile(self, verb: str, *extra: str) -> tuple[str, ...]:
        name = PurePosixPath(self.playbook.helmfile).name
        namespace = self.playbook.helm_namespace
        return (self.helmfile, *self._context(), "-f", name, "-n", namespace, verb, *extra)

    def diff(self, detailed_exitcode: bool = True) -> HelmCommand:
        """``helmfile -f helmfile.yaml -n NS diff [--detailed-exitcode]`` (exit 2: changes)."""
        extra = ("--detailed-exitcode",) if detailed_exitcode else ()
        return HelmCommand(
            self._helmfile("diff", *extra),
            self.chart_dir,
            "compare the cluster with the new charts and values",
            DIFF_TIMEOUT,
        )

    def sync(self) -> HelmCommand:
        """``helmfile -f helmfile.yaml -n NS sync``: upgrades the releases in their order."""
        return HelmCommand(
            self._helmfile("sync"),
            self.chart_dir,
            "upgrade the releases " + " → ".join(self.playbook.helm_releases),
            SYNC_TIMEOUT_PER_RELEASE * len(self.playbook.helm_releases),
        )

    def history(self, release: str) -> HelmCommand:
        """``helm history R -n NS -o json``: the revisions, to record the deployed one."""
        namespace = self.playbook.helm_namespace
        return HelmCommand(
            (self.helm, "history", release, "-n", namespace, *self._context(), "-o", "json"),
            self.chart_dir,
            f"record the deployed revision of {release}",
            SHORT_TIMEOUT,
        )

    def status(self, release: str) -> HelmCommand:
        """``helm status R -n NS``: the table form (the JSON one carries the values' secrets)."""
        return HelmCommand(
            (self.helm, "status", release, "-n", self.playbook.helm_namespace, *self._context()),
            self.chart_dir,
            f"check {release} after the sync",
            SHORT_TIMEOUT,
        )

    def statuses(self) -> tuple[HelmCommand, ...]:
        """One status command per release, in the enforced order."""
        return tuple(self.status(r) for r in self.playbook.helm_releases)

    def histories(self) -> tuple[HelmCommand, ...]:
        """One history command per release, in the enforced order."""
        return tuple(self.history(r) for r in self.playbook.helm_releases)

    def rollback(self, choice: RollbackChoice) -> HelmCommand:
        """``helm rollback R REV -n NS`` with the recorded revision, never the implicit one."""
        if choice.revision is None:
            raise RollbackImpossible(
                f"{choice.release}: {choice.reason}", "the OpenTofu layer needs no rollback"
            )
        ns = self.playbook.helm_namespace
        return HelmCommand(
            (
                self.helm,
                "rollback",
                choice.release,
                str(choice.revision),
                "-n",
                ns,
                *self._context(),
            ),
            self.chart_dir,
            f"roll {choice.release} back to revision {choice.revision}",
            ROLLBACK_TIMEOUT,
        )

    def lint(self, chart: str, with_values: bool = True) -> HelmCommand:
        """``helm lint CHART [--values values.yaml]``: the chart rendered with the merged values."""
        relative = posixpath.relpath(
            self.playbook.values_file, posixpath.dirname(self.playbook.helmfile) or "."
        )
        extra = ("--values", relative) if with_values else ()
        return HelmCommand(
            (self.helm, "lint", chart, *extra),  # lint reads no cluster: no context
            self.chart_dir,
            f"lint the chart {chart}",
            SHORT_TIMEOUT,
        )


def read_helmfile_releases(path: Path) -> tuple[HelmfileRelease, ...]:
    """The ``releases:`` of a helmfile.yaml (name, namespace, chart), in file order."""
    try:
        data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParseError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise ParseError(str(path), "not valid YAML", line, column) from exc
    releases = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(releases, list):
        raise ParseError(str(path), "has no 'releases:' list")
    out = []
    for i, item in enumerate(releases):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ParseError(str(path), f"releases[{i}] has no name")
        if not isinstance(item.get("chart"), str):
            raise ParseError(str(path), f"release {item['name']} has no chart")
        out.append(HelmfileRelease(item["name"], str(item.get("namespace", "")), item["chart"]))
    return tuple(out)
