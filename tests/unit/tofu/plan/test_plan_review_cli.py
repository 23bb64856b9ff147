"""`mocm-upgrade plan-review`: output, --json contract, exit codes, bad input on stderr."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.plan import SECRET, sample, secret_plan, write
from tui.cli import main

PLAYBOOK = Path(__file__).resolve().parents[4] / "assets" / "playbooks"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["plan-review", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_upgrade_sample_blocks_and_names_the_replace(
    samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, str(samples / "plan_upgrade.json"))
    assert code == 3 and err == ""
    assert "9 create, 2 update, 1 replace, 1 read, 7 no-op" in out
    assert "[BLOCKS] aws_security_group_rule.eks_to_elasticache" in out
    assert "cannot be changed in place" in out
    assert "Verdict: blocked" in out


def test_json_contract(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(samples / "plan_upgrade.json"), "--json")
    assert code == 3
    report = json.loads(out)  # exactly one JSON object on stdout
    assert report["verdict"] == "blocked"
    assert report["counts"]["replace"] == 1 and report["counts"]["create"] == 9
    kinds = {"create", "update", "delete", "replace", "read", "no-op", "forget"}
    assert set(report["counts"]) == {*kinds, "import", "move", "ephemeral"}
    [item] = report["unexpected"]
    assert item["address"] == "aws_security_group_rule.eks_to_elasticache"
    assert item["actions"] == ["delete", "create"]
    assert "replace" in item["reason"]


def test_stage4_sample_is_safe(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(samples / "plan_stage4.json"), "--stage", "stage4")
    assert code == 0
    assert "Expected destroys (3):" in out and "Verdict: safe" in out


def test_no_changes_is_safe_with_zero_changes(
    samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, str(samples / "plan_no_changes.json"), "--json")
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "safe" and report["unexpected"] == []
    assert {k: n for k, n in report["counts"].items() if n} == {"no-op": 10}


def test_stage4_protected_change_blocks_without_override(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = sample(samples, "plan_stage4.json")
    for rc in data["resource_changes"]:
        if rc["address"] == "aws_elasticache_replication_group.valkey":
            rc["change"]["actions"] = ["delete", "create"]
    path = write(tmp_path / "plan.json", data)
    code, out, _ = run_cli(capsys, str(path), "--stage", "stage4", "--json")
    report = json.loads(out)
    assert code == 3 and report["override_allowed"] is False
    [item] = report["unexpected"]
    assert item["address"] == "aws_elasticache_replication_group.valkey"
    assert item["overridable"] is False


def test_stdin(
    samples: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (samples / "plan_stage4.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run_cli(capsys, "-", "--stage", "stage4", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "safe"


def test_secret_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "secret.json", secret_plan())
    for extra in ([], ["--json"]):
        code, out, err = run_cli(capsys, str(path), *extra)
        assert code == 3  # the user is replaced
        assert SECRET not in out and SECRET not in err
        assert "aws_elasticache_user.app" in out


def test_custom_playbook_can_expect_the_replace(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundled = next(PLAYBOOK.glob("*.yaml")).read_text(encoding="utf-8")
    marker = (
        '      - { actions: [update], address: "*", why: "in-place update, nothing destroyed" }\n'
    )
    assert marker in bundled
    edited = bundled.replace(
        marker,
        marker + '      - { actions: [delete, create], address: "aws_security_group_rule.*", '
        'why: "rule description renamed" }\n',
        1,
    )
    playbook = tmp_path / "playbook.yaml"
    playbook.write_text(edited, encoding="utf-8")
    code, out, _ = run_cli(
        capsys, str(samples / "plan_upgrade.json"), "--playbook", str(playbook), "--json"
    )
    assert code == 0 and json.loads(out)["verdict"] == "safe"


# Bad input: exit 1, the reason on stderr, nothing on stdout.


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"format_version": "1.2", "resource_changes": [', "not valid JSON"),
        (
            b'{"format_version": "2.0", "resource_changes": []}',
            "format_version 2.0 is not supported",
        ),
        (b"[1, 2]", "must be a JSON object, found an array"),
        (b"", "empty"),
        (b'{"format_version": "1.2", "resource_changes": {}}', "resource_changes must be a list"),
    ],
    ids=["malformed", "format-2.0", "array", "empty", "wrong-type"],
)
def test_bad_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    code, out, err = run_cli(capsys, str(path))
    assert code == 1 and out == ""
    assert reason in err and str(path) in err


def test_missing_plan_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, str(tmp_path / "nope.json"))
    assert code == 1 and out == "" and "No such file" in err


def test_malformed_playbook(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    playbook = tmp_path / "bad.yaml"
    playbook.write_text("schema: 1\nid: [unclosed\n", encoding="utf-8")
    code, out, err = run_cli(
        capsys, str(samples / "plan_upgrade.json"), "--playbook", str(playbook)
    )
    assert code == 1 and out == "" and "not valid YAML" in err


def test_installed_entry_point(samples: Path) -> None:
    exe = Path(sys.executable).with_name("mocm-upgrade")
    done = subprocess.run(
        [str(exe), "plan-review", str(samples / "plan_upgrade.json"), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)["verdict"] == "blocked"


def test_errored_plan_is_blocked_and_says_why(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = sample(samples, "plan_stage4.json")
    data["errored"] = True
    code, out, _ = run_cli(capsys, str(write(tmp_path / "p.json", data)), "--stage", "stage4")
    assert code == 3
    assert "Note: the plan errored (planning stopped on an error): it cannot be applied" in out
    assert "Verdict: blocked (no override possible)" in out
