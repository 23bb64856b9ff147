"""The headless contracts of values-check and values-merge (exit codes, JSON, no secrets)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.values import write
from tui.cli import main

SECRETS = [
    "Vq8#nT2!eL6@rW4z",
    "c9R$kP3^wQ7&mZ1x",
    "BLw3hY8xRk2pQ9vN5tZ7cM1aS4dF6gJ0",
    "MOCM-ACME-7F3K-Q9LD-22XW-8HJ4",
]


def test_values_check_json_on_the_sample_pair(
    samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "values-check",
            str(samples / "values_new_template.yaml"),
            "--previous",
            str(samples / "values_prev.yaml"),
            "--json",
        ]
    )
    out = capsys.readouterr().out
    report = json.loads(out)
    assert code == 3
    assert set(report) == {"placeholders", "new_keys", "orphans", "open_map", "differs"}
    assert len(report["placeholders"]) == 29
    assert "cache" in report["new_keys"] and "monitoring.otel" in report["new_keys"]
    # The template's `nodeSelector: {}` is an open map: the setting is carried, no orphan.
    assert report["orphans"] == []
    assert report["open_map"] == ["global.nodeSelector.eks\\.amazonaws\\.com/nodegroup"]
    assert report["differs"] == ["global.image.tag"]
    assert all(secret not in out for secret in SECRETS)


def test_values_check_alone_lists_placeholders_with_lines(
    samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["values-check", str(samples / "values_new_template.yaml")]) == 3
    out = capsys.readouterr().out
    assert "placeholders left: 29" in out and "productKey (line 19)" in out


def test_values_check_exit_0_when_clean(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["values-check", str(samples / "values_prev.yaml"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "placeholders": [],
        "new_keys": [],
        "orphans": [],
        "open_map": [],
        "differs": [],
    }
    comment_only = write(tmp_path / "v.yaml", "# < REPLACE_VALUE_X >\na: 1\n")
    assert main(["values-check", str(comment_only)]) == 0


def test_values_check_exit_1_on_malformed_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "bad.yaml", "a: 1\n  b: [\n")
    assert main(["values-check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and ":2:" in err
    assert main(["values-check", str(tmp_path / "missing.yaml")]) == 1


def test_values_merge_on_the_sample_pair(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "values.yaml"
    code = main(
        [
            "values-merge",
            "--previous",
            str(samples / "values_prev.yaml"),
            "--template",
            str(samples / "values_new_template.yaml"),
            "--out",
            str(out),
            "--image-tag",
            "10.6.2605-1",
        ]
    )
    captured = capsys.readouterr()
    assert code == 3  # the three valkey placeholders have no previous value
    written = out.read_text()
    assert written.startswith("# mocm — values template")
    assert 'tag: "10.6.2605-1"' in written
    assert "digestPinning: false            # NEW in 10.6.2605" in written
    # The template's open map takes the operator's node selector: carried, not an orphan.
    assert "  nodeSelector:\n    eks.amazonaws.com/nodegroup: acme-mocm-prod-general\n" in written
    assert "carried into an open map: global.nodeSelector.eks" in captured.err
    assert "orphan" not in captured.err
    assert captured.err.count("line(s) changed") == 1
    assert "differs, template kept: global.image.tag" in captured.err
    assert all(s not in captured.err + captured.out for s in SECRETS)
    assert main(["values-check", str(out), "--json"]) == 3
    assert len(json.loads(capsys.readouterr().out)["placeholders"]) == 3


def test_values_merge_exit_0_when_everything_is_filled(tmp_path: Path) -> None:
    prev = write(tmp_path / "prev.yaml", "a: 1\nb: x\n")
    template = write(tmp_path / "t.yaml", "# t\na: < REPLACE_VALUE_A >\nb: '< REPLACE_VALUE_B >'\n")
    out = tmp_path / "out.yaml"
    args = ["values-merge", "--previous", str(prev), "--template", str(template)]
    assert main([*args, "--out", str(out)]) == 0
    assert out.read_text() == "# t\na: 1\nb: 'x'\n"


def test_values_merge_never_writes_over_its_inputs(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prev = tmp_path / "prev.yaml"
    template = tmp_path / "t.yaml"
    shutil.copy(samples / "values_prev.yaml", prev)
    shutil.copy(samples / "values_new_template.yaml", template)
    link = tmp_path / "link.yaml"
    link.symlink_to(template)
    before = prev.read_bytes(), template.read_bytes()
    for out in (prev, template, link, tmp_path / "." / "prev.yaml"):
        args = ["values-merge", "--previous", str(prev), "--template", str(template)]
        assert main([*args, "--out", str(out)]) == 1
    assert "refusing to write over it" in capsys.readouterr().err
    assert (prev.read_bytes(), template.read_bytes()) == before


def test_values_merge_exit_1_on_bad_input(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "bad.yaml", "- not\n- a mapping\n")
    out = tmp_path / "out.yaml"
    args = ["values-merge", "--previous", str(bad), "--template"]
    assert main([*args, str(samples / "values_new_template.yaml"), "--out", str(out)]) == 1
    assert "mapping" in capsys.readouterr().err and not out.exists()


def test_installed_entry_point_runs_values_check(samples: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "values-check", str(samples / "values_prev.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stderr
    assert "placeholders left: 0" in result.stdout
