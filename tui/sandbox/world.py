"""The demo world: two release directories, stand-in tools and a Helm store, in one folder.

Everything release-specific comes from ``assets/sandbox/world.json`` and the
template releases next to it; this module only knows how to render them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from tui.core.errors import MocmError
from tui.core.files import atomic_write

ASSETS = Path(str(files("tui").joinpath("assets", "sandbox")))
MARKER = ".mocm-demo-world.json"
MARKER_KIND = "mocm-upgrade-demo-world"
HELM_STORE = ".helm-store.json"
KUBECONFIG = "kubeconfig"  # next to the store: the stand-ins' cluster is the store
# moto's server answers STS with this account unless MOTO_ACCOUNT_ID says otherwise.
MOTO_DEFAULT_ACCOUNT = "123456789012"
# Stand-in executables put first on PATH, and the module each one runs.
STANDINS = {
    "tofu": "tui.sandbox.tofu",
    "helm": "tui.sandbox.helm_standin",
    "helmfile": "tui.sandbox.helmfile_standin",
}


# The endpoint is a local process: it never throttles, and a refused connection means it
# stopped (the wizard quit); a retry would only hold the exit up, or send a write twice.
LOCAL_ATTEMPTS = "1"
# The sentence saying what the demo's CloudWatch history shows (Stage 4 puts it on screen).
STORY_ENV = "MOCM_SANDBOX_STORY"


class WorldError(MocmError):
    """The demo world cannot be built or read."""


@dataclass(frozen=True)
class World:
    """A built demo world; every path is absolute."""

    root: Path
    previous: Path
    current: Path
    name_prefix: str
    region: str
    account_id: str
    spec: dict[str, Any]

    @property
    def bin_dir(self) -> Path:
        return self.root / "bin"

    @property
    def helm_store(self) -> Path:
        return self.root / HELM_STORE

    @property
    def kubeconfig(self) -> Path:
        return self.root / KUBECONFIG

    @property
    def env_file(self) -> Path:
        return self.root / "env.sh"

    def fill(self, template: str) -> str:
        """Replace the ``@@NAME@@`` tokens of a world template."""
        return render(template, self.tokens())

    def tokens(self) -> dict[str, str]:
        return {
            "NAME_PREFIX": self.name_prefix,
            "AWS_REGION": self.region,
            "REGION_SHORT": str(self.spec.get("region_short", "")),
            "ACCOUNT_ID": self.account_id,
            "PYTHON": sys.executable,
        }


def demo_story(spec: dict[str, Any]) -> str:
    """What the demo's CloudWatch history shows, in one sentence for the operator."""
    cache, valkey = spec["cache_metric"], spec["valkey_metric"]
    cutover = float(valkey["rising_since_hours"])
    idle = float(cache["zero_for_hours"])
    return (
        f"Demo world: its CloudWatch history puts the cutover {cutover:g} h before the world "
        f"was built (the old cache drained over {cutover - idle:g} h, idle since; Valkey "
        "serving since), as if you came back a business cycle after the Helm sync. "
        f"A {int(cache['hours'])}h window shows the traffic before the cutover."
    )


def render(text: str, tokens: dict[str, str]) -> str:
    for key, value in tokens.items():
        text = text.replace(f"@@{key}@@", value)
    return text


def load_spec(assets: Path = ASSETS) -> dict[str, Any]:
    """The world description bundled in ``assets/sandbox/world.json``."""
    path = assets / "world.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorldError(f"cannot read the demo world description {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise WorldError(f"{path}: expected a JSON object")
    return data


def is_world(root: Path) -> bool:
    """True when ``root`` holds a world built by ``build_world`` (its marker file)."""
    try:
        marker = json.loads((root / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("kind") == MARKER_KIND


def load_world(root: Path, assets: Path = ASSETS) -> World:
    """Read back a world built earlier in ``root``."""
    root = root.resolve()
    if not is_world(root):
        raise WorldError(f"{root} does not hold a demo world (no {MARKER})")
    marker = _marker(root)
    spec = load_spec(assets)
    world = World(
        root=root,
        previous=root / "releases" / marker["previous"],
        current=root / "releases" / marker["current"],
        name_prefix=marker["name_prefix"],
        region=marker["region"],
        account_id=marker["account_id"],
        spec=spec,
    )
    if not world.kubeconfig.exists():  # a world built before the worlds had one
        from tui.sandbox.helm_store import write_kubeconfig

        write_kubeconfig(world)
    return world


def build_world(
    root: Path, *, account_id: str = MOTO_DEFAULT_ACCOUNT, assets: Path = ASSETS
) -> World:
    """Render the template releases, state, stand-ins and Helm store into ``root``."""
    spec = load_spec(assets)
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    world = World(
        root=root,
        previous=root / "releases" / spec["previous"],
        current=root / "releases" / spec["current"],
        name_prefix=spec["name_prefix"],
        region=spec["region"],
        account_id=account_id,
        spec=spec,
    )
    for name, target in ((spec["previous"], world.previous), (spec["current"], world.current)):
        # Files both releases ship unchanged live once, in `common/`.
        copy_rendered(assets / "releases" / "common", target, world.tokens())
        copy_rendered(assets / "releases" / name, target, world.tokens())
    write_states(world, assets)
    write_standins(world)
    from tui.sandbox.helm_store import seed_store

    seed_store(world)
    marker = {
        "kind": MARKER_KIND,
        "version": 1,
        "previous": spec["previous"],
        "current": spec["current"],
        "name_prefix": world.name_prefix,
        "region": world.region,
        "account_id": account_id,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write(root / MARKER, (json.dumps(marker, indent=2) + "\n").encode())
    return world


def _marker(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / MARKER).read_text(encoding="utf-8"))
    return data


def mark_seeded(world: World) -> None:
    """Note in the marker that the AWS side was seeded completely (restores no longer seed)."""
    marker = _marker(world.root)
    marker["aws_seeded"] = datetime.now(UTC).isoformat(timespec="seconds")
    atomic_write(world.root / MARKER, (json.dumps(marker, indent=2) + "\n").encode())


def is_seeded(world: World) -> bool:
    """Whether the world's AWS side was seeded completely once (``mark_seeded``)."""
    try:
        return bool(_marker(world.root).get("aws_seeded"))
    except (OSError, ValueError):
        return False


def copy_rendered(source: Path, target: Path, tokens: dict[str, str]) -> None:
    """Copy a template tree, filling tokens in text files and keeping file modes."""
    if not source.is_dir():
        raise WorldError(f"template release missing: {source}")
    for path in sorted(source.rglob("*")):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        with contextlib.suppress(UnicodeDecodeError):  # binary: copied as is
            data = render(data.decode("utf-8"), tokens).encode("utf-8")
        dest.write_bytes(data)
        shutil.copymode(path, dest)


def go_json(data: object) -> str:
    """Compact JSON as Go's encoder writes it (``<``, ``>``, ``&`` escaped)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write_states(world: World, assets: Path) -> None:
    """The previous release's v4 state (and its backup, one serial older)."""
    state_spec = world.spec["state"]
    template = (assets / state_spec["template"]).read_text(encoding="utf-8")
    state = json.loads(world.fill(template))
    state["lineage"] = str(uuid.uuid4())
    serial = int(state_spec["serial"])
    tf_dir = world.previous / state_spec["terraform_dir"]
    for name, this_serial in (
        ("terraform.tfstate", serial),
        ("terraform.tfstate.backup", serial - 1),
    ):
        state["serial"] = this_serial
        (tf_dir / name).write_text(go_json(state) + "\n", encoding="utf-8")


def write_standins(world: World) -> None:
    """Small sh wrappers that run the stand-ins with this Python."""
    world.bin_dir.mkdir(parents=True, exist_ok=True)
    package_parent = Path(__file__).resolve().parents[2]
    for tool, module in STANDINS.items():
        script = (
            "#!/bin/sh\n"
            f"# {tool} stand-in of the mocm-upgrade demo world {world.root}\n"
            f': "${{MOCM_SANDBOX_HELM_STORE:={world.helm_store}}}"\n'
            f': "${{MOCM_SANDBOX_WORLD:={world.root}}}"\n'
            f'PYTHONPATH="{package_parent}${{PYTHONPATH:+:$PYTHONPATH}}"\n'
            "export MOCM_SANDBOX_HELM_STORE MOCM_SANDBOX_WORLD PYTHONPATH\n"
            f'exec "{sys.executable}" -m {module} "$@"\n'
        )
        path = world.bin_dir / tool
        path.write_text(script, encoding="utf-8")
        path.chmod(0o755)


def world_env(
    world: World, aws_env: dict[str, str], base: dict[str, str] | None = None
) -> dict[str, str]:
    """The full environment of the wizard on this world: stand-ins first on PATH, the endpoint."""
    env = dict(os.environ if base is None else base)
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(key, None)
    env.update(aws_env)
    env["PATH"] = f"{world.bin_dir}{os.pathsep}{env.get('PATH', os.defpath)}"
    env["MOCM_SANDBOX_HELM_STORE"] = str(world.helm_store)
    env["MOCM_SANDBOX_WORLD"] = str(world.root)
    env["KUBECONFIG"] = str(world.kubeconfig)  # the world's cluster, never the host's
    env["MOCM_PYTHON"] = sys.executable
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["AWS_MAX_ATTEMPTS"] = LOCAL_ATTEMPTS
    env[STORY_ENV] = demo_story(world.spec)
    return env


def write_env_file(world: World, aws_env: dict[str, str]) -> Path:
    """``env.sh`` for an operator's shell: ``source <world>/env.sh``."""
    lines = [
        "# Source this file to use the demo world's tools and AWS endpoint:",
        f"#   source {world.env_file}",
        f'export PATH="{world.bin_dir}:$PATH"',
        f'export MOCM_SANDBOX_HELM_STORE="{world.helm_store}"',
        f'export MOCM_SANDBOX_WORLD="{world.root}"',
        f'export KUBECONFIG="{world.kubeconfig}"',
        f'export MOCM_PYTHON="{sys.executable}"',
        "export AWS_EC2_METADATA_DISABLED=true",
        f"export AWS_MAX_ATTEMPTS={LOCAL_ATTEMPTS}",
        "unset AWS_PROFILE",
    ]
    lines += [f'export {key}="{value}"' for key, value in sorted(aws_env.items())]
    atomic_write(world.env_file, ("\n".join(lines) + "\n").encode())
    return world.env_file
