"""Entry point `mocm-upgrade`: the wizard, the demo and the headless sub-commands.

Sub-command modules live in ``tui.headless`` and are imported only when used,
so starting the wizard stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from tui.version import package_version

# name -> (module under tui.headless, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "build the self-contained sandbox world and run the wizard on it"),
    "report": ("report", "write a Markdown change record from a release's journal"),
    "plan-review": ("plan_review", "review a `tofu show -json` plan against the playbook"),
    "values-check": ("values_check", "list placeholders (and drift) left in a values.yaml"),
    "values-merge": ("values_merge", "fill a new values template from the previous values"),
    "stage4-check": ("stage4_check", "is the old ElastiCache idle and unreferenced?"),
}


class VersionAction(argparse.Action):
    """--version, looked up only when asked (package metadata is slow to scan)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"mocm-upgrade {package_version()}")
        parser.exit()


class HelpFormatter(argparse.HelpFormatter):
    """argparse's own, told the terminal's width: ``add_argument`` builds a formatter for
    every option, and argparse finds the width through shutil (~2 ms of start-up)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=terminal_columns())


class RawHelpFormatter(argparse.RawDescriptionHelpFormatter, HelpFormatter):
    """The wizard's help: its epilog lists the sub-commands line by line."""


def terminal_columns() -> int:
    """What ``shutil.get_terminal_size`` answers: $COLUMNS, the terminal's width, or 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns if columns > 0 else 80


def wizard_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mocm-upgrade",
        description="Guided production release upgrade (OpenTofu, values.yaml, Helm, Stage 4).",
        formatter_class=RawHelpFormatter,
        epilog="sub-commands (`mocm-upgrade SUBCOMMAND --help`):\n"
        + "\n".join(f"  {name:<14} {text}" for name, (_, text) in SUBCOMMANDS.items()),
    )
    parser.add_argument("previous", nargs="?", type=Path, help="previous release directory")
    parser.add_argument("current", nargs="?", type=Path, help="current (new) release directory")
    add_wizard_options(parser)
    parser.add_argument("--version", action=VersionAction, nargs=0, help="print the version")
    return parser


def add_wizard_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the wizard and the demo."""
    parser.add_argument("--tofu-bin", default="tofu", help="OpenTofu binary (default: tofu)")
    parser.add_argument("--playbook", type=Path, help="upgrade playbook (default: bundled)")


def run_subcommand(name: str, argv: list[str]) -> int:
    module_name, text = SUBCOMMANDS[name]
    module = importlib.import_module(f"tui.headless.{module_name}")
    parser = argparse.ArgumentParser(
        prog=f"mocm-upgrade {name}", description=text, formatter_class=HelpFormatter
    )
    module.add_arguments(parser)
    args = parser.parse_args(argv)
    return int(module.run(args))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        return run_subcommand(argv[0], argv[1:])
    args = wizard_parser().parse_args(argv)
    from tui.launch import launch_wizard  # the wizard loads only when asked: sub-commands stay fast

    return launch_wizard(
        args.previous, args.current, tofu_bin=args.tofu_bin, playbook=args.playbook
    )


if __name__ == "__main__":
    sys.exit(main())
