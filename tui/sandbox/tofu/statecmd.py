"""`tofu state pull`, `tofu state push [-force] FILE`, `tofu force-unlock`, `tofu output`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tui.sandbox.tofu import gojson, messages
from tui.sandbox.tofu.backend import active_backend
from tui.sandbox.tofu.config import load_config
from tui.sandbox.tofu.locks import Locked
from tui.sandbox.tofu.state import dump_state, normalise


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
    if new["serial"] == old["serial"] and _content(new) != _content(old):
        return (
            f"cannot overwrite existing state with serial {new['serial']} with a different "
            "state that has the same serial"
        )
    return None


_UNSUPPORTED = "Unsupported state file format"


def _problems(found: list[str]) -> str:
    """tfdiags' Err() text: one problem as is, several as a list."""
    if len(found) == 1:
        return found[0]
    return f"{len(found)} problems:\n\n" + "\n".join(f"- {p}" for p in found)


def source_problem(text: str) -> str | None:
    """Why statefile.Read refuses a file to push (None: a v4 state)."""
    if not text.strip():
        return "no state"
    found, data = [], None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:  # Go counts the bytes read up to the bad one
        found.append(
            f"{_UNSUPPORTED}: The state file could not be parsed as JSON: syntax error at "
            f"byte offset {exc.pos + 1}."
        )
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        found.append(
            f'{_UNSUPPORTED}: The state file does not have a "version" attribute, which is '
            "required to identify the format version."
        )
        return _problems(found)
    if version == 4:
        return None
    if version == 0:
        return (
            f"{_UNSUPPORTED}: The state file uses JSON syntax but has a version number of zero. "
            "There was never a JSON-based state format zero, so this state file is invalid and "
            "cannot be processed."
        )
    made_by = data.get("terraform_version") if isinstance(data, dict) else None
    origin = (
        f"This state file was created by OpenTofu {made_by}."
        if made_by
        else "This state file may have been created by a newer version of OpenTofu."
    )
    return (
        f"{_UNSUPPORTED}: The state file uses format version {version}, which is not supported "
        f"by OpenTofu {messages.VERSION}. {origin}"
    )


def run_push(cwd: Path, source: str, force: bool, lock: bool, color: bool = True) -> int:
    """Replace the backend's state with a file's; refuse lineage/serial problems unless -force.

    The texts and exit codes are state_push.go's (plain `Ui.Error` lines, red unless
    -no-color); a state without lineage or serial is taken as it is, as tofu does. The
    stored serial is the pushed one + 1 when the backend held another snapshot: any
    difference for S3 (an identical push writes nothing), a different content for the
    local file (statemgr.Filesystem).
    """
    if source == "-":
        text = sys.stdin.read()
    else:
        try:
            text = (cwd / source).read_text(encoding="utf-8")
        except FileNotFoundError:
            return messages.ui_error(f"open {source}: no such file or directory", color=color)
        except (OSError, UnicodeDecodeError) as exc:
            return messages.ui_error(f"read {source}: {exc}", color=color)
    problem = source_problem(text)
    if problem is not None:
        return messages.ui_error(
            f"Error reading source state {json.dumps(source)}: {problem}", color=color
        )
    new = json.loads(text)
    new.setdefault("lineage", "")
    new.setdefault("serial", 0)
    backend = _backend(cwd)
    with Locked(backend, "state-push", lock):
        old = backend.read()
        refusal = None if force else push_refusal(new, old)
        if refusal:
            return messages.ui_error(f"Failed to write state: {refusal}", color=color)
        stored = normalise(new)
        if old is not None:
            if backend.type != "local" and _unchanged(old, new):
                return 0  # remote.State.PersistState: nothing to write, no new object version
            if backend.type != "local" or _content(old) != _content(new):
                stored["serial"] = stored["serial"] + 1  # PersistState's serial++
        backend.write(stored)
    return 0


def _content(state: dict[str, Any]) -> str:
    """What statefile.StatesMarshalEqual compares: the state without lineage and serial."""
    shown = normalise(state)
    return gojson.compact({k: shown[k] for k in ("outputs", "resources", "check_results")})


def _unchanged(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """remote.State: same content, and the same (non-empty) lineage and (non-zero) serial."""
    same_lineage = bool(old.get("lineage")) and old.get("lineage") == new.get("lineage")
    same_serial = bool(old.get("serial")) and old.get("serial") == new.get("serial")
    return same_lineage and same_serial and _content(old) == _content(new)


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
