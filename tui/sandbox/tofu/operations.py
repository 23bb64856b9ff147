"""`tofu plan`, `tofu show -json`, `tofu apply PLANFILE`: config and state together."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from tui.sandbox.tofu import messages
from tui.sandbox.tofu.apply import apply_plan, region_of
from tui.sandbox.tofu.backend import active_backend
from tui.sandbox.tofu.cloud import CloudError, apply_to_cloud
from tui.sandbox.tofu.config import Config, config_files, load_config_files, read_tfvars
from tui.sandbox.tofu.locks import Locked
from tui.sandbox.tofu.plan import Planner, resolve_variables
from tui.sandbox.tofu.planfile import SavedPlan, read_plan_file, write_plan_file
from tui.sandbox.tofu.planjson import plan_json
from tui.sandbox.tofu.planmodel import Plan
from tui.sandbox.tofu.providers import missing
from tui.sandbox.tofu.render import apply_summary, plan_text
from tui.sandbox.tofu.state import instance_records


def _require_init(cwd: Path, config: Config) -> None:
    absent = missing(cwd, config)
    if absent:
        from tui.sandbox.tofu.config import ConfigError

        listed = "\n".join(
            f"  - provider {a}: required by this configuration but no version is selected"
            for a in absent
        )
        raise ConfigError(
            "Inconsistent dependency lock file",
            "The following dependency selections recorded in the lock file are inconsistent "
            f"with the current configuration:\n{listed}\n\nTo make the initial dependency "
            "selections that will initialize the dependency lock file, run:\n  tofu init",
        )


def make_plan(config: Config, variables: dict[str, Any], state: dict[str, Any] | None) -> Plan:
    """The plan of a configuration against a state."""
    return Planner(config, variables, state).plan((state or {}).get("outputs", {}))


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_plan(cwd: Path, flags: dict[str, Any]) -> int:
    """`tofu plan [-out FILE] [-detailed-exitcode] [-lock=false] …`."""
    files = config_files(cwd)
    config = load_config_files(files)
    backend = active_backend(cwd, config.backend)
    _require_init(cwd, config)
    variables = resolve_variables(config, read_tfvars(cwd, flags.get("var_file")))
    with Locked(backend, "OperationTypePlan", flags["lock"]):
        state = backend.read()
    plan = make_plan(config, variables, state)
    refresh = []
    for record in instance_records(state):
        if config.resource(record.resource_address) and record.mode == "managed":
            rid = record.instance.get("attributes", {}).get("id", "")
            refresh.append(f"{record.address}: Refreshing state... [id={rid}]")
    automation = bool(os.environ.get("TF_IN_AUTOMATION"))
    out = flags.get("out")
    sys.stdout.write(plan_text(plan, refresh, out, automation))
    if out:
        saved = SavedPlan(state, files, config.digest, variables, plan_json(plan, _timestamp()))
        write_plan_file(cwd / out, saved)
    if flags["detailed_exitcode"] and plan.has_changes:
        return 2
    return 0


def run_apply(cwd: Path, plan_path: str, flags: dict[str, Any]) -> int:
    """`tofu apply PLANFILE`: refuse a stale plan, else write the new state."""
    from tui.sandbox.tofu.planfile import PlanFileError

    color = flags["color"]
    try:
        saved = read_plan_file(cwd / plan_path)
    except PlanFileError:
        return messages.error(
            f'Failed to load "{plan_path}" as a plan file',
            "The file is missing or is not a saved plan.",
            color=color,
        )
    config = load_config_files(saved.config_files)
    backend = active_backend(cwd, load_config_files(config_files(cwd)).backend)
    with Locked(backend, "OperationTypeApply", flags["lock"]):
        current = backend.read()
        if current is not None:
            first = saved.prior_lineage == "" and saved.prior_serial == 0
            if not first and saved.prior_lineage != current.get("lineage"):
                return messages.error(*messages.WRONG_LINEAGE, color=color)
            if saved.prior_serial != current.get("serial"):
                return messages.error(*messages.STALE_PLAN, color=color)
        plan = make_plan(config, saved.variables, saved.prior_state)
        new_state, counts = apply_plan(plan, saved.variables)
        try:
            apply_to_cloud(plan, region_of(saved.variables))
        except CloudError as exc:
            return messages.error(exc.summary, exc.detail, color=color)
        _print_progress(plan)
        backend.write(new_state)
    outputs = {n: (o["value"], bool(o.get("sensitive"))) for n, o in new_state["outputs"].items()}
    sys.stdout.write(
        apply_summary(counts["added"], counts["changed"], counts["destroyed"], outputs)
    )
    return 0


def _print_progress(plan: Plan) -> None:
    for change in plan.changes:
        rid = (change.before or {}).get("id", "")
        if "delete" in change.actions:
            sys.stdout.write(f"{change.address}: Destroying... [id={rid}]\n")
            sys.stdout.write(f"{change.address}: Destruction complete after 0s\n")
        if "create" in change.actions:
            sys.stdout.write(f"{change.address}: Creating...\n")
            sys.stdout.write(f"{change.address}: Creation complete after 0s\n")
        if change.actions == ["update"]:
            sys.stdout.write(f"{change.address}: Modifying... [id={rid}]\n")
            sys.stdout.write(f"{change.address}: Modifications complete after 0s [id={rid}]\n")
