"""Minimal release directories for tests of discovery, the shell and the Releases step."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "reference"

TFVARS = 'name_prefix = "acme-mocm-prod"\naws_region  = "eu-central-1"\n'


def make_release(root: Path, name: str, build: str, *, tfvars: str = TFVARS) -> Path:
    """A release directory with the required layout, images tagged ``build``."""
    rel = root / name
    tf = rel / "terraform" / "aws"
    tf.mkdir(parents=True)
    (tf / "01-main.tf").write_text('terraform {\n  required_version = ">= 1.10.4"\n}\n')
    (tf / "terraform.tfvars").write_text(tfvars)
    mocm = rel / "mocm"
    mocm.mkdir()
    values = "values_prev.yaml" if build.startswith("10.5") else "values_new_template.yaml"
    source = SAMPLES / values
    (mocm / "values.yaml").write_text(
        source.read_text() if source.exists() else f"global:\n  image:\n    tag: '{build}'\n"
    )
    (mocm / "helmfile.yaml").write_text("releases: []\n")
    (mocm / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{build}]\n")
    images = rel / "images"
    images.mkdir()
    (images / "images.txt").write_text(
        "# images of this release\n"
        f"210987654321.dkr.ecr.eu-central-1.amazonaws.com/mocm/api:{build}\n\n"
        f"210987654321.dkr.ecr.eu-central-1.amazonaws.com/mocm/web:{build}\n"
    )
    return rel


def make_pair(root: Path) -> tuple[Path, Path]:
    """Previous 10.5.2603 and current 10.6.2605, with a few terraform differences."""
    prev = make_release(root, "mocm-10.5.2603", "10.5.2603")
    curr = make_release(root, "mocm-10.6.2605", "10.6.2605")
    (prev / "terraform/aws/09-elasticache.tf").write_text('resource "x" "y" {}\n')
    (curr / "terraform/aws/09-elasticache.tf.2603").write_text('resource "x" "y" {}\n')
    (curr / "terraform/aws/terraform.tfvars.cost-optimized.example").write_text("x = 1\n")
    (curr / "terraform/aws/docs").mkdir()
    (curr / "terraform/aws/docs/deployment.md").write_text("# Deployment\n")
    (curr / "terraform/aws/01-main.tf").write_text(
        'terraform {\n  required_version = ">= 1.10.5"\n}\n'
    )
    return prev, curr


def run_unprivileged(code: str) -> str:
    """Run Python code without the capabilities that let root read any file.

    Permission tests mean nothing as root, so the child drops CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH from its bounding set (util-linux ``setpriv``).
    """
    project = Path(__file__).resolve().parents[2]
    argv = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        argv = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *argv]
    result = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(project), "PATH": os.environ.get("PATH", "")},
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
