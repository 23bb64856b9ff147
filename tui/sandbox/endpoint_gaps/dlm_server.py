"""The stand-in engine's endpoint: moto's server with DLM added (``endpoint_gaps.dlm``) and
nothing of moto patched: ``python -m tui.sandbox.endpoint_gaps.dlm_server -H … -p …``.

Preflight asks DLM for the MongoDB snapshot policy; moto has no DLM, so without this the
demo's Preflight could only fail that item (HTTP 500)."""

from __future__ import annotations

import sys

from tui.sandbox.endpoint_gaps.server import main

if __name__ == "__main__":
    sys.exit(main(patch_moto=False, prog="python -m tui.sandbox.endpoint_gaps.dlm_server"))
