"""Running the tofu stand-in as a subprocess, the way the wizard runs `tofu`."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PARSE_CACHE_ENV = "MOCM_TOFU_PARSE_CACHE"


@functools.cache
def parse_cache_folder() -> str:
    """This test process's folder of the stand-in's parse cache (removed when it ends).

    Entries are named by the text they hold the parse of: sharing them between tests
    changes no output, only spares each run loading python-hcl2 (tui/sandbox/tofu/parsecache.py).
    """
    folder = tempfile.mkdtemp(prefix="mocm-tofu-parse-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def share_parse_cache(world_root: Path) -> None:
    """Make a world's parse cache this process's folder (a link in the world's root).

    The wizard runs `tofu` with an environment of its own (no `MOCM_TOFU_PARSE_CACHE`), so
    the stand-in keeps its parses in the world it belongs to: linked, every world of the
    test process finds the release files another world's runs parsed (the same texts).
    """
    from tui.sandbox.tofu.parsecache import WORLD_FOLDER

    link = world_root / WORLD_FOLDER
    if not link.exists() and not link.is_symlink():
        link.symlink_to(parse_cache_folder(), target_is_directory=True)


@dataclass
class Result:
    """What a tofu run left on the streams, and its exit code."""

    code: int
    stdout: str
    stderr: str


def standin_env(**extra: str) -> dict[str, str]:
    """The environment a stand-in run gets: this process's, plus the repo on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCM_STANDIN_")}
    env["PYTHONPATH"] = str(REPO)
    env.pop("TF_IN_AUTOMATION", None)
    env.setdefault(PARSE_CACHE_ENV, parse_cache_folder())
    env.update(extra)
    return env


def standin_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui.sandbox.tofu", *args]


def tofu(cwd: Path, *args: str, stdin: str = "", **env: str) -> Result:
    """Run `tofu ARGS` (the stand-in) in cwd."""
    done = subprocess.run(
        standin_argv(*args),
        cwd=cwd,
        env=standin_env(**env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def show_json(cwd: Path, plan: str = "tfplan") -> dict[str, Any]:
    result = tofu(cwd, "show", "-json", plan)
    assert result.code == 0, result.stderr
    return dict(json.loads(result.stdout))


def actions(plan: dict[str, Any]) -> dict[str, tuple[list[str], str | None]]:
    """Address -> (actions, action_reason) of a JSON plan."""
    return {
        rc["address"]: (rc["change"]["actions"], rc.get("action_reason"))
        for rc in plan.get("resource_changes", [])
    }


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def standin_binary(directory: Path) -> Path:
    """An executable ``tofu`` that runs the stand-in (for code that takes a binary path)."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "tofu"
    script.write_text(
        "#!/bin/sh\n"
        f'PYTHONPATH="{REPO}${{PYTHONPATH:+:$PYTHONPATH}}"\n'
        f': "${{{PARSE_CACHE_ENV}:={parse_cache_folder()}}}"\n'
        f"export PYTHONPATH {PARSE_CACHE_ENV}\n"
        f'exec "{sys.executable}" -m tui.sandbox.tofu "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script
