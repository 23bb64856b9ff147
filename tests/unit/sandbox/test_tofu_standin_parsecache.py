"""The stand-in's parse cache: what it prints is the same with or without it, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.sandbox import new_world, run_tool
from tests.support.tofu_standin import Result, tofu, write
from tui.sandbox.tofu import parsecache

CONFIG = """
variable "name_prefix" {
  type = string
}
resource "terraform_data" "release" {
  input = "${var.name_prefix}-10.5"
}
output "label" {
  value = "${var.name_prefix}-label"
}
"""
TFVARS = 'name_prefix = "acme"\n'


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    write(work / "main.tf", CONFIG)
    write(work / "terraform.tfvars", TFVARS)
    return work


def run(work: Path, cache: Path, *args: str) -> Result:
    return tofu(work, *args, MOCM_TOFU_PARSE_CACHE=str(cache))


def entries(cache: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(cache.glob("*.json"))}


def test_cached_and_fresh_runs_print_the_same(workdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(workdir, cache, "init", "-input=false").code == 0
    fresh = run(workdir, tmp_path / "empty", "plan", "-no-color")  # every file parsed
    assert fresh.code == 0 and "acme-10.5" in fresh.stdout
    assert run(workdir, cache, "plan", "-no-color") == fresh  # the tfvars parsed, kept
    assert run(workdir, cache, "plan", "-no-color") == fresh  # every file read from the cache
    assert not (workdir / ".terraform.lock.hcl").exists()  # terraform_data needs no provider
    assert sorted(entries(cache)) == sorted(
        f"{parsecache.key_of(t)}.json" for t in (CONFIG, TFVARS)
    )


def test_a_changed_file_is_parsed_again(workdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(workdir, cache, "init", "-input=false").code == 0
    assert "acme-10.5" in run(workdir, cache, "plan", "-no-color").stdout
    write(workdir / "main.tf", CONFIG.replace("-10.5", "-10.6"))
    write(workdir / "terraform.tfvars", 'name_prefix = "umbrella"\n')
    changed = run(workdir, cache, "plan", "-no-color")
    assert changed.code == 0
    assert "umbrella-10.6" in changed.stdout and "acme" not in changed.stdout
    assert changed == run(workdir, tmp_path / "empty", "plan", "-no-color")


def test_an_entry_is_what_the_run_reads(workdir: Path, tmp_path: Path) -> None:
    """The entry named by the text is read instead of parsing (and only that entry)."""
    cache = tmp_path / "cache"
    assert run(workdir, cache, "init", "-input=false").code == 0
    assert "acme-10.5" in run(workdir, cache, "plan", "-no-color").stdout
    entry = cache / f"{parsecache.key_of(TFVARS)}.json"
    assert json.loads(entry.read_text()) == {"name_prefix": '"acme"'}
    entry.write_text(json.dumps({"name_prefix": '"from-the-entry"'}))
    assert "from-the-entry-10.5" in run(workdir, cache, "plan", "-no-color").stdout


def test_an_unreadable_entry_is_parsed_again_and_rewritten(workdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(workdir, cache, "init", "-input=false").code == 0
    good = run(workdir, cache, "plan", "-no-color")
    kept = entries(cache)
    for name in kept:
        (cache / name).write_text("{broken")
    assert run(workdir, cache, "plan", "-no-color") == good
    assert entries(cache) == kept


def test_a_syntax_error_is_reported_each_time_and_not_kept(workdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(workdir, cache, "init", "-input=false").code == 0
    kept = entries(cache)
    write(workdir / "main.tf", CONFIG + 'resource "terraform_data" "broken" {\n')
    first = run(workdir, cache, "plan", "-no-color")
    assert first.code == 1 and "Invalid HCL syntax" in first.stderr
    assert run(workdir, cache, "plan", "-no-color") == first
    assert entries(cache) == kept


def test_the_cache_lives_in_the_world_never_in_the_working_folder(
    workdir: Path, tmp_path: Path
) -> None:
    world = tmp_path / "world"
    world.mkdir()
    in_world = {"MOCM_SANDBOX_WORLD": str(world), "MOCM_TOFU_PARSE_CACHE": ""}
    assert tofu(workdir, "init", "-input=false", **in_world).code == 0
    assert tofu(workdir, "plan", "-out", "tfplan", **in_world).code == 0
    assert len(entries(world / parsecache.WORLD_FOLDER)) == 2  # main.tf, terraform.tfvars
    assert sorted(p.name for p in world.iterdir()) == [parsecache.WORLD_FOLDER]
    assert sorted(p.name for p in workdir.iterdir()) == [
        ".terraform",
        "main.tf",
        "terraform.tfvars",
        "tfplan",
    ]


def test_an_init_that_loaded_the_parser_keeps_what_plan_reads(
    workdir: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    write(workdir / "providers.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    assert run(workdir, cache, "init", "-input=false").code == 0
    lock = (workdir / ".terraform.lock.hcl").read_text()
    read_by_plan = [CONFIG, TFVARS, lock, (workdir / "providers.tf").read_text()]
    assert sorted(entries(cache)) == sorted(f"{parsecache.key_of(t)}.json" for t in read_by_plan)
    again = run(workdir, cache, "init", "-input=false")  # every file kept: nothing new
    assert again.code == 0 and len(entries(cache)) == 4


def test_init_says_nothing_of_a_tfvars_file_that_does_not_parse(
    workdir: Path, tmp_path: Path
) -> None:
    write(workdir / "terraform.tfvars", "name_prefix = \n")
    broken = run(workdir, tmp_path / "cache", "init", "-input=false", "-no-color")
    assert broken.code == 0 and broken.stderr == "" and "successfully initialized" in broken.stdout
    assert sorted(entries(tmp_path / "cache")) == [f"{parsecache.key_of(CONFIG)}.json"]
    plan = run(workdir, tmp_path / "cache", "plan", "-no-color")
    assert plan.code == 1 and "Invalid HCL syntax" in plan.stderr


def test_the_worlds_of_a_test_process_share_their_parses(tmp_path: Path) -> None:
    first, second = new_world(tmp_path / "a"), new_world(tmp_path / "b")
    work = first.current / "terraform" / "aws"
    assert run_tool(first, ["tofu", "init", "-input=false"], cwd=work).returncode == 0
    valkey = (second.current / "terraform" / "aws" / "10-valkey.tf").read_text()
    assert f"{parsecache.key_of(valkey)}.json" in entries(second.root / parsecache.WORLD_FOLDER)
