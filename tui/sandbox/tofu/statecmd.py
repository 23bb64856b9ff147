"""`tofu state pull`, `tofu state push [-force] FILE`, `tofu force-unlock`, `tofu output`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tui.sandbox.tofu import gojson, messages
from tui.sandbox.tofu.backend import active_backend
from tui.sandbox.tofu.config import load_config
from tui.sandbox.tofu.operations import Locked
from tui.sandbox.tofu.state import StateError, dump_state, normalise, parse_state


def _backend(cwd: Path) -> Any:
    return active_backend(cwd, load_config(cwd).backend)


def run_pull(cwd: Path) -> int:
    """Print the current state (compact, as 1.10 does); nothing for no state."""
    state = _backend(cwd).read()
    if state is not None:
        sys.stdout.write(dump_state(state))
    return 0


def push_refusal(new: dict[str, Any], old: dict[str, Any] | None) -> str | None:
    """statemgr.CheckValidImport: the refusal text, or None when the push is accepted."""
    if old is None or not new.get("lineage") or not old.get("lineage"):
        return None
    if new["lineage"] != old["lineage"]:
        return (
            f'cannot import state with lineage "{new["lineage"]}" over unrelated state '
            f'with lineage "{old["lineage"]}"'
        )
    if new["serial"] < old["serial"]:
        return (
            f"cannot import state with serial {new['serial']} over newer state with "
            f"serial {old['serial']}"
        )
    if new["serial"] == old["serial"] and dump_state(new) != dump_state(old):
        return (
            f"cannot overwrite existing state with serial {new['serial']} with a different "
            "state that has the same serial"
        )
    return None


def run_push(cwd: Path, source: str, force: bool, lock: bool) -> int:
    """Replace the backend's state with a file's; refuse lineage/serial problems unless -force."""
    try:
        text = sys.stdin.read() if source == "-" else (cwd / source).read_text(encoding="utf-8")
        new = parse_state(text, source)
    except (OSError, StateError) as exc:
        sys.stderr.write(f"Error reading source state {source!r}: {exc}\n")
        return 1
    if new is None:
        sys.stderr.write(f"Error reading source state {source!r}: the file is empty\n")
        return 1
    backend = _backend(cwd)
    with Locked(backend, "state-push", lock):
        old = backend.read()
        refusal = None if force else push_refusal(new, old)
        if refusal:
            sys.stderr.write(f"Failed to write state: {refusal}\n")
            return 1
        stored = normalise(new)
        # A remote backend persists with serial + 1 when it already held a different snapshot.
        if backend.type != "local" and old is not None and dump_state(old) != dump_state(new):
            stored["serial"] = new["serial"] + 1
        backend.write(stored)
    return 0


def run_force_unlock(cwd: Path, lock_id: str) -> int:
    """`tofu force-unlock -force ID`."""
    if _backend(cwd).force_unlock(lock_id):
        sys.stdout.write(
            "OpenTofu state has been successfully unlocked!\n\n"
            "The state has been unlocked, and OpenTofu commands should now be able to\n"
            "obtain a new lock on the remote state.\n"
        )
        return 0
    return messages.error("Failed to unlock state", f"No lock with ID {lock_id} is held.")


def run_output(cwd: Path, as_json: bool, name: str | None, raw: bool) -> int:
    """`tofu output [-json] [-raw] [NAME]`."""
    state = _backend(cwd).read() or {"outputs": {}}
    outputs = state.get("outputs", {})
    if name is not None:
        if name not in outputs:
            return messages.error(
                f'Output "{name}" not found',
                "The output variable requested could not be found in the state file. If you "
                "recently added this to your configuration, be sure to run `tofu apply`, since "
                "the state won't be updated with new output variables until that command is run.",
            )
        value = outputs[name]["value"]
        if raw and isinstance(value, str):
            sys.stdout.write(value)
        else:
            sys.stdout.write(gojson.compact(value) + "\n")
        return 0
    if as_json:
        shown = {
            n: {
                "sensitive": bool(o.get("sensitive")),
                "type": o.get("type"),
                "value": o.get("value"),
            }
            for n, o in sorted(outputs.items())
        }
        sys.stdout.write(gojson.indented(shown) + "\n")
        return 0
    for n, o in sorted(outputs.items()):
        text = "<sensitive>" if o.get("sensitive") else gojson.compact(o.get("value"))
        sys.stdout.write(f"{n} = {text}\n")
    return 0
