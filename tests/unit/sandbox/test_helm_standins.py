"""Conformance of the sandbox's helm and helmfile with the reference samples (formats.md §5)."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.sandbox import new_world, run_tool, standin_env
from tui.sandbox.world import World

HF = ["helmfile", "-f", "helmfile.yaml", "-n", "fusion"]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return new_world(tmp_path)


def lines(text: str) -> list[str]:
    return text.split("\n")


def normalise(text: str) -> str:
    """Blank out what differs from run to run: times, durations, revisions, temp paths."""
    text = re.sub(r"LAST DEPLOYED: .*", "LAST DEPLOYED: T", text)
    text = re.sub(r"REVISION: \d+", "REVISION: N", text)
    text = re.sub(r"\t\d+ +\t\d{4}-\d\d-\d\d [^\t]+\t", "\tN\tT\t", text)
    text = re.sub(r" +\d+(h\d+)?(m\d+)?s$", " D", text, flags=re.M)
    text = re.sub(r"/tmp/helmfile\d+/\S+ \(\d+ bytes\)", "VALUES", text)
    return re.sub(r'command "[^"]+"|^  /\S+/helm$', "HELM", text, flags=re.M)


def history(world: World, release: str) -> list[dict[str, Any]]:
    out = run_tool(world, ["helm", "history", release, "-n", "fusion", "-o", "json"])
    assert out.returncode == 0, out.stderr
    revisions: list[dict[str, Any]] = json.loads(out.stdout)
    return revisions


# --- helmfile diff --------------------------------------------------------------------


def test_diff_splits_streams_like_helmfile(world: World, samples: Path) -> None:
    out = run_tool(world, [*HF, "diff"])
    assert out.returncode == 0
    sample_err = (samples / "helmfile_diff.stderr.txt").read_text()
    # same preparation and Comparing lines, then the Affected list
    assert lines(out.stderr)[:8] == lines(sample_err)[:8]
    assert "Affected releases are:\n" in out.stderr and out.stderr.endswith(" UPDATED\n\n")
    assert "Comparing" not in out.stdout and "has changed:" not in out.stderr
    header = re.compile(
        r"^fusion, [a-z0-9-]+, [A-Za-z]+ \((v1|apps|batch)\) "
        r"has (changed|been added|been removed):$"
    )
    headers = [line for line in lines(out.stdout) if line.startswith("fusion, ")]
    assert headers and all(header.match(h) for h in headers)
    body = [line for line in lines(out.stdout) if line and not line.startswith("fusion, ")]
    assert all(line[:2] in ("+ ", "- ", "  ") for line in body)
    assert out.stdout.endswith("\n\n\n")  # resource block's blank line + the release's extra one


def test_diff_shows_the_build_bump_and_the_chart_changes(world: World) -> None:
    out = run_tool(world, [*HF, "diff"])
    assert '-     app.kubernetes.io/version: "10.5.2603"' in out.stdout
    assert '+     app.kubernetes.io/version: "10.6.2605"' in out.stdout
    assert (
        "fusion, mocm-service-notifier, Deployment (apps) has been added:\n- \n+ # Source:"
        in out.stdout
    )
    assert "fusion, mocm-service-legacy-redis-check, Job (batch) has been removed:" in out.stdout


def test_diff_never_prints_secret_values(world: World) -> None:
    out = run_tool(world, [*HF, "diff"])
    password = re.search(r'password: "(.+)"', (world.previous / "mocm/values.yaml").read_text())
    assert password and password.group(1) not in out.stdout
    assert re.search(r"^-   ADMIN_PASSWORD: '-------- # \(\d+ bytes\)'$", out.stdout, re.M)
    assert re.search(r"^\+   VALKEY_USERNAME: '\+\+\+\+\+\+\+\+ # \(6 bytes\)'$", out.stdout, re.M)
    suppressed = run_tool(world, [*HF, "diff", "--suppress-secrets"])
    block = suppressed.stdout.split("Secret (v1) has changed:\n", 1)[1]
    assert block.startswith("+ Changes suppressed on sensitive content of type Secret\n")


def test_detailed_exitcode_is_2_with_the_sample_tail(world: World, samples: Path) -> None:
    out = run_tool(world, [*HF, "diff", "--detailed-exitcode"])
    assert out.returncode == 2
    tail = (samples / "helmfile_diff_detailed_exitcode.stderr.tail.txt").read_text()
    assert out.stderr.endswith("\n\nIdentified at least one change\n")
    assert lines(tail)[-3:] == lines(out.stderr)[-3:]


def test_context_collapses_unchanged_lines(world: World) -> None:
    full = run_tool(world, [*HF, "diff"]).stdout
    short = run_tool(world, [*HF, "diff", "--context", "1"]).stdout
    assert "\n...\n" in short and len(short) < len(full)


def test_no_changes_after_sync(world: World, samples: Path) -> None:
    assert run_tool(world, [*HF, "sync"]).returncode == 0
    out = run_tool(world, [*HF, "diff", "--skip-deps"])
    assert (out.returncode, out.stdout) == (0, "")
    assert out.stderr == (samples / "helmfile_diff_no_changes.stderr.txt").read_text()
    detailed = run_tool(world, [*HF, "diff", "--skip-deps", "--detailed-exitcode"])
    assert detailed.returncode == 0 and detailed.stdout == ""


# --- helmfile sync --------------------------------------------------------------------


def test_sync_logs_like_the_sample_on_stderr(world: World, samples: Path) -> None:
    out = run_tool(world, [*HF, "sync"])
    assert (out.returncode, out.stdout) == (0, "")
    assert normalise(out.stderr) == normalise((samples / "helmfile_sync.txt").read_text())
    assert [h["status"] for h in history(world, "mocm-service")][-2:] == ["superseded", "deployed"]
    assert history(world, "mocm-service")[-1]["chart"] == "mocm-service-10.6.2605"


def test_sync_summary_in_helmfile_1_7_style(world: World, samples: Path) -> None:
    out = run_tool(world, [*HF, "sync"], MOCM_SANDBOX_HELMFILE_STYLE="1.7")
    expected = normalise((samples / "helmfile_sync_v1.7_summary.txt").read_text())
    assert normalise(out.stderr).endswith(expected)


def test_sync_failure_of_one_release(world: World, samples: Path) -> None:
    out = run_tool(world, [*HF, "sync"], MOCM_SANDBOX_FAIL_RELEASE="mocm-service")
    assert out.returncode == 1 and out.stdout == ""
    failed_sample = normalise((samples / "helmfile_sync_failed.txt").read_text())
    tail = failed_sample.split("FAILED RELEASES:", 1)[1]
    assert normalise(out.stderr).endswith(tail)
    assert "UPDATED RELEASES:\n" in out.stderr  # the two releases before it went through
    last = history(world, "mocm-service")[-1]
    assert (last["status"], last["chart"]) == ("failed", "mocm-service-10.6.2605")
    assert last["description"] == 'Upgrade "mocm-service" failed: context deadline exceeded'
    assert history(world, "mocm-bootstrap-2")[-1]["status"] == "deployed"


def test_sync_hangs_until_interrupted(world: World) -> None:
    proc = subprocess.Popen(
        [str(world.bin_dir / "helmfile"), *HF[1:], "sync"],
        cwd=world.current / "mocm",
        env=standin_env(world, MOCM_SANDBOX_HANG="sync"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        seen = ""
        deadline = time.monotonic() + 30
        # Raw reads: a buffered readline() could hold the line select() no longer reports.
        while "Upgrading release=" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1)
            if ready:
                seen += os.read(proc.stderr.fileno(), 65536).decode()
        assert "Upgrading release=mocm-bootstrap-1" in seen
        assert proc.poll() is None, "it must hang, not finish"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 128 + signal.SIGINT
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert history(world, "mocm-bootstrap-1")[-1]["status"] == "pending-upgrade"


# --- helm -----------------------------------------------------------------------------


def test_history_table_has_helms_layout(world: World, samples: Path) -> None:
    out = run_tool(world, ["helm", "history", "mocm-service", "-n", "fusion"])
    assert out.returncode == 0
    ours = [line.split("\t") for line in out.stdout.splitlines()]
    sample = [line.split("\t") for line in (samples / "helm_history.txt").read_text().splitlines()]
    assert [c.strip() for c in ours[0]] == [c.strip() for c in sample[0]]
    for table in (ours, sample):  # every cell padded to its column, the last one included
        assert all(len({len(row[i]) for row in table}) == 1 for i in range(6))
    assert re.fullmatch(r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}", ours[1][1])
    assert [row[2].strip() for row in ours[1:]][-2:] == ["failed", "deployed"]


def test_history_json_has_helms_keys(world: World, samples: Path) -> None:
    out = run_tool(
        world, ["helm", "history", "mocm-service", "-n", "fusion", "-o", "json", "--max", "3"]
    )
    items = json.loads(out.stdout)
    sample = json.loads((samples / "helm_history.json").read_text())
    assert out.stdout.count("\n") == 1 and len(items) == 3
    assert [list(i) for i in items] == [list(sample[0])] * 3
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d", i["updated"])
        for i in items
    )


def test_history_of_an_unknown_release(world: World, samples: Path) -> None:
    out = run_tool(world, ["helm", "history", "nope", "-n", "fusion"])
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr == (samples / "helm_rollback_not_found.stderr.txt").read_text()


def test_rollback_to_an_explicit_revision(world: World, samples: Path) -> None:
    out = run_tool(world, ["helm", "rollback", "mocm-service", "4", "-n", "fusion"])
    assert out.returncode == 0 and out.stderr == ""
    assert out.stdout == (samples / "helm_rollback.stdout.txt").read_text()
    last = history(world, "mocm-service")[-1]
    assert (last["status"], last["description"]) == ("deployed", "Rollback to 4")


def test_rollback_without_revision_takes_the_previous_even_if_it_failed(world: World) -> None:
    before = history(world, "mocm-service")
    assert before[-2]["status"] == "failed"
    out = run_tool(world, ["helm", "rollback", "mocm-service", "-n", "fusion"])
    assert out.returncode == 0
    assert (
        history(world, "mocm-service")[-1]["description"] == f"Rollback to {before[-2]['revision']}"
    )


def test_rollback_errors(world: World, samples: Path) -> None:
    missing = run_tool(world, ["helm", "rollback", "nope", "-n", "fusion"])
    assert (missing.returncode, missing.stderr) == (
        1,
        (samples / "helm_rollback_not_found.stderr.txt").read_text(),
    )
    bad = run_tool(world, ["helm", "rollback", "mocm-service", "9", "-n", "fusion"])
    assert (bad.returncode, bad.stderr) == (
        1,
        (samples / "helm_rollback_bad_revision.stderr.txt").read_text(),
    )
    failing = run_tool(
        world,
        ["helm", "rollback", "mocm-service", "4", "-n", "fusion"],
        MOCM_SANDBOX_FAIL_ROLLBACK="mocm-service",
    )
    assert failing.returncode == 1 and failing.stdout == ""
    assert history(world, "mocm-service")[-1]["status"] == "failed"


def test_lint_ok_matches_the_sample(world: World, samples: Path) -> None:
    out = run_tool(world, ["helm", "lint", "charts/mocm-service"])
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == (samples / "helm_lint_ok.stdout.txt").read_text()


def test_lint_failure_streams_and_exit(world: World, samples: Path) -> None:
    chart = world.current / "mocm" / "charts" / "broken"
    shutil.copytree(world.current / "mocm" / "charts" / "mocm-service", chart)
    (chart / "values.yaml").unlink()
    out = run_tool(world, ["helm", "lint", "charts/broken"])
    assert out.returncode == 1
    assert out.stderr == (samples / "helm_lint_fail.stderr.txt").read_text()
    layout = re.compile(
        r"==> Linting charts/(\S+)\n\[INFO\] Chart\.yaml: icon is recommended\n"
        r"\[ERROR\] templates/: template: (\S+):\d+:\d+: executing \"\2\" at "
        r"<\.Values\.[\w.]+>: nil pointer evaluating interface \{\}\.\w+\n"
        r"\[WARNING\] values\.yaml: file does not exist\n\n"
    )
    assert layout.fullmatch((samples / "helm_lint_fail.stdout.txt").read_text())
    assert layout.fullmatch(out.stdout), out.stdout


def test_helmfile_lint_uses_the_release_values(world: World) -> None:
    out = run_tool(world, [*HF, "lint"])
    assert out.returncode == 0
    assert out.stderr.count("Linting release=") == 3
    assert out.stdout.count("1 chart(s) linted, 0 chart(s) failed") == 3


@pytest.mark.parametrize(
    "args",
    [
        ["helm", "upgrade", "mocm-service", "charts/mocm-service"],
        ["helm", "history", "mocm-service", "-n", "fusion", "-o", "yaml"],
        ["helm", "history", "mocm-service", "--bogus"],
        ["helm"],
        ["helmfile", "-f", "helmfile.yaml", "apply"],
        ["helmfile", "-f", "helmfile.yaml", "diff", "--bogus"],
        ["helmfile", "-f", "helmfile.yaml", "sync", "--detailed-exitcode"],
    ],
)
def test_unmodelled_commands_fail_loudly(world: World, args: list[str]) -> None:
    out = run_tool(world, args)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("Error: ") and len(out.stderr.strip()) > 20


def test_a_broken_store_is_reported(world: World) -> None:
    broken = world.root / "bad-store.json"
    broken.write_text("{not json")
    out = run_tool(
        world,
        ["helm", "history", "mocm-service", "-n", "fusion"],
        MOCM_SANDBOX_HELM_STORE=str(broken),
    )
    assert out.returncode == 1 and "cannot read the release store" in out.stderr


def test_missing_helmfile_is_an_error(world: World, tmp_path: Path) -> None:
    out = run_tool(world, ["helmfile", "-f", str(tmp_path / "nope.yaml"), "diff"])
    assert out.returncode == 1 and "cannot read" in out.stderr


def test_a_values_file_that_is_not_yaml_is_an_error(world: World) -> None:
    values = world.current / "mocm" / "values.yaml"
    values.write_text("global: [unclosed\n")
    out = run_tool(world, [*HF, "diff"])
    assert out.returncode == 1 and out.stdout == ""
    assert "\nerr: values.yaml: invalid YAML: while parsing a flow sequence\n" in out.stderr
