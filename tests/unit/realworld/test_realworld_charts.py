"""Public Helm charts at two consecutive versions, with an operator's edits (SOURCES.md).

The previous values are the older chart's values.yaml with ``operator-edits.yaml``
deep-merged in; the template is the next version's values.yaml. values-check must
classify every edit (carried into an open map, orphan, differs) and values-merge must
write a file holding the carried settings, the template's values elsewhere, the
template's comments, and no secret on its report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.values import operator_values
from tui.cli import main
from tui.core.secrets.mask import MASK
from tui.core.values.doc import load_plain, to_plain

CHARTS = Path(__file__).resolve().parents[2] / "data" / "realworld" / "charts"


@dataclass(frozen=True)
class Pair:
    previous: str  # the older chart's values file
    template: str  # the next version's
    new_keys: int
    open_map: tuple[str, ...]  # labels carried into the template's open maps
    orphans: tuple[str, ...]
    differs: tuple[str, ...]


PAIRS: dict[str, Pair] = {
    "argo-cd": Pair(
        "values-9.6.0.yaml",
        "values-9.7.0.yaml",
        14,
        (
            "configs.secret.argocdServerAdminPassword",
            "controller.env",
            "controller.resources.requests",
            "server.resources.limits",
        ),
        ("configs.cm.url",),
        ("global.domain", "server.replicas"),
    ),
    "cert-manager": Pair(
        "values-v1.18.6.yaml",
        "values-v1.19.0.yaml",
        3,
        (
            "config.apiVersion",
            "config.kind",
            "config.enableGatewayAPI",
            "dns01RecursiveNameservers",
            "extraArgs",
            "ingressShim.defaultIssuerName",
            "ingressShim.defaultIssuerKind",
            "webhook.resources.requests",
        ),
        (),
        ("crds.enabled", "replicaCount"),
    ),
    "grafana": Pair(
        "values-10.1.4.yaml",
        "values-10.2.0.yaml",
        9,
        ("resources.limits", "env.GF_SERVER_ROOT_URL", "datasources.datasources\\.yaml"),
        ("persistence.storageClassName", "adminPassword"),
        ("replicas", "persistence.enabled", "persistence.size", "sidecar.image.tag"),
    ),
    "ingress-nginx": Pair(
        "values-4.8.3.yaml",
        "values-4.9.0.yaml",
        1,
        (
            "controller.config.use-forwarded-headers",
            "controller.config.proxy-body-size",
            "controller.service.annotations.service\\.beta\\.kubernetes\\.io/aws-load-balancer-type",
            "tcp.5432",
        ),
        ("controller.resources.limits",),
        (
            "controller.image.tag",
            "controller.image.digest",
            "controller.image.digestChroot",
            "controller.replicaCount",
            "controller.metrics.enabled",
        ),
    ),
    "kube-prometheus-stack": Pair(
        "values-87.10.1.yaml",
        "values-87.11.0.yaml",
        2,
        (
            "alertmanager.alertmanagerSpec.resources.requests",
            "prometheus.prometheusSpec.externalLabels.cluster",
            "prometheus.prometheusSpec.resources.requests",
            "prometheus.prometheusSpec.resources.limits",
            "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate",
            "prometheus.prometheusSpec.additionalScrapeConfigs",
        ),
        ("grafana.adminPassword",),
        (
            "defaultRules.rules.etcd",
            "defaultRules.rules.kubeSchedulerAlerting",
            "alertmanager.alertmanagerSpec.replicas",
            "prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues",
            "prometheus.prometheusSpec.retention",
        ),
    ),
    "mongodb": Pair(
        "values-16.4.4.yaml",
        "values-16.4.5.yaml",
        1,
        (
            "auth.rootPassword",
            "auth.usernames",
            "auth.passwords",
            "auth.databases",
            "extraEnvVars",
            "nodeSelector.node-pool",
            "podAnnotations.prometheus\\.io/scrape",
            "resources.limits",
            "persistence.storageClass",
        ),
        (),
        (
            "image.tag",
            "architecture",
            "tls.image.tag",
            "externalAccess.autoDiscovery.image.tag",
            "externalAccess.dnsCheck.image.tag",
            "persistence.size",
            "volumePermissions.image.tag",
            "metrics.image.tag",
        ),
    ),
    "postgresql": Pair(
        "values-16.1.2.yaml",
        "values-16.2.0.yaml",
        1,
        (
            "auth.postgresPassword",
            "auth.database",
            "primary.extendedConfiguration",
            "primary.resources.requests",
            "primary.podAnnotations.backup\\.velero\\.io/backup-volumes",
            "primary.tolerations",
        ),
        ("primary.pgHbaConfiguraton",),
        ("primary.persistence.size",),
    ),
    "redis": Pair(
        "values-19.4.0.yaml",
        "values-19.5.0.yaml",
        2,
        (
            "auth.password",
            "master.resources.requests",
            "master.resources.limits",
            "master.nodeSelector.node-pool",
            "pdb.create",
            "pdb.minAvailable",
            "pdb.maxUnavailable",
        ),
        ("master.persistence.storageClas",),
        ("auth.usePasswordFiles", "master.persistence.size", "replica.replicaCount"),
    ),
}


def at(data: Any, label: str) -> Any:
    """The plain value at a label; ``KeyError`` when absent."""
    for key in path_of(label):
        if not isinstance(data, dict) or key not in data:
            raise KeyError(key)
        data = data[key]
    return data


def path_of(label: str) -> tuple[str, ...]:
    """``a.b\\.c`` -> ``("a", "b.c")`` (these labels hold no list items)."""
    return tuple(part.replace("\\.", ".") for part in re.split(r"(?<!\\)\.", label))


def secrets_of(chart: str) -> list[str]:
    """The secret values the operator's edits set (each ends in ``never-shown``)."""
    edits = (CHARTS / chart / "operator-edits.yaml").read_text()
    return re.findall(r"[\w$./-]*never-shown", edits)


def previous_values(chart: str, tmp_path: Path) -> Path:
    """The previous release's values: the older chart's file with the operator's edits."""
    edits = CHARTS / chart / "operator-edits.yaml"
    return operator_values(CHARTS / chart / PAIRS[chart].previous, edits, tmp_path / "prev.yaml")


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["values-check", *argv, "--json"])
    out, err = capsys.readouterr()
    assert err == ""
    report: dict[str, Any] = json.loads(out)
    return code, report


def test_the_corpus_holds_eight_chart_pairs() -> None:
    assert sorted(p.name for p in CHARTS.iterdir()) == sorted(PAIRS)
    for chart, pair in PAIRS.items():
        assert (CHARTS / chart / pair.previous).is_file()
        assert (CHARTS / chart / pair.template).is_file()


@pytest.mark.parametrize("chart", sorted(PAIRS))
def test_values_check_classifies_every_edit(
    chart: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pair = PAIRS[chart]
    previous = previous_values(chart, tmp_path)
    code, report = check(capsys, str(CHARTS / chart / pair.template), "--previous", str(previous))
    assert code == 0 and report["placeholders"] == []
    assert report["open_map"] == list(pair.open_map)
    assert report["orphans"] == list(pair.orphans)
    assert report["differs"] == list(pair.differs)
    assert len(report["new_keys"]) == pair.new_keys


@pytest.mark.parametrize("chart", sorted(PAIRS))
def test_values_merge_carries_open_maps_reports_the_rest_and_shows_no_secret(
    chart: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pair = PAIRS[chart]
    previous = previous_values(chart, tmp_path)
    template = CHARTS / chart / pair.template
    out = tmp_path / "values.yaml"
    argv = ["--previous", str(previous), "--template", str(template), "--out", str(out)]
    code = main(["values-merge", *argv])
    captured = capsys.readouterr()
    assert code == 0 and captured.out == ""
    report = captured.err
    assert all(f"carried into an open map: {label}\n" in report for label in pair.open_map)
    assert all(f"orphan, not carried: {label} = " in report for label in pair.orphans)
    assert all(f"differs, template kept: {label}:" in report for label in pair.differs)
    assert report.count("line(s) changed") == 1
    assert not any(secret in report for secret in secrets_of(chart))
    merged = to_plain(load_plain(out.read_text()))
    operator = to_plain(load_plain(previous.read_text()))
    chart_new = to_plain(load_plain(template.read_text()))
    for label in pair.open_map:
        assert at(merged, label) == at(operator, label), label
    for label in pair.orphans:
        with pytest.raises(KeyError):
            at(merged, label)
    for label in pair.differs:
        assert at(merged, label) == at(chart_new, label), label
    comments = [line for line in template.read_text().splitlines() if line.lstrip().startswith("#")]
    written = set(out.read_text().splitlines())
    assert all(line in written for line in comments)  # every comment of the template kept
    code, again = check(capsys, str(out), "--previous", str(previous))
    assert again["open_map"] == [] and again["orphans"] == list(pair.orphans)


def test_a_boolean_under_a_secret_looking_key_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = previous_values("redis", tmp_path)
    template = CHARTS / "redis" / PAIRS["redis"].template
    argv = ["--previous", str(previous), "--template", str(template)]
    assert main(["values-merge", *argv, "--out", str(tmp_path / "out.yaml")]) == 0
    report = capsys.readouterr().err
    assert (
        "differs, template kept: auth.usePasswordFiles: previous true -> template false" in report
    )
    assert "orphan, not carried: master.persistence.storageClas = gp3" in report
    assert "Rds-7hQ2-pw-never-shown" not in report and MASK not in report  # carried, not shown
