"""The root module's configuration: every `*.tf` file of the working directory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.sandbox.tofu.expr import object_key

# Arguments that steer tofu itself, never sent to a provider.
META_ARGUMENTS = frozenset(
    {
        "count",
        "for_each",
        "lifecycle",
        "depends_on",
        "provider",
        "provisioner",
        "connection",
        "dynamic",
    }
)


class ConfigError(Exception):
    """A configuration tofu would refuse; carries the diagnostic summary and detail."""

    def __init__(self, summary: str, detail: str) -> None:
        super().__init__(summary)
        self.summary = summary
        self.detail = detail


@dataclass
class ResourceConfig:
    """One `resource` or `data` block."""

    mode: str  # "managed" or "data"
    type: str
    name: str
    body: dict[str, Any]
    count: Any = None
    for_each: Any = None
    create_before_destroy: bool = False
    prevent_destroy: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    replace_triggered_by: list[str] = field(default_factory=list)

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass
class OutputConfig:
    """One `output` block."""

    name: str
    value: Any
    sensitive: bool = False


@dataclass
class Config:
    """What the model reads from the `.tf` files."""

    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    resources: list[ResourceConfig] = field(default_factory=list)
    outputs: dict[str, OutputConfig] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)
    backend: tuple[str, dict[str, Any]] | None = None
    required_providers: dict[str, dict[str, str]] = field(default_factory=dict)
    digest: str = ""

    def resource(self, address: str) -> ResourceConfig | None:
        """The resource block with this address (no instance key)."""
        return next((r for r in self.resources if r.address == address), None)


def _label(key: str) -> str:
    return object_key(key)


def _blocks(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = data.get(name, [])
    return value if isinstance(value, list) else [value]


def literal(raw: Any) -> Any:
    """A literal value of a block that must not contain expressions (backend)."""
    if isinstance(raw, str) and len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return object_key(raw)
    if isinstance(raw, dict):
        return {_label(k): literal(v) for k, v in raw.items() if not k.startswith("__")}
    if isinstance(raw, list):
        return [literal(v) for v in raw]
    return raw


def parse_file(path: Path) -> dict[str, Any]:
    """python-hcl2's view of one file; a syntax error becomes a ConfigError."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError("Invalid character encoding", f"{path.name} is not UTF-8 text.") from exc
    return parse_text(text, path.name)


def parse_text(text: str, name: str) -> dict[str, Any]:
    """python-hcl2's view of one file's text (kept by `parsecache`: the parser loads once)."""
    from tui.sandbox.tofu import parsecache

    kept = parsecache.lookup(text)
    if kept is not None:
        return kept
    data = _parse_hcl(text, name)
    parsecache.store(text, data)
    return data


def _parse_hcl(text: str, name: str) -> dict[str, Any]:
    import hcl2

    options = hcl2.SerializationOptions(with_comments=False, preserve_heredocs=False)
    try:
        data = hcl2.loads(text, serialization_options=options)
    except Exception as exc:  # lark raises several exception types
        line = getattr(exc, "line", "?")
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigError("Invalid HCL syntax", f"On {name} line {line}: {first}") from exc
    if not isinstance(data, dict):
        raise ConfigError("Invalid HCL syntax", f"{name} is not an HCL body.")
    return data


def _lifecycle(body: dict[str, Any], resource: ResourceConfig) -> None:
    for block in _blocks(body, "lifecycle"):
        resource.create_before_destroy = block.get("create_before_destroy") is True
        resource.prevent_destroy = block.get("prevent_destroy") is True
        ignored = block.get("ignore_changes", [])
        if isinstance(ignored, list):
            resource.ignore_changes = [str(i).strip('"${}') for i in ignored]
        triggers = block.get("replace_triggered_by", [])
        if isinstance(triggers, list):
            resource.replace_triggered_by = [str(t).strip('"${}') for t in triggers]


def _add_resources(config: Config, data: dict[str, Any], mode: str, where: str) -> None:
    for block in _blocks(data, "resource" if mode == "managed" else "data"):
        for rtype, named in block.items():
            for name, body in named.items():
                resource = ResourceConfig(mode, _label(rtype), _label(name), {})
                if config.resource(resource.address):
                    kind = "resource" if mode == "managed" else "data"
                    raise ConfigError(
                        f"Duplicate {kind} {resource.type!r} configuration".replace("'", '"'),
                        f"A {kind} named {resource.name!r} was already declared ({where}).",
                    )
                resource.count = body.get("count")
                resource.for_each = body.get("for_each")
                _lifecycle(body, resource)
                resource.body = {
                    k: v
                    for k, v in body.items()
                    if k not in META_ARGUMENTS and not k.startswith("__")
                }
                config.resources.append(resource)


def _add_terraform_block(config: Config, data: dict[str, Any]) -> None:
    for block in _blocks(data, "terraform"):
        for backend in _blocks(block, "backend"):
            for btype, body in backend.items():
                config.backend = (_label(btype), literal(body))
        for providers in _blocks(block, "required_providers"):
            for name, spec in providers.items():
                if not name.startswith("__") and isinstance(spec, dict):
                    config.required_providers[name] = {
                        k: str(v) for k, v in literal(spec).items() if isinstance(v, str)
                    }


def config_files(directory: Path) -> dict[str, str]:
    """Name and text of every `*.tf` file (a file renamed `*.tf.2603` is not one)."""
    files = {}
    for path in sorted(directory.glob("*.tf")):
        if path.is_file():
            try:
                files[path.name] = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ConfigError(
                    "Invalid character encoding", f"{path.name} is not UTF-8 text."
                ) from exc
    return files


def load_config(directory: Path) -> Config:
    """Read every `*.tf` file of the directory."""
    return load_config_files(config_files(directory))


def load_config_files(files: dict[str, str]) -> Config:
    """The configuration of these `.tf` texts (also a plan file's snapshot)."""
    config = Config()
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
        data = parse_text(files[name], name)
        where = name
        _add_terraform_block(config, data)
        for block in _blocks(data, "variable"):
            for name, body in block.items():
                config.variables[_label(name)] = body
        for block in _blocks(data, "locals"):
            config.locals.update({k: v for k, v in block.items() if not k.startswith("__")})
        for block in _blocks(data, "output"):
            for name, body in block.items():
                config.outputs[_label(name)] = OutputConfig(
                    _label(name), body.get("value"), body.get("sensitive") is True
                )
        for block in _blocks(data, "module"):
            for name, body in block.items():
                config.modules[_label(name)] = str(literal(body.get("source", "")))
        _add_resources(config, data, "managed", where)
        _add_resources(config, data, "data", where)
    config.digest = digest.hexdigest()
    return config


def read_tfvars(directory: Path, explicit: Path | None = None) -> dict[str, Any]:
    """Raw values of `terraform.tfvars`, `*.auto.tfvars`, then `-var-file` (python-hcl2 encoded).

    As tofu does, a `-var-file` adds to the files read by default; later files win.
    """
    values: dict[str, Any] = {}
    default = directory / "terraform.tfvars"
    paths = ([default] if default.is_file() else []) + sorted(directory.glob("*.auto.tfvars"))
    if explicit is not None:
        paths.append(explicit if explicit.is_absolute() else directory / explicit)
    for path in paths:
        values.update({k: v for k, v in parse_file(path).items() if not k.startswith("__")})
    return values
