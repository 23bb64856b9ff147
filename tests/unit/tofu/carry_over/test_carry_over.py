"""Carry-over: preview rows, apply with backups and checksums, the state guard, journaling."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.release import make_pair, run_unprivileged
from tui.core.files import sha256_file
from tui.core.journal.records import FileOp
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.carry_over.apply import (
    CarryOverFailed,
    FileChange,
    apply_carry_over,
    journal_change,
)
from tui.core.tofu.carry_over.model import CarryOverError, CarryOverPreview, CarryStatus
from tui.core.tofu.carry_over.preview import preview_carry_over, unified_diff
from tui.core.tofu.statefile import read_state


@pytest.fixture
def playbook() -> Playbook:
    return load_playbook()


@pytest.fixture
def pair(tmp_path: Path, samples: Path) -> tuple[Path, Path]:
    """terraform/aws of previous (with the sample state) and current release."""
    prev, curr = make_pair(tmp_path)
    src = prev / "terraform/aws"
    (src / "terraform.tfstate").write_bytes((samples / "terraform.tfstate").read_bytes())
    return src, curr / "terraform/aws"


def state_text(samples: Path, **changes: object) -> str:
    data = json.loads((samples / "terraform.tfstate").read_text())
    data.update(changes)
    return json.dumps(data)


def rows(preview: CarryOverPreview) -> dict[str, CarryStatus]:
    return {op.name: op.status for op in preview.operations}


def test_option_a_preview_lists_every_playbook_file(pair: tuple[Path, Path], playbook: Playbook):
    src, dst = pair
    preview = preview_carry_over(src, dst, playbook, remote=False)
    statuses = rows(preview)
    assert statuses["terraform.tfstate"] is CarryStatus.COPY
    assert statuses["terraform.tfstate.backup"] is CarryStatus.SKIPPED
    assert statuses["terraform.tfvars"] is CarryStatus.IDENTICAL
    assert statuses["backend.tf"] is CarryStatus.SKIPPED
    assert statuses[".terraform.lock.hcl"] is CarryStatus.SKIPPED
    assert statuses["terraform.tfvars (+ valkey_* block)"] is CarryStatus.APPEND
    assert statuses["09-elasticache.tf.2603 → 09-elasticache.tf"] is CarryStatus.ACTIVATE
    copy = preview.operations[0]
    assert copy.source_sha256 == sha256_file(src / "terraform.tfstate")
    assert not preview.blocked


def test_apply_writes_verifies_and_reports_each_file(pair: tuple[Path, Path], playbook: Playbook):
    src, dst = pair
    seen: list[FileChange] = []
    done = apply_carry_over(
        preview_carry_over(src, dst, playbook, remote=False), playbook, seen.append
    )
    assert done == tuple(seen)
    assert [c.op for c in done] == ["copy", "backup", "append", "rename"]
    state = dst / "terraform.tfstate"
    assert sha256_file(state) == sha256_file(src / "terraform.tfstate")
    assert read_state(state).serial == 57
    tfvars = (dst / "terraform.tfvars").read_text()
    assert tfvars.startswith((src / "terraform.tfvars").read_text())
    assert 'valkey_username                   = "fusion"' in tfvars
    assert "--secret-id acme-mocm-prod/valkey/fusion" in tfvars  # <name_prefix> filled in
    assert "--region eu-central-1" in tfvars
    assert (dst / "09-elasticache.tf").is_file() and not (dst / "09-elasticache.tf.2603").exists()
    append = next(c for c in done if c.op == "append")
    assert append.sha256_after == sha256_file(dst / "terraform.tfvars")
    backup = next(c for c in done if c.op == "backup")
    assert backup.path.read_text() == (src / "terraform.tfvars").read_text()


def test_second_preview_after_apply_has_nothing_to_do(pair: tuple[Path, Path], playbook: Playbook):
    src, dst = pair
    apply_carry_over(preview_carry_over(src, dst, playbook, remote=False), playbook)
    again = preview_carry_over(src, dst, playbook, remote=False)
    assert again.changes == ()
    statuses = rows(again)
    assert statuses["terraform.tfvars"] is CarryStatus.IDENTICAL
    assert statuses["terraform.tfvars (+ valkey_* block)"] is CarryStatus.PRESENT
    assert statuses["09-elasticache.tf.2603 → 09-elasticache.tf"] is CarryStatus.ACTIVE
    assert apply_carry_over(again, playbook) == ()


def test_changes_are_journaled_with_checksums(
    pair: tuple[Path, Path], playbook: Playbook, tmp_path: Path
):
    src, dst = pair
    (tmp_path / "work").mkdir()
    journal = Journal.open(Workspace(tmp_path / "work"), user="op", host="jump")
    apply_carry_over(
        preview_carry_over(src, dst, playbook, remote=False),
        playbook,
        lambda change: journal_change(journal, change, "carry-over"),
    )
    ops = [r.body for r in journal.records if isinstance(r.body, FileOp)]
    copy = next(op for op in ops if op.op == "copy")
    assert copy.path == str(dst / "terraform.tfstate") and copy.sha256_before is None
    assert copy.sha256_after == sha256_file(src / "terraform.tfstate")
    assert copy.source == str(src / "terraform.tfstate") and copy.step == "carry-over"


def test_destination_state_with_lower_serial_is_backed_up_then_replaced(
    pair: tuple[Path, Path], playbook: Playbook, samples: Path
):
    src, dst = pair
    older = state_text(samples, serial=50)
    (dst / "terraform.tfstate").write_text(older)
    preview = preview_carry_over(src, dst, playbook, remote=False)
    op = preview.operations[0]
    assert op.status is CarryStatus.OVERWRITE and op.backup is not None
    assert "terraform.tfstate.pre-carry-over" in op.reason
    apply_carry_over(preview, playbook)
    assert (dst / "terraform.tfstate.pre-carry-over").read_text() == older
    assert read_state(dst / "terraform.tfstate").serial == 57


def test_destination_state_with_higher_serial_blocks(
    pair: tuple[Path, Path], playbook: Playbook, samples: Path
):
    src, dst = pair
    newer = state_text(samples, serial=60)
    (dst / "terraform.tfstate").write_text(newer)
    preview = preview_carry_over(src, dst, playbook, remote=False)
    op = preview.operations[0]
    assert op.status is CarryStatus.REFUSED
    assert "newer (serial 60 > 57)" in op.reason
    with pytest.raises(CarryOverError, match="blocked"):
        apply_carry_over(preview, playbook)
    assert (dst / "terraform.tfstate").read_text() == newer


def test_destination_state_of_another_lineage_blocks(
    pair: tuple[Path, Path], playbook: Playbook, samples: Path
):
    src, dst = pair
    (dst / "terraform.tfstate").write_text(state_text(samples, serial=1, lineage="other-lineage"))
    op = preview_carry_over(src, dst, playbook, remote=False).operations[0]
    assert op.status is CarryStatus.REFUSED
    assert "another state history (lineage other-lineage" in op.reason


def test_source_state_not_json_is_refused(pair: tuple[Path, Path], playbook: Playbook):
    src, dst = pair
    (src / "terraform.tfstate").write_text("{ this is not json")
    preview = preview_carry_over(src, dst, playbook, remote=False)
    op = preview.operations[0]
    assert op.status is CarryStatus.REFUSED and "not a readable state" in op.reason
    assert "is not JSON" in op.reason
    assert not (dst / "terraform.tfstate").exists()


def test_required_file_missing_blocks(pair: tuple[Path, Path], playbook: Playbook):
    src, dst = pair
    (src / "terraform.tfstate").unlink()
    preview = preview_carry_over(src, dst, playbook, remote=False)
    assert [op.name for op in preview.blockers] == ["terraform.tfstate"]
    assert preview.blockers[0].status is CarryStatus.MISSING


def test_optional_file_present_is_copied(pair: tuple[Path, Path], playbook: Playbook):
    src, dst = pair
    (src / ".terraform.lock.hcl").write_text('provider "x" {}\n')
    apply_carry_over(preview_carry_over(src, dst, playbook, remote=False), playbook)
    assert (dst / ".terraform.lock.hcl").read_text() == 'provider "x" {}\n'


def test_option_b2_needs_backend_tf_and_copies_no_state(
    pair: tuple[Path, Path], playbook: Playbook
):
    src, dst = pair
    blocked = preview_carry_over(src, dst, playbook, remote=True)
    assert [op.name for op in blocked.blockers] == ["backend.tf"]
    (src / "backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
    preview = preview_carry_over(src, dst, playbook, remote=True)
    assert preview.option == "remote" and not preview.blocked
    assert "terraform.tfstate" not in rows(preview)
    apply_carry_over(preview, playbook)
    assert (dst / "backend.tf").is_file() and not (dst / "terraform.tfstate").exists()


def test_differing_file_shows_a_unified_diff(pair: tuple[Path, Path], playbook: Playbook):
    src, dst = pair
    (src / "backend.tf").write_text('bucket = "new"\n')
    (dst / "backend.tf").write_text('bucket = "old"\n')
    preview = preview_carry_over(src, dst, playbook, remote=False)
    op = next(op for op in preview.operations if op.name == "backend.tf")
    assert op.status is CarryStatus.OVERWRITE
    diff = unified_diff(op, preview)
    assert '-bucket = "old"' in diff and '+bucket = "new"' in diff
    append = next(op for op in preview.operations if op.action == "append")
    assert "+valkey_port                       = 6379" in unified_diff(append, preview)


def test_file_changed_after_preview_stops_before_writing(
    pair: tuple[Path, Path], playbook: Playbook
):
    src, dst = pair
    preview = preview_carry_over(src, dst, playbook, remote=False)
    (src / "terraform.tfstate").write_text((src / "terraform.tfstate").read_text() + " ")
    with pytest.raises(CarryOverFailed, match="changed since the preview") as caught:
        apply_carry_over(preview, playbook)
    assert caught.value.done == ()
    assert not (dst / "terraform.tfstate").exists()


def test_both_parked_and_active_names_block(pair: tuple[Path, Path], playbook: Playbook):
    src, dst = pair
    (dst / "09-elasticache.tf").write_text("# stale copy\n")
    preview = preview_carry_over(src, dst, playbook, remote=False)
    assert preview.blockers[-1].action == "activate"
    assert "both names exist" in preview.blockers[-1].reason


def test_an_activation_killed_between_link_and_unlink_is_finished_on_the_next_apply(
    pair: tuple[Path, Path], playbook: Playbook
):
    """The kill-resume e2e under load: killed inside the activation, the wizard found both
    names (one file, hard-linked) and blocked the carry-over "by hand". Now the preview
    says what happened and applying finishes the rename; the file's text is unchanged."""
    src, dst = pair
    parked, active = dst / "09-elasticache.tf.2603", dst / "09-elasticache.tf"
    text = parked.read_text()
    os.link(parked, active)  # the state on disk the kill left
    preview = preview_carry_over(src, dst, playbook, remote=False)
    activate = rows(preview)["09-elasticache.tf.2603 → 09-elasticache.tf"]
    assert activate is CarryStatus.ACTIVATE and not preview.blocked
    assert "interrupted rename" in preview.operations[-1].reason
    done = apply_carry_over(preview, playbook)
    assert done[-1].op == "rename"
    assert not parked.exists() and active.read_text() == text


def test_permission_denied_on_destination_writes_nothing(
    pair: tuple[Path, Path], playbook: Playbook
):
    src, dst = pair
    before = sorted(p.name for p in dst.iterdir())
    dst.chmod(0o555)
    try:
        out = run_unprivileged(
            "from pathlib import Path\n"
            "from tui.core.playbook.load import load_playbook\n"
            "from tui.core.tofu.carry_over.preview import preview_carry_over\n"
            "from tui.core.tofu.carry_over.apply import apply_carry_over\n"
            "from tui.core.errors import MocmError\n"
            "pb = load_playbook()\n"
            f"p = preview_carry_over(Path({str(src)!r}), Path({str(dst)!r}), pb, remote=False)\n"
            "try:\n"
            "    apply_carry_over(p, pb)\n"
            "except MocmError as e:\n"
            "    print(str(e))\n"
        )
    finally:
        dst.chmod(0o755)
    assert f"Cannot write in {dst}: permission denied." in out
    assert "Nothing was written" in out
    assert sorted(p.name for p in dst.iterdir()) == before
