"""Stand-in `helmfile` of the demo world: diff, sync, lint, version (formats.md §5.1, §5.2).

Streams as the real tool: helm-diff's report on stdout, helmfile's log on stderr.
Environment knobs:
- ``MOCM_SANDBOX_FAIL_RELEASE=<release>``: that release's upgrade fails (recorded as ``failed``).
- ``MOCM_SANDBOX_HANG=sync``: sync hangs on its first release until SIGINT/SIGTERM;
  the interrupted upgrade is recorded as ``pending-upgrade`` and the exit code is 128+signal.
- ``MOCM_SANDBOX_HELMFILE_STYLE=1.7``: summary with helmfile 1.7's divider headings.
- ``MOCM_SANDBOX_HELM_SECONDS``: seconds each upgrade takes (default 0.3), so progress shows.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The store, the charts (ruamel.yaml) and the diff are imported by the commands that use
# them: `helmfile version` (each preflight asks) loads none of them.
if TYPE_CHECKING:
    from tui.sandbox.helm_chart import Helmfile, Release

MODELLED = "diff, sync, lint, version"
GLOBAL_FLAGS = {
    "-f": True,
    "--file": True,
    "-n": True,
    "--namespace": True,
    "-e": True,
    "--environment": True,
    "--no-color": False,
    "--color": False,
    "--skip-deps": False,
    "--debug": False,
    "--kube-context": True,
}
FAILURE = "context deadline exceeded"


def err(*lines: str) -> None:
    sys.stderr.write("".join(f"{line}\n" for line in lines))
    sys.stderr.flush()


def out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def version_text() -> str:
    return "1.7.4" if os.environ.get("MOCM_SANDBOX_HELMFILE_STYLE") == "1.7" else "1.1.0"


def build_dependencies(helmfile: Helmfile) -> None:
    """`Building dependency …` for local charts that declare dependencies."""
    from tui.sandbox.helm_chart import load_chart

    for release in helmfile.releases:
        count = load_chart(release.chart_dir).dependencies
        if count:
            err(
                f"Building dependency release={release.name}, chart={release.chart_ref}",
                f"Saving {count} charts",
                "Deleting outdated charts",
                "",
            )


def cmd_diff(helmfile: Helmfile, flags: dict[str, list[str]]) -> int:
    from tui.sandbox import helm_store as store
    from tui.sandbox.helm_chart import render_release, revision_manifests
    from tui.sandbox.helm_diff import release_report

    context = int((flags.get("--context") or ["-1"])[-1])
    suppress = "--suppress-secrets" in flags
    affected: list[Release] = []
    for release in helmfile.releases:
        err(f"Comparing {_identity(release)}")
        _, new = render_release(release)
        deployed = store.current(store.history(load(), release.namespace, release.name))
        old = revision_manifests(deployed) if deployed else []
        report = release_report(old, new, release.namespace, context, suppress)
        if report:
            out(report + "\n")
            affected.append(release)
    if affected:
        err(
            "Affected releases are:", *[f"  {r.name} ({r.chart_ref}) UPDATED" for r in affected], ""
        )
        if "--detailed-exitcode" in flags:
            err("Identified at least one change")
            return 2
    elif "--detailed-exitcode" in flags:
        err("No affected releases")
    return 0


def _identity(release: Release) -> str:
    return f"release={release.name}, chart={release.chart_ref}, namespace={release.namespace}"


def load() -> dict[str, Any]:
    from tui.sandbox import helm_store as store

    return store.load_store(store.store_path())


RECEIVED: list[int] = []


def _remember_signal(signum: int, _frame: object) -> None:
    RECEIVED.append(signum)


def hang_until_signal() -> int:
    """Block like a helm upgrade stuck on --wait, until SIGINT or SIGTERM (handlers set before)."""
    while not RECEIVED:
        signal.pause()
    return RECEIVED[0]


def cmd_sync(helmfile: Helmfile, helmfile_arg: str) -> int:
    from tui.sandbox import helm_store as store
    from tui.sandbox.helm_chart import manifest_text, render_release
    from tui.sandbox.helmfile_output import exit_error, summary, upgrade_args, upgrade_output

    style = os.environ.get("MOCM_SANDBOX_HELMFILE_STYLE", "")
    failing = os.environ.get("MOCM_SANDBOX_FAIL_RELEASE", "")
    pace = float(os.environ.get("MOCM_SANDBOX_HELM_SECONDS", "0.3"))
    path = store.store_path()
    data = store.load_store(path)
    if os.environ.get("MOCM_SANDBOX_HANG") == "sync":
        # before the first line is printed: whoever reads it may signal right away
        signal.signal(signal.SIGINT, _remember_signal)
        signal.signal(signal.SIGTERM, _remember_signal)
    updated: list[tuple[str, str, str, str, str]] = []
    for release in helmfile.releases:
        started = time.monotonic()
        err(f"Upgrading {_identity(release)}")
        chart, manifests = render_release(release)
        revisions = store.history(data, release.namespace, release.name)
        number = revisions[-1]["revision"] + 1 if revisions else 1
        rev = store.new_revision(
            number, "deployed", chart.name, chart.version, chart.app_version, ""
        )
        rev["manifest"] = manifest_text(manifests)
        if os.environ.get("MOCM_SANDBOX_HANG") == "sync":
            rev["status"], rev["description"] = "pending-upgrade", "Preparing upgrade"
            store.append_revision(data, release.namespace, release.name, rev, helmfile.history_max)
            store.save_store(path, data)
            signum = hang_until_signal()
            name = signal.Signals(signum).name
            err("", f"err: upgrade of release {release.name} interrupted by {name}")
            return 128 + signum
        time.sleep(max(pace, 0.0))  # pacing only: the operator sees progress release by release
        if release.name == failing:
            rev["status"] = "failed"
            rev["description"] = f'Upgrade "{release.name}" failed: {FAILURE}'
            store.append_revision(data, release.namespace, release.name, rev, helmfile.history_max)
            store.save_store(path, data)
            failed = [(release.name, release.namespace, release.chart_ref, "", _duration(started))]
            lines = summary("Updated Releases", updated, style) if updated else []
            err(*lines, *summary("Failed Releases", failed, style))
            args = upgrade_args(release, helmfile.wait, helmfile.timeout, helmfile.history_max)
            err(*exit_error(helmfile_arg, release, args, f"Error: UPGRADE FAILED: {FAILURE}"))
            return 1
        rev["description"] = "Install complete" if not revisions else "Upgrade complete"
        store.append_revision(data, release.namespace, release.name, rev, helmfile.history_max)
        store.save_store(path, data)
        err(*upgrade_output(release, rev, first_install=not revisions))
        updated.append(
            (release.name, release.namespace, release.chart_ref, chart.version, _duration(started))
        )
    err(*summary("Updated Releases", updated, style))
    return 0


def _duration(started: float) -> str:
    from tui.sandbox.helmfile_output import go_duration

    return go_duration(time.monotonic() - started)


def cmd_lint(helmfile: Helmfile) -> int:
    from tui.sandbox.helm_standin import lint_chart

    failed = 0
    for release in helmfile.releases:
        err(f"Linting release={release.name}, chart={release.chart_ref}")
        report, bad = lint_chart(str(release.chart_dir), list(release.values_files), False, False)
        out(report)
        if bad:
            failed += 1
            err("Error: 1 chart(s) linted, 1 chart(s) failed")
        else:
            out("1 chart(s) linted, 0 chart(s) failed\n")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--version" in args or args[:1] == ["version"]:
        print(f"helmfile version {version_text()}")
        return 0
    from tui.sandbox import helm_store as store
    from tui.sandbox.helm_chart import load_helmfile
    from tui.sandbox.helm_standin import Usage, is_store_or_chart_error, parse

    sub_flags = {"--detailed-exitcode": False, "--suppress-secrets": False, "--context": True}
    try:
        positional, flags = parse(args, {**GLOBAL_FLAGS, **sub_flags})
        if len(positional) != 1 or positional[0] not in ("diff", "sync", "lint"):
            what = " ".join(positional) or "(none)"
            raise Usage(
                f"Error: unknown command {what!r} for helmfile "
                f"(the mocm-upgrade sandbox's helmfile models: {MODELLED})"
            )
        command = positional[0]
        if command != "diff" and set(flags) & set(sub_flags):
            raise Usage(
                f"Error: unknown flag: {sorted(set(flags) & set(sub_flags))[0]} (for {command})"
            )
        helmfile_arg = (flags.get("-f", []) + flags.get("--file", []) or ["helmfile.yaml"])[-1]
        namespace = (flags.get("-n", []) + flags.get("--namespace", []) or ["default"])[-1]
        helmfile = load_helmfile(Path(helmfile_arg), namespace)
        if command != "lint":  # diff and sync reach the cluster: its context must exist
            given = flags.get("--kube-context", [])
            store.kube_context(given[-1] if given else None)
        if command != "lint" and "--skip-deps" not in flags:
            build_dependencies(helmfile)
        if command == "diff":
            return cmd_diff(helmfile, flags)
        if command == "sync":
            return cmd_sync(helmfile, helmfile_arg)
        return cmd_lint(helmfile)
    except Usage as exc:
        err(str(exc))
        return 1
    except Exception as exc:
        if not is_store_or_chart_error(exc):
            raise
        err(f"err: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
