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
    bundled_minimum_tofu,
    check_present,
    check_tofu,
    check_tools,
)

BUNDLED_MINIMUM = load_playbook().minimum_tofu


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


def test_helm_and_helmfile_present(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "tofu", f"echo '{version_json('1.10.7')}'\n")
    fake_tool(bin_dir, "helm", "echo 'version.BuildInfo{Version:\"v3.18.0\"}'\n")
    fake_tool(bin_dir, "helmfile", "echo 'helmfile version v1.1.0'\n")
    results = asyncio.run(check_tools("tofu", tool_env(bin_dir), BUNDLED_MINIMUM))
    assert [r.status for r in results] == [CheckStatus.PASS] * 3
    assert "helmfile version v1.1.0" in results[2].summary


def test_missing_helmfile_fails(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "helm", "echo v3\n")
    result = asyncio.run(check_present("helmfile", ["helmfile", "--version"], tool_env(bin_dir)))
    assert result.status is CheckStatus.FAIL
    assert "helmfile is not installed" in result.summary


def test_every_probe_is_recorded_even_a_missing_tool(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "tofu", f"echo '{version_json('1.10.7')}'\n")
    fake_tool(bin_dir, "helm", "echo 'helm broke' >&2\nexit 4\n")
    recorded: list[FinishedCommand] = []
    asyncio.run(
        check_tools("tofu", tool_env(bin_dir), BUNDLED_MINIMUM, on_finished=recorded.append)
    )
    by_tool = {r.argv[0]: r for r in recorded}
    assert sorted(by_tool) == ["helm", "helmfile", "tofu"]
    assert by_tool["tofu"].argv == ("tofu", "version", "-json") and by_tool["tofu"].exit_code == 0
    assert by_tool["helm"].exit_code == 4
    assert by_tool["helmfile"].exit_code is None
    assert "not found" in by_tool["helmfile"].outcome
