"""A remote state that vanished: the S3 object (or its bucket) the journal saw is gone.

``tofu state pull`` of an S3 backend whose object was deleted prints nothing and
exits 0; ``tofu plan`` then plans every resource as new. When the journal saw a
state in this directory (a review made on lineage L, serial N), a review made on no
state is refused, naming ``s3://bucket/key`` and what the journal last saw there.
A bucket gone makes ``tofu init`` or ``plan`` fail (``NoSuchBucket``): the stop names
the same two things.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.errors import MocmError
from tui.core.exec.result import CommandResult
from tui.core.tofu.backend.detect import read_backend_file
from tui.core.tofu.failures import FailureKind, recognise_failure
from tui.core.tofu.plan.ledger import PipelineHistory
from tui.core.tofu.plan.reviewed import StateMark
from tui.core.tofu.plan.stopped import CommandStop, StopKind
from tui.core.tofu.plan.target import PipelineTarget

BACKEND_FILE = "backend.tf"


def state_location(workdir: Path) -> str:
    """``s3://bucket/key`` as ``backend.tf`` names it, or the file's own words."""
    try:
        backend = read_backend_file(workdir / BACKEND_FILE)
    except MocmError:
        return f"the backend of {workdir}"
    return f"s3://{backend.bucket}/{backend.key}"


def vanished_state(
    target: PipelineTarget, mark: StateMark | None, history: PipelineHistory
) -> CommandStop | None:
    """The stop when a remote state the journal saw is gone now; None otherwise."""
    seen = history.last_state
    if not target.remote or mark is not None or seen is None:
        return None
    where = state_location(target.workdir)
    return CommandStop(
        "The plan cannot be reviewed",
        StopKind.REFUSED,
        f": {where} holds no state now",
        (
            f"The journal last saw lineage {seen.lineage}, serial {seen.serial} there "
            f"(review of {history.last_state_at}).",
            "A plan made on no state would create every resource again: it was not recorded.",
        ),
        f"restore {where} (Rollback B lists its versions) or find where it went, then plan again",
    )


def vanished_backend(
    target: PipelineTarget, result: CommandResult, binary: str, history: PipelineHistory
) -> CommandStop | None:
    """The stop when init or plan failed because the state's bucket is gone and the
    journal saw a state there; None for any other failure (explained as usual)."""
    seen = history.last_state
    if not target.remote or seen is None or result.cancelled or result.timed_out:
        return None
    known = recognise_failure("\n".join(result.stderr_tail), binary)
    if known is None or known.kind is not FailureKind.BACKEND_MISSING:
        return None
    where = state_location(target.workdir)
    return CommandStop(
        "The plan cannot be made",
        StopKind.REFUSED,
        f": the bucket of {where} (or its lock table) does not exist now",
        (
            f"The journal last saw lineage {seen.lineage}, serial {seen.serial} there "
            f"(review of {history.last_state_at}).",
            known.summary,
        ),
        "find where the bucket went (account, region) or restore it with its versions, then "
        "plan again",
    )
