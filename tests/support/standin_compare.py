"""The tofu stand-in and real Terraform planning the same change of the same HCL and state.

A scenario edits the release's `.tf` files, adds a `-var-file` and may edit the state; both
tools plan it with ``-refresh=false`` (the state is Terraform's own, the provider is asked
only to plan) and the plans are compared: each instance's actions, action_reason and
replace_paths, and the sensitivity trees the wizard's plan review masks with.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.tofu_standin import show_json, tofu

VAR_FILE = "scenario.tfvars"
SKIPPED = {"backend.tf", "terraform.tfstate", "terraform.tfstate.backup"}

Decision = tuple[tuple[str, ...], str | None, frozenset[tuple[Any, ...]]]


@dataclass(frozen=True)
class Scenario:
    """One change: text edits of `.tf` files, variables, and an optional state edit."""

    name: str
    variables: str
    edits: tuple[tuple[str, str, str], ...] = ()  # (file, old text, new text)
    state_edit: Callable[[dict[str, Any]], None] | None = None
    expected: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what Terraform does

    def prepare(self, source: Path, state: dict[str, Any], target: Path) -> None:
        """``target``: the release's files (no backend), this scenario's edits, the state."""
        target.mkdir(parents=True)
        for path in sorted(source.iterdir()):
            if path.is_file() and path.name not in SKIPPED and path.suffix in (".tf", ".tfvars"):
                shutil.copy2(path, target / path.name)
        for name, old, new in self.edits:
            text = (target / name).read_text(encoding="utf-8")
            assert text.count(old) == 1, f"{self.name}: {old!r} not once in {name}"
            (target / name).write_text(text.replace(old, new), encoding="utf-8")
        (target / VAR_FILE).write_text(self.variables, encoding="utf-8")
        edited = json.loads(json.dumps(state))
        if self.state_edit is not None:
            self.state_edit(edited)
        (target / "terraform.tfstate").write_text(json.dumps(edited, indent=2), encoding="utf-8")


def resource_attributes(state: dict[str, Any], address: str) -> dict[str, Any]:
    """The attributes of a root, unkeyed instance of a state."""
    rtype, name = address.split(".")
    [resource] = [r for r in state["resources"] if (r["type"], r["name"]) == (rtype, name)]
    return dict(resource["instances"][0]["attributes"])


def terraform_plan(
    terraform: str, env: dict[str, str], source: Path, workdir: Path
) -> dict[str, Any]:
    """Plan and ``show -json`` with the real engine; the providers come from ``source``'s
    `.terraform` (links into the world's plugin cache: no init)."""
    shutil.copytree(
        source / ".terraform" / "providers", workdir / ".terraform" / "providers", symlinks=True
    )
    shutil.copy2(source / ".terraform.lock.hcl", workdir / ".terraform.lock.hcl")
    plan = ("plan", "-refresh=false", "-input=false", "-no-color", f"-var-file={VAR_FILE}")
    for args in ((*plan, "-out", "tfplan"), ("show", "-json", "tfplan")):
        done = subprocess.run(
            [terraform, *args],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"terraform {args[0]} in {workdir}:\n{done.stderr}"
    return dict(json.loads(done.stdout))


def standin_plan(workdir: Path) -> dict[str, Any]:
    """The same plan by the stand-in (its own init: its lock file names OpenTofu's registry)."""
    assert tofu(workdir, "init", "-input=false").code == 0
    planned = tofu(
        workdir,
        "plan",
        "-refresh=false",
        "-input=false",
        f"-var-file={VAR_FILE}",
        "-out",
        "tfplan",
    )
    assert planned.code == 0, planned.stderr
    return show_json(workdir)


def plan_both(
    scenarios: list[Scenario],
    source: Path,
    state: dict[str, Any],
    root: Path,
    terraform: str,
    env: dict[str, str],
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Scenario name -> (Terraform's plan, the stand-in's plan). Terraform's plans run two at
    a time (one per core); the stand-in's meanwhile."""
    for scenario in scenarios:
        for tool in ("terraform", "standin"):
            scenario.prepare(source, state, root / scenario.name / tool)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores: two engines at a time
        real = {
            s.name: pool.submit(terraform_plan, terraform, env, source, root / s.name / "terraform")
            for s in scenarios
        }
        model = {s.name: standin_plan(root / s.name / "standin") for s in scenarios}
        return {name: (real[name].result(), model[name]) for name in real}


def decisions(plan: dict[str, Any]) -> dict[str, Decision]:
    """Address -> (actions, action_reason, replace_paths as a set) of every change."""
    found = {}
    for item in plan.get("resource_changes", []):
        change = item["change"]
        if change["actions"] != ["no-op"]:
            paths = frozenset(tuple(p) for p in change.get("replace_paths") or ())
            found[item["address"]] = (tuple(change["actions"]), item.get("action_reason"), paths)
    return found


def true_paths(tree: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The paths a sensitivity tree marks ``true``."""
    if tree is True:
        yield path
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield from true_paths(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from true_paths(value, (*path, index))


def sensitivity_differences(
    real: dict[str, Any], model: dict[str, Any], refreshed: bool = False
) -> list[str]:
    """Where the stand-in's ``*_sensitive`` trees differ from Terraform's.

    Without a refresh ``before`` is the state's object in both plans, so its tree must be
    identical, and so must ``after``'s for an object that is kept (no-op, update). A new
    object's ``after`` holds only what the stand-in knows of the schema, and a refreshed
    ``before`` what the provider read back (e.g. ``tags = {}`` for null): there the marked
    paths must agree.
    """
    ours = {item["address"]: item["change"] for item in model.get("resource_changes", [])}
    found = []
    for item in real.get("resource_changes", []):
        address, theirs = item["address"], item["change"]
        mine = ours.get(address)
        if mine is None:
            found.append(f"{address}: not in the stand-in's plan")
            continue
        kept = theirs["actions"] in (["no-op"], ["update"]) and not refreshed
        for side, exact in (("before_sensitive", not refreshed), ("after_sensitive", kept)):
            if exact and mine[side] != theirs[side]:
                found.append(f"{address} {side}: {mine[side]} != {theirs[side]}")
            elif set(true_paths(mine[side])) != set(true_paths(theirs[side])):
                found.append(f"{address} {side} marks: {mine[side]} != {theirs[side]}")
    return found


def schema_sensitive_paths(schema: dict[str, Any], rtype: str) -> set[tuple[str, ...]]:
    """The attributes ``terraform providers schema -json`` marks sensitive for ``rtype``
    (nested blocks and nested attribute types followed), as name paths."""
    for provider in schema["provider_schemas"].values():
        resource = provider.get("resource_schemas", {}).get(rtype)
        if resource is not None:
            return set(_sensitive_in(resource["block"], ()))
    raise KeyError(rtype)


def _sensitive_in(block: dict[str, Any], prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    for name, attribute in block.get("attributes", {}).items():
        if attribute.get("sensitive"):
            yield (*prefix, name)
        if attribute.get("nested_type"):
            yield from _sensitive_in(attribute["nested_type"], (*prefix, name))
    for name, nested in block.get("block_types", {}).items():
        yield from _sensitive_in(nested["block"], (*prefix, name))
