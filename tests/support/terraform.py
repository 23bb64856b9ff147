"""Real-engine tests: the machine's `terraform`, its own CLI config, no network."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from ruamel.yaml import YAML

from tui.core.exec.result import CommandResult
from tui.core.exec.runner import run_sync
from tui.core.playbook.load import Playbook, default_playbook_path, load_playbook
from tui.core.tofu.commands import PlanOutcome, TofuCommands, plan_outcome, tofu_environment
from tui.sandbox.aws_endpoint import AwsEndpoint, start_endpoint
from tui.sandbox.engine.world import GO_RUNTIME_ENV, TerraformWorld
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import build_world, world_env

TERRAFORM = shutil.which("terraform")
NO_TERRAFORM = "no `terraform` binary on PATH: real-engine tests need it"

# A previous release's configuration, the Valkey stack the new one adds, and the parked file.
MAIN_CONFIG = """
variable "name_prefix" { type = string }
variable "aws_region" { type = string }
resource "terraform_data" "buckets" { input = "${var.name_prefix}-media" }
"""
VALKEY_CONFIG = """
variable "valkey_username" { type = string }
variable "valkey_engine_version" { type = string }
variable "valkey_node_type" { type = string }
variable "valkey_port" { type = number }
variable "valkey_family" { type = string }
variable "valkey_num_cache_clusters" { type = number }
variable "valkey_automatic_failover_enabled" { type = bool }
resource "terraform_data" "valkey" { input = "${var.valkey_node_type}:${var.valkey_port}" }
"""
PARKED_CONFIG = 'resource "terraform_data" "elasticache" { input = "redis" }\n'


def engine_env(home: Path) -> dict[str, str]:
    """An environment with an empty CLI config (terraform_data is built in: no provider) and
    the demo engine's Go runtime settings."""
    config = home / "cli.tfrc"
    config.write_text("", encoding="utf-8")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        **GO_RUNTIME_ENV,
    }


class Engine:
    """Runs terraform in one working directory (its parent holds the CLI config)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.env = engine_env(workdir.parent)

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [str(TERRAFORM), *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"terraform {' '.join(args)} failed:\n{done.stderr}"
        return done.stdout

    def write(self, config: str, name: str = "main.tf") -> None:
        (self.workdir / name).write_text(config, encoding="utf-8")

    def plan_json(self) -> Path:
        self.run("plan", "-input=false", "-no-color", "-out", "tfplan")
        path = self.workdir / "plan.json"
        path.write_text(self.run("show", "-json", "tfplan"), encoding="utf-8")
        return path


def playbook_variant(tmp_path: Path, stage: str, rules: str) -> Path:
    """The bundled playbook with one stage's plan rules replaced by ``rules`` (YAML)."""
    yaml = YAML()
    book = yaml.load(default_playbook_path().read_text(encoding="utf-8"))
    book["plan_rules"][stage] = yaml.load(textwrap.dedent(rules))[stage]
    path = tmp_path / f"playbook-{stage}.yaml"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(book, out)
    return path


# --- the aws_provider tier: the demo world run by Terraform with hashicorp/aws ---------------


def provider_tier_missing() -> list[str]:
    """Why the aws_provider tier cannot run here (empty: it can)."""
    from tui.sandbox.engine.world import missing_requirements

    return missing_requirements()


@dataclass
class ProviderWorld:
    """The demo world prepared for Terraform, its gaps-filled endpoint, seeded and applied."""

    ready: TerraformWorld
    endpoint: AwsEndpoint
    env: dict[str, str]
    playbook: Playbook
    seeded: SeedReport
    commands: TofuCommands
    notes: dict[str, Any] = field(default_factory=dict)  # what one step leaves for the next

    @property
    def current(self) -> Path:
        return self.ready.current_dir

    def run(self, argv: Sequence[str], cwd: Path, ok: Sequence[int] = (0,)) -> CommandResult:
        """A terraform command through the wizard's runner and environment."""
        result = run_sync(argv, env=self.env, cwd=cwd, timeout_s=600.0)
        assert result.exit_code in ok, f"{' '.join(argv)}:\n" + "\n".join(result.stderr_tail)
        return result

    def stdout(self, argv: Sequence[str], cwd: Path) -> str:
        lines: list[str] = []
        result = run_sync(
            argv,
            env=self.env,
            cwd=cwd,
            timeout_s=300.0,
            on_line=lambda stream, line: lines.append(line) if stream == "stdout" else None,
        )
        assert result.ok, result.stderr_tail
        return "\n".join(lines)

    def plan(self, cwd: Path, *extra: str) -> tuple[PlanOutcome, dict[str, Any]]:
        """``plan -out tfplan -detailed-exitcode`` then ``show -json``: outcome and JSON plan."""
        result = self.run((*self.commands.plan(), *extra), cwd, ok=(0, 2))
        text = self.stdout(self.commands.show_json(), cwd)
        return plan_outcome(result.exit_code), json.loads(text)

    def client(self, service: str) -> Any:
        # The caller names the service at run time; boto3-stubs types only literal names.
        return boto3.client(  # type: ignore[call-overload]  # stubs want a Literal name
            service,
            region_name=self.ready.world.region,
            endpoint_url=self.endpoint.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@contextmanager
def provider_world(root: Path) -> Iterator[ProviderWorld]:
    """Build the Terraform world under ``root``: endpoint with the gaps, previous release
    applied by Terraform (as ``demo --engine terraform`` does); the endpoint stops after."""
    from tui.sandbox.engine import GAPS_SERVER, TERRAFORM, engine_setup

    endpoint = start_endpoint(server_module=GAPS_SERVER, timeout=60.0)
    try:
        world = build_world(root / "world")
        setup = engine_setup(world, TERRAFORM)
        ready = setup.terraform_world
        assert ready is not None
        env = tofu_environment(setup.environment(world_env(world, endpoint.env)))
        book = load_playbook()
        seeded = setup.seed(env, book)
        yield ProviderWorld(
            ready, endpoint, env, book, seeded, TofuCommands(ready.terraform, False)
        )
    finally:
        endpoint.stop()
