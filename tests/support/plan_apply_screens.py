"""Helpers for the Plan / Apply / Rollback screen tests: a sandbox world after the
carry-over, the App opened on a step, the journal, and what the screen shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.sandbox import new_world, standin_env
from tests.support.waiting import WizardPilot, settle
from tui.app import WizardApp, make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook
from tui.core.steps import FORWARD_STEPS, StepStatus
from tui.core.tofu.carry_over.apply import apply_carry_over
from tui.core.tofu.carry_over.preview import preview_carry_over
from tui.sandbox.world import World

BOOK = load_playbook()


def carried_world(root: Path, *, remote: bool = False) -> World:
    """A demo world whose current release had its carry-over done (Option A by default)."""
    world = new_world(root)
    apply_carry_over(
        preview_carry_over(tf_dir(world.previous), tf_dir(world.current), BOOK, remote=remote),
        BOOK,
    )
    return world


def tf_dir(release: Path) -> Path:
    return release / "terraform" / "aws"


def world_app(world: World, tofu_bin: str = "tofu", **env: str) -> WizardApp:
    """The App on the world's releases, the stand-ins first on PATH."""
    context = WizardContext(
        playbook=BOOK,
        previous=world.previous,
        current=world.current,
        env=standin_env(world, **env),
        tofu_bin=tofu_bin,
    )
    return make_app(context)


async def open_step(app: WizardApp, pilot: WizardPilot, step: str) -> None:
    """Mark every step before ``step`` done and show it."""
    await settle(app, pilot)
    assert app.session is not None, "the releases were not accepted"
    if step in FORWARD_STEPS:
        for earlier in FORWARD_STEPS[: FORWARD_STEPS.index(step)]:
            app.statuses[earlier] = StepStatus.DONE
    app.show_step(step)
    await settle(app, pilot)


def upgrade_journaled_done(app: WizardApp) -> None:
    """The upgrade's steps through Helm journaled done, as a wizard that ran them leaves the
    journal (the rollback then reverts some of them in the change record)."""
    assert app.session is not None
    for step in FORWARD_STEPS[: FORWARD_STEPS.index("stage4")]:
        app.session.journal.step_completed(step)


def journal(release: Path) -> list[dict[str, Any]]:
    lines = (release / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def commands_run(release: Path) -> list[list[str]]:
    return [r["argv"] for r in journal(release) if r["kind"] == "command"]


STATE_KEY = "mocm/prod/terraform.tfstate"
S3_BACKEND = """terraform {{
  backend "s3" {{
    bucket       = "{bucket}"
    key          = "{key}"
    region       = "{region}"
    use_lockfile = true
  }}
}}
"""


def remote_world(root: Path) -> tuple[World, Any, str]:
    """B.2: the previous release keeps its state in a versioned S3 bucket (moto, through
    the ``aws`` fixture's environment) and the B.2 carry-over is done in the current one.
    Returns the world, an S3 client and the bucket."""
    import boto3

    world = new_world(root)
    prev = tf_dir(world.previous)
    bucket = f"{world.name_prefix}-tfstate"
    s3: Any = boto3.client("s3", region_name=world.region)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": world.region})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    local = prev / BOOK.state_file
    s3.put_object(Bucket=bucket, Key=STATE_KEY, Body=local.read_bytes())
    local.rename(prev / BOOK.state_migrated)
    backend = S3_BACKEND.format(bucket=bucket, key=STATE_KEY, region=world.region)
    (prev / "backend.tf").write_text(backend)
    apply_carry_over(preview_carry_over(prev, tf_dir(world.current), BOOK, remote=True), BOOK)
    return world, s3, bucket


def s3_state(s3: Any, bucket: str) -> dict[str, Any]:
    """The state object as it is now."""
    return dict(json.loads(s3.get_object(Bucket=bucket, Key=STATE_KEY)["Body"].read()))
