"""moto's server with the gaps filled: ``python -m tui.sandbox.endpoint_gaps.server -H … -p …``
(moto's own ``-H``/``-p``). DLM requests are answered by :mod:`dlm`; everything else by moto."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterable
from typing import Any

from tui.sandbox.endpoint_gaps import dlm, install


class GapsApplication:
    """moto's WSGI dispatcher, with DLM answered here and moto's reset forgetting DLM too."""

    def __init__(self, moto_app: Any) -> None:
        self.moto_app = moto_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if dlm.is_dlm(environ):
            return dlm.application(environ, start_response)
        if environ.get("PATH_INFO", "").startswith("/moto-api/reset"):
            dlm.reset()
        return self.moto_app(environ, start_response)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tui.sandbox.endpoint_gaps.server")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    install()
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import run_simple

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = GapsApplication(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
