"""Charts and helmfiles of the sandbox: just enough of Helm to render manifests.

Chart templates use a small subset of Go templates: ``{{ .Values.a.b }}``,
``{{ .Chart.Version }}``, ``{{ .Chart.AppVersion }}``, ``{{ .Chart.Name }}``,
``{{ .Release.Name }}``, ``{{ .Release.Namespace }}``, optionally piped to
``b64enc`` or ``quote``. A missing parent key fails like Go's nil pointer error.
"""

from __future__ import annotations

import base64
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

EXPR = re.compile(r"\{\{-?\s*(.+?)\s*-?\}\}")


class ChartError(Exception):
    """A chart, values file or helmfile that cannot be used (message for stderr)."""


@dataclass(frozen=True)
class TemplateFailure(ChartError):
    """Go-style template execution error."""

    template: str  # chart-relative, e.g. mocm-service/templates/api/deployment.yaml
    line: int
    column: int
    expression: str
    missing: str

    def __str__(self) -> str:
        return (
            f"template: {self.template}:{self.line}:{self.column}: executing "
            f'"{self.template}" at <{self.expression}>: nil pointer evaluating '
            f"interface {{}}.{self.missing}"
        )


@dataclass(frozen=True)
class Manifest:
    """One rendered Kubernetes object."""

    source: str
    api_version: str
    kind: str
    name: str
    text: str

    @property
    def api_group(self) -> str:
        return self.api_version.rsplit("/", 1)[0] if "/" in self.api_version else "v1"


@dataclass(frozen=True)
class Chart:
    path: Path
    name: str
    version: str
    app_version: str
    has_icon: bool
    dependencies: int
    default_values: dict[str, Any] | None  # None: the chart has no values.yaml


@dataclass(frozen=True)
class Release:
    name: str
    namespace: str
    chart_ref: str  # as written in the helmfile, e.g. charts/mocm-service
    chart_dir: Path
    values_files: tuple[Path, ...]
    needs: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Helmfile:
    path: Path
    releases: tuple[Release, ...]  # in `needs` order
    timeout: int
    history_max: int
    wait: bool


# A run reads the same few files (Chart.yaml, values) once per release and revision: each
# text is parsed once (the pure-Python loader is most of a `helmfile diff`), every caller
# gets its own copy.
_parsed: dict[str, Any] = {}


def load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChartError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if text not in _parsed:
        try:
            _parsed[text] = YAML(typ="safe", pure=True).load(text)
        except YAMLError as exc:
            raise ChartError(f"{path}: invalid YAML: {exc}") from exc
    return copy.deepcopy(_parsed[text])


def load_chart(path: Path) -> Chart:
    meta = load_yaml(path / "Chart.yaml") if (path / "Chart.yaml").is_file() else None
    if not isinstance(meta, dict):
        raise ChartError(f"Error: Chart.yaml file is missing in {path}")
    values_path = path / "values.yaml"
    defaults = load_yaml(values_path) if values_path.is_file() else None
    version = str(meta.get("version", ""))
    return Chart(
        path=path,
        name=str(meta.get("name", path.name)),
        version=version,
        app_version=str(meta.get("appVersion", version)),
        has_icon=bool(meta.get("icon")),
        dependencies=len(meta.get("dependencies") or []),
        default_values=(defaults or {}) if values_path.is_file() else None,
    )


def merge_values(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's coalescing: maps merge key by key, anything else replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_values(out[key], value)
        else:
            out[key] = value
    return out


def release_values(chart: Chart, files: tuple[Path, ...]) -> dict[str, Any]:
    values = dict(chart.default_values or {})
    for path in files:
        loaded = load_yaml(path)
        if loaded is None:
            continue
        if not isinstance(loaded, dict):
            raise ChartError(f"{path}: values must be a YAML mapping")
        values = merge_values(values, loaded)
    return values


def _scalar(value: Any) -> str:
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _evaluate(expr: str, context: dict[str, Any], where: tuple[str, int, int]) -> str:
    path, *pipes = (part.strip() for part in expr.split("|"))
    parts = path.lstrip(".").split(".")
    node: Any = context
    for index, key in enumerate(parts):
        if node is None and index > 0:
            raise TemplateFailure(where[0], where[1], where[2], path, key)
        node = node.get(key) if isinstance(node, dict) else None
    text = _scalar(node)
    for pipe in pipes:
        if pipe == "b64enc":
            text = base64.b64encode(text.encode()).decode()
        elif pipe == "quote":
            text = '"' + text.replace('"', '\\"') + '"'
        else:
            raise ChartError(f'template: {where[0]}: function "{pipe}" not defined')
    return text


def render_chart(
    chart: Chart, values: dict[str, Any], release: str, namespace: str
) -> list[Manifest]:
    """Render every template of the chart, in file order."""
    context = {
        "Values": values,
        "Chart": {"Name": chart.name, "Version": chart.version, "AppVersion": chart.app_version},
        "Release": {"Name": release, "Namespace": namespace},
    }
    manifests = []
    for path in sorted((chart.path / "templates").rglob("*.yaml")):
        source = f"{chart.name}/{path.relative_to(chart.path).as_posix()}"
        lines = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):

            def substitute(match: re.Match[str], number: int = number, source: str = source) -> str:
                where = (source, number, match.start() + 1)
                return _evaluate(match.group(1), context, where)

            lines.append(EXPR.sub(substitute, line))
        text = "\n".join([f"# Source: {source}", *lines])
        manifests.append(_identify(source, text))
    return manifests


def _identify(source: str, text: str) -> Manifest:
    api = re.search(r"^apiVersion:\s*(\S+)", text, re.MULTILINE)
    kind = re.search(r"^kind:\s*(\S+)", text, re.MULTILINE)
    name = re.search(r"^  name:\s*(\S+)", text, re.MULTILINE)
    if not (api and kind and name):
        raise ChartError(f"{source}: not a Kubernetes object (apiVersion, kind, metadata.name)")
    return Manifest(source, api.group(1), kind.group(1), name.group(1), text)


def _needs_order(releases: list[Release]) -> tuple[Release, ...]:
    by_name = {r.name: r for r in releases}
    done: list[Release] = []
    visiting: set[str] = set()

    def visit(release: Release) -> None:
        if release in done:
            return
        if release.name in visiting:
            raise ChartError(f"cycle in needs at release {release.name}")
        visiting.add(release.name)
        for need in release.needs:
            target = by_name.get(need.rsplit("/", 1)[-1])
            if target is None:
                raise ChartError(
                    f'release "{release.name}" depends on "{need}" which does not exist'
                )
            visit(target)
        visiting.discard(release.name)
        done.append(release)

    for release in releases:
        visit(release)
    return tuple(done)


def load_helmfile(path: Path, default_namespace: str) -> Helmfile:
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise ChartError(f"{path}: no releases")
    base = path.parent
    releases = []
    for entry in data["releases"]:
        if not isinstance(entry, dict) or "name" not in entry or "chart" not in entry:
            raise ChartError(f"{path}: every release needs a name and a chart")
        values = tuple(base / str(v) for v in entry.get("values") or [] if isinstance(v, str))
        releases.append(
            Release(
                name=str(entry["name"]),
                namespace=str(entry.get("namespace") or default_namespace),
                chart_ref=str(entry["chart"]),
                chart_dir=base / str(entry["chart"]),
                values_files=values,
                needs=tuple(str(n) for n in entry.get("needs") or []),
            )
        )
    defaults = data.get("helmDefaults") or {}
    return Helmfile(
        path=path,
        releases=_needs_order(releases),
        timeout=int(defaults.get("timeout", 300)),
        history_max=int(defaults.get("historyMax", 10)),
        wait=bool(defaults.get("wait", False)),
    )


def render_release(release: Release) -> tuple[Chart, list[Manifest]]:
    chart = load_chart(release.chart_dir)
    values = release_values(chart, release.values_files)
    return chart, render_chart(chart, values, release.name, release.namespace)


def manifest_text(manifests: list[Manifest]) -> str:
    return "\n---\n".join(m.text for m in manifests)


def parse_manifest_text(text: str) -> list[Manifest]:
    """Inverse of ``manifest_text`` (what the store keeps)."""
    out = []
    for chunk in text.split("\n---\n") if text else []:
        source = chunk.splitlines()[0].removeprefix("# Source: ")
        out.append(_identify(source, chunk))
    return out


def revision_manifests(revision: dict[str, Any]) -> list[Manifest]:
    """What a stored revision deployed: its manifest, or a render of its source."""
    if revision.get("manifest") is not None:
        return parse_manifest_text(str(revision["manifest"]))
    source = revision.get("source") or {}
    if not source:
        return []
    helmfile = load_helmfile(Path(source["helmfile"]), "default")
    for release in helmfile.releases:
        if release.name == source["release"]:
            return render_release(release)[1]
    raise ChartError(f"release {source['release']} not in {source['helmfile']}")
