"""A demo world made for the real engine: its Terraform CLI config, provider mirror and lock
files, and the marker that says which engine the world belongs to.

The release HCL is never touched. What changes against the stand-in's world: the lock files
name ``registry.terraform.io`` providers with their real hashes (the shipped one names the
OpenTofu registry), and the previous release has no made-up state: the engine applies it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.files import atomic_write
from tui.sandbox.engine import mirror
from tui.sandbox.engine.random_provider import PROVIDER_VERSION
from tui.sandbox.world import World

STANDIN = "tofu-standin"
TERRAFORM = "terraform"
ENGINES = (STANDIN, TERRAFORM)
DEFAULT_AWS_MIRROR = Path("/opt/tf-plugins")
MIRROR_VARIABLE = "MOCM_TF_PLUGIN_MIRROR"
ENGINE_DIR = "engine"
MARKER = "engine.json"
TERRAFORM_DIR = "terraform/aws"
WIZARD_DIR = ".mocm-upgrade"
# Terraform and its providers are Go programs that run for seconds: their collector runs
# only once the heap nears 1 GiB. A plan with hashicorp/aws (which decodes its ~14 MB
# schema at every start) takes 29 % less CPU (6.9 -> 4.9 CPU-s for plan + validate), its
# peak memory 0.52 -> 0.70 GB. The operator's own tofu gets whatever they set (these names
# pass through the wizard's tofu environment).
GO_RUNTIME_ENV = {"GOGC": "off", "GOMEMLIMIT": "1GiB"}


class EngineError(MocmError):
    """The real engine cannot run this world."""


def aws_mirror() -> Path:
    """The filesystem mirror holding hashicorp/aws (``MOCM_TF_PLUGIN_MIRROR`` overrides)."""
    return Path(os.environ.get(MIRROR_VARIABLE) or DEFAULT_AWS_MIRROR)


def missing_requirements(
    terraform: str | None = None, mirror_root: Path | None = None
) -> list[str]:
    """What the machine lacks for the real engine, one sentence each (empty: all there)."""
    missing = []
    binary = terraform or shutil.which("terraform")
    if binary is None:
        missing.append("no `terraform` binary on PATH")
    root = mirror_root or aws_mirror()
    if not mirror.mirrored_versions(root, mirror.AWS):
        missing.append(
            f"no hashicorp/aws for {mirror.PLATFORM} in the filesystem mirror {root} "
            f"(set {MIRROR_VARIABLE} to another mirror)"
        )
    try:
        import bcrypt  # noqa: F401
        import tf  # noqa: F401
    except ImportError as exc:
        missing.append(
            f"the Python package {exc.name!r} is missing (pip install 'mocm-upgrade[demo]')"
        )
    return missing


@dataclass(frozen=True)
class TerraformWorld:
    """A demo world prepared for Terraform; every path absolute."""

    world: World
    terraform: str
    aws_mirror: Path

    @property
    def engine_dir(self) -> Path:
        return self.world.root / ENGINE_DIR

    @property
    def cli_config(self) -> Path:
        return self.engine_dir / "terraform.tfrc"

    @property
    def random_mirror(self) -> Path:
        return self.engine_dir / "mirror"

    @property
    def plugin_cache(self) -> Path:
        return self.engine_dir / "plugin-cache"

    @property
    def previous_dir(self) -> Path:
        return self.world.previous / TERRAFORM_DIR

    @property
    def current_dir(self) -> Path:
        return self.world.current / TERRAFORM_DIR

    def env(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` (the world's environment) with Terraform's CLI config, no telemetry and
        the Go runtime settings of :data:`GO_RUNTIME_ENV`."""
        return {
            **base,
            **GO_RUNTIME_ENV,
            "TF_CLI_CONFIG_FILE": str(self.cli_config),
            "CHECKPOINT_DISABLE": "1",
        }


def engine_of(world: World) -> str:
    """The engine a world was made for (worlds without a marker belong to the stand-in)."""
    try:
        marker = json.loads((world.root / ENGINE_DIR / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return STANDIN
    return str(marker.get("engine", STANDIN)) if isinstance(marker, dict) else STANDIN


def prepare_terraform_world(world: World, terraform: str | None = None) -> TerraformWorld:
    """Make ``world`` Terraform's (once): CLI config, random provider mirror, lock files.

    A world already run by the stand-in is refused: its state was never applied by an
    engine, so Terraform would find none of its resources.
    """
    binary = terraform or shutil.which("terraform")
    missing = missing_requirements(binary)
    if missing or binary is None:
        raise EngineError(
            "the real engine cannot run here: " + "; ".join(missing),
            "run the demo with --engine tofu-standin (the default)",
        )
    ready = TerraformWorld(world, binary, aws_mirror())
    marker = ready.engine_dir / MARKER
    if marker.is_file():
        if engine_of(world) != TERRAFORM:
            raise EngineError(f"{world.root} was made for another engine ({marker})")
    elif _standin_touched(ready):
        raise EngineError(
            f"{world.root} was already run with the tofu stand-in",
            "give --dir a new or empty folder for --engine terraform",
        )
    else:
        _first_preparation(ready)
    _write_engine_files(ready)
    atomic_write(
        marker,
        (json.dumps({"engine": TERRAFORM, "terraform": binary}, indent=2) + "\n").encode(),
    )
    return ready


def _standin_touched(ready: TerraformWorld) -> bool:
    """The wizard's folder in the current release, or the stand-in's `.terraform` folder."""
    return (ready.world.current / WIZARD_DIR).exists() or any(
        (d / ".terraform").exists() for d in (ready.previous_dir, ready.current_dir)
    )


def _first_preparation(ready: TerraformWorld) -> None:
    """Drop the stand-in's made-up state: the engine applies the previous release itself."""
    for name in ("terraform.tfstate", "terraform.tfstate.backup"):
        (ready.previous_dir / name).unlink(missing_ok=True)


def _write_engine_files(ready: TerraformWorld) -> None:
    ready.plugin_cache.mkdir(parents=True, exist_ok=True)
    random_script = mirror.write_random_provider(ready.random_mirror)
    ready.cli_config.write_text(
        mirror.cli_config_text(ready.random_mirror, ready.aws_mirror, ready.plugin_cache),
        encoding="utf-8",
    )
    aws_version = mirror.mirrored_versions(ready.aws_mirror, mirror.AWS)[-1]
    selections = {
        mirror.AWS: (
            aws_version,
            mirror.package_hash(mirror.package_dir(ready.aws_mirror, mirror.AWS, aws_version)),
        ),
        mirror.RANDOM: (PROVIDER_VERSION, mirror.package_hash(random_script.parent)),
    }
    text = mirror.lock_file_text(selections)
    for directory in (ready.previous_dir, ready.current_dir):
        lock = directory / mirror.LOCK_FILE  # derived from the mirrors: rewritten when they move
        if not lock.is_file() or lock.read_text(encoding="utf-8") != text:
            lock.write_text(text, encoding="utf-8")
