"""Provider selections: `.terraform.lock.hcl` and the provider lines of `tofu init`."""

from __future__ import annotations

from pathlib import Path

from tui.sandbox.tofu.config import Config, ConfigError, parse_text
from tui.sandbox.tofu.expr import object_key
from tui.sandbox.tofu.state import BUILTIN_PROVIDER, PROVIDER_HOST, provider_of

LOCK_FILE = ".terraform.lock.hcl"
_VERSIONS = {"aws": "5.100.0", "random": "3.7.2", "null": "3.2.4"}
_HEADER = (
    '# This file is maintained automatically by "tofu init".\n'
    "# Manual edits may be lost in future updates.\n"
)


def required(config: Config) -> dict[str, str]:
    """Provider source address -> version constraint ("" when none) the config needs."""
    needed: dict[str, str] = {}
    for resource in config.resources:
        source = provider_of(resource.type)
        if source != BUILTIN_PROVIDER:
            needed.setdefault(source, "")
    for name, spec in config.required_providers.items():
        source = spec.get("source", f"hashicorp/{name}")
        address = source if source.count("/") == 2 else f"{PROVIDER_HOST}/{source}"
        needed[address] = spec.get("version", "")
    return dict(sorted(needed.items()))


def locked(cwd: Path) -> dict[str, str]:
    """Provider address -> selected version recorded in the dependency lock file."""
    path = cwd / LOCK_FILE
    if not path.is_file():
        return {}
    try:
        data = parse_text(path.read_text(encoding="utf-8"), LOCK_FILE)
    except (ConfigError, OSError, UnicodeDecodeError):
        return {}
    result = {}
    blocks = data.get("provider", [])
    for block in blocks if isinstance(blocks, list) else [blocks]:
        for address, body in block.items():
            result[object_key(address)] = object_key(str(body.get("version", "")))
    return result


def write_lock_file(cwd: Path, selections: dict[str, tuple[str, str]]) -> None:
    """Write `.terraform.lock.hcl` with one block per provider (version, constraints)."""
    text = _HEADER
    for address, (version, constraint) in sorted(selections.items()):
        text += f'\nprovider "{address}" {{\n  version     = "{version}"\n'
        if constraint:
            text += f'  constraints = "{constraint}"\n'
        text += (
            '  hashes = [\n    "h1:mocmStandinFakeHashNotARealProviderPackage0000000=",\n  ]\n}\n'
        )
    (cwd / LOCK_FILE).write_text(text, encoding="utf-8")


def install(cwd: Path, config: Config, upgrade: bool) -> str:
    """Provider section of `tofu init` output; writes the lock file when it changes."""
    needed = required(config)
    have = {} if upgrade else locked(cwd)
    lines = ["", "Initializing provider plugins..."]
    selections: dict[str, tuple[str, str]] = {}
    reuse, using, fresh = [], [], []
    for address, constraint in needed.items():
        short = "/".join(address.split("/")[1:])
        version = have.get(address) or _VERSIONS.get(address.rsplit("/", 1)[-1], "1.0.0")
        selections[address] = (version, constraint)
        if address in have:
            reuse.append(f"- Reusing previous version of {short} from the dependency lock file")
            using.append(f"- Using previously-installed {short} v{version}")
        else:
            finding = (
                f'- Finding {short} versions matching "{constraint}"...'
                if constraint
                else f"- Finding latest version of {short}..."
            )
            fresh += [
                finding,
                f"- Installing {short} v{version}...",
                f"- Installed {short} v{version} (signed, key ID 0C0AF313E5FD9F80)",
            ]
    if any(r.type == "terraform_data" for r in config.resources):
        lines.append(f"- {BUILTIN_PROVIDER} is built in to OpenTofu")
    lines += reuse + fresh + using
    if fresh:
        lines += [
            "",
            "Providers are signed by their developers.",
            "If you'd like to know more about provider signing, you can read about it here:",
            "https://opentofu.org/docs/cli/plugins/signing/",
        ]
    existed = (cwd / LOCK_FILE).is_file()
    if needed and (fresh or not existed):
        write_lock_file(cwd, selections)
        if not existed:
            lines += [
                "",
                "OpenTofu has created a lock file .terraform.lock.hcl to record the provider",
                "selections it made above. Include this file in your version control repository",
                "so that OpenTofu will guarantee to make the same selections by default when",
                'you run "tofu init" in the future.',
            ]
    return "\n".join(lines) + "\n"


def missing(cwd: Path, config: Config) -> list[str]:
    """Providers the config needs that `tofu init` has not selected yet."""
    have = locked(cwd)
    return [address for address in required(config) if address not in have]
