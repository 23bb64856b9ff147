"""Rollback A: keep the failed state, restore .pre-upgrade in the previous release."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.release import make_pair, run_unprivileged
from tui.core.errors import ParseError
from tui.core.files import sha256_file
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.carry_over.apply import FileChange
from tui.core.tofu.rollback.local import RollbackError, apply_local_rollback, plan_local_rollback
from tui.core.tofu.statefile import read_state


@pytest.fixture
def playbook() -> Playbook:
    return load_playbook()


@pytest.fixture
def dirs(tmp_path: Path, samples: Path) -> tuple[Path, Path]:
    """Previous state + .pre-upgrade (serial 57); current holds the failed state (58)."""
    prev, curr = make_pair(tmp_path)
    src, dst = prev / "terraform/aws", curr / "terraform/aws"
    for name in ("terraform.tfstate", "terraform.tfstate.pre-upgrade"):
        (src / name).write_bytes((samples / "terraform.tfstate").read_bytes())
    (dst / "terraform.tfstate").write_bytes(
        (samples / "terraform.tfstate.after_upgrade").read_bytes()
    )
    return src, dst


def test_plan_shows_serials_and_what_is_left_behind(dirs: tuple[Path, Path], playbook: Playbook):
    src, dst = dirs
    plan = plan_local_rollback(src, dst, playbook)
    assert plan.restored_serial == 57 and plan.failed_serial == 58 and plan.target_serial == 57
    assert plan.failed_copy == dst / "terraform.tfstate.failed"
    assert plan.target_backup is None  # previous state == backup: nothing to restore there
    assert plan.workdir == src and not plan.target_is_newer
    assert plan.left_behind and all("valkey" in a for a in plan.left_behind)


def test_failed_state_is_kept_and_backup_restored(dirs: tuple[Path, Path], playbook: Playbook):
    src, dst = dirs
    (src / "terraform.tfstate").write_text("{}")  # e.g. damaged by hand after the backup
    damaged = sha256_file(src / "terraform.tfstate")
    seen: list[FileChange] = []
    with pytest.raises(ParseError):  # an unreadable previous state is not silently replaced
        plan_local_rollback(src, dst, playbook)
    (src / "terraform.tfstate").write_text(
        json.dumps(
            {**json.loads((src / "terraform.tfstate.pre-upgrade").read_text()), "serial": 56}
        )
    )
    damaged = sha256_file(src / "terraform.tfstate")
    plan = plan_local_rollback(src, dst, playbook)
    done = apply_local_rollback(plan, on_change=seen.append)
    assert done == tuple(seen)
    assert [c.op for c in done] == ["copy", "backup", "copy"]
    assert sha256_file(dst / "terraform.tfstate.failed") == sha256_file(dst / "terraform.tfstate")
    assert read_state(dst / "terraform.tfstate").serial == 58  # the failed state stays in place
    assert sha256_file(src / "terraform.tfstate.pre-rollback") == damaged
    assert read_state(src / "terraform.tfstate").serial == 57
    assert (
        done[2].sha256_before == damaged and done[2].source == src / "terraform.tfstate.pre-upgrade"
    )


def test_an_earlier_failed_copy_is_never_overwritten(dirs: tuple[Path, Path], playbook: Playbook):
    src, dst = dirs
    (dst / "terraform.tfstate.failed").write_text("first failure")
    done = apply_local_rollback(plan_local_rollback(src, dst, playbook))
    assert (dst / "terraform.tfstate.failed").read_text() == "first failure"
    assert done[0].path == dst / "terraform.tfstate.failed.1"


def test_missing_pre_upgrade_backup_refuses(dirs: tuple[Path, Path], playbook: Playbook):
    src, dst = dirs
    (src / "terraform.tfstate.pre-upgrade").unlink()
    with pytest.raises(RollbackError, match=r"no terraform\.tfstate\.pre-upgrade"):
        plan_local_rollback(src, dst, playbook)


def test_other_lineage_refuses(dirs: tuple[Path, Path], playbook: Playbook):
    src, dst = dirs
    data = json.loads((dst / "terraform.tfstate").read_text())
    (dst / "terraform.tfstate").write_text(json.dumps({**data, "lineage": "elsewhere"}))
    with pytest.raises(RollbackError, match="another state history"):
        plan_local_rollback(src, dst, playbook)


def test_newer_previous_state_needs_a_confirmation(dirs: tuple[Path, Path], playbook: Playbook):
    src, dst = dirs
    data = json.loads((src / "terraform.tfstate").read_text())
    (src / "terraform.tfstate").write_text(json.dumps({**data, "serial": 60}))
    plan = plan_local_rollback(src, dst, playbook)
    assert plan.target_is_newer
    with pytest.raises(RollbackError, match="newer than the backup"):
        apply_local_rollback(plan)
    assert not (dst / "terraform.tfstate.failed").exists()
    apply_local_rollback(plan, confirmed_older=True)
    assert read_state(src / "terraform.tfstate").serial == 57


def test_pre_upgrade_not_json_is_a_clear_error(dirs: tuple[Path, Path], playbook: Playbook):
    src, dst = dirs
    (src / "terraform.tfstate.pre-upgrade").write_text("not json")
    with pytest.raises(ParseError, match="is not JSON"):
        plan_local_rollback(src, dst, playbook)


def test_permission_denied_in_previous_release(dirs: tuple[Path, Path], playbook: Playbook):
    src, dst = dirs
    data = json.loads((src / "terraform.tfstate").read_text())
    (src / "terraform.tfstate").write_text(json.dumps({**data, "serial": 50}))
    before = sorted(p.name for p in src.iterdir())
    src.chmod(0o555)
    try:
        out = run_unprivileged(
            "from pathlib import Path\n"
            "from tui.core.playbook.load import load_playbook\n"
            "from tui.core.tofu.rollback.local import plan_local_rollback, apply_local_rollback\n"
            "from tui.core.errors import MocmError\n"
            f"plan = plan_local_rollback(Path({str(src)!r}), Path({str(dst)!r}), load_playbook())\n"
            "try:\n"
            "    apply_local_rollback(plan)\n"
            "except MocmError as e:\n"
            "    print(e.message)\n"
        )
    finally:
        src.chmod(0o755)
    assert "Rollback stopped: cannot write" in out and "permission denied" in out
    assert sorted(p.name for p in src.iterdir()) == before
    assert read_state(src / "terraform.tfstate").serial == 50
