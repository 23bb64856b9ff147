"""Helpers shared by the sandbox tests: a built demo world and the stand-ins' environment."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.support.tofu_standin import share_parse_cache
from tui.sandbox.aws_endpoint import SERVER_MODULE
from tui.sandbox.engine import DLM_SERVER, GAPS_SERVER
from tui.sandbox.world import World, build_world

# Every program the sandbox's endpoint runs as (the stand-in engine's adds DLM).
SERVER_MODULES = (SERVER_MODULE, DLM_SERVER, GAPS_SERVER)


def new_world(root: Path) -> World:
    """A fresh demo world under ``root`` (its tofu parse cache shared with the other worlds
    of this test process: ``share_parse_cache``)."""
    world = build_world(root / "world")
    share_parse_cache(world.root)
    return world


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


def _processes() -> Iterator[tuple[int, list[bytes], bytes]]:
    """(pid, argv, environ) of every process we may read, from /proc."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours
            continue
        yield int(entry.name), argv, environ


def _is_endpoint(argv: list[bytes]) -> bool:
    return any(module.encode() in argv for module in SERVER_MODULES)


def moto_processes(port: int) -> list[int]:
    """PIDs of the sandbox's moto servers on ``port`` (read from /proc: no extra dependency)."""
    return [
        pid for pid, argv, _ in _processes() if _is_endpoint(argv) and str(port).encode() in argv
    ]


def world_processes(root: Path, port: int) -> list[str]:
    """Every process still running for a demo world: its endpoint, and anything started
    with the world's environment (the wizard's stand-in tofu/helm/helmfile and their children)."""
    marker = f"MOCM_SANDBOX_WORLD={root}".encode()
    found = []
    for pid, argv, environ in _processes():
        if pid == os.getpid():
            continue
        if marker in environ.split(b"\0") or (_is_endpoint(argv) and str(port).encode() in argv):
            found.append(f"{pid}: {b' '.join(argv).decode(errors='replace').strip()}")
    return found
