"""The ``tofu`` commands of the plan, apply and rollback steps, as argument lists.

The binary is configurable (``--tofu-bin``): ``tofu`` in production, the real
``terraform`` in the engine tests, the sandbox stand-in in the demo.
``recognise_failure`` turns a failed command's stderr into the plain words the
operator reads and the next action; it matches tofu's summaries (and a few
fixed detail phrases), never the wrapping: the ``│`` box and colour codes are
removed and whitespace flattened first.
"""

from __future__ import annotations

import re
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


class FailureKind(StrEnum):
    """The failures the wizard recognises and explains."""

    LOCK_HELD = "lock-held"
    INIT_REQUIRED = "init-required"
    BACKEND_CHANGED = "backend-changed"
    CREDENTIALS = "credentials"
    ACCESS_DENIED = "access-denied"
    BACKEND_MISSING = "backend-missing"
    BACKEND_ERROR = "backend-error"
    STALE_PLAN = "stale-plan"
    PLAN_OTHER_LINEAGE = "plan-other-lineage"
    PUSH_OLDER_SERIAL = "push-older-serial"
    PUSH_OTHER_LINEAGE = "push-other-lineage"
    PUSH_SAME_SERIAL = "push-same-serial"
    STATE_DIGEST_MISMATCH = "state-digest-mismatch"


@dataclass(frozen=True)
class LockInfo:
    """Who holds the state lock, as tofu printed it."""

    id: str
    path: str
    operation: str
    who: str
    version: str
    created: str

    @property
    def operation_words(self) -> str:
        """``OperationTypeApply`` → ``apply``; other operations as printed."""
        return self.operation.removeprefix("OperationType").lower() or "unknown operation"


@dataclass(frozen=True)
class KnownFailure:
    """A recognised failure: what happened in plain words and what to do next."""

    kind: FailureKind
    summary: str
    next_action: str
    lock: LockInfo | None = None
    matched: str = ""  # the tofu sentence that was recognised


_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_SPACES = re.compile(r"\s+")
_LOCK_FIELD = re.compile(r"^\s*(ID|Path|Operation|Who|Version|Created):[ \t]*(.*?)\s*$")


def diagnostic_lines(stderr: str) -> list[str]:
    """stderr without colour codes and without the ``╷ │ ╵`` box around diagnostics."""
    lines: list[str] = []
    for raw in _ANSI.sub("", stderr).replace("\r", "").split("\n"):
        stripped = raw.strip()
        if stripped in ("╷", "╵"):
            continue
        if stripped.startswith("│"):
            raw = raw.lstrip()[1:]
            raw = raw[1:] if raw.startswith(" ") else raw
        lines.append(raw.rstrip())
    return lines


def _lock_info(lines: list[str]) -> LockInfo | None:
    fields: dict[str, str] = {}
    inside = False
    for line in lines:
        if line.strip() == "Lock Info:":
            inside = True
            continue
        match = _LOCK_FIELD.match(line) if inside else None
        if match:
            fields.setdefault(match.group(1), match.group(2))
    if not fields.get("ID"):
        return None
    return LockInfo(
        id=fields["ID"],
        path=fields.get("Path", ""),
        operation=fields.get("Operation", ""),
        who=fields.get("Who", ""),
        version=fields.get("Version", ""),
        created=fields.get("Created", ""),
    )


def _lock_failure(lock: LockInfo, binary: str) -> KnownFailure:
    return KnownFailure(
        FailureKind.LOCK_HELD,
        f"The state is locked by {lock.who or 'someone'} for {lock.operation_words} "
        f"since {lock.created or 'an unknown time'} (lock {lock.id}).",
        f"Wait for that run to finish and try again. Only if it is gone for good "
        f"(its process crashed or its host is down), release the lock with "
        f"`{binary} force-unlock {lock.id}`.",
        lock=lock,
        matched="Error acquiring the state lock",
    )


# (kind, regex on the flattened text, plain words, next action); first match wins.
_RULES: tuple[tuple[FailureKind, str, str, str], ...] = (
    (
        FailureKind.STALE_PLAN,
        r"Saved plan is stale",
        "The saved plan is stale: the state changed after the plan was made.",
        "Make a new plan and review it again; the old plan cannot be applied.",
    ),
    (
        FailureKind.PLAN_OTHER_LINEAGE,
        r"Saved plan does not match the given state",
        "The saved plan was made from a different state (another lineage).",
        "Check which state this directory uses (backend, carried-over state), then re-plan.",
    ),
    (
        FailureKind.PUSH_OLDER_SERIAL,
        r"cannot import state with serial (?P<pushed>\d+) over newer state with serial "
        r"(?P<current>\d+)",
        "The state being pushed (serial {pushed}) is older than the one in the backend "
        "(serial {current}).",
        "Compare lineage and serial; push with -force only after a typed confirmation.",
    ),
    (
        FailureKind.PUSH_OTHER_LINEAGE,
        r"cannot import state with lineage \"(?P<pushed>[^\"]*)\" over unrelated state "
        r"with lineage \"(?P<current>[^\"]*)\"",
        "The state being pushed (lineage {pushed}) belongs to another state history "
        "than the backend's (lineage {current}).",
        "Stop: this is not a version of this deployment's state. Pick the right file.",
    ),
    (
        FailureKind.PUSH_SAME_SERIAL,
        r"cannot overwrite existing state with serial (?P<current>\d+) with a different "
        r"state that has the same serial",
        "The backend holds a different state with the same serial ({current}).",
        "Compare the two states; push with -force only after a typed confirmation.",
    ),
    (
        FailureKind.STATE_DIGEST_MISMATCH,
        r"state data in S3 does not have the expected content",
        "The state object in S3 does not match the checksum in the lock table "
        "(it was probably written by hand, outside tofu).",
        "Restore states only with `tofu state push`; fix the Digest in the lock table "
        "as tofu's message says.",
    ),
    (
        FailureKind.CREDENTIALS,
        r"No valid credential sources found|failed to refresh cached credentials"
        r"|ExpiredToken|InvalidClientTokenId|InvalidAccessKeyId|SignatureDoesNotMatch"
        r"|security token included in the request is (?:expired|invalid)",
        "tofu found no valid AWS credentials (missing, expired or wrong).",
        "Refresh the AWS credentials of this shell (profile, SSO login, keys) and retry.",
    ),
    (
        FailureKind.ACCESS_DENIED,
        r"AccessDenied|StatusCode: 403",
        "AWS refused access to the state backend (access denied).",
        "Use an identity allowed to read and write the state bucket and the lock table.",
    ),
    (
        FailureKind.BACKEND_MISSING,
        r"NoSuchBucket|S3 bucket \"?[^\" ]*\"? does not exist|specified bucket does not exist"
        r"|ResourceNotFoundException|Requested resource not found",
        "The state bucket or the lock table named in backend.tf does not exist "
        "(or is in another region or account).",
        "Check bucket, region and lock table in backend.tf against the AWS account in use.",
    ),
    (
        FailureKind.BACKEND_CHANGED,
        r"Backend configuration changed|backend type changed",
        "backend.tf no longer matches how this directory was initialised.",
        "Go back to the Backend step: the change needs -migrate-state or -reconfigure.",
    ),
    (
        FailureKind.BACKEND_ERROR,
        r"Failed to get existing workspaces|Error loading state|Failed to load state"
        r"|error configuring S3 Backend|Error refreshing state",
        "tofu could not read the state from its backend.",
        "Check the backend settings and network access to AWS, then retry.",
    ),
    (
        FailureKind.INIT_REQUIRED,
        r"Backend initialization required|Inconsistent dependency lock file"
        r"|Module not installed|Required plugins are not installed"
        r"|Missing required provider|please run \"(?:tofu|terraform) init\"",
        "This directory is not initialised for its configuration "
        "(backend, modules or providers changed).",
        "Run the init step again, then plan.",
    ),
)
_COMPILED = tuple((k, re.compile(p, re.IGNORECASE), s, n) for k, p, s, n in _RULES)


def recognise_failure(stderr: str, binary: str = "tofu") -> KnownFailure | None:
    """The known failure in a command's stderr, or None when it is not one we know."""
    lines = diagnostic_lines(stderr)
    flat = _SPACES.sub(" ", " ".join(lines)).strip()
    if not flat:
        return None
    if re.search(r"Error acquiring the state lock", flat, re.IGNORECASE):
        lock = _lock_info(lines)
        if lock is not None:
            return _lock_failure(lock, binary)
    for kind, pattern, summary, next_action in _COMPILED:
        match = pattern.search(flat)
        if match:
            words = summary.format(**match.groupdict())
            return KnownFailure(kind, words, next_action, matched=match.group(0))
    return None
