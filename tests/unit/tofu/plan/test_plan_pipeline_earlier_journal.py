"""The plan pipeline reading a journal the earlier version wrote (schema 1: decision lines,
no ``schema`` field): the upgrade's approval still found, an unfinished apply still
re-planned.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.plan_pipeline import pipeline_for
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.model import STAGE4
from tui.core.tofu.plan.ledger import read_history
from tui.core.tofu.plan.pipeline import Phase, PipelineMode
from tui.core.tofu.plan.reviewed import record_review, state_mark_from_file
from tui.core.tofu.plan.target import InitMode, PipelineTarget, rollback_target, upgrade_target


def schema_1_line(seq: int, what: str, detail: str, step: str) -> str:
    """One decision line as the first format wrote it (no ``schema`` field)."""
    line = {
        "ts": f"2026-05-20T09:40:0{seq}+00:00",
        "seq": seq,
        "kind": "decision",
        "user": "ops",
        "host": "jump",
        "what": what,
        "detail": detail,
        "step": step,
    }
    return json.dumps(line) + "\n"


def test_a_journal_of_the_earlier_version_still_gives_the_upgrades_approval(
    release: Path, tmp_path: Path
) -> None:
    """Before the pipeline recorded the stage, records named the directory only, and the
    Apply step recorded the bare sha256 of the plan it applied (read through legacy)."""
    reviewed = record_review(
        release / "tfplan", state_mark_from_file(release / "terraform.tfstate")
    )
    state = reviewed.state
    assert state is not None
    review = {
        "plan": str(reviewed.plan_path),
        "plan_sha256": reviewed.plan_sha256,
        "lineage": state.lineage,
        "serial": state.serial,
        "state_source": state.source,
        "verdict": "safe",
        "reviewed_at": reviewed.reviewed_at,
        "workdir": str(release),
    }
    approval = {"workdir": str(release), "reviewed": reviewed.to_json()}
    (tmp_path / "earlier").mkdir()
    workspace = Workspace(tmp_path / "earlier")
    workspace.ensure()
    workspace.journal_path.write_text(
        schema_1_line(1, "plan-reviewed", json.dumps(review), "plan")
        + schema_1_line(2, "plan-approved", json.dumps(approval), "plan")
    )
    journal = Journal.open(workspace)
    upgrade = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    assert read_history(journal.records, upgrade).approved == reviewed
    assert pipeline_for(upgrade, PipelineMode.APPLY, journal, "apply").phase is Phase.APPROVED
    rollback = rollback_target(release, remote=False, state_file="terraform.tfstate")
    assert read_history(journal.records, rollback).approved is None  # not the rollback's

    with workspace.journal_path.open("a") as lines:
        lines.write(schema_1_line(3, "plan-applied", reviewed.plan_sha256, "apply"))
    journal = Journal.open(workspace)
    assert pipeline_for(upgrade, PipelineMode.APPLY, journal, "apply").phase is Phase.APPLIED


def test_an_unfinished_apply_of_the_earlier_version_is_re_planned(
    release: Path, tmp_path: Path
) -> None:
    """The pipeline's first-format records (JSON details naming the stage) read the same."""
    reviewed = record_review(
        release / "tfplan", state_mark_from_file(release / "terraform.tfstate")
    )
    where = {"workdir": str(release), "stage": STAGE4}
    approval = where | {"reviewed": reviewed.to_json(), "gate": "", "typed_phrase": "x"}
    started = where | {"plan_sha256": reviewed.plan_sha256}
    (tmp_path / "earlier").mkdir()
    workspace = Workspace(tmp_path / "earlier")
    workspace.ensure()
    workspace.journal_path.write_text(
        schema_1_line(1, "plan-approved", json.dumps(approval), STAGE4)
        + schema_1_line(2, "apply-started", json.dumps(started), STAGE4)
    )
    journal = Journal.open(workspace)
    target = PipelineTarget(release, STAGE4, "teardown", InitMode.NONE, remote=False)
    history = read_history(journal.records, target)
    assert history.approved == reviewed and history.interrupted is not None
    assert history.interrupted.plan_sha256 == reviewed.plan_sha256
    assert history.interrupted.started_at == "2026-05-20T09:40:02+00:00"
    assert pipeline_for(target, PipelineMode.WHOLE, journal, STAGE4).phase is Phase.INTERRUPTED
    upgrade = upgrade_target(release, remote=False, state_file="terraform.tfstate")
    assert read_history(journal.records, upgrade).interrupted is None  # Stage 4's, not ours

    voided = where | {"reason": "the file is not parked"}
    with workspace.journal_path.open("a") as lines:
        lines.write(
            schema_1_line(3, "apply-ended", json.dumps(started | {"outcome": "failed"}), STAGE4)
        )
        lines.write(schema_1_line(4, "plan-voided", json.dumps(voided), STAGE4))
    journal = Journal.open(workspace)
    history = read_history(journal.records, target)
    assert history.interrupted is None and history.approved is None
