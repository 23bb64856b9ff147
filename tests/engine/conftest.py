"""The aws_provider tier's one world per worker: built once, shared by its tests in order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.terraform import ProviderWorld, provider_tier_missing, provider_world


@pytest.fixture(scope="session")
def terraform_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderWorld]:
    """The demo world run by Terraform + hashicorp/aws, its previous release applied."""
    missing = provider_tier_missing()
    if missing:
        pytest.skip("aws_provider tier: " + "; ".join(missing))
    with provider_world(tmp_path_factory.mktemp("aws-provider")) as world:
        yield world
