"""Dependency scan of the release's Helm values for the old cache: live values only."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.stage4 import CLUSTER_ID, REAL_ENDPOINT, make_release
from tui.core.errors import LayoutError
from tui.core.journal.writer import WORK_DIR_NAME
from tui.core.playbook.load import load_playbook
from tui.core.stage4.scan import (
    MASK,
    MAX_FILE_BYTES,
    Liveness,
    OldCacheNames,
    scan_references,
)
from tui.core.stage4.yaml_spans import scalar_spans, yaml_comment_start

PLAYBOOK = load_playbook()
SCAN = PLAYBOOK.stage4.scan
GUIDE_GREP = "elasticache|redis\\.amazonaws\\.com"  # the guide's own Stage-4 grep
VALKEY_HOST = "master.acme-mocm-prod-valkey.x7p2lm.euc1.cache.amazonaws.com"
VALKEY_READER = "replica.acme-mocm-prod-valkey.x7p2lm.euc1.cache.amazonaws.com"
VALUES_WITH_ENDPOINT = f"""global:
  image:
    tag: "10.6.2605"
credentials:
  redis:
    host: "{REAL_ENDPOINT}"
    port: 6379
    password: "r3dis-Pa55!"
"""
# The situation after a real cutover: Valkey in use, the old host in a comment only.
VALUES_AFTER_CUTOVER = f"""# mocm values — cut over to Valkey on 2026-06-02
credentials:
  redis:                            # legacy ElastiCache (Redis); kept until Stage 4
    host: ""                        # was {REAL_ENDPOINT}
    port: 6379
  valkey:
    host: "{VALKEY_HOST}"
    readerHost: {VALKEY_READER}
    port: 6379
cache:
  backend: valkey   # "redis" used the elasticache cluster {CLUSTER_ID}
"""


def names(*endpoints: str, excluded: tuple[str, ...] = ()) -> OldCacheNames:
    return OldCacheNames(CLUSTER_ID, endpoints, SCAN.endpoint_prefixes, excluded)


def scan(release: Path, old: OldCacheNames | None = None):
    return scan_references(release, SCAN.dir, old or names(), SCAN.not_live_suffixes)


def test_real_endpoint_is_found_where_the_guide_grep_misses_it(tmp_path: Path) -> None:
    release = make_release(tmp_path, values=VALUES_WITH_ENDPOINT)
    grep = shutil.which("grep")
    assert grep, "grep is needed to replay the guide's command"
    guide = subprocess.run(
        [grep, "-RnE", GUIDE_GREP, str(release / "mocm")],
        capture_output=True,
        text=True,
        timeout=10,
        env={"LC_ALL": "C"},
        check=False,
    )
    assert guide.returncode == 1 and guide.stdout == ""  # grep: no match
    found = scan(release)
    assert found.blocks
    [ref] = found.references
    assert (ref.location, ref.key_path, ref.named) == (
        "mocm/values.yaml:6",
        "credentials.redis.host",
        REAL_ENDPOINT,
    )
    assert ref.where == "mocm/values.yaml:6 (credentials.redis.host)"
    assert REAL_ENDPOINT in ref.text


def test_valkey_comments_and_backups_do_not_block(tmp_path: Path) -> None:
    """The issue's scenario: Valkey host live, the old host in comments and values.yaml.new."""
    release = make_release(tmp_path, values=VALUES_AFTER_CUTOVER)
    (release / "mocm" / "values.yaml.new").write_text(VALUES_WITH_ENDPOINT)
    (release / "mocm" / "values.yaml.pre-upgrade").write_text(VALUES_WITH_ENDPOINT)
    found = scan(release, names(REAL_ENDPOINT, excluded=(VALKEY_HOST,)))
    assert not found.blocks and found.references == ()
    shown = {(ref.location, ref.liveness) for ref in found.not_live}
    assert shown == {
        ("mocm/values.yaml:4", Liveness.COMMENT),
        ("mocm/values.yaml:11", Liveness.COMMENT),
        ("mocm/values.yaml.new:6", Liveness.BACKUP),
        ("mocm/values.yaml.pre-upgrade:6", Liveness.BACKUP),
    }
    assert found.files_scanned == 3


def test_valkey_hosts_never_count_even_without_aws_endpoints(tmp_path: Path) -> None:
    values = f'a: "{VALKEY_HOST}"\nb: {VALKEY_READER}\nc: acme-mocm-prod-valkey-001\n'
    found = scan(make_release(tmp_path, values=values))
    assert found.references == () and found.not_live == ()


def test_hostnames_named_after_the_cluster_with_or_without_prefix(tmp_path: Path) -> None:
    values = "\n".join(
        [
            f"a: {CLUSTER_ID}.k3v9qa.0001.euc1.cache.amazonaws.com",
            f"b: master.{CLUSTER_ID}.k3v9qa.euc1.cache.amazonaws.com",
            f"c: replica.{CLUSTER_ID}.k3v9qa.euc1.cache.amazonaws.com",
            f"d: clustercfg.{CLUSTER_ID}.k3v9qa.euc1.cache.amazonaws.com",
            f"e: redis://{CLUSTER_ID}:6379/0",
            f"f: arn:aws:elasticache:eu-central-1:123456789012:cluster:{CLUSTER_ID}",
            f"g: {CLUSTER_ID}-final",  # the snapshot name: another word
            f"h: other.{CLUSTER_ID}.k3v9qa.euc1.cache.amazonaws.com",  # not a known prefix
            f"i: X{CLUSTER_ID}",
            "j: elasticache",  # the guide's pattern, but names no cluster
        ]
    )
    found = scan(make_release(tmp_path, values=values + "\n"))
    assert [ref.key_path for ref in found.references] == ["a", "b", "c", "d", "e", "f"]


def test_endpoint_reported_by_aws_counts_whatever_its_shape(tmp_path: Path) -> None:
    odd = "old-redis.internal.acme.example"
    found = scan(make_release(tmp_path, values=f"cache:\n  url: tcp://{odd}:6379\n"), names(odd))
    assert [(r.key_path, r.named) for r in found.references] == [("cache.url", odd)]


def test_key_paths_in_sequences_flows_and_block_scalars(tmp_path: Path) -> None:
    values = f"""releases:
  - name: x
    env:
      - {{name: CACHE, value: "{CLUSTER_ID}"}}
script: |
  # inside a block scalar this is content, not a comment: {CLUSTER_ID}
  redis-cli -h {CLUSTER_ID}
"""
    found = scan(make_release(tmp_path, values=values))
    assert [(r.line, r.key_path) for r in found.references] == [
        (4, "releases[0].env[0].value"),
        (6, "script"),
        (7, "script"),
    ]


def test_a_template_that_is_not_yaml_falls_back_to_the_comment_rule(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    templates = release / "mocm" / "charts" / "svc" / "templates"
    templates.mkdir(parents=True)
    (templates / "cm.yaml").write_text(
        "{{- if .Values.x }}\n"
        f"  HOST: {CLUSTER_ID}   # {CLUSTER_ID}\n"
        f"  # REDIS: {CLUSTER_ID}\n"
        f'  NOTE: "not # a comment {CLUSTER_ID}"\n'
        "{{- end }}\n"
    )
    found = scan(release)
    assert [(r.line, r.key_path) for r in found.references] == [(2, ""), (4, "")]
    assert [(r.line, r.liveness) for r in found.not_live] == [(3, Liveness.COMMENT)]


def test_the_wizards_folder_is_not_live(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    folder = release / "mocm" / WORK_DIR_NAME
    folder.mkdir()
    (folder / "notes.txt").write_text(f"host {REAL_ENDPOINT}\n")
    (release / "mocm" / "values.yaml.orig").write_text(f"h: {REAL_ENDPOINT}\n")
    (release / "mocm" / "values.yaml.bak").write_text(f"h: {REAL_ENDPOINT}\n")
    found = scan(release)
    assert not found.blocks
    assert sorted((r.path, r.liveness.value) for r in found.not_live) == [
        (f"mocm/{WORK_DIR_NAME}/notes.txt", "the wizard's own folder"),
        ("mocm/values.yaml.bak", "backup file"),
        ("mocm/values.yaml.orig", "backup file"),
    ]


def test_one_reference_per_line_and_the_live_value_wins(tmp_path: Path) -> None:
    values = f"host: {REAL_ENDPOINT}  # {REAL_ENDPOINT}\n"
    found = scan(make_release(tmp_path, values=values))
    assert [(r.line, r.liveness) for r in found.references] == [(1, Liveness.LIVE)]
    assert found.not_live == ()


def test_clean_values_do_not_block(tmp_path: Path) -> None:
    found = scan(make_release(tmp_path))
    assert not found.blocks and found.files_scanned == 1
    assert CLUSTER_ID in found.searched and "master./replica./clustercfg." in found.searched


def test_secret_on_a_matching_line_is_masked(tmp_path: Path) -> None:
    values = (
        f'redisUrl: "redis://default:Sup3rS3cret@{REAL_ENDPOINT}:6379"\n'
        f'authToken: "{REAL_ENDPOINT}-tok"\n'
    )
    found = scan(make_release(tmp_path, values=values))
    shown = [ref.text for ref in found.references]
    assert len(shown) == 2
    assert all("Sup3rS3cret" not in text and "-tok" not in text for text in shown)
    assert shown[0] == f'redisUrl: "redis://{MASK}@{REAL_ENDPOINT}:6379"'
    assert shown[1] == f"authToken: {MASK}"


def test_nested_files_are_scanned_and_binaries_and_huge_files_noted(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    charts = release / "mocm" / "charts" / "svc"
    charts.mkdir(parents=True)
    (charts / "values.yaml").write_text(f"cache:\n  host: {REAL_ENDPOINT}\n")
    (charts / "chart.tgz").write_bytes(b"\x1f\x8b\x00\x00" + CLUSTER_ID.encode())
    (release / "mocm" / "huge.log").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    found = scan(release)
    assert [ref.location for ref in found.references] == ["mocm/charts/svc/values.yaml:2"]
    reasons = {skip.path: skip.reason for skip in found.skipped}
    assert reasons["mocm/charts/svc/chart.tgz"].startswith("binary file")
    assert reasons["mocm/huge.log"].startswith("larger than 5 MiB")


def test_symlink_is_noted_not_followed(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"host: {REAL_ENDPOINT}\n")
    (release / "mocm" / "linked.yaml").symlink_to(outside)
    found = scan(release)
    assert not found.references
    assert [(s.path, s.reason) for s in found.skipped] == [
        ("mocm/linked.yaml", "symbolic link, not followed")
    ]


def test_missing_scan_directory_is_a_layout_error(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    shutil.rmtree(release / "mocm")
    with pytest.raises(LayoutError, match="mocm is not a directory"):
        scan(release)


def test_yaml_spans_tell_comments_from_values() -> None:
    text = 'a:\n  b: "x # y" # z\n  "c.d": [1, {e: f}]\n'
    spans = scalar_spans(text)
    assert spans is not None
    assert [(s.start, s.key_path) for s in spans] == [
        ((0, 0), "a"),
        ((1, 2), "a.b"),
        ((1, 5), "a.b"),
        ((2, 2), 'a["c.d"]'),
        ((2, 10), 'a["c.d"][0]'),
        ((2, 14), 'a["c.d"][1].e'),
        ((2, 17), 'a["c.d"][1].e'),
    ]
    assert scalar_spans("a: [\n") is None
    assert yaml_comment_start('k: "x # y" # z') == 11
    assert yaml_comment_start("k: a#b") is None
    assert yaml_comment_start("# all") == 0
