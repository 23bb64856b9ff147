"""Tool checks: semantic versions, OpenTofu vs Terraform, missing, failing and hanging tools."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.support.preflight import fake_tool, tool_env, version_json
from tui.core.exec.recorder import FinishedCommand
from tui.core.playbook.load import load_playbook
from tui.core.playbook.version import Version, VersionSyntaxError
from tui.core.preflight.result import CheckStatus
from tui.core.preflight.tools import (
    ToolFloors,
    bundled_minimum_tofu,
    check_tofu,
    check_tool_version,
    check_tools,
    helm_version,
    helmfile_version,
)

BOOK = load_playbook()
BUNDLED_MINIMUM = BOOK.minimum_tofu
FLOORS = ToolFloors(BOOK.minimum_tofu, BOOK.minimum_helm, BOOK.minimum_helmfile)


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.10.3", "1.10.4"),
        ("1.10.4", "1.10.10"),  # numbers, not text
        ("1.11.0-rc1", "1.11.0"),  # a prerelease comes before its release
        ("1.11.0-alpha", "1.11.0-beta"),
        ("1.11.0-rc.2", "1.11.0-rc.10"),
        ("1.11.0-rc.2", "1.11.0-rc.a"),  # numeric identifiers sort below alphanumeric
        ("1.9.9", "1.10.0"),
    ],
)
def test_semantic_order(lower: str, higher: str) -> None:
    assert Version.parse(lower) < Version.parse(higher)
    assert Version.parse(higher) >= Version.parse(lower)


def test_parse_forms() -> None:
    assert str(Version.parse("v1.10.4")) == "1.10.4"
    assert Version.parse("1.10.4+build.7") == Version.parse("1.10.4")
    assert str(Version.parse("1.11.0-rc1")) == "1.11.0-rc1"
    with pytest.raises(VersionSyntaxError):
        Version.parse("OpenTofu v1.10.4")


def run_tofu(
    tmp_path: Path, script: str, timeout_s: float = 10.0, minimum: Version | None = None
) -> tuple[str, CheckStatus]:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "tofu", script)
    result = asyncio.run(check_tofu("tofu", tool_env(bin_dir), minimum, timeout_s=timeout_s))
    return result.summary + " | " + result.action, result.status


def test_default_minimum_is_the_bundled_playbooks() -> None:
    assert bundled_minimum_tofu() == BUNDLED_MINIMUM == Version.parse("1.10.4")


def test_the_minimum_given_is_the_one_judged(tmp_path: Path) -> None:
    text, status = run_tofu(
        tmp_path, f"echo '{version_json('1.10.7')}'\n", minimum=Version.parse("1.11.0")
    )
    assert status is CheckStatus.FAIL
    assert "OpenTofu 1.10.7; the upgrade needs OpenTofu 1.11.0 or newer" in text


def test_opentofu_new_enough_passes(tmp_path: Path) -> None:
    text, status = run_tofu(tmp_path, f"cat <<'EOF'\n{version_json('1.10.7')}\nEOF\n")
    assert status is CheckStatus.PASS
    assert "OpenTofu 1.10.7 (≥ 1.10.4)" in text


def test_prerelease_of_the_minimum_fails(tmp_path: Path) -> None:
    text, status = run_tofu(tmp_path, f"echo '{version_json('1.10.4-rc1')}'\n")
    assert status is CheckStatus.FAIL
    assert "OpenTofu 1.10.4-rc1" in text and "1.10.4 or newer" in text


def test_terraform_is_a_warning(tmp_path: Path) -> None:
    body = version_json("1.11.4", terraform_outdated=False)
    text, status = run_tofu(tmp_path, f"cat <<'EOF'\n{body}\nEOF\n")
    assert status is CheckStatus.WARN
    assert "Terraform 1.11.4, not OpenTofu" in text


def test_missing_tofu_says_install_or_path(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    result = asyncio.run(check_tofu("tofu", tool_env(tmp_path / "bin")))
    assert result.status is CheckStatus.FAIL
    assert "not installed or not on the PATH" in result.summary
    assert "Install tofu, or put the directory that holds it on PATH" in result.action


def test_hanging_tool_is_stopped_and_explained(tmp_path: Path) -> None:
    began = time.monotonic()
    text, status = run_tofu(tmp_path, "sleep 30\n", timeout_s=1.0)
    assert status is CheckStatus.FAIL
    assert "did not answer within 1 s" in text
    assert time.monotonic() - began < 15


def test_not_json_output_fails(tmp_path: Path) -> None:
    text, status = run_tofu(tmp_path, "echo 'OpenTofu v1.5.0'\n")
    assert status is CheckStatus.FAIL
    assert "did not print a version as JSON" in text


def test_failing_tool_shows_its_error(tmp_path: Path) -> None:
    text, status = run_tofu(tmp_path, "echo 'error: broken install' >&2\nexit 3\n")
    assert status is CheckStatus.FAIL
    assert "exited with code 3: error: broken install" in text


def test_helm_and_helmfile_new_enough(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "tofu", f"echo '{version_json('1.10.7')}'\n")
    fake_tool(bin_dir, "helm", 'echo \'version.BuildInfo{Version:"v3.18.0", GoVersion:"go1"}\'\n')
    fake_tool(bin_dir, "helmfile", "echo 'helmfile version v1.1.0'\n")
    results = asyncio.run(check_tools("tofu", tool_env(bin_dir), FLOORS))
    assert [r.status for r in results] == [CheckStatus.PASS] * 3
    assert results[1].summary == "helm 3.18.0 (≥ 3.16.4)."
    assert results[2].summary == "helmfile 1.1.0 (≥ 1.1.0)."


@pytest.mark.parametrize(
    ("printed", "version"),
    [
        ('version.BuildInfo{Version:"v3.18.0", GitCommit:"cc58e3f"}', "3.18.0"),
        ('version.BuildInfo{Version:"v4.2.4", KubeClientVersion:"v1.33"}', "4.2.4"),
        ("v3.17.3+ge4da497", "3.17.3"),
    ],
)
def test_helm_version_forms(printed: str, version: str) -> None:
    assert helm_version([printed]) == Version.parse(version)


@pytest.mark.parametrize(
    ("printed", "version"),
    [
        (["helmfile version 1.1.0"], "1.1.0"),
        (["helmfile version v0.171.0"], "0.171.0"),
        (["", "▓▓▓ helmfile", "", "  Version            1.7.4", "  Git Commit  abc"], "1.7.4"),
    ],
)
def test_helmfile_version_forms(printed: list[str], version: str) -> None:
    assert helmfile_version(printed) == Version.parse(version)


def test_old_helm_and_helmfile_fail_naming_the_floor(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "tofu", f"echo '{version_json('1.10.7')}'\n")
    fake_tool(bin_dir, "helm", "echo 'version.BuildInfo{Version:\"v3.12.1\"}'\n")
    fake_tool(bin_dir, "helmfile", "echo 'helmfile version v0.158.0'\n")
    results = asyncio.run(check_tools("tofu", tool_env(bin_dir), FLOORS))
    assert [r.status for r in results] == [CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.FAIL]
    assert results[1].summary == "helm is helm 3.12.1; this release needs helm 3.16.4 or newer."
    assert results[2].summary == (
        "helmfile is helmfile 0.158.0; this release needs helmfile 1.1.0 or newer."
    )
    assert "the playbook says why" in results[2].action


def test_unreadable_version_fails(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "helm", "echo 'Helm, a fine tool'\n")
    result = asyncio.run(
        check_tool_version(
            "helm", ["helm", "version"], tool_env(bin_dir), FLOORS.helm, helm_version
        )
    )
    assert result.status is CheckStatus.FAIL
    assert "did not print a version the wizard can read: Helm, a fine tool" in result.summary


def test_missing_helmfile_fails(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "helm", "echo v3\n")
    result = asyncio.run(
        check_tool_version(
            "helmfile",
            ["helmfile", "--version"],
            tool_env(bin_dir),
            FLOORS.helmfile,
            helmfile_version,
        )
    )
    assert result.status is CheckStatus.FAIL
    assert "helmfile is not installed" in result.summary


def test_every_probe_is_recorded_even_a_missing_tool(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "tofu", f"echo '{version_json('1.10.7')}'\n")
    fake_tool(bin_dir, "helm", "echo 'helm broke' >&2\nexit 4\n")
    recorded: list[FinishedCommand] = []
    asyncio.run(check_tools("tofu", tool_env(bin_dir), FLOORS, on_finished=recorded.append))
    by_tool = {r.argv[0]: r for r in recorded}
    assert sorted(by_tool) == ["helm", "helmfile", "tofu"]
    assert by_tool["tofu"].argv == ("tofu", "version", "-json") and by_tool["tofu"].exit_code == 0
    assert by_tool["helm"].exit_code == 4
    assert by_tool["helmfile"].exit_code is None
    assert "not found" in by_tool["helmfile"].outcome
