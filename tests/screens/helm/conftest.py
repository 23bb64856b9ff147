"""The Helm step's tests: each opens the step on its own seeded sandbox world."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.helm_screen import helm_world
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.world import World


@pytest.fixture
def world(tmp_path: Path, aws: AwsEndpoint) -> World:
    """A demo world whose ECR holds every image but the one left out on purpose, the
    registry and every other placeholder filled (``helm_world``)."""
    return helm_world(tmp_path, aws.env)
