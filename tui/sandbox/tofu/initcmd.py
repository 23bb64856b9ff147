"""`tofu init`: backend (with state migration and its prompt), modules, providers."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path
from typing import Any

from tui.sandbox.tofu import messages
from tui.sandbox.tofu.backend import (
    backend_for,
    cached_settings,
    config_hash,
    read_cache,
    remove_cache,
    write_cache,
)
from tui.sandbox.tofu.config import Config, ConfigError, parse_file
from tui.sandbox.tofu.providers import LOCK_FILE, install
from tui.sandbox.tofu.state import dump_state, is_empty, new_lineage


def _query(old: str, new: str, dest_empty: bool, tmpdir: str) -> str:
    head = "Do you want to copy existing state to the new backend?\n"
    if dest_empty:
        body = (
            f'Pre-existing state was found while migrating the previous "{old}" backend to the\n'
            f'newly configured "{new}" backend. No existing state was found in the newly\n'
            f'configured "{new}" backend. Do you want to copy this state to the new "{new}"\n'
            'backend? Enter "yes" to copy and "no" to start with an empty state.'
        )
    else:
        body = (
            f'Pre-existing state was found while migrating the previous "{old}" backend to the\n'
            f'newly configured "{new}" backend. An existing non-empty state already exists in\n'
            "the new backend. The two states have been saved to temporary files that will be\n"
            "removed after responding to this query.\n\n"
            f'Previous (type "{old}"): {tmpdir}/1-{old}.tfstate\n'
            f'New      (type "{new}"): {tmpdir}/2-{new}.tfstate\n\n'
            "Do you want to overwrite the state in the new backend with the previous state?\n"
            'Enter "yes" to copy and "no" to start with the existing state in the newly\n'
            f'configured "{new}" backend.'
        )
    described = "\n".join(f"  {line}" for line in body.split("\n"))
    return head + described + "\n\n  Enter a value: "


def _ask(query: str) -> bool | None:
    """Two tries; a second invalid answer is "no". None on end of input."""
    for _ in range(2):
        sys.stdout.write(query)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            return None
        sys.stdout.write("\n")
        answer = line.strip().lower()
        if answer in ("yes", "no"):
            return answer == "yes"
    return False


def _migrate(cwd: Path, old: Any, new: Any, flags: dict[str, Any]) -> int | None:
    """Copy the old backend's state into the new one when tofu would; exit code on failure."""
    source = old.read()
    if is_empty(source):
        return None
    destination = new.read()
    if not flags["force_copy"]:
        if not flags["input"]:
            return messages.error(*messages.INPUT_FALSE_MIGRATE, color=flags["color"])
        with tempfile.TemporaryDirectory(prefix="terraform") as tmpdir:
            if not is_empty(destination):
                Path(tmpdir, f"1-{old.type}.tfstate").write_text(dump_state(source))
                Path(tmpdir, f"2-{new.type}.tfstate").write_text(dump_state(destination or {}))
            answer = _ask(_query(old.type, new.type, is_empty(destination), tmpdir))
        if answer is None:
            return messages.error(
                "Error asking for state migration action: EOF", color=flags["color"]
            )
        if not answer:
            return None
    held = [
        (b, b.lock(op))
        for b, op in ((old, "migration source state"), (new, "migration destination state"))
    ]
    try:
        new.write(source)  # lineage and serial are kept
        if old.type == "local":
            old.write(None)  # tofu empties the local file; the old one stays as .backup
    finally:
        for backend, info in held:
            backend.unlock(info)
    return None


def run_init(cwd: Path, config: Config, flags: dict[str, Any]) -> int:
    """`tofu init [-upgrade] [-input=false] [-migrate-state] [-force-copy] [-reconfigure]`."""
    if flags["reconfigure"] and (flags["migrate_state"] or flags["force_copy"]):
        return messages.error(*messages.MIGRATE_AND_RECONFIGURE, color=flags["color"])
    sys.stdout.write("\nInitializing the backend...\n")
    cache = read_cache(cwd)
    old_type, old_settings = cached_settings(cache) if cache else ("local", {})
    new_type, new_settings = config.backend or ("local", {})
    unchanged = (cache is None and config.backend is None) or (
        cache is not None
        and config.backend is not None
        and cache.get("hash") == config_hash(new_type, new_settings)
    )
    (cwd / ".terraform").mkdir(exist_ok=True)
    if not unchanged:
        if cache is not None and not (
            flags["migrate_state"] or flags["force_copy"] or flags["reconfigure"]
        ):
            return messages.error(*messages.BACKEND_CHANGED, color=flags["color"])
        new = backend_for(cwd, new_type, new_settings)
        if not flags["reconfigure"]:
            failed = _migrate(cwd, backend_for(cwd, old_type, old_settings), new, flags)
            if failed is not None:
                return failed
        if config.backend is None:
            remove_cache(cwd)
            sys.stdout.write(
                f'\nSuccessfully unset the backend "{old_type}". '
                "OpenTofu will now operate locally.\n"
            )
        else:
            write_cache(cwd, new_type, new_settings, new_lineage())
            sys.stdout.write(messages.backend_configured(new_type))
    if config.modules:
        sys.stdout.write("Initializing modules...\n")
        for name, source in sorted(config.modules.items()):
            sys.stdout.write(f"- {name} in {source.removeprefix('./')}\n")
    sys.stdout.write(install(cwd, config, flags["upgrade"]))
    sys.stdout.write(messages.SUCCESS_INIT)
    _keep_parses(cwd)
    return 0


def _keep_parses(cwd: Path) -> None:
    """When this run loaded python-hcl2 anyway, parse what the next plan reads too.

    A run that met a file it had not parsed before has paid for loading the parser; the
    tfvars files and the lock file just written then cost a parse each, and the plan that
    follows finds every file kept (`parsecache`) instead of loading the parser again.
    Nothing is shown: a file that does not parse is reported by the command that reads it.
    """
    if "hcl2" not in sys.modules:
        return
    paths = [cwd / "terraform.tfvars", *sorted(cwd.glob("*.auto.tfvars")), cwd / LOCK_FILE]
    for path in paths:
        with contextlib.suppress(ConfigError, OSError):
            if path.is_file():
                parse_file(path)
