"""The real engine agrees the world was restored: after a restart of `demo --engine terraform`,
Terraform with hashicorp/aws refreshes every resource of the previous release (security
group and DLM policy ids, buckets, the cache cluster) and plans no change."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.sandbox.aws_endpoint import start_endpoint
from tui.sandbox.aws_recording import prepare_recording, recording_path
from tui.sandbox.engine import GAPS_SERVER
from tui.sandbox.engine.world import missing_requirements

pytestmark = pytest.mark.engine


DEMO = [sys.executable, "-m", "tui.cli", "demo", "--engine", "terraform", "--no-ui"]


def run_demo(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DEMO, "--dir", str(folder)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=dict(os.environ),
    )


def test_terraform_plans_no_change_on_a_restored_world(tmp_path: Path) -> None:
    missing = missing_requirements()
    if missing:
        pytest.skip("real engine: " + "; ".join(missing))
    folder = tmp_path / "w"
    first = run_demo(folder)
    assert first.returncode == 0, first.stderr
    assert "AWS world seeded anew" in first.stdout
    second = run_demo(folder)
    assert second.returncode == 0, second.stderr
    assert "AWS world restored from" in second.stdout and "seeded" not in second.stdout
    env_sh = folder / "env.sh"
    port = int(re.findall(r"127\.0\.0\.1:(\d+)", env_sh.read_text())[0])
    recording = prepare_recording(recording_path(folder))
    endpoint = start_endpoint(
        port=port, server_module=GAPS_SERVER, recording=recording.path, timeout=300
    )
    try:
        plan = subprocess.run(
            [
                "bash",
                "-c",
                f'source "{env_sh}" && cd "{folder}/releases/mocm-10.5.2603/terraform/aws" '
                "&& terraform plan -detailed-exitcode -input=false -no-color",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    finally:
        endpoint.stop()
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr[-3000:]
    assert "No changes." in plan.stdout
    assert "aws_dlm_lifecycle_policy.mongodb: Refreshing state... [id=policy-" in plan.stdout
