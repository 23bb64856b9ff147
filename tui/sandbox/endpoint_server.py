"""The sandbox's AWS endpoint process: moto's server, made replayable, stopped at once.

Run as ``python -m tui.sandbox.endpoint_server -H 127.0.0.1 -p PORT [--fd FD]`` (FD: a
socket listening on that port, made by the parent so no client is refused meanwhile). It is
moto's own WSGI application and request recorder (``MOTO_ENABLE_RECORDING``,
``MOTO_RECORDER_FILEPATH``) with three changes that make a replay restore the
same world, not a look-alike:

- every request carries the seed of moto's random generator and the time it
  was received (``X-Mocm-Seed``/``X-Mocm-Clock`` headers, added on arrival and
  so written into the recording): replayed, it draws the same ids (S3 version
  ids, volume and snapshot ids, secret ARNs) and stamps the same dates;
- requests are served one at a time, so the recording's order is the order
  they changed the world in;
- with ``MOCM_SANDBOX_REPLAY=1`` the recording is replayed (moto's
  ``replay_recording``) before any other request is answered: a client waits
  until the world is whole again, the readiness probe is told 503 meanwhile.

A start is made cheaper (the server starts some 40 times in a test run, and at each start
of the demo), the world it serves unchanged:

- the service models and moto's folder names are looked up once (``share_model_lookups``:
  moto's EC2 module alone made four botocore sessions, each parsing the EC2 model and the
  endpoints file again, ~0.5 CPU-s);
- EC2 comes up without moto's ~1,350 default AMIs and the volume and snapshot each one
  makes (nothing of the wizard, the seeding or Terraform reads an AMI). Requests are stamped
  ``X-Mocm-Amis: none``: a recording made so replays so, and one made before the stamp
  replays with the AMIs, whose ids were drawn in the request that first reached EC2;
- Python's collector runs less often (``SERVER_GC_THRESHOLDS``); both in ``lighten_process``.

SIGTERM ends the process at once: every request was appended to the
recording as it arrived, there is nothing to flush.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import logging
import os
import random
import secrets
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable
from typing import Any

from tui.sandbox import endpoint_clock

SEED_HEADER = "HTTP_X_MOCM_SEED"
CLOCK_HEADER = "HTTP_X_MOCM_CLOCK"
REPLAY_ENV = "MOCM_SANDBOX_REPLAY"
RECORDER_PATHS = "/moto-api/recorder/"
REPLAY_FAILED = "replaying the recorded AWS world failed"
PROBE_PATH = "/moto-api/"  # the readiness probe: refused (503) until the replay is over
# Python's collector in the server: moto's imports and service models are some million
# long-lived objects, and with the default thresholds a seeded world's server ran ~650
# collections (~0.28 of its ~1.0 CPU-s). Fewer, later ones (the test processes' setting).
SERVER_GC_THRESHOLDS = (10_000, 20, 20)
# A request served by an endpoint whose EC2 has no default AMIs (moto's MOTO_EC2_LOAD_DEFAULT_AMIS).
AMIS_HEADER = "HTTP_X_MOCM_AMIS"
AMIS_RECORDED = "X-Mocm-Amis"  # the same header as moto's recorder writes it
NO_AMIS = "none"


WsgiApp = Callable[..., Iterable[bytes]]


class ReplayableApp:
    """WSGI middleware around moto's application: seeded, clocked, serial requests.

    ``answered_here`` tells the requests a layer above moto answers itself (the Terraform
    engine's DLM): moto's recorder never sees them, so they are recorded here.
    """

    def __init__(
        self,
        app: WsgiApp,
        answered_here: Callable[[dict[str, Any]], bool] | None = None,
        *,
        default_amis: bool = False,
    ) -> None:
        from moto.moto_api._internal import mock_random

        self.app = app
        self.answered_here = answered_here
        self.stamps = {} if default_amis else {AMIS_HEADER: NO_AMIS}
        self.random = mock_random
        self.serial = threading.Lock()
        self.restored = threading.Event()
        self.restored.set()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO", "").startswith(RECORDER_PATHS):
            return self.app(environ, start_response)
        if SEED_HEADER not in environ:  # a live request (a replayed one carries its seed)
            if not self.restored.is_set() and environ.get("PATH_INFO") == PROBE_PATH:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"replaying the recorded AWS world\n"]
            self.restored.wait()
            environ[SEED_HEADER] = str(secrets.randbits(63))
            environ[CLOCK_HEADER] = f"{time.time():.6f}"
            environ.update(self.stamps)
        seed, clock = int(environ[SEED_HEADER]), float(environ[CLOCK_HEADER])
        with self.serial:
            endpoint_clock.freeze(clock)
            self.random.seed(seed)
            random.seed(seed)  # a few moto models draw from the standard generator
            if self.answered_here is not None and self.answered_here(environ):
                record(environ)
            try:
                return list(self.app(environ, start_response))
            finally:
                endpoint_clock.freeze(None)


def record(environ: dict[str, Any]) -> None:
    """Append a request to moto's recording as moto itself does (off while replaying)."""
    from moto.core.request import Request
    from moto.moto_api import recorder

    recorder._record_request(Request(environ))


def make_replayable(module: types.ModuleType) -> None:
    """A layer's module draws its dates and ids like moto's: from the request's clock and seed."""
    endpoint_clock.rewire(module)
    if getattr(module, "secrets", None) is secrets:
        module.secrets = SEEDED_SECRETS  # type: ignore[attr-defined]  # any module


def _token_hex(nbytes: int = 32) -> str:
    from moto.moto_api._internal import mock_random

    return mock_random.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()


SEEDED_SECRETS = endpoint_clock.ModuleProxy(secrets, token_hex=_token_hex)


def recorded_with_default_amis(recording: str) -> bool:
    """Whether a recording was made by an endpoint whose EC2 had moto's default AMIs: its
    first request lacks the ``X-Mocm-Amis: none`` stamp (a recording made before the stamp)."""
    try:
        with open(recording, encoding="utf-8") as file:
            first = json.loads(file.readline())
        return bool(first["headers"].get(AMIS_RECORDED) != NO_AMIS)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return True  # unreadable: replayed as before (a bad recording fails the replay anyway)


def lighten_process() -> None:
    """Before moto is imported: the collector's thresholds, and what moto looks up again and
    again read once (``share_model_lookups``). Once per process; later calls do nothing."""
    if gc.get_threshold() == SERVER_GC_THRESHOLDS:
        return
    gc.set_threshold(*SERVER_GC_THRESHOLDS)
    share_model_lookups()


def share_model_lookups() -> None:
    """What every moto server process looked up again and again, read once: botocore's service
    models (one loader for every botocore session, and one for moto's own models: each loader
    lists botocore's ~400 service folders before its first model) and the names of moto's
    service folders (listed with a stat of each, on every request). All read-only files."""
    import botocore.loaders
    import botocore.session
    from moto import backends
    from moto.core import loaders, utils

    botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)
    utils.create_loader = functools.cache(loaders.create_loader)  # type: ignore[attr-defined]
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def _exit_now(signum: int, frame: object) -> None:
    os._exit(0)


def main(
    argv: list[str] | None = None,
    *,
    layer: Callable[[WsgiApp], WsgiApp] | None = None,
    answered_here: Callable[[dict[str, Any]], bool] | None = None,
    prog: str = "python -m tui.sandbox.endpoint_server",
) -> int:
    """Serve until killed; ``layer`` wraps moto's application (the engine's endpoint gaps)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    parser.add_argument("--fd", type=int, help="a socket already listening on host:port")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_now)
    signal.signal(signal.SIGINT, _exit_now)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on stderr
    endpoint_clock.install()  # every moto module, loaded already or still to come
    lighten_process()
    replay = os.environ.get(REPLAY_ENV) == "1"
    default_amis = replay and recorded_with_default_amis(
        os.environ.get("MOTO_RECORDER_FILEPATH", "moto_recording")
    )
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = str(default_amis).lower()

    from moto.moto_api import recorder
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    moto_app: WsgiApp = DomainDispatcherApplication(create_backend_app)
    app = ReplayableApp(
        layer(moto_app) if layer else moto_app, answered_here, default_amis=default_amis
    )
    if replay:
        app.restored.clear()
    server = make_server(
        args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler, fd=args.fd
    )
    serving = threading.Thread(target=server.serve_forever, name="serve", daemon=True)
    serving.start()
    if replay:
        try:
            recorder.replay_recording(target_host=f"http://{args.host}:{args.port}")
        except Exception as exc:  # any failure ends the endpoint with one line, never a hang
            print(f"{REPLAY_FAILED}: {exc!r}", file=sys.stderr, flush=True)
            os._exit(1)
        app.restored.set()
    serving.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
