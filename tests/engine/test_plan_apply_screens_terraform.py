"""The Plan and Apply screens driven with the machine's real `terraform` as the tofu binary.

Built-in ``terraform_data`` resources only (no provider, no network); the test writes its
own CLI config and passes it to the App through TF_CLI_CONFIG_FILE.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.journal import bodies_of
from tests.support.plan_apply_screens import BOOK, open_step
from tests.support.release import make_pair
from tests.support.screen_text import all_text, text_of
from tests.support.terraform import (
    MAIN_CONFIG,
    NO_TERRAFORM,
    PARKED_CONFIG,
    TERRAFORM,
    VALKEY_CONFIG,
    engine_env,
)
from tests.support.waiting import (
    dialog_focused,
    run_until_idle,
    wait_until,
)
from tui.app import make_app
from tui.context import WizardContext
from tui.core.journal.events import PlanReviewed
from tui.core.steps import StepStatus
from tui.core.tofu.carry_over.apply import apply_carry_over
from tui.core.tofu.carry_over.preview import preview_carry_over
from tui.core.tofu.plan.pipeline import Phase
from tui.core.tofu.statefile import read_state
from tui.screens.plan.pipeline_view import PipelineView

pytestmark = pytest.mark.engine

if TERRAFORM is None:
    pytest.skip(NO_TERRAFORM, allow_module_level=True)

MAIN, VALKEY, CACHE = MAIN_CONFIG, VALKEY_CONFIG, PARKED_CONFIG


def releases(tmp_path: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """The previous release applied for real (local state); the current one carried over."""
    prev, curr = make_pair(tmp_path)
    prev_tf, curr_tf = prev / "terraform" / "aws", curr / "terraform" / "aws"
    for tf in (prev_tf, curr_tf):
        (tf / "02-main.tf").write_text(MAIN)
    (prev_tf / "09-elasticache.tf").write_text(CACHE)
    (curr_tf / "09-elasticache.tf.2603").write_text(CACHE)
    (curr_tf / "10-valkey.tf").write_text(VALKEY)
    for argv in (["init", "-input=false"], ["apply", "-input=false", "-auto-approve"]):
        done = subprocess.run(
            [str(TERRAFORM), *argv, "-no-color"],
            cwd=prev_tf,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    apply_carry_over(preview_carry_over(prev_tf, curr_tf, BOOK, remote=False), BOOK)
    return prev, curr


async def test_plan_review_gate_apply_with_real_terraform(tmp_path: Path) -> None:
    env = engine_env(tmp_path)
    prev, curr = releases(tmp_path, env)
    curr_tf = curr / "terraform" / "aws"
    before = read_state(curr_tf / "terraform.tfstate")
    context = WizardContext(
        playbook=BOOK, previous=prev, current=curr, env=env, tofu_bin=str(TERRAFORM)
    )
    app = make_app(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "plan")
        flow = app.query_one("#plan-pipeline", PipelineView)
        await pilot.press("p")
        await run_until_idle(app, pilot)
        assert flow.core.phase is Phase.REVIEWED, all_text(app)
        assert "create 1" in text_of(app, "#plan-counts")  # terraform_data.valkey
        assert text_of(app, "#plan-verdict").startswith(" SAFE")
        await pilot.press("g")
        await wait_until(app, pilot, dialog_focused(app), "the approval dialog, focused")
        await pilot.press("enter")  # nothing blocks: one confirmation
        await run_until_idle(app, pilot)
        assert app.statuses["plan"] is StepStatus.DONE

        app.show_step("apply")
        await run_until_idle(app, pilot)
        apply = app.query_one("#apply-pipeline", PipelineView)
        assert apply.core.phase is Phase.APPROVED
        await pilot.press("a")
        await wait_until(app, pilot, dialog_focused(app), "the apply's confirmation, focused")
        await pilot.press("y")  # the apply's confirmation opens on Cancel; y applies
        await run_until_idle(app, pilot)
        assert apply.core.phase is Phase.APPLIED, all_text(app)
        assert app.statuses["apply"] is StepStatus.DONE

    after = read_state(curr_tf / "terraform.tfstate")
    assert after.lineage == before.lineage and after.serial > before.serial
    assert {r.address for r in after.resources} == {
        "terraform_data.buckets",
        "terraform_data.elasticache",
        "terraform_data.valkey",
    }
    reviewed = bodies_of(curr, PlanReviewed)[-1]
    seen = reviewed.plan.state
    assert seen is not None and (seen.lineage, seen.serial) == (before.lineage, before.serial)
    assert prev.with_name(prev.name + ".tar.gz").is_file() and prev.is_dir()
