"""Preflight of the tools: ``tofu``, ``helm`` and ``helmfile`` at least the playbook's versions.

The minimums are release facts: they come from the playbook (``tools.minimum_*``, each
with the reason for its figure).
Each probe runs through the core runner with the wizard's explicit environment
and a timeout; a missing or hanging binary is a failed check, never a crash.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from tui.core.errors import CommandFailed
from tui.core.exec.process_group import CancelGrace
from tui.core.exec.recorder import CommandRecorder
from tui.core.exec.result import CommandNotFound
from tui.core.exec.runner import RunningCommand, Stream
from tui.core.playbook.load import load_playbook
from tui.core.playbook.version import Version, VersionSyntaxError
from tui.core.preflight.result import CheckResult, failed, passed, warned

PROBE_TIMEOUT_S = 20.0
# A version probe has nothing to clean up: stop a hung one quickly.
PROBE_GRACE = CancelGrace(interrupt_s=2.0, terminate_s=2.0, kill_s=2.0)


@dataclass(frozen=True)
class ToolProbe:
    """What one version command printed (redacted by the runner) and how it ended."""

    argv: tuple[str, ...]
    exit_code: int
    stdout: tuple[str, ...] = field(default=())
    stderr: tuple[str, ...] = field(default=())
    timed_out: bool = False


async def probe(
    argv: Sequence[str],
    env: Mapping[str, str],
    timeout_s: float = PROBE_TIMEOUT_S,
    cwd: str = os.sep,
    on_finished: CommandRecorder | None = None,
) -> ToolProbe:
    """Run a version command; raises the runner's CommandFailed when it cannot start.

    ``on_finished`` records the run, even one that cannot start.
    """
    lines: dict[Stream, list[str]] = {"stdout": [], "stderr": []}
    command = RunningCommand(
        argv,
        env=env,
        cwd=cwd,
        timeout_s=timeout_s,
        on_line=lambda stream, line: lines[stream].append(line),
        grace=PROBE_GRACE,
        on_finished=on_finished,
    )
    result = await command.run()
    return ToolProbe(
        tuple(argv),
        result.exit_code,
        tuple(lines["stdout"]),
        tuple(lines["stderr"]),
        result.timed_out,
    )


def _not_runnable(name: str, program: str, exc: CommandFailed) -> CheckResult:
    if isinstance(exc, CommandNotFound):
        return failed(
            name,
            f"{program} is not installed or not on the PATH the wizard uses.",
            f"Install {program}, or put the directory that holds it on PATH, then re-run.",
            (exc.message,),
        )
    return failed(
        name,
        f"{program} could not be started: {exc.message}",
        exc.hint or f"Check that {program} is an executable file.",
    )


def _did_not_finish(name: str, result: ToolProbe, timeout_s: float) -> CheckResult | None:
    program = result.argv[0]
    if result.timed_out:
        return failed(
            name,
            f"{program} did not answer within {timeout_s:g} s and was stopped.",
            f"Run `{' '.join(result.argv)}` by hand to see what it waits for "
            "(a network call, a prompt, a broken install), fix it, then re-run.",
        )
    if result.exit_code != 0:
        last = (result.stderr or result.stdout or ("(no output)",))[-1]
        return failed(
            name,
            f"`{' '.join(result.argv)}` exited with code {result.exit_code}: {last}",
            f"Check the {program} installation, then re-run.",
        )
    return None


def bundled_minimum_tofu() -> Version:
    """The bundled playbook's minimum OpenTofu version (for callers without a playbook)."""
    return load_playbook().minimum_tofu


def judge_tofu_version(
    result: ToolProbe, minimum: Version, timeout_s: float = PROBE_TIMEOUT_S
) -> CheckResult:
    """Decide the tofu check from what ``<tofu_bin> version -json`` printed."""
    name = "OpenTofu version"
    program = result.argv[0]
    problem = _did_not_finish(name, result, timeout_s)
    if problem is not None:
        return problem
    try:
        data = json.loads("\n".join(result.stdout))
        text = str(data["terraform_version"])
        found = Version.parse(text)
    except (json.JSONDecodeError, KeyError, TypeError, VersionSyntaxError):
        return failed(
            name,
            f"`{' '.join(result.argv)}` did not print a version as JSON; "
            f"it may be older than {minimum} or not OpenTofu at all.",
            f"Install OpenTofu {minimum} or newer and pass its path with --tofu-bin.",
            result.stdout[:3],
        )
    details = (f"binary: {program}", f"version: {found}")
    is_terraform = "terraform_outdated" in data or any(
        "registry.terraform.io" in str(p) for p in (data.get("provider_selections") or {})
    )
    if found < minimum:
        product = "Terraform" if is_terraform else "OpenTofu"
        return failed(
            name,
            f"{program} is {product} {found}; the upgrade needs OpenTofu {minimum} or newer.",
            f"Install OpenTofu {minimum} or newer and pass its path with --tofu-bin.",
            details,
        )
    if is_terraform:
        return warned(
            name,
            f"{program} is Terraform {found}, not OpenTofu; the release is tested with "
            f"OpenTofu {minimum} or newer.",
            "Install OpenTofu and pass it with --tofu-bin, or waive this item with a reason.",
            details,
        )
    return passed(name, f"OpenTofu {found} (≥ {minimum}).", details)


_HELM_BUILD_INFO = re.compile(r'Version:"(?P<version>v?\d[^"]*)"')
_VERSION_WORD = re.compile(r"(?i)\bversion\s+(?P<version>v?\d+\.\d+\S*)")
_BARE_VERSION = re.compile(r"^(?P<version>v?\d+\.\d+(?:\.\d+)?\S*)$")


def helm_version(lines: Sequence[str]) -> Version | None:
    """``version.BuildInfo{Version:"v3.18.0", …}`` or ``v3.18.0+gcc58e3f`` (``--short``)."""
    for line in lines:
        found = _HELM_BUILD_INFO.search(line) or _BARE_VERSION.match(line.strip())
        if found:
            try:
                return Version.parse(found["version"])
            except VersionSyntaxError:
                return None
    return None


def helmfile_version(lines: Sequence[str]) -> Version | None:
    """``helmfile version 1.1.0`` / ``v0.171.0``, or the ``Version  1.1.0`` row of its table."""
    for line in lines:
        found = _VERSION_WORD.search(line)
        if found:
            try:
                return Version.parse(found["version"])
            except VersionSyntaxError:
                return None
    return None


def judge_tool_version(
    name: str,
    result: ToolProbe,
    minimum: Version,
    read_version: Callable[[Sequence[str]], Version | None],
    timeout_s: float = PROBE_TIMEOUT_S,
) -> CheckResult:
    """A tool answers its version command with a version at least ``minimum``."""
    problem = _did_not_finish(name, result, timeout_s)
    if problem is not None:
        return problem
    program = result.argv[0]
    found = read_version(result.stdout)
    printed = next((line.strip() for line in result.stdout if line.strip()), "(nothing)")
    if found is None:
        return failed(
            name,
            f"`{' '.join(result.argv)}` did not print a version the wizard can read: {printed}",
            f"Install {name} {minimum} or newer, or check that {program} is {name}.",
        )
    details = (f"binary: {program}", f"version: {found}", f"printed: {printed}")
    if found < minimum:
        return failed(
            name,
            f"{program} is {name} {found}; this release needs {name} {minimum} or newer.",
            f"Install {name} {minimum} or newer (the playbook says why), then re-run.",
            details,
        )
    return passed(name, f"{name} {found} (≥ {minimum}).", details)


async def check_tofu(
    tofu_bin: str,
    env: Mapping[str, str],
    minimum: Version | None = None,
    timeout_s: float = PROBE_TIMEOUT_S,
    on_finished: CommandRecorder | None = None,
) -> CheckResult:
    """``<tofu_bin> version -json`` is OpenTofu ≥ ``minimum`` (Terraform: a warning).

    ``minimum`` None means the bundled playbook's; the wizard passes its playbook's.
    """
    floor = minimum if minimum is not None else bundled_minimum_tofu()
    try:
        result = await probe(
            [tofu_bin, "version", "-json"], env, timeout_s, on_finished=on_finished
        )
    except CommandFailed as exc:
        return _not_runnable("OpenTofu version", tofu_bin, exc)
    return judge_tofu_version(result, floor, timeout_s)


async def check_tool_version(
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    minimum: Version,
    read_version: Callable[[Sequence[str]], Version | None],
    timeout_s: float = PROBE_TIMEOUT_S,
    on_finished: CommandRecorder | None = None,
) -> CheckResult:
    """The program of ``argv`` runs and prints a version at least ``minimum``."""
    try:
        result = await probe(argv, env, timeout_s, on_finished=on_finished)
    except CommandFailed as exc:
        return _not_runnable(name, argv[0], exc)
    return judge_tool_version(name, result, minimum, read_version, timeout_s)


@dataclass(frozen=True)
class ToolFloors:
    """The oldest tofu, helm and helmfile the release works with (from the playbook)."""

    tofu: Version
    helm: Version
    helmfile: Version


async def check_tools(
    tofu_bin: str,
    env: Mapping[str, str],
    floors: ToolFloors,
    timeout_s: float = PROBE_TIMEOUT_S,
    helm_bin: str = "helm",
    helmfile_bin: str = "helmfile",
    on_finished: CommandRecorder | None = None,
) -> tuple[CheckResult, ...]:
    """The three tool checks, run concurrently; ``on_finished`` records each probe."""
    results = await asyncio.gather(
        check_tofu(tofu_bin, env, floors.tofu, timeout_s, on_finished),
        check_tool_version(
            "helm", [helm_bin, "version"], env, floors.helm, helm_version, timeout_s, on_finished
        ),
        check_tool_version(
            "helmfile",
            [helmfile_bin, "--version"],
            env,
            floors.helmfile,
            helmfile_version,
            timeout_s,
            on_finished,
        ),
    )
    return tuple(results)
