"""The Kubernetes context the Helm step changes: resolved as helm does, pinned on each command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.sandbox import new_world, run_tool
from tui.core.helm.commands import HelmPlan
from tui.core.helm.kube_context import KubeContextUnknown, kubeconfig_paths, resolve_kube_target
from tui.core.playbook.load import load_playbook

BOOK = load_playbook()
HELMFILE = "releases:\n  - name: mocm-service\n    chart: charts/mocm-service\n"


def kubeconfig(path: Path, current: str | None, *contexts: tuple[str, str]) -> Path:
    lines = ["apiVersion: v1", "kind: Config"]
    if current is not None:
        lines.append(f'current-context: "{current}"')
    lines.append("contexts:")
    lines += [f'- name: "{n}"\n  context:\n    cluster: "{c}"\n    user: u' for n, c in contexts]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def helmfile(tmp_path: Path) -> Path:
    path = tmp_path / "helmfile.yaml"
    path.write_text(HELMFILE)
    return path


def test_current_context_of_the_kubeconfig(tmp_path: Path, helmfile: Path) -> None:
    config = kubeconfig(tmp_path / "kc", "prod", ("prod", "eks-prod"), ("dev", "eks-dev"))
    target = resolve_kube_target({"KUBECONFIG": str(config)}, helmfile, "fusion")
    assert (target.context, target.cluster, target.namespace) == ("prod", "eks-prod", "fusion")
    assert target.source == f"current-context of {config}"
    assert target.shown == "context prod (cluster eks-prod) · namespace fusion"


def test_first_file_that_sets_current_context_wins(tmp_path: Path, helmfile: Path) -> None:
    first = kubeconfig(tmp_path / "a", None, ("dev", "eks-dev"))
    second = kubeconfig(tmp_path / "b", "prod", ("prod", "eks-prod"))
    env = {"KUBECONFIG": f"{tmp_path / 'missing'}{os.pathsep}{first}{os.pathsep}{second}"}
    assert resolve_kube_target(env, helmfile, "fusion").context == "prod"
    assert kubeconfig_paths({"HOME": "/home/op"}) == (Path("/home/op/.kube/config"),)


def test_helm_kubecontext_and_helmfile_kubecontext_win(tmp_path: Path, helmfile: Path) -> None:
    config = kubeconfig(tmp_path / "kc", "prod", ("prod", "p"), ("dr", "d"), ("stage", "s"))
    env = {"KUBECONFIG": str(config), "HELM_KUBECONTEXT": "dr"}
    assert resolve_kube_target(env, helmfile, "fusion").source == "HELM_KUBECONTEXT"
    helmfile.write_text("helmDefaults:\n  kubeContext: stage\n" + HELMFILE)
    target = resolve_kube_target(env, helmfile, "fusion")
    assert (target.context, target.source) == ("stage", "kubeContext in helmfile.yaml")


def test_releases_on_several_contexts_are_refused(tmp_path: Path, helmfile: Path) -> None:
    config = kubeconfig(tmp_path / "kc", "prod", ("prod", "p"))
    helmfile.write_text(
        HELMFILE + "    kubeContext: a\n  - name: b\n    chart: c\n    kubeContext: b\n"
    )
    with pytest.raises(KubeContextUnknown, match="several contexts: a, b"):
        resolve_kube_target({"KUBECONFIG": str(config)}, helmfile, "fusion")


def test_no_kubeconfig_unknown_context_and_no_current_are_refused(
    tmp_path: Path, helmfile: Path
) -> None:
    with pytest.raises(KubeContextUnknown, match="no kubeconfig found"):
        resolve_kube_target({"KUBECONFIG": str(tmp_path / "none")}, helmfile, "fusion")
    config = kubeconfig(tmp_path / "kc", "gone", ("prod", "p"))
    with pytest.raises(KubeContextUnknown, match=r'context "gone" .* does not exist'):
        resolve_kube_target({"KUBECONFIG": str(config)}, helmfile, "fusion")
    kubeconfig(config, None, ("prod", "p"))
    with pytest.raises(KubeContextUnknown, match="sets no current-context"):
        resolve_kube_target({"KUBECONFIG": str(config)}, helmfile, "fusion")
    config.write_text("contexts: [\n")
    with pytest.raises(KubeContextUnknown, match="is not valid YAML"):
        resolve_kube_target({"KUBECONFIG": str(config)}, helmfile, "fusion")


def test_the_demo_world_has_a_context_and_the_standins_honour_the_pin(tmp_path: Path) -> None:
    world = new_world(tmp_path)
    plan = HelmPlan(BOOK, world.current)
    target = resolve_kube_target(
        {"KUBECONFIG": str(world.kubeconfig)}, plan.helmfile_path, BOOK.helm_namespace
    )
    assert target.context == "arn:aws:eks:eu-central-1:123456789012:cluster/acme-mocm-prod-eks"
    pinned = HelmPlan(BOOK, world.current, kube_context=target.context)
    assert pinned.sync().argv[:3] == ("helmfile", "--kube-context", target.context)
    assert pinned.status("mocm-service").argv[-2:] == ("--kube-context", target.context)
    out = run_tool(world, list(pinned.status("mocm-service").argv))
    assert out.returncode == 0 and "STATUS: deployed" in out.stdout
    wrong = HelmPlan(BOOK, world.current, kube_context="someone-elses-cluster")
    for command in (wrong.status("mocm-service"), wrong.history("mocm-service"), wrong.diff()):
        out = run_tool(world, list(command.argv))
        assert out.returncode == 1
        assert 'Kubernetes cluster unreachable: context "someone-elses-cluster" does not exist' in (
            out.stderr
        )


def test_a_world_built_without_a_kubeconfig_gets_one_when_loaded(tmp_path: Path) -> None:
    from tui.sandbox.world import load_world

    world = new_world(tmp_path)
    world.kubeconfig.unlink()
    again = load_world(world.root)
    assert again.kubeconfig.exists()
    assert run_tool(again, ["helm", "status", "mocm-service", "-n", "fusion"]).returncode == 0
