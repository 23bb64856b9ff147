"""Argument handling of the stand-in: `python -m tui.sandbox.tofu ARGS`."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from tui.sandbox.tofu import messages

# Flags each subcommand accepts: name -> takes a value.
_FLAGS: dict[str, dict[str, bool]] = {
    "init": {
        "upgrade": False,
        "input": True,
        "migrate-state": False,
        "force-copy": False,
        "reconfigure": False,
        "no-color": False,
        "lock": True,
        "lock-timeout": True,
    },
    "plan": {
        "out": True,
        "detailed-exitcode": False,
        "no-color": False,
        "input": True,
        "lock": True,
        "lock-timeout": True,
        "var-file": True,
        "refresh": False,  # the model never refreshes: -refresh=false changes nothing
    },
    "apply": {
        "no-color": False,
        "input": True,
        "lock": True,
        "lock-timeout": True,
        "auto-approve": False,
    },
    "show": {"json": False, "no-color": False, "plan": True},
    "version": {"json": False},
    "state pull": {"no-color": False},
    "state push": {"force": False, "lock": True, "lock-timeout": True, "no-color": False},
    "force-unlock": {"force": False, "no-color": False},
    "output": {"json": False, "raw": False, "no-color": False},
}
_BOOL_VALUES = {"true": True, "false": False, "1": True, "0": False}


class Unmodelled(Exception):
    """Arguments the stand-in does not model."""


def parse(command: str, args: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Go-flag style: `-name`, `-name=value`, `--name`, `-out FILE`; then positional args."""
    known = _FLAGS[command]
    flags: dict[str, Any] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-") or arg == "-" or positional:
            positional.append(arg)
            i += 1
            continue
        name, has_value, value = arg.lstrip("-").partition("=")
        if name not in known:
            raise Unmodelled
        if known[name] and not has_value:
            if i + 1 >= len(args):
                raise Unmodelled
            value, i = args[i + 1], i + 1
        if not known[name]:
            if has_value and value.lower() not in _BOOL_VALUES:
                raise Unmodelled
            flags[name] = _BOOL_VALUES.get(value.lower(), True) if has_value else True
        elif name in ("input", "lock"):
            if value.lower() not in _BOOL_VALUES:
                raise Unmodelled
            flags[name] = _BOOL_VALUES[value.lower()]
        else:
            flags[name] = value
        i += 1
    return flags, positional


def _hang_if_asked(subcommand: str) -> None:
    """MOCM_STANDIN_TOFU_HANG=<subcommand>: wait until a signal, then leave like tofu."""
    if os.environ.get("MOCM_STANDIN_TOFU_HANG") != subcommand:
        return

    def interrupted(signum: int, frame: object) -> None:
        sys.stdout.write(
            "\nInterrupt received.\nPlease wait for OpenTofu to exit or data loss may occur.\n"
            "Gracefully shutting down...\n"
        )
        sys.stdout.flush()
        os._exit(1)

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    sys.stderr.write(f"mocm stand-in: tofu {subcommand} hangs until signalled\n")
    sys.stderr.flush()
    while True:
        signal.pause()


def _version(flags: dict[str, Any], cwd: Path) -> int:
    from tui.sandbox.tofu.gojson import indented
    from tui.sandbox.tofu.providers import locked

    selections = locked(cwd)
    if flags.get("json"):
        data = {
            "terraform_version": messages.VERSION,
            "platform": messages.PLATFORM,
            "provider_selections": dict(sorted(selections.items())),
        }
        sys.stdout.write(indented(data) + "\n")
    else:
        sys.stdout.write(f"OpenTofu v{messages.VERSION}\non {messages.PLATFORM}\n")
        for address, version in sorted(selections.items()):
            sys.stdout.write(f"+ provider {address} v{version}\n")
    return 0


def dispatch(argv: list[str], cwd: Path) -> int:
    """Run one tofu command line; exit code."""
    if not argv:
        raise Unmodelled
    command, rest = argv[0], argv[1:]
    if command == "state":
        if not rest or f"state {rest[0]}" not in _FLAGS:
            raise Unmodelled
        command, rest = f"state {rest[0]}", rest[1:]
    if command not in _FLAGS:
        raise Unmodelled
    flags, positional = parse(command, rest)
    color = not flags.get("no-color", False)
    _hang_if_asked(command)
    if command == "version":
        return _version(flags, cwd) if not positional else _unmodelled(argv)
    if command == "init" and not positional:
        from tui.sandbox.tofu.config import load_config
        from tui.sandbox.tofu.initcmd import run_init

        return run_init(
            cwd,
            load_config(cwd),
            {
                "upgrade": flags.get("upgrade", False),
                "input": flags.get("input", True),
                "migrate_state": flags.get("migrate-state", False),
                "force_copy": flags.get("force-copy", False),
                "reconfigure": flags.get("reconfigure", False),
                "color": color,
            },
        )
    if command == "plan" and not positional:
        from tui.sandbox.tofu.operations import run_plan

        return run_plan(
            cwd,
            {
                "out": flags.get("out"),
                "lock": flags.get("lock", True),
                "detailed_exitcode": flags.get("detailed-exitcode", False),
                "var_file": Path(flags["var-file"]) if "var-file" in flags else None,
                "color": color,
            },
        )
    if command == "show" and flags.get("json") and len(positional) + ("plan" in flags) == 1:
        from tui.sandbox.tofu.planfile import run_show_json

        return run_show_json(cwd, flags.get("plan") or positional[0], color)
    if command == "apply" and len(positional) == 1 and not flags.get("auto-approve"):
        from tui.sandbox.tofu.operations import run_apply

        return run_apply(cwd, positional[0], {"color": color, "lock": flags.get("lock", True)})
    if command == "state pull" and not positional:
        from tui.sandbox.tofu.statecmd import run_pull

        return run_pull(cwd)
    if command == "state push" and len(positional) == 1:
        from tui.sandbox.tofu.statecmd import run_push

        return run_push(
            cwd, positional[0], flags.get("force", False), flags.get("lock", True), color
        )
    if command == "force-unlock" and len(positional) == 1 and flags.get("force"):
        from tui.sandbox.tofu.statecmd import run_force_unlock

        return run_force_unlock(cwd, positional[0])
    if command == "output" and len(positional) <= 1:
        from tui.sandbox.tofu.statecmd import run_output

        name = positional[0] if positional else None
        return run_output(cwd, flags.get("json", False), name, flags.get("raw", False))
    raise Unmodelled


def _unmodelled(argv: list[str]) -> int:
    return messages.not_modelled(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point; every failure is a tofu-like diagnostic and a non-zero exit code."""
    from tui.sandbox.tofu.backend import BackendError
    from tui.sandbox.tofu.config import ConfigError
    from tui.sandbox.tofu.locks import LockHeld
    from tui.sandbox.tofu.state import StateError

    args = list(sys.argv[1:] if argv is None else argv)
    color = "-no-color" not in args and "--no-color" not in args
    try:
        return dispatch(args, Path.cwd())
    except Unmodelled:
        return messages.not_modelled(args)
    except (ConfigError, BackendError) as exc:
        return messages.error(exc.summary, exc.detail, color=color)
    except LockHeld as exc:
        detail = messages.lock_error_detail(exc.backend_error, exc.info)
        return messages.error("Error acquiring the state lock", detail, color=color)
    except StateError as exc:
        return messages.error("Failed to load state", str(exc), color=color)
    except Exception as exc:
        if not type(exc).__module__.startswith("botocore"):
            raise
        return messages.error("Failed to reach the state backend", str(exc), color=color)
    except KeyboardInterrupt:
        sys.stdout.write("\nInterrupt received.\n")
        return 1
