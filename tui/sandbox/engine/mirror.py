"""Where Terraform finds its providers in the demo world, offline: the CLI config, the
world's own filesystem mirror holding hashicorp/random (a wrapper that runs
:mod:`random_provider` with this Python) and the dependency lock file with their hashes."""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from pathlib import Path

from tui.sandbox.engine.random_provider import PROVIDER_VERSION

AWS = "registry.terraform.io/hashicorp/aws"
RANDOM = "registry.terraform.io/hashicorp/random"
PLATFORM = "linux_amd64"
LOCK_FILE = ".terraform.lock.hcl"
# The constraints the release's 01-main.tf declares (the lock file records them).
CONSTRAINTS = {AWS: "~> 5.80", RANDOM: "~> 3.6"}


def package_dir(mirror: Path, address: str, version: str) -> Path:
    """The unpacked layout: HOSTNAME/NAMESPACE/TYPE/VERSION/TARGET."""
    return mirror / address / version / PLATFORM


def mirrored_versions(mirror: Path, address: str) -> list[str]:
    """Versions of ``address`` the mirror holds for this platform, oldest first."""
    base = mirror / address
    if not base.is_dir():
        return []
    found = [v.name for v in base.iterdir() if (v / PLATFORM).is_dir()]
    return sorted(found, key=lambda v: tuple(int(p) if p.isdigit() else 0 for p in v.split(".")))


def write_random_provider(mirror: Path) -> Path:
    """The executable Terraform starts for hashicorp/random: this Python, this package."""
    directory = package_dir(mirror, RANDOM, PROVIDER_VERSION)
    directory.mkdir(parents=True, exist_ok=True)
    package_parent = Path(__file__).resolve().parents[3]
    script = directory / f"terraform-provider-random_v{PROVIDER_VERSION}"
    script.write_text(
        "#!/bin/sh\n"
        "# hashicorp/random for the mocm-upgrade demo world: tui.sandbox.engine.random_provider\n"
        f'PYTHONPATH="{package_parent}${{PYTHONPATH:+:$PYTHONPATH}}"\n'
        "export PYTHONPATH\n"
        f'exec "{sys.executable}" -m tui.sandbox.engine.random_provider "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def package_hash(directory: Path) -> str:
    """Terraform's ``h1:`` hash of an unpacked provider package (Go's dirhash Hash1)."""
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        lines.append(f"{digest.hexdigest()}  {path.relative_to(directory).as_posix()}\n")
    summary = hashlib.sha256("".join(lines).encode()).digest()
    return "h1:" + base64.b64encode(summary).decode()


def lock_file_text(selections: dict[str, tuple[str, str]]) -> str:
    """A dependency lock file: address -> (version, h1 hash), as ``terraform init`` writes it."""
    text = (
        '# This file is maintained automatically by "terraform init".\n'
        "# Manual edits may be lost in future updates.\n"
    )
    for address, (version, digest) in sorted(selections.items()):
        text += (
            f'\nprovider "{address}" {{\n'
            f'  version     = "{version}"\n'
            f'  constraints = "{CONSTRAINTS[address]}"\n'
            "  hashes = [\n"
            f'    "{digest}",\n'
            "  ]\n}\n"
        )
    return text


def cli_config_text(world_mirror: Path, aws_mirror: Path, plugin_cache: Path) -> str:
    """The CLI config: each provider from its filesystem mirror, nothing from the network."""
    return (
        "# Terraform CLI configuration of the mocm-upgrade demo world (TF_CLI_CONFIG_FILE).\n"
        "# Providers come from filesystem mirrors only: nothing is downloaded.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{world_mirror}"\n'
        f'    include = ["{RANDOM}"]\n'
        "  }\n"
        "  filesystem_mirror {\n"
        f'    path    = "{aws_mirror}"\n'
        f'    include = ["{AWS}"]\n'
        "  }\n"
        "}\n"
        f'plugin_cache_dir = "{plugin_cache}"\n'
        "disable_checkpoint = true\n"
    )


def is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)
