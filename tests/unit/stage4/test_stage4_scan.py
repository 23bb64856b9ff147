"""Dependency scan of the release's Helm values for the old cache."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.stage4 import CLUSTER_ID, REAL_ENDPOINT, make_release
from tui.core.errors import LayoutError
from tui.core.playbook.load import load_playbook
from tui.core.stage4.scan import MASK, MAX_FILE_BYTES, scan_patterns, scan_references

PLAYBOOK = load_playbook()
GUIDE_GREP = "elasticache|redis\\.amazonaws\\.com"  # the guide's own Stage-4 grep
VALUES_WITH_ENDPOINT = f"""global:
  image:
    tag: "10.6.2605"
credentials:
  redis:
    host: "{REAL_ENDPOINT}"
    port: 6379
    password: "r3dis-Pa55!"
"""


def _patterns(*literals: str) -> tuple[str, ...]:
    return scan_patterns(PLAYBOOK.stage4.grep_patterns, literals)


def test_real_endpoint_is_found_where_the_guide_grep_misses_it(tmp_path: Path) -> None:
    release = make_release(tmp_path, values=VALUES_WITH_ENDPOINT)
    grep = shutil.which("grep")
    assert grep, "grep is needed to replay the guide's command"
    guide = subprocess.run(
        [grep, "-RnE", GUIDE_GREP, str(release / "mocm")],
        capture_output=True, text=True, timeout=10, env={"LC_ALL": "C"}, check=False,
    )  # fmt: skip
    assert guide.returncode == 1 and guide.stdout == ""  # grep: no match
    scan = scan_references(release, PLAYBOOK.stage4.grep_dir, _patterns())
    assert scan.blocks
    assert [ref.location for ref in scan.references] == ["mocm/values.yaml:6"]
    assert REAL_ENDPOINT in scan.references[0].text
    assert scan.references[0].pattern == r"\.cache\.amazonaws\.com"


def test_cluster_id_and_endpoint_are_searched_escaped(tmp_path: Path) -> None:
    values = f"cacheName: {CLUSTER_ID}\nother: acme-mocm-prodXcache\n"
    release = make_release(tmp_path, values=values)
    patterns = _patterns("my.endpoint.example", CLUSTER_ID)
    assert re.escape("my.endpoint.example") in patterns and re.escape(CLUSTER_ID) in patterns
    scan = scan_references(release, "mocm", patterns)
    assert [ref.location for ref in scan.references] == ["mocm/values.yaml:1"]


def test_clean_values_do_not_block(tmp_path: Path) -> None:
    scan = scan_references(make_release(tmp_path), "mocm", _patterns(CLUSTER_ID))
    assert not scan.blocks and scan.files_scanned == 1


def test_secret_on_a_matching_line_is_masked(tmp_path: Path) -> None:
    values = (
        f'redisUrl: "redis://default:Sup3rS3cret@{REAL_ENDPOINT}:6379"\n'
        f'authToken: "{REAL_ENDPOINT}-tok"\n'
    )
    release = make_release(tmp_path, values=values)
    scan = scan_references(release, "mocm", _patterns())
    shown = [ref.text for ref in scan.references]
    assert len(shown) == 2
    assert all("Sup3rS3cret" not in text and "-tok" not in text for text in shown)
    assert shown[0] == f'redisUrl: "redis://{MASK}@{REAL_ENDPOINT}:6379"'
    assert shown[1] == f"authToken: {MASK}"


def test_nested_files_are_scanned_and_binaries_and_huge_files_noted(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    charts = release / "mocm" / "charts" / "svc"
    charts.mkdir(parents=True)
    (charts / "values.yaml").write_text("cache:\n  host: old.cache.amazonaws.com\n")
    (charts / "chart.tgz").write_bytes(b"\x1f\x8b\x00\x00elasticache")
    (release / "mocm" / "huge.log").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    scan = scan_references(release, "mocm", _patterns())
    assert [ref.location for ref in scan.references] == ["mocm/charts/svc/values.yaml:2"]
    reasons = {skip.path: skip.reason for skip in scan.skipped}
    assert reasons["mocm/charts/svc/chart.tgz"].startswith("binary file")
    assert reasons["mocm/huge.log"].startswith("larger than 5 MiB")


def test_symlink_is_noted_not_followed(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    outside = tmp_path / "outside.yaml"
    outside.write_text("host: x.cache.amazonaws.com\n")
    (release / "mocm" / "linked.yaml").symlink_to(outside)
    scan = scan_references(release, "mocm", _patterns())
    assert not scan.references
    assert [(s.path, s.reason) for s in scan.skipped] == [
        ("mocm/linked.yaml", "symbolic link, not followed")
    ]


def test_missing_scan_directory_is_a_layout_error(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    shutil.rmtree(release / "mocm")
    with pytest.raises(LayoutError, match="mocm is not a directory"):
        scan_references(release, "mocm", _patterns())
