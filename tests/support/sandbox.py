"""Helpers shared by the sandbox tests: a built demo world and the stand-ins' environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tui.sandbox.world import World, build_world


def new_world(root: Path) -> World:
    """A fresh demo world under ``root``."""
    return build_world(root / "world")


def standin_env(world: World, **extra: str) -> dict[str, str]:
    """PATH with the world's stand-ins first; deterministic time zone; no pacing."""
    env = {
        "PATH": f"{world.bin_dir}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "TZ": "UTC",
        "MOCM_SANDBOX_HELM_STORE": str(world.helm_store),
        "MOCM_SANDBOX_HELM_SECONDS": "0",
    }
    env.update(extra)
    return env


def run_tool(
    world: World, args: list[str], *, cwd: Path | None = None, timeout: float = 60, **extra: str
) -> subprocess.CompletedProcess[str]:
    """Run a stand-in (``helm``/``helmfile``/``tofu`` wrapper of the world)."""
    tool = world.bin_dir / args[0]
    return subprocess.run(
        [str(tool), *args[1:]],
        cwd=cwd or world.current / "mocm",
        env=standin_env(world, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def moto_processes(port: int) -> list[int]:
    """PIDs of moto servers on ``port`` (read from /proc: no extra dependency)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"moto.server" in argv and str(port).encode() in argv:
            found.append(int(entry.name))
    return found
