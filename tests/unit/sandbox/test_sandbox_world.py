"""The demo world's shape: every file a release holds, consistent with each other."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import hcl2
import pytest
from ruamel.yaml import YAML

from tests.support.sandbox import new_world
from tui.core.playbook.load import Playbook, load_playbook
from tui.sandbox.world import World, is_world, load_world

TF = "terraform/aws"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return new_world(tmp_path_factory.mktemp("sandbox"))


@pytest.fixture(scope="module")
def book() -> Playbook:
    return load_playbook()


def tf_resources(tf_dir: Path) -> set[tuple[str, str]]:
    """(type, name) of every managed resource block of the active *.tf files."""
    found = set()
    for path in sorted(tf_dir.glob("*.tf")):
        parsed = hcl2.loads(path.read_text(encoding="utf-8"))
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                for name in named:
                    found.add((rtype.strip('"'), name.strip('"')))
    return found


def state_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_both_releases_hold_every_file(world: World, book: Playbook) -> None:
    common = [
        f"{TF}/01-main.tf",
        f"{TF}/02-sg.tf",
        f"{TF}/03-s3.tf",
        f"{TF}/04-dlm.tf",
        f"{TF}/05-logs.tf",
        f"{TF}/variables.tf",
        f"{TF}/outputs.tf",
        f"{TF}/backend.tf.example",
        f"{TF}/.terraform.lock.hcl",
        "mocm/values.yaml",
        "mocm/helmfile.yaml",
        "mocm/CHANGELOG.md",
        "mocm/README.md",
        "images/images.txt",
        "images/loadimage.sh",
    ]
    previous_only = [
        f"{TF}/{book.active_name}",
        f"{TF}/terraform.tfvars",
        f"{TF}/terraform.tfstate",
        f"{TF}/terraform.tfstate.backup",
    ]
    current_only = [
        f"{TF}/{book.parked_name}",
        f"{TF}/10-valkey.tf",
        f"{TF}/terraform.tfvars.cost-optimized.example",
    ]
    missing = [
        str(world.previous / p)
        for p in common + previous_only
        if not (world.previous / p).is_file()
    ]
    missing += [
        str(world.current / p) for p in common + current_only if not (world.current / p).is_file()
    ]
    assert missing == []
    assert not (world.current / TF / book.active_name).exists(), (
        "the current release ships it parked"
    )
    assert not (world.previous / TF / book.parked_name).exists()
    assert sorted(p.name for p in (world.current / TF / "docs").glob("*.md"))
    for release in (world.previous, world.current):
        for chart in ("mocm-bootstrap-1", "mocm-bootstrap-2", "mocm-service"):
            assert (release / "mocm" / "charts" / chart / "Chart.yaml").is_file()


def test_no_template_token_is_left(world: World) -> None:
    leftovers = [
        str(p)
        for p in world.root.rglob("*")
        if p.is_file() and "@@" in p.read_text(errors="replace")
    ]
    assert leftovers == []


def test_state_resources_match_the_previous_tf_files(world: World, book: Playbook) -> None:
    tf_dir = world.previous / TF
    state = state_of(tf_dir / book.state_file)
    in_state = {(r["type"], r["name"]) for r in state["resources"] if r["mode"] == "managed"}
    assert in_state == tf_resources(tf_dir)
    buckets = [r for r in state["resources"] if r["type"] == book.bucket_resource_type]
    assert len(buckets[0]["instances"]) == book.expected_buckets
    local = hcl2.loads((tf_dir / "03-s3.tf").read_text())["locals"][0]["bucket_names"]
    names = set(re.findall(r'"(\w+)"', str(local)))
    assert {i["index_key"] for i in buckets[0]["instances"]} == names


def test_parking_the_file_changes_what_the_current_release_declares(
    world: World, book: Playbook
) -> None:
    previous = tf_resources(world.previous / TF)
    current = tf_resources(world.current / TF)
    parked = tf_resources_of_file(world.current / TF / book.parked_name)
    assert parked and parked <= previous and not parked & current
    assert ("aws_security_group", "elasticache") in current  # 02-sg.tf stays active
    assert ("aws_elasticache_replication_group", "valkey") in current - previous


def tf_resources_of_file(path: Path) -> set[tuple[str, str]]:
    parsed = hcl2.loads(path.read_text(encoding="utf-8"))
    return {
        (t.strip('"'), n.strip('"'))
        for block in parsed.get("resource", [])
        for t, named in block.items()
        for n in named
    }


def unq(value: object) -> object:
    """python-hcl2 8 keeps the quotes of string literals."""
    return value.strip('"') if isinstance(value, str) else value


def test_state_is_compact_v4_with_backup_one_serial_older(world: World, book: Playbook) -> None:
    tf_dir = world.previous / TF
    text = (tf_dir / book.state_file).read_text()
    assert text.count("\n") == 1 and text.endswith("}\n")
    state, backup = state_of(tf_dir / book.state_file), state_of(tf_dir / book.state_backup)
    assert list(state)[:5] == ["version", "terraform_version", "serial", "lineage", "outputs"]
    assert state["version"] == 4 and state["check_results"] is None
    assert backup["lineage"] == state["lineage"] and backup["serial"] == state["serial"] - 1
    assert "redis_endpoint" in state["outputs"]


def test_two_worlds_have_different_lineages(world: World, tmp_path: Path, book: Playbook) -> None:
    other = new_world(tmp_path)
    first = state_of(world.previous / TF / book.state_file)["lineage"]
    assert state_of(other.previous / TF / book.state_file)["lineage"] != first


def test_tfvars_parse_and_have_no_valkey_block(world: World, book: Playbook) -> None:
    tfvars = hcl2.loads((world.previous / TF / book.tfvars_file).read_text())
    assert unq(tfvars[book.name_prefix_var]) == world.name_prefix == "acme-mocm-prod"
    assert unq(tfvars[book.region_var]) == world.region == "eu-central-1"
    assert not [key for key in tfvars if key.startswith(book.tfvars_marker_prefix)]


def test_backend_example_names_the_seeded_state_backend(world: World) -> None:
    parsed = hcl2.loads((world.current / TF / "backend.tf.example").read_text())
    s3 = {k: unq(v) for k, v in parsed["terraform"][0]["backend"][0]['"s3"'].items()}
    assert s3["bucket"] == f"{world.name_prefix}-tfstate"
    assert s3["dynamodb_table"] == f"{world.name_prefix}-tflock"
    assert s3["region"] == world.region
    assert s3["use_lockfile"] is True and s3["encrypt"] is True and s3["key"]


def test_values_files_parse_and_only_the_template_has_placeholders(
    world: World, book: Playbook
) -> None:
    placeholder = re.compile(book.placeholder_pattern)
    previous_text = (world.previous / book.values_file).read_text()
    current_text = (world.current / book.values_file).read_text()
    previous, current = YAML().load(previous_text), YAML().load(current_text)
    assert not placeholder.search(previous_text)
    assert len(placeholder.findall(current_text)) >= 20
    assert previous["global"]["image"]["tag"] == book.from_build
    assert current["global"]["image"]["tag"] == book.to_build
    assert previous["global"]["image"]["registry"].startswith(world.account_id)
    assert "valkey" in current["credentials"] and "valkey" not in previous["credentials"]


def test_images_carry_the_release_build(world: World, book: Playbook) -> None:
    for release, build in ((world.previous, book.from_build), (world.current, book.to_build)):
        lines = [
            line
            for line in (release / book.images_list).read_text().splitlines()
            if line and not line.startswith("#")
        ]
        assert len(lines) >= 6
        assert all(
            line.startswith(f"{world.account_id}.dkr.ecr.{world.region}.amazonaws.com/mocm/")
            for line in lines
        )
        assert {line.rsplit(":", 1)[1] for line in lines} == {build}
        assert os.access(release / book.images_loader, os.X_OK)


def test_changelog_has_the_chart_version_entry(world: World, book: Playbook) -> None:
    text = (world.current / "mocm" / "CHANGELOG.md").read_text()
    entry = text.split(f"## [{book.chart_version}]", 1)[1].split("\n## [", 1)[0]
    for heading in ("### Added", "### Changed", "### Removed"):
        assert heading in entry
    helmfile = YAML(typ="safe").load((world.current / book.helmfile).read_text())
    assert [r["name"] for r in helmfile["releases"]] == list(book.helm_releases)


def test_standin_wrappers_run_this_python(world: World) -> None:
    for tool in ("tofu", "helm", "helmfile"):
        assert os.access(world.bin_dir / tool, os.X_OK)
    out = subprocess.run(
        [str(world.bin_dir / "helm"), "version", "--short"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0 and out.stdout.startswith("v3.")


def test_marker_lets_the_world_be_read_back(world: World) -> None:
    assert is_world(world.root)
    again = load_world(world.root)
    assert (again.previous, again.current, again.account_id) == (
        world.previous,
        world.current,
        world.account_id,
    )


def test_a_folder_without_marker_is_not_a_world(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert not is_world(tmp_path)
