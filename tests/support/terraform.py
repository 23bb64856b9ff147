"""Real-engine tests: the machine's `terraform`, its own CLI config, no network."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

from ruamel.yaml import YAML

from tui.core.playbook.load import default_playbook_path

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
    """An environment with an empty CLI config (terraform_data is built in: no provider)."""
    config = home / "cli.tfrc"
    config.write_text("", encoding="utf-8")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
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
