"""python-hcl2's view of a file's text, kept so that a later run need not load the parser.

Loading python-hcl2 and its Lark parser costs a run ~0.1 s of CPU, more than the rest of
the stand-in; the sandbox runs `tofu` hundreds of times on the same few files. An entry
is the JSON of what `hcl2.loads` returned, named by the sha256 of the file's text, of the
versions of python-hcl2 and Lark (their `version.py` / `__init__.py` texts) and of this
layout: a changed file, or another parser, is another name, so an entry never goes stale.
Only a successful parse is kept (a syntax error is parsed again, and reported, each time),
and only a value JSON gives back unchanged (dicts with text keys, lists, text, numbers,
booleans, null). An entry that cannot be read is a miss; writing is best effort.

Where: the folder `MOCM_TOFU_PARSE_CACHE` names; else `.tofu-parse-cache` in the demo
world (`MOCM_SANDBOX_WORLD`, which the world's `bin/tofu` sets), a folder the wizard never
reads; else nowhere (each run parses). Within one run a text is parsed once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

ENV = "MOCM_TOFU_PARSE_CACHE"
WORLD_ENV = "MOCM_SANDBOX_WORLD"
WORLD_FOLDER = ".tofu-parse-cache"
LAYOUT = "mocm-tofu-parse-cache 1"
# The files whose text names the parser's version (read, never imported: importing is the cost).
_VERSION_FILES = (("hcl2", "version.py"), ("lark", "__init__.py"))

_seen: dict[str, str] = {}  # this run's entries: key -> JSON text
_parser_id: bytes | None = None


def folder() -> Path | None:
    """Where entries are kept, or None."""
    named = os.environ.get(ENV)
    if named:
        return Path(named)
    world = os.environ.get(WORLD_ENV)
    if world and Path(world).is_dir():
        return Path(world) / WORLD_FOLDER
    return None


def _parser_versions() -> bytes:
    """The texts naming the installed python-hcl2 and Lark versions."""
    global _parser_id
    if _parser_id is None:
        from importlib.util import find_spec

        parts = [LAYOUT.encode()]
        for package, name in _VERSION_FILES:
            spec = find_spec(package)
            locations = list(spec.submodule_search_locations or []) if spec else []
            try:
                parts.append(Path(locations[0], name).read_bytes())
            except (IndexError, OSError):
                parts.append(b"?")  # still a stable name, as long as nothing changes
        _parser_id = b"\0".join(parts)
    return _parser_id


def key_of(text: str) -> str:
    """The entry name of a file's text for the installed parser."""
    digest = hashlib.sha256(_parser_versions())
    digest.update(b"\0" + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def lookup(text: str) -> dict[str, Any] | None:
    """The parse kept for this text, or None."""
    place = folder()
    key = key_of(text)
    encoded = _seen.get(key)
    if encoded is None and place is not None:
        try:
            encoded = (place / f"{key}.json").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    if encoded is None:
        return None
    try:
        data = json.loads(encoded)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    _seen[key] = encoded
    return data


def _plain(value: Any) -> bool:
    """True when JSON gives this value back as it is."""
    if value is None or type(value) in (str, bool, int):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is list:
        return all(_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def store(text: str, data: dict[str, Any]) -> None:
    """Keep a successful parse of this text (in this run, and in the folder if there is one)."""
    if not _plain(data):
        return
    key = key_of(text)
    encoded = json.dumps(data, separators=(",", ":"))
    _seen[key] = encoded
    place = folder()
    if place is None:
        return
    import tempfile  # here: a run that only reads entries does not load it

    with contextlib.suppress(OSError):
        place.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", dir=place)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(encoded)
            os.replace(tmp, place / f"{key}.json")
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
