"""`mocm-upgrade demo`: build the sandbox world, start its AWS endpoint, run the wizard on it.

The world goes to ``--dir`` or, by default, ``$XDG_CACHE_HOME/mocm-upgrade/demo``
(``~/.cache/mocm-upgrade/demo``), reused on the next run so the wizard resumes
where it stopped. A folder that is not empty is used only if it holds a world
this command made (its marker file); anything else is refused, never touched.

The moto server starts after the first screen is painted (a startup task) and
stops when the wizard exits; it dies with this process if it is killed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
from pathlib import Path

from tui.core.errors import MocmError
from tui.sandbox.aws_endpoint import (
    DUMMY_CREDENTIALS,
    AwsEndpoint,
    EndpointError,
    free_port,
    start_endpoint,
)
from tui.sandbox.engine import ENGINES, STANDIN, EngineSetup, engine_setup
from tui.sandbox.world import World, build_world, is_world, load_world, world_env, write_env_file

ENDPOINT_TIMEOUT = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", type=Path, help="folder of the demo world (default: ~/.cache/mocm-upgrade/demo)"
    )
    parser.add_argument(
        "--no-ui", action="store_true", help="build and seed the world, print where it is, exit"
    )
    parser.add_argument(
        "--port", type=int, help="TCP port of the local AWS endpoint (default: a free one)"
    )
    parser.add_argument("--playbook", type=Path, help="upgrade playbook (default: bundled)")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=STANDIN,
        help="tofu-standin (default) or terraform: the machine's real Terraform with "
        "hashicorp/aws from its filesystem mirror (a world made for one engine stays with it)",
    )


def default_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mocm-upgrade" / "demo"


def prepare_world(root: Path) -> tuple[World, bool]:
    """Reuse the world in ``root``, or build one in a missing/empty folder (True: built now)."""
    if root.exists() and not root.is_dir():
        raise MocmError(f"{root} is a file, not a folder", "give --dir a folder (new or empty)")
    if root.is_dir() and any(root.iterdir()):
        if is_world(root):
            return load_world(root), False
        raise MocmError(
            f"{root} exists, is not empty and holds no world made by `mocm-upgrade demo`",
            "nothing was changed there; give --dir a new or empty folder",
        )
    created = not root.exists()
    try:
        return build_world(root), True
    except (OSError, MocmError) as exc:
        if created:
            shutil.rmtree(root, ignore_errors=True)
        else:  # it was empty: leave it empty
            for child in root.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()
        raise MocmError(f"cannot build the demo world in {root}: {exc}") from exc


def endpoint_env(port: int, region: str) -> dict[str, str]:
    """What boto3 and the tools need to reach the endpoint (known before it starts)."""
    return {
        **DUMMY_CREDENTIALS,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }


class EndpointKeeper(threading.Thread):
    """Owns the moto server: the child dies with the thread that forked it (PDEATHSIG),
    so this thread starts it when asked and lives until ``stop()``."""

    def __init__(self, port: int, region: str, server_module: str = "moto.server") -> None:
        super().__init__(name="sandbox-aws-endpoint", daemon=True)
        self.port, self.region, self.server_module = port, region, server_module
        self.endpoint: AwsEndpoint | None = None
        self.error: EndpointError | None = None
        self._go, self._ready, self._stopping = (
            threading.Event(),
            threading.Event(),
            threading.Event(),
        )

    def run(self) -> None:
        self._go.wait()
        if not self._stopping.is_set():
            try:
                self.endpoint = start_endpoint(
                    self.region,
                    self.port,
                    timeout=ENDPOINT_TIMEOUT,
                    server_module=self.server_module,
                )
            except EndpointError as exc:
                self.error = exc
        self._ready.set()
        self._stopping.wait()
        if self.endpoint is not None:
            self.endpoint.stop()

    def ensure_started(self) -> AwsEndpoint:
        """Start the server (once) and wait until it answers."""
        self._go.set()
        self._ready.wait()
        if self.error is not None:
            raise self.error
        if self.endpoint is None:
            raise EndpointError("the sandbox's AWS endpoint was stopped before it started")
        return self.endpoint

    def stop(self) -> None:
        self._stopping.set()
        self._go.set()
        if self.is_alive():
            self.join(timeout=15)


def print_where(world: World, env_file: Path, url: str, seeded: object) -> None:
    print(f"Demo world: {world.root}")
    print(f"  previous release: {world.previous}")
    print(f"  current release:  {world.current}")
    print(f"  stand-ins:        {world.bin_dir}/{{tofu,helm,helmfile}}")
    print(f"  AWS endpoint:     {url} (moto; stopped now)")
    print(f"  restart it with:  mocm-upgrade demo --dir {world.root}")
    for note in getattr(seeded, "not_modelled", []):
        print(f"  note: {note}")
    print(f"Use it from a shell:  source {env_file}")


def run(args: argparse.Namespace) -> int:
    root = (args.dir or default_dir()).expanduser()
    try:
        world, _ = prepare_world(root)
        engine = engine_setup(world, args.engine)
        port = args.port or free_port()
    except MocmError as exc:
        print(f"mocm-upgrade demo: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  {exc.hint}", file=sys.stderr)
        return 1
    aws_env = endpoint_env(port, world.region)
    env_file = write_env_file(world, aws_env | engine.extra_env)
    env = engine.environment(world_env(world, aws_env))
    if args.no_ui:
        return run_headless(world, env, env_file, args, engine)
    return run_wizard(world, env, port, args, engine)


def _seed(engine: EngineSetup, env: dict[str, str], playbook_path: Path | None) -> object:
    from tui.core.playbook.load import load_playbook

    return engine.seed(env, load_playbook(playbook_path))


def run_headless(
    world: World,
    env: dict[str, str],
    env_file: Path,
    args: argparse.Namespace,
    engine: EngineSetup,
) -> int:
    try:
        endpoint = start_endpoint(
            world.region,
            int(env["AWS_ENDPOINT_URL"].rsplit(":", 1)[1]),
            server_module=engine.server_module,
        )
    except EndpointError as exc:
        print(f"mocm-upgrade demo: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  {exc.hint}", file=sys.stderr)
        return 1
    try:
        report = _seed(engine, env, args.playbook)
    except Exception as exc:  # seeding talks to a server: any failure is reported, not a traceback
        print(f"mocm-upgrade demo: seeding the AWS endpoint failed: {exc}", file=sys.stderr)
        return 1
    finally:
        endpoint.stop()
    print_where(world, env_file, endpoint.url, report)
    return 0


def run_wizard(
    world: World, env: dict[str, str], port: int, args: argparse.Namespace, engine: EngineSetup
) -> int:
    from tui.launch import launch_wizard

    keeper = EndpointKeeper(port, world.region, engine.server_module)
    keeper.start()

    def start_and_seed() -> object:
        keeper.ensure_started()
        return _seed(engine, env, args.playbook)

    try:
        return launch_wizard(
            world.previous,
            world.current,
            tofu_bin=engine.tofu_bin,
            playbook=args.playbook,
            env=env,
            startup_tasks=(start_and_seed,),
        )
    finally:
        keeper.stop()
