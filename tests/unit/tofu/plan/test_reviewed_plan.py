"""Reviewed-plan guard: the plan file's checksum and the state's lineage/serial at review."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.exec.recorder import FinishedCommand
from tui.core.exec.result import CommandNotFound, CommandTimedOut
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.plan.reviewed import (
    ClearToApply,
    PlanFileChanged,
    ReviewedPlan,
    ReviewedPlanError,
    StalePlan,
    StateMark,
    check_before_apply,
    pull_state_mark,
    record_review,
    state_mark_from_file,
)


@pytest.fixture
def workdir(tmp_path: Path, samples: Path) -> Path:
    (tmp_path / "terraform.tfstate").write_bytes((samples / "terraform.tfstate").read_bytes())
    (tmp_path / "tfplan").write_bytes(b"PK\x03\x04 a plan")
    return tmp_path


def bump_serial(state: Path, serial: int, lineage: str | None = None) -> None:
    data = json.loads(state.read_text())
    data["serial"] = serial
    if lineage:
        data["lineage"] = lineage
    state.write_text(json.dumps(data))


def test_unchanged_plan_and_state_are_clear_to_apply(workdir: Path) -> None:
    mark = state_mark_from_file(workdir / "terraform.tfstate")
    assert mark is not None and mark.serial == 57
    assert mark.lineage == "8c3f6d2e-41b7-4f0a-9a3d-5e7c1b2f9d04"
    reviewed = record_review(workdir / "tfplan", mark)
    again = state_mark_from_file(workdir / "terraform.tfstate")
    assert isinstance(check_before_apply(reviewed, again), ClearToApply)


def test_plan_file_changed_after_review_is_refused(workdir: Path) -> None:
    reviewed = record_review(
        workdir / "tfplan", state_mark_from_file(workdir / "terraform.tfstate")
    )
    (workdir / "tfplan").write_bytes(b"PK\x03\x04 another plan")
    check = check_before_apply(reviewed, reviewed.state)
    assert isinstance(check, PlanFileChanged)
    assert "is not the plan that was reviewed" in check.message
    assert "nothing was applied" in check.message


def test_plan_file_deleted_after_review_is_refused(workdir: Path) -> None:
    reviewed = record_review(workdir / "tfplan", None)
    (workdir / "tfplan").unlink()
    check = check_before_apply(reviewed, None)
    assert isinstance(check, PlanFileChanged) and "is gone" in check.message


def test_state_serial_changed_means_stale_plan_and_replan(workdir: Path) -> None:
    state = workdir / "terraform.tfstate"
    reviewed = record_review(workdir / "tfplan", state_mark_from_file(state))
    bump_serial(state, 58)
    check = check_before_apply(reviewed, state_mark_from_file(state))
    assert isinstance(check, StalePlan) and check.offer_replan
    assert "changed by another operation" in check.message
    assert "reviewed on serial 57" in check.message and "now serial 58" in check.message


def test_other_lineage_is_explained_as_another_history(workdir: Path) -> None:
    state = workdir / "terraform.tfstate"
    reviewed = record_review(workdir / "tfplan", state_mark_from_file(state))
    bump_serial(state, 57, lineage="aaaa")
    check = check_before_apply(reviewed, state_mark_from_file(state))
    assert isinstance(check, StalePlan) and "another state history" in check.message


def test_first_apply_without_state_then_state_appears_is_stale(workdir: Path) -> None:
    (workdir / "terraform.tfstate").unlink()
    reviewed = record_review(
        workdir / "tfplan", state_mark_from_file(workdir / "terraform.tfstate")
    )
    assert reviewed.state is None
    assert isinstance(check_before_apply(reviewed, None), ClearToApply)
    stale = check_before_apply(reviewed, StateMark("l", 1, "x"))
    assert isinstance(stale, StalePlan) and "reviewed on no state" in stale.message


def test_review_record_round_trips_through_the_journal_text(workdir: Path) -> None:
    reviewed = record_review(
        workdir / "tfplan", state_mark_from_file(workdir / "terraform.tfstate")
    )
    assert ReviewedPlan.from_json(reviewed.to_json()) == reviewed
    with pytest.raises(ReviewedPlanError, match="damaged"):
        ReviewedPlan.from_json('{"plan_path": 1}')


def test_state_not_json_is_a_parse_error_naming_the_file(workdir: Path) -> None:
    (workdir / "terraform.tfstate").write_text("<html>proxy error</html>")
    with pytest.raises(ParseError, match=r"terraform\.tfstate:1:1: is not JSON"):
        state_mark_from_file(workdir / "terraform.tfstate")


def fake_tofu(directory: Path, body: str) -> str:
    script = directory / "fake-tofu"
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    script.chmod(0o755)
    return str(script)


def env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def test_state_pull_gives_the_remote_mark(workdir: Path, samples: Path) -> None:
    binary = fake_tofu(
        workdir,
        f"""
        import sys
        assert sys.argv[1:] == ["state", "pull"], sys.argv
        sys.stdout.write(open({str(samples / "terraform.tfstate.pretty")!r}).read())
        """,
    )
    mark = pull_state_mark(TofuCommands(binary), workdir, env())
    assert mark == StateMark("8c3f6d2e-41b7-4f0a-9a3d-5e7c1b2f9d04", 57, "state pull")


def test_state_pull_of_an_empty_backend_is_no_state(workdir: Path) -> None:
    binary = fake_tofu(workdir, "pass\n")
    assert pull_state_mark(TofuCommands(binary), workdir, env()) is None


def test_state_pull_failure_is_explained(workdir: Path, samples: Path) -> None:
    lock = (samples / "tofu_state_lock_dynamodb.stderr.txt").read_text()
    binary = fake_tofu(workdir, f"import sys\nsys.stderr.write({lock!r})\nsys.exit(1)\n")
    with pytest.raises(ReviewedPlanError, match="locked by deploy@ops-jump-01"):
        pull_state_mark(TofuCommands(binary), workdir, env())


def test_tool_missing_is_a_clear_error(workdir: Path) -> None:
    with pytest.raises(CommandNotFound, match="Command not found: 'no-such-tofu'"):
        pull_state_mark(TofuCommands("no-such-tofu"), workdir, env())


def test_tool_hanging_is_stopped_by_the_timeout(workdir: Path) -> None:
    binary = fake_tofu(workdir, "import time\ntime.sleep(600)\n")
    with pytest.raises(CommandTimedOut, match="did not finish within its time limit"):
        pull_state_mark(TofuCommands(binary), workdir, env(), timeout_s=0.5)


def test_state_pull_is_recorded_without_its_output(workdir: Path, samples: Path) -> None:
    """argv, exit code and duration reach the recorder; the state (secrets) never does."""
    state = (samples / "terraform.tfstate.pretty").read_text()
    binary = fake_tofu(workdir, f"import sys\nsys.stdout.write({state!r})\n")
    recorded: list[FinishedCommand] = []
    pull_state_mark(TofuCommands(binary), workdir, env(), on_finished=recorded.append)
    assert [(r.argv, r.cwd, r.exit_code, r.outcome) for r in recorded] == [
        ((binary, "state", "pull"), str(workdir), 0, "")
    ]
    assert "8c3f6d2e" not in repr(recorded)  # not even the lineage: no output at all


def test_a_failed_state_pull_is_recorded_then_explained(workdir: Path, samples: Path) -> None:
    lock = (samples / "tofu_state_lock_dynamodb.stderr.txt").read_text()
    binary = fake_tofu(workdir, f"import sys\nsys.stderr.write({lock!r})\nsys.exit(1)\n")
    recorded: list[FinishedCommand] = []
    with pytest.raises(ReviewedPlanError, match="locked by deploy@ops-jump-01"):
        pull_state_mark(TofuCommands(binary), workdir, env(), on_finished=recorded.append)
    assert [r.exit_code for r in recorded] == [1]
