"""A local AWS endpoint: moto's server on 127.0.0.1, in a child process.

The child is told to die with its parent (PR_SET_PDEATHSIG on Linux), so a
killed wizard never leaves a server behind. Given a recording file, the server
appends every request to it as it arrives and, when the file already holds
requests, replays them before answering anything (``tui.sandbox.endpoint_server``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.errors import MocmError
from tui.sandbox.endpoint_server import PROBE_PATH, REPLAY_FAILED

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


SERVER_MODULE = "tui.sandbox.endpoint_server"
RECORDER_VARIABLES = ("MOTO_ENABLE_RECORDING", "MOTO_RECORDER_FILEPATH", "MOCM_SANDBOX_REPLAY")
# A probe answered late is sent again: a stop asked meanwhile is seen this soon.
PROBE_TIMEOUT_S = 0.25


class EndpointError(MocmError):
    """moto's server could not be started."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])
    except OSError as exc:
        raise EndpointError(f"no free TCP port on 127.0.0.1: {exc.strerror}") from exc


def listen(port: int | None = None) -> socket.socket:
    """The endpoint's listening socket on 127.0.0.1 (``port`` None: one the system picks).

    Made before the server runs and handed to it: a client that connects while the
    server still starts (or replays) waits in the queue instead of being refused.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As every server does: a port whose last server just stopped (TIME_WAIT) is reusable.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port or 0))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise EndpointError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
            "give --port a free port, or leave it out",
        ) from exc
    return sock


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    os.setsid()


@dataclass
class AwsEndpoint:
    """A running moto server; ``env`` is what boto3 and the tools need to reach it."""

    url: str
    region: str
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        """Stop the server now and reap it: SIGKILL, as it has nothing to flush (a recording
        is appended request by request) and must not hold the wizard's exit up."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def wait_ready(self, timeout: float, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Wait until the server answers (a replay finished); stopped or failed: EndpointError."""
        proc, url = self.process, self.url
        port = url.rsplit(":", 1)[1]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cancelled():
                self.stop()
                raise EndpointError("the sandbox's AWS endpoint was stopped before it answered")
            if proc.poll() is not None:
                err = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace")
                last = err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"
                raise EndpointError(
                    f"moto's server failed to start on 127.0.0.1:{port}: {last}",
                    "The recording cannot be replayed: `mocm-upgrade demo --fresh` starts over."
                    if last.startswith(REPLAY_FAILED)
                    else "Is moto installed? (`pip install 'mocm-upgrade[demo]'`)",
                )
            try:
                with urllib.request.urlopen(f"{url}{PROBE_PATH}", timeout=PROBE_TIMEOUT_S):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        else:
            self.stop()
            raise EndpointError(f"moto's server did not answer on {url} within {timeout:.0f} s")
        if proc.stderr:
            proc.stderr.close()

    def __enter__(self) -> AwsEndpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def server_env(recording: Path | None) -> dict[str, str]:
    """The server's environment: moto's recorder on ``recording``, replaying what it holds."""
    env = {k: v for k, v in os.environ.items() if k not in RECORDER_VARIABLES}
    if recording is not None:
        env["MOTO_ENABLE_RECORDING"] = "1"
        env["MOTO_RECORDER_FILEPATH"] = str(recording)
        if recording.is_file() and recording.stat().st_size > 0:
            env["MOCM_SANDBOX_REPLAY"] = "1"
    return env


def start_endpoint(
    region: str = "eu-central-1",
    port: int | None = None,
    timeout: float = 20.0,
    python: str = sys.executable,
    server_module: str = SERVER_MODULE,
    recording: Path | None = None,
) -> AwsEndpoint:
    """Start moto's server on 127.0.0.1 and wait until it answers.

    ``server_module`` is the server's program: the Terraform engine's endpoint is
    ``tui.sandbox.endpoint_gaps.server`` (the same server with the gaps the AWS provider
    hits filled). With ``recording``, every request is appended to that file, and the
    requests it already holds are replayed first (``timeout`` must leave the time for it).
    """
    endpoint = spawn_endpoint(region, port, python, server_module, recording)
    endpoint.wait_ready(timeout)
    return endpoint


def spawn_endpoint(
    region: str = "eu-central-1",
    port: int | None = None,
    python: str = sys.executable,
    server_module: str = SERVER_MODULE,
    recording: Path | None = None,
    sock: socket.socket | None = None,
) -> AwsEndpoint:
    """Start the server's process on ``sock`` (or a new one on ``port``) without waiting for it
    (``wait_ready`` does); the socket is the server's from then on."""
    sock = sock or listen(port)
    port = int(sock.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    fd = sock.fileno()
    cmd = [python, "-m", server_module, "-H", "127.0.0.1", "-p", str(port), "--fd", str(fd)]
    try:
        proc = subprocess.Popen(
            cmd,
            env=server_env(recording),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(fd,),
            preexec_fn=_die_with_parent,
        )
    except OSError as exc:
        raise EndpointError(f"cannot start moto's server: {exc}") from exc
    finally:
        sock.close()
    env = {
        **DUMMY_CREDENTIALS,
        "AWS_ENDPOINT_URL": url,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }
    return AwsEndpoint(url=url, region=region, process=proc, env=env)
