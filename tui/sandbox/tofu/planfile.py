"""The saved plan file: a zip (like real plan files) holding what apply needs to replay the plan;
`tofu show -json PLANFILE`."""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.sandbox.tofu import gojson, messages

MAGIC = "mocm-upgrade tofu stand-in plan v1"


class PlanFileError(Exception):
    """Not a plan file of this stand-in."""


@dataclass
class SavedPlan:
    """Prior state (with its lineage and serial), config snapshot, variables and the JSON plan."""

    prior_state: dict[str, Any] | None
    config_files: dict[str, str]
    config_digest: str
    variables: dict[str, Any]
    plan_json: dict[str, Any]

    @property
    def prior_lineage(self) -> str:
        return str((self.prior_state or {}).get("lineage", ""))

    @property
    def prior_serial(self) -> int:
        return int((self.prior_state or {}).get("serial", 0))


def write_plan_file(path: Path, saved: SavedPlan) -> None:
    """Write the plan file (replaces an existing one)."""
    meta = {
        "magic": MAGIC,
        "prior_lineage": saved.prior_lineage,
        "prior_serial": saved.prior_serial,
        "config_digest": saved.config_digest,
        "variables": saved.variables,
    }
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tfplan.meta.json", json.dumps(meta))
        archive.writestr("tfplan.json", json.dumps(saved.plan_json))
        archive.writestr("tfstate", json.dumps(saved.prior_state))
        for name, text in saved.config_files.items():
            archive.writestr(f"tfconfig/{name}", text)
    tmp.replace(path)


def read_plan_file(path: Path) -> SavedPlan:
    """Read a plan file written by write_plan_file."""
    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("tfplan.meta.json"))
            if meta.get("magic") != MAGIC:
                raise PlanFileError("not a plan file")
            files = {
                name.removeprefix("tfconfig/"): archive.read(name).decode("utf-8")
                for name in archive.namelist()
                if name.startswith("tfconfig/")
            }
            return SavedPlan(
                prior_state=json.loads(archive.read("tfstate")),
                config_files=files,
                config_digest=str(meta.get("config_digest", "")),
                variables=dict(meta.get("variables", {})),
                plan_json=json.loads(archive.read("tfplan.json")),
            )
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise PlanFileError(str(exc)) from exc


def run_show_json(cwd: Path, plan_path: str, color: bool) -> int:
    """`tofu show -json PLANFILE`: one compact line."""
    try:
        saved = read_plan_file(cwd / plan_path)
    except PlanFileError:
        return messages.error(
            "Failed to read the given file as a state or plan file",
            f"State read error: Error loading statefile: open {plan_path}: no such file or "
            "directory\n\nPlan read error: not a plan file"
            if not (cwd / plan_path).exists()
            else f"Plan read error: {plan_path} is not a plan file of this stand-in.",
            color=color,
        )
    sys.stdout.write(gojson.compact(saved.plan_json) + "\n")
    return 0
