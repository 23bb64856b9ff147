"""The first screen loads only what it shows: what the start-up must not import before it.

`mocm-upgrade PREV CURR` is started through its own entry point (`tui.cli.main`) in a fresh
process, run headless at 120×40; every module the main thread imports before the first
paint (the App's ``first_paint``) is recorded. Work the first screen does not need (the
journal and its records, a killed wizard's commands, the command log, the tfvars parser,
YAML, AWS) loads after it — the tfvars are parsed in a thread the first paint starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.release import make_pair

# Each with what it costs the start-up when loaded before the first paint.
NOT_BEFORE_FIRST_PAINT = (
    "tui.session",  # the journal, lock and resume: opened once the tfvars are read
    "tui.core.journal.records",
    "tui.core.journal.events",
    "tui.core.exec.left_running",
    "tui.core.exec.runner",  # the command log's: with the first step that runs a command
    "tui.core.exec.process_group",
    "tui.widgets.command_log",
    "textual.widgets._data_table",  # the Releases step's table of what's new: with its diff
    "tui.widgets.dialogs.help",  # the help dialog: when asked for
    "hcl2",  # python-hcl2 and lark: the tfvars parse, in a thread after the first paint
    "lark",
    "ruamel",  # the playbook comes from its parsed cache (the first start parses the YAML)
    "boto3",
    "botocore",
    "importlib.metadata",  # the package's version is looked up when asked
)

PROBE = """
import json, sys, threading

main_thread = threading.main_thread()
imported = []
painted = []


class Recorder:
    # Records the imports the main thread starts before the first paint; finds nothing.
    def find_spec(self, name, path=None, target=None):
        if not painted and threading.current_thread() is main_thread:
            imported.append(name)
        return None


sys.meta_path.insert(0, Recorder())

import tui.app
import tui.launch

def first_paint(app):
    painted.append(True)
    app.exit(0)

tui.app.WizardApp.first_paint = first_paint
tui.launch.run_without_waiting_for_threads = lambda app: app.run(headless=True, size=(120, 40))

from tui.cli import main

code = main(sys.argv[1:])
print(json.dumps({"code": code, "painted": bool(painted), "imported": imported}))
"""


def started(previous: Path, current: Path, cache: Path) -> dict[str, object]:
    env = {**os.environ, "MOCM_UPGRADE_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(previous), str(current)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_the_first_screen_is_painted_before_the_heavy_modules_load(tmp_path: Path) -> None:
    previous, current = make_pair(tmp_path / "first")
    cache = tmp_path / "cache"
    started(previous, current, cache)  # the first start on this playbook fills its cache
    previous, current = make_pair(tmp_path / "second")  # a release never opened: step 1
    result = started(previous, current, cache)
    assert result["code"] == 0
    assert result["painted"] is True
    imported = result["imported"]
    assert isinstance(imported, list)
    assert "tui.screens.releases.panel" in imported  # the probe saw the first screen load
    early = sorted(
        name
        for name in set(imported)
        if any(name == heavy or name.startswith(f"{heavy}.") for heavy in NOT_BEFORE_FIRST_PAINT)
    )
    assert early == [], f"loaded before the first paint: {early}"
