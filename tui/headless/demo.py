"""`mocm-upgrade demo`: build the sandbox world, start its AWS endpoint, run the wizard on it.

The world goes to ``--dir`` or, by default, ``$XDG_CACHE_HOME/mocm-upgrade/demo``
(``~/.cache/mocm-upgrade/demo``), reused on the next run so the wizard resumes
where it stopped: the release folders as they were, and the AWS side replayed
from its recording (``tui.sandbox.aws_recording``). A folder that is not empty is
used only if it holds a world this command made (its marker file); anything else
is refused, never touched. ``--fresh`` removes such a world and builds a new one.

The moto server starts after the first screen is painted (a startup task) and
stops at once when the wizard exits; it dies with this process if it is killed.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui.core.errors import MocmError
from tui.sandbox.aws_endpoint import (
    DUMMY_CREDENTIALS,
    AwsEndpoint,
    EndpointError,
    listen,
    spawn_endpoint,
)
from tui.sandbox.aws_recording import Recording, prepare_recording, recording_path
from tui.sandbox.engine import ENGINES, STANDIN, EngineSetup, engine_setup
from tui.sandbox.world import World, build_world, is_world, load_world, world_env, write_env_file

if TYPE_CHECKING:
    from tui.sandbox.aws_world import AwsWorldStart

ENDPOINT_TIMEOUT = 30.0
# Replaying a recorded request takes a few ms; this bounds a slow machine's.
REPLAY_SECONDS_PER_REQUEST = 0.25
# How often the endpoint's keeper looks whether the wizard is exiting.
WATCH_S = 0.05


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", type=Path, help="folder of the demo world (default: ~/.cache/mocm-upgrade/demo)"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start over: remove the demo world in the folder (one this command made), build anew",
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


def start_over(root: Path) -> bool:
    """Remove the world in ``root`` for ``--fresh`` (True: there was one); never anything else."""
    if not root.exists() or (root.is_dir() and not any(root.iterdir())):
        return False
    if not is_world(root):
        raise MocmError(
            f"{root} holds no world made by `mocm-upgrade demo`; --fresh removes only such a world",
            "nothing was changed there; give --dir the demo world's folder",
        )
    holder = live_wizard(root)
    if holder:
        raise MocmError(
            f"a wizard works on the demo world in {root} ({holder}); nothing was removed",
            "quit it first, then start over with --fresh",
        )
    try:
        shutil.rmtree(root)
    except OSError as exc:
        raise MocmError(f"cannot remove the demo world in {root}: {exc}") from exc
    return True


def live_wizard(root: Path) -> str | None:
    """Who holds a release lock inside the world, if that wizard still runs."""
    from tui.core.journal.lock import ReleaseLock, is_stale
    from tui.core.journal.writer import Workspace

    for release in sorted((root / "releases").glob("*")):
        try:
            owner = ReleaseLock(Workspace(release)).read_owner()
        except MocmError as exc:
            return exc.message
        if owner is not None and not is_stale(owner, socket.gethostname()):
            return owner.describe()
    return None


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
    so this thread starts it when asked and lives until ``stop()``, or until the
    condition given to ``stop_when`` holds (the wizard exiting)."""

    def __init__(
        self, sock: socket.socket, region: str, recording: Recording, server_module: str
    ) -> None:
        super().__init__(name="sandbox-aws-endpoint", daemon=True)
        self.sock, self.region, self.recording = sock, region, recording
        self.server_module = server_module
        self.endpoint: AwsEndpoint | None = None
        self.error: EndpointError | None = None
        self._go, self._ready, self._stopping = (
            threading.Event(),
            threading.Event(),
            threading.Event(),
        )
        self._stop_when: Callable[[], bool] = lambda: False

    def stop_when(self, condition: Callable[[], bool]) -> None:
        """Stop as soon as ``condition()`` holds too (looked at every ``WATCH_S``)."""
        self._stop_when = condition

    def _should_stop(self) -> bool:
        if not self._stopping.is_set() and self._stop_when():
            self._stopping.set()
        return self._stopping.is_set()

    def run(self) -> None:
        self._go.wait()
        if self._should_stop():
            self.sock.close()
        else:
            try:
                self.endpoint = spawn_endpoint(
                    self.region,
                    server_module=self.server_module,
                    recording=self.recording.path,
                    sock=self.sock,
                )
                self.endpoint.wait_ready(endpoint_timeout(self.recording), self._should_stop)
            except EndpointError as exc:
                self.error = exc
        self._ready.set()
        while not self._stopping.wait(WATCH_S):
            self._should_stop()
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
        """Stop the server now, even mid-replay: every request is on disk already."""
        self._stopping.set()
        self._go.set()
        if self.endpoint is not None:
            self.endpoint.stop()
        if self.is_alive():
            self.join(timeout=2)


def endpoint_timeout(recording: Recording) -> float:
    return ENDPOINT_TIMEOUT + REPLAY_SECONDS_PER_REQUEST * recording.requests


def print_where(world: World, env_file: Path, url: str, aws_world: str, notes: list[str]) -> None:
    print(f"Demo world: {world.root}")
    print(f"  previous release: {world.previous}")
    print(f"  current release:  {world.current}")
    print(f"  stand-ins:        {world.bin_dir}/{{tofu,helm,helmfile}}")
    print(f"  AWS endpoint:     {url} (moto; stopped now)")
    print(f"  AWS world:        {aws_world}")
    print(f"  restart it with:  mocm-upgrade demo --dir {world.root}")
    print(f"  start over with:  mocm-upgrade demo --dir {world.root} --fresh")
    for note in notes:
        print(f"  note: {note}")
    print(f"Use it from a shell:  source {env_file}")


def fail(exc: MocmError) -> int:
    print(f"mocm-upgrade demo: {exc.message}", file=sys.stderr)
    if exc.hint:
        print(f"  {exc.hint}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    root = (args.dir or default_dir()).expanduser()
    try:
        if args.fresh and start_over(root):
            print(f"Starting over (--fresh): removed the demo world in {root}.")
        world, _ = prepare_world(root)
        engine = engine_setup(world, args.engine)
        recording = prepare_recording(recording_path(world.root))
        # Listening from now on: the wizard's first AWS call waits for the server, never refused.
        sock = listen(args.port)
    except MocmError as exc:
        return fail(exc)
    if recording.empty:
        print(f"Demo world in {world.root}: a new AWS world, recorded in {recording.path}.")
    else:
        print(
            f"Demo world in {world.root}: restoring its AWS world from {recording.path} "
            f"({recording.requests} requests)."
        )
    aws_env = endpoint_env(int(sock.getsockname()[1]), world.region)
    env_file = write_env_file(world, aws_env | engine.extra_env)
    env = engine.environment(world_env(world, aws_env))
    if args.no_ui:
        return run_headless(world, env, env_file, recording, sock, args, engine)
    return run_wizard(world, env, sock, recording, args, engine)


def _bring_up(
    world: World,
    env: dict[str, str],
    recording: Recording,
    playbook: Path | None,
    engine: EngineSetup,
) -> AwsWorldStart:
    from tui.core.playbook.load import load_playbook
    from tui.sandbox.aws_world import bring_up

    return bring_up(world, env, recording, load_playbook(playbook), engine.seed)


def run_headless(
    world: World,
    env: dict[str, str],
    env_file: Path,
    recording: Recording,
    sock: socket.socket,
    args: argparse.Namespace,
    engine: EngineSetup,
) -> int:
    try:
        endpoint = spawn_endpoint(
            world.region, server_module=engine.server_module, recording=recording.path, sock=sock
        )
    except EndpointError as exc:
        return fail(exc)
    try:
        endpoint.wait_ready(endpoint_timeout(recording))
        started = _bring_up(world, env, recording, args.playbook, engine)
    except MocmError as exc:
        return fail(exc)
    except Exception as exc:  # seeding talks to a server: any failure is reported, not a traceback
        print(f"mocm-upgrade demo: seeding the AWS endpoint failed: {exc}", file=sys.stderr)
        return 1
    finally:
        endpoint.stop()
    notes = started.report.not_modelled if started.report is not None else []
    print_where(world, env_file, endpoint.url, started.message, notes)
    return 0


def run_wizard(
    world: World,
    env: dict[str, str],
    sock: socket.socket,
    recording: Recording,
    args: argparse.Namespace,
    engine: EngineSetup,
) -> int:
    from tui.launch import launch_wizard

    keeper = EndpointKeeper(sock, world.region, recording, engine.server_module)
    keeper.start()

    def start_aws_world() -> str:
        from textual.worker import get_current_worker

        # The endpoint stops the moment the wizard exits (its message loop ends, this worker
        # is cancelled; it may even start after that): the seeding or replay in flight then
        # fails at once instead of holding the exit up.
        worker = get_current_worker()
        app = worker.node
        keeper.stop_when(lambda: worker.is_cancelled or not app.is_running)
        keeper.ensure_started()
        return _bring_up(world, env, recording, args.playbook, engine).message

    try:
        code = launch_wizard(
            world.previous,
            world.current,
            tofu_bin=engine.tofu_bin,
            playbook=args.playbook,
            env=env,
            startup_tasks=(start_aws_world,),
        )
    finally:
        keeper.stop()
    if not child_processes():
        exit_at_once(code)
    # A command the wizard started still runs (its worker waits for it): the interpreter's
    # normal exit waits for it too, rather than leave it running without the wizard.
    return code


def exit_at_once(code: int) -> NoReturn:
    """End the process now. Everything is on disk: the journal was closed as the wizard
    unmounted, the recording appended request by request; tearing the interpreter's large
    heap down would only keep the operator waiting (0.5-2 s measured, bench_quit.py)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def child_processes() -> list[int]:
    """PIDs of this process's children still running (Linux /proc; elsewhere: none known)."""
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()  # after "(comm)": state, ppid, ...
        if len(fields) > 1 and fields[1] == me and fields[0] != "Z":
            found.append(int(entry.name))
    return found
