"""A local AWS endpoint: moto's server on 127.0.0.1, in a child process.

The child is told to die with its parent (PR_SET_PDEATHSIG on Linux), so a
killed wizard never leaves a server behind.
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
from dataclasses import dataclass, field

from tui.core.errors import MocmError

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


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
        """Stop the server and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> AwsEndpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_endpoint(
    region: str = "eu-central-1",
    port: int | None = None,
    timeout: float = 20.0,
    python: str = sys.executable,
    server_module: str = "moto.server",
) -> AwsEndpoint:
    """Start moto's server on 127.0.0.1 and wait until it answers.

    ``server_module`` is run with ``-H``/``-p``: the Terraform engine's endpoint is
    ``tui.sandbox.endpoint_gaps.server`` (moto with the gaps the AWS provider hits filled).
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [python, "-m", server_module, "-H", "127.0.0.1", "-p", str(port)]
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent,
        )
    except OSError as exc:
        raise EndpointError(f"cannot start moto's server: {exc}") from exc
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace")
            last = err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"
            raise EndpointError(
                f"moto's server failed to start on 127.0.0.1:{port}: {last}",
                "Is moto[server] installed? (`pip install 'mocm-upgrade[demo]'`)",
            )
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                break
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    else:
        proc.kill()
        proc.wait()
        raise EndpointError(f"moto's server did not answer on {url} within {timeout:.0f} s")
    if proc.stderr:
        proc.stderr.close()
    env = {
        **DUMMY_CREDENTIALS,
        "AWS_ENDPOINT_URL": url,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }
    return AwsEndpoint(url=url, region=region, process=proc, env=env)
