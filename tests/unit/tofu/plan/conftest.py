"""Fixtures of the plan pipeline's tests: the shipped playbook, a release directory with the
sample state and a plan file, and a journal in that release.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import Playbook, load_playbook


@pytest.fixture
def book() -> Playbook:
    return load_playbook()


@pytest.fixture
def release(tmp_path: Path, samples: Path) -> Path:
    """``<release>/terraform/aws`` with the sample state and a plan file."""
    workdir = tmp_path / "mocm-10.6.2605" / "terraform" / "aws"
    workdir.mkdir(parents=True)
    shutil.copy(samples / "terraform.tfstate", workdir / "terraform.tfstate")
    (workdir / "tfplan").write_bytes(b"PK\x03\x04 the plan tofu wrote")
    return workdir


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal.open(Workspace(tmp_path / "mocm-10.6.2605"))
