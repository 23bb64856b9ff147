"""The sandbox's Helm release store: what `helm` would keep in the cluster, in one JSON file.

Each release (key ``namespace/name``) has its revisions, oldest first. A
revision keeps its rendered manifest, or for the revisions seeded with the
world a reference to the chart and values they were rendered from.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.sandbox.world import World

STORE_ENV = "MOCM_SANDBOX_HELM_STORE"
DAY_NS = 86_400 * 1_000_000_000
UNREACHABLE = (
    'Error: Kubernetes cluster unreachable: Get "http://localhost:8080/version": '
    "dial tcp 127.0.0.1:8080: connect: connection refused"
)


class StoreError(Exception):
    """The release store is missing or unreadable (message for stderr)."""


def store_path(env: dict[str, str] | None = None) -> Path:
    value = (os.environ if env is None else env).get(STORE_ENV, "")
    if not value:
        raise StoreError(f"no release store: set {STORE_ENV} (source <world>/env.sh)")
    return Path(value)


def load_store(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"version": 1, "releases": {}}
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read the release store {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("releases"), dict):
        raise StoreError(f"the release store {path} is malformed")
    return data


def save_store(path: Path, data: dict[str, Any]) -> None:
    """Write atomically, owner-only: deployed values hold secrets, like helm's own store."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".helm-store.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def release_key(namespace: str, name: str) -> str:
    return f"{namespace}/{name}"


def history(data: dict[str, Any], namespace: str, name: str) -> list[dict[str, Any]]:
    releases: dict[str, list[dict[str, Any]]] = data["releases"]
    return releases.get(release_key(namespace, name), [])


def current(revisions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The deployed revision (helm's "current"), else the latest one."""
    deployed = [rev for rev in revisions if rev["status"] == "deployed"]
    if deployed:
        return deployed[-1]
    return revisions[-1] if revisions else None


def append_revision(
    data: dict[str, Any], namespace: str, name: str, rev: dict[str, Any], history_max: int
) -> None:
    """Add a revision; a new deployed one supersedes the previous deployed one."""
    revisions = data["releases"].setdefault(release_key(namespace, name), [])
    if rev["status"] == "deployed":
        for old in revisions:
            if old["status"] == "deployed":
                old["status"] = "superseded"
    revisions.append(rev)
    if history_max > 0 and len(revisions) > history_max:
        del revisions[: len(revisions) - history_max]


def new_revision(
    number: int,
    status: str,
    chart_name: str,
    chart_version: str,
    app_version: str,
    description: str,
) -> dict[str, Any]:
    return {
        "revision": number,
        "updated_ns": time.time_ns(),
        "status": status,
        "chart": f"{chart_name}-{chart_version}",
        "app_version": app_version,
        "description": description,
        "manifest": None,
        "source": None,
    }


# --- the Kubernetes context ------------------------------------------------------------


def kubeconfig_files(env: dict[str, str] | None = None) -> list[Path]:
    """KUBECONFIG's files; else the world's kubeconfig next to the store; else ~/.kube/config."""
    env = dict(os.environ if env is None else env)
    if env.get("KUBECONFIG"):
        return [Path(p) for p in env["KUBECONFIG"].split(os.pathsep) if p]
    if env.get(STORE_ENV):
        from tui.sandbox.world import KUBECONFIG

        world_config = Path(env[STORE_ENV]).parent / KUBECONFIG
        if world_config.exists():
            return [world_config]
    return [Path(env.get("HOME", "/")) / ".kube" / "config"]


def kube_context(flag: str | None, env: dict[str, str] | None = None) -> str:
    """The context a command uses, as helm resolves it; an unusable one is a StoreError.

    ``--kube-context`` wins, then HELM_KUBECONTEXT, then the kubeconfig's current-context;
    the context must exist in the kubeconfig (the messages are helm's).
    """
    from ruamel.yaml import YAML  # the stand-in's start stays light without it

    env = dict(os.environ if env is None else env)
    configs = []
    for path in kubeconfig_files(env):
        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        except OSError:
            continue
        if isinstance(data, dict):
            configs.append(data)
    wanted = (
        flag
        or env.get("HELM_KUBECONTEXT")
        or next((str(c["current-context"]) for c in configs if c.get("current-context")), None)
    )
    if not configs or not wanted:
        raise StoreError(UNREACHABLE.removeprefix("Error: "))
    names = {str(item.get("name")) for c in configs for item in c.get("contexts") or []}
    if wanted not in names:
        raise StoreError(f'Kubernetes cluster unreachable: context "{wanted}" does not exist')
    return wanted


def write_kubeconfig(world: World) -> Path:
    """The world's kubeconfig: one EKS-style context, as ``aws eks update-kubeconfig`` names it."""
    name = f"arn:aws:eks:{world.region}:{world.account_id}:cluster/{world.name_prefix}-eks"
    text = (
        "apiVersion: v1\nkind: Config\n"
        f'current-context: "{name}"\n'
        "clusters:\n"
        f'- name: "{name}"\n  cluster:\n    server: "https://127.0.0.1:1"\n'
        "contexts:\n"
        f'- name: "{name}"\n  context:\n    cluster: "{name}"\n    user: "{name}"\n'
        "users:\n"
        f'- name: "{name}"\n  user: {{}}\n'
    )
    world.kubeconfig.write_text(text, encoding="utf-8")
    return world.kubeconfig


# --- time formats of Go's time package ------------------------------------------------


def _local(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9).astimezone()


def ansic(ns: int) -> str:
    """``Mon Jan _2 15:04:05 2006``."""
    moment = _local(ns)
    return f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S %Y}"


def _fraction(ns: int) -> str:
    digits = f"{ns % 1_000_000_000:09d}".rstrip("0")
    return f".{digits}" if digits else ""


def rfc3339nano(ns: int) -> str:
    moment = _local(ns)
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%dT%H:%M:%S}{_fraction(ns)}{offset[:3]}:{offset[3:]}"


def go_time_string(ns: int) -> str:
    """``time.Time.String()``: ``2006-01-02 15:04:05.999999999 -0700 MST``."""
    moment = _local(ns)
    return f"{moment:%Y-%m-%d %H:%M:%S}{_fraction(ns)} {moment:%z %Z}"


# --- the store of a new world ----------------------------------------------------------


def chart_version(chart_dir: Path) -> tuple[str, str]:
    """``version`` and ``appVersion`` of a Chart.yaml (flat keys; no YAML parser needed)."""
    text = (chart_dir / "Chart.yaml").read_text(encoding="utf-8")
    found: dict[str, str] = dict(
        re.findall(r'^(version|appVersion):\s*"?([^"\s]+)"?\s*$', text, re.MULTILINE)
    )
    version = found.get("version", "0.0.0")
    return version, found.get("appVersion", version)


def seed_store(world: World) -> Path:
    """The releases of the previous build, deployed with a few revisions each."""
    helm = world.spec["helm"]
    namespace = helm["namespace"]
    reason = helm.get("failure_reason", "context deadline exceeded")
    now = time.time_ns()
    data: dict[str, Any] = {"version": 1, "releases": {}}
    helmfile = world.previous / "mocm" / "helmfile.yaml"
    for name, plan in helm["history"].items():
        version, app_version = chart_version(world.previous / "mocm" / "charts" / name)
        count = int(plan["revisions"])
        failed = set(plan.get("failed", []))
        revisions: list[dict[str, Any]] = []
        for number in range(1, count + 1):
            if number in failed:
                status, text = "failed", f'Upgrade "{name}" failed: {reason}'
            else:
                status = "deployed" if number == count else "superseded"
                text = "Install complete" if number == 1 else "Upgrade complete"
            if number == count and plan.get("rollback_last_to"):
                text = f"Rollback to {plan['rollback_last_to']}"
            rev = new_revision(number, status, name, version, app_version, text)
            # a release every ~12 days; a failed upgrade and its rollback 14 minutes apart
            rev["updated_ns"] = (
                now - (count - number) * 12 * DAY_NS - (count - number) * 7_919_000_000_013
            )
            if number - 1 in failed:
                rev["updated_ns"] = revisions[-1]["updated_ns"] + 14 * 60 * 1_000_000_000
            rev["source"] = {"helmfile": str(helmfile), "release": name}
            revisions.append(rev)
        data["releases"][release_key(namespace, name)] = revisions
    save_store(world.helm_store, data)
    write_kubeconfig(world)
    return world.helm_store
