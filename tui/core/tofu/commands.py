"""The ``tofu`` commands of the plan, apply and rollback steps, as argument lists.

The binary is configurable (``--tofu-bin``): ``tofu`` in production, the real
``terraform`` in the engine tests, the sandbox stand-in in the demo. What a failed
command's stderr means is recognised in tofu_failures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

PLAN_FILE = "tfplan"

# What tofu needs from the operator's environment; nothing else is passed on.
INHERITED_ENV = (
    "PATH",
    "HOME",
    "USER",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "TF_CLI_CONFIG_FILE",
    "TF_PLUGIN_CACHE_DIR",
    "TF_DATA_DIR",
    # tofu and its providers are Go programs: the operator's collector, memory limit and
    # core count for them (e.g. a small jump host's GOMEMLIMIT) reach them.
    "GOGC",
    "GOMEMLIMIT",
    "GOMAXPROCS",
)
INHERITED_PREFIXES = ("AWS_", "TF_VAR_")


class PlanOutcome(StrEnum):
    """What ``tofu plan -detailed-exitcode`` said with its exit code."""

    NO_CHANGES = "no-changes"
    CHANGES = "changes"
    FAILED = "failed"


def plan_outcome(exit_code: int) -> PlanOutcome:
    """0 = no changes, 2 = changes, anything else = the plan failed."""
    if exit_code == 0:
        return PlanOutcome.NO_CHANGES
    if exit_code == 2:
        return PlanOutcome.CHANGES
    return PlanOutcome.FAILED


def tofu_environment(source: Mapping[str, str]) -> dict[str, str]:
    """The explicit environment for tofu: PATH, HOME, proxies, AWS_* and TF_* settings.

    ``TF_IN_AUTOMATION`` is set so tofu does not suggest commands to type next.
    """
    env = {name: source[name] for name in INHERITED_ENV if name in source}
    env.update({k: v for k, v in source.items() if k.startswith(INHERITED_PREFIXES)})
    env["TF_IN_AUTOMATION"] = "1"
    env.setdefault("CHECKPOINT_DISABLE", "1")  # no telemetry (safety rule 7)
    return env


@dataclass(frozen=True)
class TofuCommands:
    """Argument lists for one tofu binary. ``color=False`` adds ``-no-color`` where accepted."""

    binary: str = "tofu"
    color: bool = True

    def _flags(self) -> tuple[str, ...]:
        return () if self.color else ("-no-color",)

    def init(self, *, upgrade: bool) -> tuple[str, ...]:
        """``tofu init -upgrade -input=false`` (Option A) or ``tofu init -input=false`` (B.2)."""
        upgrade_flag = ("-upgrade",) if upgrade else ()
        return (self.binary, "init", *upgrade_flag, "-input=false", *self._flags())

    def plan(self, plan_file: str = PLAN_FILE) -> tuple[str, ...]:
        """``tofu plan -out tfplan -input=false -detailed-exitcode`` (exit 2 = changes)."""
        return (
            self.binary,
            "plan",
            "-out",
            plan_file,
            "-input=false",
            "-detailed-exitcode",
            *self._flags(),
        )

    def show_json(self, plan_file: str = PLAN_FILE) -> tuple[str, ...]:
        """``tofu show -json tfplan``: the plan as one line of JSON on stdout."""
        return (self.binary, "show", "-json", plan_file)

    def apply(self, plan_file: str = PLAN_FILE) -> tuple[str, ...]:
        """``tofu apply -input=false tfplan``: applies exactly the saved plan, no prompt."""
        return (self.binary, "apply", "-input=false", *self._flags(), plan_file)

    def state_push(self, state_file: str, *, force: bool = False) -> tuple[str, ...]:
        """``tofu state push [-force] FILE``; ``force`` skips the lineage/serial checks."""
        force_flag = ("-force",) if force else ()
        return (self.binary, "state", "push", *force_flag, state_file)

    def state_pull(self) -> tuple[str, ...]:
        """``tofu state pull``: the current state as JSON on stdout."""
        return (self.binary, "state", "pull")

    def force_unlock(self, lock_id: str) -> tuple[str, ...]:
        """``tofu force-unlock -force ID``; the wizard asks the operator first, not tofu."""
        return (self.binary, "force-unlock", "-force", lock_id)

    def version_json(self) -> tuple[str, ...]:
        """``tofu version -json``."""
        return (self.binary, "version", "-json")
