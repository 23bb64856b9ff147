"""A failed ``tofu`` command's stderr, recognised: plain words and the next action.

``recognise_failure`` matches tofu's summaries (and a few fixed detail phrases),
never the wrapping: the ``│`` box and colour codes are removed and whitespace
flattened first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


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
