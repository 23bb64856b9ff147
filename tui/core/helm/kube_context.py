"""Which Kubernetes cluster the Helm step changes: the context helm and helmfile will use.

Resolved as helm resolves it, without kubectl: ``kubeContext`` in helmfile.yaml
(``helmDefaults`` or every release), else ``HELM_KUBECONTEXT``, else the kubeconfig's
``current-context`` (``KUBECONFIG``, a path list where the first file that sets it wins,
else ``~/.kube/config``). The wizard shows it, asks the operator to confirm it, and pins
it with ``--kube-context`` on every command, so switching contexts in another terminal
cannot redirect a sync.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tui.core.errors import MocmError

DEFAULT_KUBECONFIG = Path(".kube") / "config"


class KubeContextUnknown(MocmError):
    """The context helm would use cannot be told: the sync must not run blind."""


@dataclass(frozen=True)
class KubeTarget:
    """The context, its cluster and the namespace the Helm step works in."""

    context: str
    cluster: str  # the kubeconfig's cluster name of that context ("" when not said)
    namespace: str
    source: str  # where the context came from, for the operator

    @property
    def shown(self) -> str:
        """``context <c> (cluster <k>) · namespace <ns>`` for the header and the dialogs."""
        named = self.cluster and self.cluster != self.context
        cluster = f" (cluster {self.cluster})" if named else ""
        return f"context {self.context}{cluster} · namespace {self.namespace}"


def kubeconfig_paths(env: Mapping[str, str]) -> tuple[Path, ...]:
    """The kubeconfig files in the order client-go reads them."""
    value = env.get("KUBECONFIG", "")
    if value:
        return tuple(Path(part) for part in value.split(os.pathsep) if part)
    home = env.get("HOME", "")
    return (Path(home) / DEFAULT_KUBECONFIG,) if home else ()


def _load(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise KubeContextUnknown(
            f"the kubeconfig {path} cannot be read: {exc}", "Fix its permissions, then look again."
        ) from exc
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise KubeContextUnknown(f"the kubeconfig {path} is not valid YAML") from exc
    return data if isinstance(data, dict) else {}


def _helmfile_context(helmfile: Path) -> str | None:
    """``kubeContext`` of helmDefaults, or the one every release sets (several: refused)."""
    try:
        data = YAML(typ="safe").load(helmfile.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError):
        return None  # the Helm step reports a broken helmfile.yaml on its own
    if not isinstance(data, dict):
        return None
    defaults = data.get("helmDefaults")
    default = defaults.get("kubeContext") if isinstance(defaults, dict) else None
    listed = data.get("releases")
    releases: list[Any] = listed if isinstance(listed, list) else []
    found = {
        str(item.get("kubeContext") or default or "") for item in releases if isinstance(item, dict)
    }
    found.discard("")
    if len(found) > 1:
        raise KubeContextUnknown(
            f"{helmfile.name} sends its releases to several contexts: {', '.join(sorted(found))}",
            "The wizard syncs one cluster at a time: give every release the same kubeContext.",
        )
    if found:
        return found.pop()
    return str(default) if default else None


def resolve_kube_target(env: Mapping[str, str], helmfile: Path, namespace: str) -> KubeTarget:
    """The context helm and helmfile will use from here, checked against the kubeconfig."""
    context = _helmfile_context(helmfile)
    source = f"kubeContext in {helmfile.name}"
    if context is None and env.get("HELM_KUBECONTEXT"):
        context, source = env["HELM_KUBECONTEXT"], "HELM_KUBECONTEXT"
    paths = kubeconfig_paths(env)
    configs = [(path, data) for path in paths if (data := _load(path)) is not None]
    if not configs:
        where = ", ".join(str(p) for p in paths) or "no KUBECONFIG and no HOME"
        raise KubeContextUnknown(
            f"no kubeconfig found ({where}): the cluster helm would change is unknown",
            "Set KUBECONFIG (aws eks update-kubeconfig --name <cluster>), then look again.",
        )
    if context is None:
        for path, data in configs:
            if data.get("current-context"):
                context, source = str(data["current-context"]), f"current-context of {path}"
                break
    if context is None:
        raise KubeContextUnknown(
            "the kubeconfig sets no current-context: the cluster helm would change is unknown",
            "Choose one: kubectl config use-context <context>, then look again.",
        )
    for _path, data in configs:
        for item in data.get("contexts") or []:
            if isinstance(item, dict) and item.get("name") == context:
                body = item.get("context")
                cluster = body.get("cluster") if isinstance(body, dict) else None
                return KubeTarget(context, str(cluster or ""), namespace, source)
    raise KubeContextUnknown(
        f'context "{context}" ({source}) does not exist in the kubeconfig',
        "Fix the context name or the kubeconfig, then look again.",
    )
