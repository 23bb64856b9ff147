"""Stand-in `helm` of the demo world: version, history, status, rollback, lint (formats.md §5).

Releases live in the world's store (``MOCM_SANDBOX_HELM_STORE``), the cluster of the
world's kubeconfig: commands that reach the cluster resolve the context as helm does
(``--kube-context``, ``HELM_KUBECONTEXT``, the kubeconfig's current-context) and fail like
helm when it does not exist. Anything else is refused with an error and exit 1, never a
silent success.
``MOCM_SANDBOX_FAIL_ROLLBACK=<release>`` makes a rollback of that release fail.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tui.sandbox import helm_store as store

# `tui.sandbox.helm_chart` (and ruamel.yaml with it) is imported by the commands that read
# charts (rollback, lint): version, history and status only read the store.
CHARTS = "tui.sandbox.helm_chart"

VERSION = "v3.18.0"
COMMIT = "cc58e3f5a3aa615c6a86275e6f4444b5fdd3cc4e"
MODELLED = "version, history, status, rollback, lint"


class Usage(Exception):
    """Bad command line: message for stderr, exit 1."""


def parse(args: list[str], flags: dict[str, bool]) -> tuple[list[str], dict[str, list[str]]]:
    """Split positionals and flags; ``flags`` maps each known flag to "takes a value"."""
    positional: list[str] = []
    seen: dict[str, list[str]] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        if arg.startswith("-") and arg != "-":
            name, _, inline = arg.partition("=")
            if name not in flags:
                raise Usage(f"Error: unknown flag: {name}")
            if flags[name]:
                if not inline:
                    index += 1
                    if index >= len(args):
                        raise Usage(f"Error: flag needs an argument: {name}")
                    inline = args[index]
                seen.setdefault(name, []).append(inline)
            else:
                seen.setdefault(name, []).append("true")
        else:
            positional.append(arg)
        index += 1
    return positional, seen


NS_FLAGS = {"-n": True, "--namespace": True, "--kube-context": True, "--debug": False}


def context_of(flags: dict[str, list[str]]) -> str:
    """The context this command talks to (a StoreError when there is none to reach)."""
    given = flags.get("--kube-context", [])
    return store.kube_context(given[-1] if given else None)


def namespace_of(flags: dict[str, list[str]]) -> str:
    values = flags.get("-n", []) + flags.get("--namespace", [])
    return values[-1] if values else "default"


def uitable(rows: list[list[str]]) -> str:
    """gosuri/uitable as helm prints it: every cell padded, tab-joined."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "\t".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + "\n" for row in rows
    )


def cmd_version(args: list[str]) -> int:
    _, flags = parse(args, {"--short": False, "--client": False, "-c": False})
    if "--short" in flags:
        print(f"{VERSION}+g{COMMIT[:7]}")
    else:
        print(
            f'version.BuildInfo{{Version:"{VERSION}", GitCommit:"{COMMIT}", '
            'GitTreeState:"clean", GoVersion:"go1.24.3"}'
        )
    return 0


def cmd_history(args: list[str]) -> int:
    positional, flags = parse(args, {**NS_FLAGS, "-o": True, "--output": True, "--max": True})
    if len(positional) != 1:
        raise Usage(
            'Error: "helm history" requires 1 argument\n\nUsage:  helm history RELEASE_NAME [flags]'
        )
    output = (flags.get("-o", []) + flags.get("--output", []) or ["table"])[-1]
    if output not in ("table", "json"):
        raise Usage(
            f"Error: output format {output!r} is not modelled by the sandbox's helm (table, json)"
        )
    limit = int((flags.get("--max") or ["256"])[-1])
    context_of(flags)
    data = store.load_store(store.store_path())
    revisions = store.history(data, namespace_of(flags), positional[0])
    if not revisions:
        print("Error: release: not found", file=sys.stderr)
        return 1
    shown = revisions[-limit:] if limit > 0 else revisions
    if output == "json":
        items = [
            {
                "revision": r["revision"],
                "updated": store.rfc3339nano(r["updated_ns"]),
                "status": r["status"],
                "chart": r["chart"],
                "app_version": r["app_version"],
                "description": r["description"],
            }
            for r in shown
        ]
        sys.stdout.write(json.dumps(items, separators=(",", ":")) + "\n")
        return 0
    rows = [["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]]
    rows += [
        [
            str(r["revision"]),
            store.ansic(r["updated_ns"]),
            r["status"],
            r["chart"],
            r["app_version"],
            r["description"],
        ]
        for r in shown
    ]
    sys.stdout.write(uitable(rows))
    return 0


def cmd_rollback(args: list[str]) -> int:
    flags_known = {
        **NS_FLAGS,
        "--wait": False,
        "--timeout": True,
        "--cleanup-on-fail": False,
        "--force": False,
    }
    positional, flags = parse(args, flags_known)
    if not 1 <= len(positional) <= 2:
        raise Usage("Error: This command needs 1 or 2 arguments: release name, revision number")
    name, namespace = positional[0], namespace_of(flags)
    context_of(flags)
    path = store.store_path()
    data = store.load_store(path)
    revisions = store.history(data, namespace, name)
    if not revisions:
        print("Error: release: not found", file=sys.stderr)
        return 1
    try:
        wanted = int(positional[1]) if len(positional) == 2 else 0
    except ValueError:
        raise Usage(f'Error: strconv.Atoi: parsing "{positional[1]}": invalid syntax') from None
    latest = revisions[-1]["revision"]
    # helm: no revision (or 0) means the latest revision minus one, whatever its status
    target_number = wanted if wanted > 0 else latest - 1
    target = next((r for r in revisions if r["revision"] == target_number), None)
    if target is None:
        print(f"Error: release has no {target_number} version", file=sys.stderr)
        return 1
    from tui.sandbox.helm_chart import manifest_text, revision_manifests

    manifests = revision_manifests(target)
    rev = store.new_revision(
        latest + 1, "deployed", "", "", target["app_version"], f"Rollback to {target_number}"
    )
    rev["chart"] = target["chart"]
    rev["manifest"] = manifest_text(manifests)
    failing = os.environ.get("MOCM_SANDBOX_FAIL_ROLLBACK", "")
    if failing == name:
        rev["status"] = "failed"
        rev["description"] = f'Rollback "{name}" failed: timed out waiting for the condition'
    store.append_revision(data, namespace, name, rev, history_max=0)
    store.save_store(path, data)
    if failing == name:
        print("Error: timed out waiting for the condition", file=sys.stderr)
        return 1
    sys.stdout.write("Rollback was a success! Happy Helming!\n")
    return 0


def cmd_status(args: list[str]) -> int:
    """``helm status R``: the table of the release's latest revision (no values, no manifest)."""
    positional, flags = parse(args, {**NS_FLAGS, "--revision": True, "-o": True, "--output": True})
    if len(positional) != 1:
        raise Usage(
            'Error: "helm status" requires 1 argument\n\nUsage:  helm status RELEASE_NAME [flags]'
        )
    output = (flags.get("-o", []) + flags.get("--output", []) or ["table"])[-1]
    if output != "table":
        raise Usage(
            f"Error: output format {output!r} is not modelled by the sandbox's helm (table)"
        )
    context_of(flags)
    namespace = namespace_of(flags)
    revisions = store.history(store.load_store(store.store_path()), namespace, positional[0])
    wanted = int((flags.get("--revision") or ["0"])[-1])
    shown = next((r for r in revisions if r["revision"] == wanted), None) if wanted else None
    if not revisions or (wanted and shown is None):
        print("Error: release: not found", file=sys.stderr)
        return 1
    rev = shown or revisions[-1]  # helm status shows the latest revision, whatever its status
    sys.stdout.write(
        f"NAME: {positional[0]}\nLAST DEPLOYED: {store.ansic(rev['updated_ns'])}\n"
        f"NAMESPACE: {namespace}\nSTATUS: {rev['status']}\nREVISION: {rev['revision']}\n"
        "TEST SUITE: None\n"
    )
    return 0


def lint_chart(
    chart_arg: str, values_files: list[Path], strict: bool, quiet: bool
) -> tuple[str, bool]:
    """helm lint's report for one chart and whether it failed."""
    from tui.sandbox.helm_chart import (
        ChartError,
        TemplateFailure,
        load_chart,
        release_values,
        render_chart,
    )

    lines = [f"==> Linting {chart_arg}"]
    try:
        chart = load_chart(Path(chart_arg))
    except ChartError:
        lines.append(f"[ERROR] Chart.yaml: file does not exist in {chart_arg}")
        return "\n".join(lines) + "\n\n", True
    messages: list[tuple[str, str]] = []
    if not chart.has_icon:
        messages.append(("INFO", "Chart.yaml: icon is recommended"))
    try:
        render_chart(chart, release_values(chart, tuple(values_files)), "release-name", "default")
    except TemplateFailure as exc:
        messages.append(("ERROR", f"templates/: {exc}"))
    except ChartError as exc:
        messages.append(("ERROR", f"templates/: {exc}"))
    if chart.default_values is None:
        messages.append(("WARNING", "values.yaml: file does not exist"))
    failed = any(level == "ERROR" or (strict and level == "WARNING") for level, _ in messages)
    lines += [f"[{level}] {text}" for level, text in messages if not (quiet and level == "INFO")]
    return "\n".join(lines) + "\n\n", failed


def cmd_lint(args: list[str]) -> int:
    known = {**NS_FLAGS, "-f": True, "--values": True, "--strict": False, "--quiet": False}
    positional, flags = parse(args, known)
    charts = positional or ["."]
    values = [Path(v) for v in flags.get("-f", []) + flags.get("--values", [])]
    failed = 0
    for chart in charts:
        report, bad = lint_chart(chart, values, "--strict" in flags, "--quiet" in flags)
        sys.stdout.write(report)
        failed += bad
    summary = f"{len(charts)} chart(s) linted, {failed} chart(s) failed"
    if failed:
        sys.stdout.flush()
        print(f"Error: {summary}", file=sys.stderr)
        return 1
    sys.stdout.write(summary + "\n")
    return 0


def first_positional(args: list[str]) -> str:
    """The sub-command, skipping global flags and their values (``-n fusion history``)."""
    index = 0
    while index < len(args):
        arg = args[index]
        if not arg.startswith("-"):
            return arg
        if NS_FLAGS.get(arg):
            index += 1
        index += 1
    return ""


COMMANDS = {
    "version": cmd_version,
    "history": cmd_history,
    "status": cmd_status,
    "rollback": cmd_rollback,
    "lint": cmd_lint,
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = first_positional(args)
    if not command:
        print(
            f"Error: no command given (the mocm-upgrade sandbox's helm models: {MODELLED})",
            file=sys.stderr,
        )
        return 1
    handler = COMMANDS.get(command)
    if handler is None:
        print(
            f'Error: unknown command "{command}" for "helm" '
            f"(the mocm-upgrade sandbox's helm models: {MODELLED})",
            file=sys.stderr,
        )
        return 1
    rest = list(args)
    rest.remove(command)  # the first occurrence is the sub-command
    try:
        return handler(rest)
    except Usage as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:
        if not is_store_or_chart_error(exc):
            raise
        print(f"Error: {exc}", file=sys.stderr)
        return 1


def is_store_or_chart_error(exc: Exception) -> bool:
    """A StoreError, or a ChartError (only possible once a command has loaded the charts)."""
    charts = sys.modules.get(CHARTS)
    return isinstance(exc, store.StoreError) or (
        charts is not None and isinstance(exc, charts.ChartError)
    )


if __name__ == "__main__":
    sys.exit(main())
