"""Where both rollbacks re-converge the previous release, and what a restart finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.journal.events import UNDONE_BY, RollbackChosen, RollbackDone, RollbackKind
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import load_playbook
from tui.core.tofu.backend.detect import detect_backend
from tui.core.tofu.plan.target import InitMode
from tui.core.tofu.rollback.local import RollbackError
from tui.core.tofu.rollback.reconverge import (
    option_a_target,
    option_b_target,
    restored_earlier,
)

BOOK = load_playbook()
BACKEND = """terraform {{
  backend "s3" {{
    bucket       = "{bucket}"
    key          = "{key}"
    region       = "eu-central-1"
    use_lockfile = true
  }}
}}
"""


def previous_release(tmp_path: Path, backend: str | None) -> Path:
    workdir = tmp_path / "mocm-10.5.2603" / "terraform" / "aws"
    workdir.mkdir(parents=True)
    (workdir / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    if backend is not None:
        (workdir / "backend.tf").write_text(backend)
    return workdir


def test_option_a_re_converges_with_the_rollback_rules_and_init_upgrade(tmp_path: Path) -> None:
    target = option_a_target(previous_release(tmp_path, None), BOOK)
    assert target.stage == "rollback" and target.init is InitMode.UPGRADE and not target.remote


def test_option_b_needs_the_previous_release_on_the_restored_key(tmp_path: Path) -> None:
    same = BACKEND.format(bucket="acme-tfstate", key="mocm/prod/terraform.tfstate")
    restored_to = detect_backend(previous_release(tmp_path / "a", same), BOOK).backend
    assert restored_to is not None
    target = option_b_target(previous_release(tmp_path / "d", same), restored_to, BOOK)
    assert target.remote and target.init is InitMode.PLAIN and target.stage == "rollback"

    other = BACKEND.format(bucket="acme-tfstate", key="mocm/staging/terraform.tfstate")
    with pytest.raises(RollbackError) as raised:
        option_b_target(previous_release(tmp_path / "b", other), restored_to, BOOK)
    assert "points at s3://acme-tfstate/mocm/staging/terraform.tfstate" in raised.value.message
    with pytest.raises(RollbackError) as raised:
        option_b_target(previous_release(tmp_path / "c", None), restored_to, BOOK)
    assert "does not keep its state in S3" in raised.value.message


def test_a_restart_finds_the_restore_of_the_rollback_step_only(tmp_path: Path) -> None:
    journal = Journal.open(Workspace(tmp_path), clock=lambda: "2026-05-20T10:02:03.000000+00:00")
    assert restored_earlier(journal.records) is None
    kind = RollbackKind.STATE_VERSION
    journal.append(RollbackChosen(kind, "version abc", "s3://acme/mocm"))  # chosen, not done
    helm = RollbackKind.HELM
    journal.append(RollbackDone(helm, "mocm-service → 6", UNDONE_BY[helm], "helm"))
    assert restored_earlier(journal.records) is None  # a Helm rollback restores no state
    journal.append(RollbackDone(kind, "version abc: serial 57", UNDONE_BY[kind]))
    again = Journal.open(Workspace(tmp_path))
    earlier = restored_earlier(again.records)
    assert earlier is not None and earlier.detail == "version abc: serial 57"
    assert earlier.words == (
        "The state was restored at 2026-05-20 10:02:03 UTC (version abc: serial 57; journal)."
    )
