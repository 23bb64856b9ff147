"""Stage-4 names filled from the playbook and the release's terraform.tfvars."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.stage4 import CLUSTER_ID, NAME_PREFIX, REGION, SECRET_ID, TFVARS, make_release
from tui.core.errors import LayoutError, MocmError, ParseError
from tui.core.playbook.load import load_playbook
from tui.core.stage4.evidence import choose_region
from tui.core.stage4.targets import load_stage4_target

PLAYBOOK = load_playbook()


def test_names_come_from_tfvars(tmp_path: Path) -> None:
    target = load_stage4_target(make_release(tmp_path), PLAYBOOK)
    assert (target.name_prefix, target.region, target.cluster_id) == (
        NAME_PREFIX,
        REGION,
        CLUSTER_ID,
    )
    assert target.valkey_secret_id == SECRET_ID and target.valkey_username_source == "tfvars"
    assert target.snapshot_name == f"{NAME_PREFIX}-cache-final"
    assert target.valkey_group_id == f"{NAME_PREFIX}-valkey"


def test_username_defaults_to_the_playbook_block(tmp_path: Path) -> None:
    tfvars = TFVARS.replace(NAME_PREFIX, "other-prod")
    target = load_stage4_target(make_release(tmp_path, tfvars=tfvars), PLAYBOOK)
    assert target.valkey_secret_id == "other-prod/valkey/fusion"
    assert target.valkey_username_source == "playbook"


def test_malformed_tfvars_names_the_line(tmp_path: Path) -> None:
    release = make_release(tmp_path, tfvars='name_prefix = "x"\naws_region = \n')
    with pytest.raises(ParseError) as caught:
        load_stage4_target(release, PLAYBOOK)
    assert caught.value.path.endswith("terraform.tfvars") and caught.value.line == 2


def test_tfvars_without_name_prefix(tmp_path: Path) -> None:
    with pytest.raises(MocmError, match="sets no name_prefix"):
        load_stage4_target(make_release(tmp_path, tfvars='aws_region = "eu-west-1"\n'), PLAYBOOK)


def test_missing_tfvars(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    (release / "terraform" / "aws" / "terraform.tfvars").unlink()
    with pytest.raises(ParseError, match="file not found"):
        load_stage4_target(release, PLAYBOOK)


def test_not_a_release(tmp_path: Path) -> None:
    with pytest.raises(LayoutError, match="no terraform/aws"):
        load_stage4_target(tmp_path, PLAYBOOK)


def test_tfvars_region_wins_and_a_different_env_is_noted() -> None:
    choice = choose_region("eu-central-1", {"AWS_REGION": "us-east-1"})
    assert choice.region == "eu-central-1" and "not us-east-1" in (choice.note or "")
    assert choose_region("eu-central-1", {"AWS_REGION": "eu-central-1"}).note is None
    assert choose_region(None, {"AWS_DEFAULT_REGION": "eu-west-1"}).region == "eu-west-1"
    with pytest.raises(MocmError, match="no AWS region"):
        choose_region(None, {})
