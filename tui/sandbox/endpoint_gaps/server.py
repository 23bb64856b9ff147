"""moto's server with the gaps filled: ``python -m tui.sandbox.endpoint_gaps.server -H … -p …``
(the options of :mod:`tui.sandbox.endpoint_server`, which it is, with this layer on top:
recorded, replayed, stopped at once). DLM requests are answered by :mod:`dlm`; everything
else by moto."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from tui.sandbox import endpoint_server
from tui.sandbox.endpoint_gaps import dlm, install
from tui.sandbox.endpoint_server import make_replayable


class GapsApplication:
    """moto's WSGI dispatcher, with DLM answered here and moto's reset forgetting DLM too."""

    def __init__(self, moto_app: Any) -> None:
        self.moto_app = moto_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if dlm.is_dlm(environ):
            return dlm.application(environ, start_response)
        if environ.get("PATH_INFO", "").startswith("/moto-api/reset"):
            dlm.reset()
        response: Iterable[bytes] = self.moto_app(environ, start_response)
        return response


def main(
    argv: list[str] | None = None,
    *,
    patch_moto: bool = True,
    prog: str = "python -m tui.sandbox.endpoint_gaps.server",
) -> int:
    """The sandbox's endpoint server (recorded, replayed, seeded) with the gaps layer on top;
    ``patch_moto=False`` adds DLM only (the stand-in engine's endpoint: its ``tofu`` never
    calls the ElastiCache and EC2 APIs the patches fill)."""
    endpoint_server.lighten_process()  # before the patches import moto's EC2 and ElastiCache
    if patch_moto:
        install()
    make_replayable(dlm)
    return endpoint_server.main(
        argv,
        layer=GapsApplication,
        answered_here=dlm.is_dlm,
        prog=prog,
    )


if __name__ == "__main__":
    sys.exit(main())
