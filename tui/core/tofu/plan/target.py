"""Where one plan pipeline runs and by which rules: the upgrade, a rollback or Stage 4.

A ``PipelineTarget`` names the terraform directory, the playbook stage whose rules
review the plan (``upgrade``, ``rollback``, ``stage4``), how ``tofu init`` runs
before the plan, how the state's mark is read (the state file, or ``tofu state
pull`` for a remote backend) and what the apply gate asks on top of its own rules
(Stage 4: the id of the cluster to destroy). Reading the mark is blocking: call
``read_state_mark`` from a thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.exec.recorder import CommandRecorder
from tui.core.playbook.load import Playbook
from tui.core.playbook.model import ROLLBACK, STAGE4, UPGRADE
from tui.core.tofu.backend.detect import BackendKind, detect_backend
from tui.core.tofu.commands import PLAN_FILE, TofuCommands
from tui.core.tofu.plan.reviewed import StateMark, pull_state_mark, state_mark_from_file


class InitMode(StrEnum):
    """What runs before ``tofu plan``."""

    NONE = "none"  # the directory is initialised already (Stage 4 plans where it applied)
    PLAIN = "plain"  # ``tofu init``: keeps the lock file's provider versions (B.2)
    UPGRADE = "upgrade"  # ``tofu init -upgrade`` (Option A, as the guide does it)


@dataclass(frozen=True)
class PipelineTarget:
    """One directory planned and applied under one stage's rules."""

    workdir: Path
    stage: str  # the playbook's plan stage: upgrade | rollback | stage4
    label: str  # "current release", "previous release (rollback)"…
    init: InitMode
    remote: bool  # the state is read with ``tofu state pull`` (S3 backend)
    state_file: str = "terraform.tfstate"  # the local state, when not remote
    required_phrase: str = ""  # typed at the gate on top of its own phrase (a cluster id)
    phrase_meaning: str = ""  # what the required phrase is, for the gate's prompt
    apply_label: str = "Apply"  # the gate's action ("Destroy the old cache")

    @property
    def plan_path(self) -> Path:
        return self.workdir / PLAN_FILE

    @property
    def option(self) -> str:
        """The guide's name of the way the state is kept."""
        return "B.2 (S3 backend)" if self.remote else "A (local state)"

    def init_argv(self, commands: TofuCommands) -> tuple[str, ...] | None:
        """The init command before the plan, None when there is none."""
        if self.init is InitMode.NONE:
            return None
        return commands.init(upgrade=self.init is InitMode.UPGRADE)


def upgrade_target(workdir: Path, *, remote: bool, state_file: str) -> PipelineTarget:
    """The upgrade in the current release: ``init -upgrade`` for A, plain ``init`` for B.2."""
    init = InitMode.PLAIN if remote else InitMode.UPGRADE
    return PipelineTarget(workdir, UPGRADE, "current release", init, remote, state_file)


def current_release_target(terraform_dir: Path, playbook: Playbook) -> PipelineTarget:
    """The upgrade's target, Option A or B.2 as the directory says; MocmError when not ready."""
    situation = detect_backend(terraform_dir, playbook)
    if situation.kind in (BackendKind.LOCAL, BackendKind.REMOTE):
        remote = situation.kind is BackendKind.REMOTE
        return upgrade_target(terraform_dir, remote=remote, state_file=playbook.state_file)
    raise MocmError(
        "The current release is not ready to plan: " + " ".join(situation.explanation),
        "Finish the Carry-over step (state or backend.tf, tfvars) first.",
    )


def rollback_target(workdir: Path, *, remote: bool, state_file: str) -> PipelineTarget:
    """Re-converging the previous release on the restored state, with the rollback rules.

    Option A runs ``init -upgrade`` as the guide does; Option B a plain ``init``, which
    keeps the previous release's own provider lock (the versions it ran with).
    """
    init = InitMode.PLAIN if remote else InitMode.UPGRADE
    label = "previous release (rollback)"
    return PipelineTarget(workdir, ROLLBACK, label, init, remote, state_file)


def teardown_target(workdir: Path, cluster_id: str) -> PipelineTarget:
    """Stage 4's teardown: the stage-4 rules, the cluster id typed at the gate.

    The directory is the one the upgrade applied in (initialised); the state's mark
    is read with ``tofu state pull``, which reads either backend.
    """
    return PipelineTarget(
        workdir,
        STAGE4,
        "current release (Stage 4 teardown)",
        InitMode.NONE,
        remote=True,
        required_phrase=cluster_id,
        phrase_meaning="the id of the cluster to destroy",
        apply_label="Destroy the old cache",
    )


def read_state_mark(
    target: PipelineTarget,
    commands: TofuCommands,
    env: Mapping[str, str],
    recorder: CommandRecorder | None = None,
) -> StateMark | None:
    """The state's lineage and serial now (blocking: ``tofu state pull`` when remote).

    ``recorder`` journals the pull (argv, exit code, duration — never the state it prints).
    """
    if target.remote:
        return pull_state_mark(commands, target.workdir, env, on_finished=recorder)
    return state_mark_from_file(target.workdir / target.state_file)


def short_dir(path: Path) -> str:
    """A release directory as the operator knows it: ``…/mocm-10.6.2605/terraform/aws``."""
    parts = path.parts
    return str(path) if len(parts) <= 4 else "…/" + "/".join(parts[-3:])


def mark_words(state: StateMark | None, remote: bool) -> str:
    """The state a plan was made on, in one short line (the full lineage is journaled)."""
    if state is None:
        return "no state yet."
    where = "via tofu state pull" if remote else f"from {Path(state.source).name}"
    return f"serial {state.serial}, lineage {state.lineage[:8]}…, {where}"
