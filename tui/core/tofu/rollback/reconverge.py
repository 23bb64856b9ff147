"""After the state is restored, both rollbacks re-converge the previous release.

The previous release's configuration is planned and applied on the restored state
through the one plan pipeline, reviewed with the playbook's rollback rules. Option A
runs in ``<previous>/terraform/aws`` on its local state; Option B there too, on the
S3 state just pushed — which the previous release must point at (same bucket and
key), else the re-convergence would plan against another state.

The restore is journaled (``RollbackDone``): a restart goes on with the
re-convergence instead of offering to restore (or push) the state a second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tui.core.journal.events import RollbackDone, RollbackKind
from tui.core.journal.records import JournalRecord
from tui.core.playbook.load import Playbook
from tui.core.tofu.backend.detect import BackendKind, S3Backend, detect_backend
from tui.core.tofu.plan.target import PipelineTarget, rollback_target
from tui.core.tofu.rollback.local import RollbackError

ROLLBACK_STEP = "rollback"
STATE_RESTORES = (RollbackKind.LOCAL_STATE, RollbackKind.STATE_VERSION)


@dataclass(frozen=True)
class RestoredEarlier:
    """The journal's record of a restore already made (what was restored, and when)."""

    detail: str
    at: str  # ISO time of the record

    @property
    def words(self) -> str:
        """What the operator reads after a restart."""
        when = self.at[:19].replace("T", " ") + " UTC"
        return f"The state was restored at {when} ({self.detail}; journal)."


def restored_earlier(records: Iterable[JournalRecord]) -> RestoredEarlier | None:
    """The last restore the journal holds for the Rollback step, None when there is none."""
    found = None
    for record in records:
        body = record.body
        if (
            isinstance(body, RollbackDone)
            and body.rollback in STATE_RESTORES
            and body.step == ROLLBACK_STEP
        ):
            found = RestoredEarlier(body.detail, record.ts)
    return found


def option_a_target(previous_tf: Path, playbook: Playbook) -> PipelineTarget:
    """The previous release on its restored local state (``init -upgrade``, as the guide)."""
    return rollback_target(previous_tf, remote=False, state_file=playbook.state_file)


def option_b_target(previous_tf: Path, backend: S3Backend, playbook: Playbook) -> PipelineTarget:
    """The previous release on the pushed S3 state; RollbackError when it points elsewhere."""
    where = f"s3://{backend.bucket}/{backend.key}"
    situation = detect_backend(previous_tf, playbook)
    theirs = situation.backend
    if situation.kind is not BackendKind.REMOTE or theirs is None:
        raise RollbackError(
            f"The previous release {previous_tf} does not keep its state in S3: "
            + " ".join(situation.explanation),
            f"Its backend.tf must point at {where} to re-converge it on the restored state.",
        )
    if (theirs.bucket, theirs.key) != (backend.bucket, backend.key):
        raise RollbackError(
            f"The previous release's backend.tf points at s3://{theirs.bucket}/{theirs.key}, "
            f"not at {where} where the state was restored.",
            "Re-converging there would plan against another state; fix its backend.tf first.",
        )
    return rollback_target(previous_tf, remote=True, state_file=playbook.state_file)
