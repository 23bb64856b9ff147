"""The playbook's facts behind the guide's checks: tool floors, what idle means, the scan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tui.core.errors import PlaybookError
from tui.core.playbook.load import default_playbook_path, load_playbook


def test_tool_floors_and_their_reasons_are_in_the_playbook() -> None:
    book = load_playbook()
    assert (str(book.minimum_helm), str(book.minimum_helmfile)) == ("3.16.4", "1.1.0")
    text = default_playbook_path().read_text()
    assert "HelmRequiredVersion" in text and "needs:" in text  # the why, next to the figure


def test_idle_is_defined_with_the_guide_figure_the_baseline_and_its_source() -> None:
    idle = load_playbook().stage4.idle
    assert (idle.guide_connections, idle.baseline_low, idle.baseline_high) == (0, 4, 6)
    assert idle.threshold == load_playbook().stage4.idle_threshold == 4
    assert "Metrics for Valkey and Redis OSS" in idle.baseline_source


def test_business_cycle_and_scan_facts() -> None:
    facts = load_playbook().stage4
    assert facts.business_cycle_hours == 24
    assert facts.scan.dir == facts.grep_dir == "mocm"
    assert facts.scan.endpoint_prefixes == ("master", "replica", "clustercfg")
    assert facts.scan.not_live_suffixes == (".new", ".pre-upgrade", ".bak", ".orig")


def _variant(tmp_path: Path, edit: Callable[[Any], object]) -> Path:
    yaml = YAML()
    data = yaml.load(default_playbook_path().read_text())
    edit(data)
    path = tmp_path / "variant.yaml"
    with path.open("w") as handle:
        yaml.dump(data, handle)
    return path


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["tools"].pop("minimum_helm"), "field 'tools.minimum_helm' is missing"),
        (
            lambda d: d["tools"].update(minimum_helmfile=1.1),
            "field 'tools.minimum_helmfile' must be a quoted version",
        ),
        (
            lambda d: d["stage4"]["idle"].update(threshold=-1),
            "field 'stage4.idle.threshold' must be a number ≥ 0, got -1",
        ),
        (
            lambda d: d["stage4"]["idle"]["monitoring_baseline"].update(high=2),
            "field 'stage4.idle.monitoring_baseline.high' must be ≥ low (4)",
        ),
        (
            lambda d: d["stage4"]["idle"].update(guide_connections=5),
            "field 'stage4.idle.threshold' must be ≥ the guide's 5",
        ),
        (lambda d: d["stage4"]["idle"].pop("baseline_source"), "'stage4.idle.baseline_source'"),
        (lambda d: d["stage4"].update(business_cycle_hours=0), "'stage4.business_cycle_hours'"),
        (
            lambda d: d["stage4"]["scan"].update(not_live_suffixes=".bak"),
            "field 'stage4.scan.not_live_suffixes' must be a list of non-empty strings",
        ),
    ],
)
def test_malformed_guide_facts_name_field_and_reason(
    tmp_path: Path, edit: Callable[[Any], object], expected: str
) -> None:
    with pytest.raises(PlaybookError) as err:
        load_playbook(_variant(tmp_path, edit))
    assert expected in err.value.message
