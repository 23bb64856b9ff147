"""Exact texts of OpenTofu 1.10 messages, and the diagnostic box they are printed in."""

from __future__ import annotations

import sys

VERSION = "1.10.7"
PLATFORM = "linux_amd64"

# Widths measured on the reference samples: stderr is not a terminal, so 78 columns.
BOX_WIDTH = 76
PLAIN_WIDTH = 77


def word_wrap(text: str, width: int) -> list[str]:
    """Greedy wrap like OpenTofu's format.WordWrap; indented lines are kept as they are."""
    lines: list[str] = []
    for raw in text.split("\n"):
        if raw == "" or raw[0] in " \t":
            lines.append(raw)
            continue
        current = ""
        for word in raw.split(" "):
            if current and len(current) + 1 + len(word) > width:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        lines.append(current)
    return lines


def diagnostic(summary: str, detail: str, *, color: bool, level: str = "Error") -> str:
    """The `╷ │ Error: … ╵` box (or the -no-color form) for one diagnostic."""
    if not color:
        body = "\n".join(word_wrap(detail, PLAIN_WIDTH)) if detail else ""
        out = f"\n{level}: {summary}\n"
        if detail:
            out += f"\n{body}\n"
        return out
    lines = ["╷", f"│ {level}: {summary}"]
    if detail:
        lines.append("│")
        for line in word_wrap(detail, BOX_WIDTH):
            lines.append(f"│ {line}" if line else "│")
    lines.append("╵")
    return "\n".join(lines) + "\n"


def ui_error(text: str, *, color: bool = True) -> int:
    """A plain `Ui.Error` line on stderr (red unless -no-color, as ColorizeUi writes it): 1."""
    sys.stderr.write(f"\x1b[31m{text}\x1b[0m\x1b[0m\n" if color else f"{text}\n")
    sys.stderr.flush()
    return 1


def error(summary: str, detail: str = "", *, color: bool = True) -> int:
    """Print one error diagnostic on stderr and return exit code 1."""
    sys.stderr.write(diagnostic(summary, detail, color=color))
    sys.stderr.flush()
    return 1


STALE_PLAN = (
    "Saved plan is stale",
    "The given plan file can no longer be applied because the state was changed "
    "by another operation after the plan was created.",
)
WRONG_LINEAGE = (
    "Saved plan does not match the given state",
    "The given plan file can not be applied because it was created from a different state lineage.",
)
INPUT_FALSE_MIGRATE = (
    "Can't ask approval for state migration when interactive input is disabled.",
    'Please remove the "-input=false" option and try again.\n',
)
BACKEND_CHANGED = (
    "Backend configuration changed",
    "A change in the backend configuration has been detected, which may require "
    "migrating existing state.\n\n"
    'If you wish to attempt automatic migration of the state, use "tofu init '
    '-migrate-state".\n'
    "If you wish to store the current configuration with no changes to the state, "
    'use "tofu init -reconfigure".',
)
MIGRATE_AND_RECONFIGURE = (
    "Invalid command-line option",
    "The -migrate-state and -reconfigure options are mutually-exclusive.",
)
LOCK_TRAILER = (
    "OpenTofu acquires a state lock to protect the state from being written\n"
    "by multiple users at the same time. Please resolve the issue above and try\n"
    'again. For most commands, you can disable locking with the "-lock=false"\n'
    "flag, but this is not recommended."
)


def backend_init_required(reason: str) -> tuple[str, str]:
    """`Backend initialization required` for a directory not initialised for its backend."""
    return (
        'Backend initialization required, please run "tofu init"',
        f"Reason: {reason}\n\n"
        'The "backend" is the interface that OpenTofu uses to store state, '
        "perform operations, etc. If this message is showing up, it means that the "
        "OpenTofu configuration you're using is using a custom configuration for "
        "the OpenTofu backend.\n\n"
        "Changes to backend configurations require reinitialization. This allows "
        "OpenTofu to set up the new configuration, copy existing state, etc. Please run "
        '"tofu init" with either the "-reconfigure" or "-migrate-state" flags to '
        "use the current configuration.\n\n"
        "If the change reason above is incorrect, please verify your configuration "
        "hasn't changed and try again. At this point, no changes to your existing "
        "configuration or state have been made.",
    )


def lock_error_detail(backend_error: str, info: dict[str, str]) -> str:
    """Detail of `Error acquiring the state lock` with the holder's lock info."""
    return (
        f"Error message: {backend_error}\n"
        "Lock Info:\n"
        f"  ID:        {info.get('ID', '')}\n"
        f"  Path:      {info.get('Path', '')}\n"
        f"  Operation: {info.get('Operation', '')}\n"
        f"  Who:       {info.get('Who', '')}\n"
        f"  Version:   {info.get('Version', '')}\n"
        f"  Created:   {info.get('Created', '')}\n"
        f"  Info:      {info.get('Info', '')}\n\n\n" + LOCK_TRAILER
    )


def not_modelled(args: list[str]) -> int:
    """The stand-in's refusal for anything it does not model; exit code 1."""
    shown = " ".join(args)
    sys.stderr.write(f'Error: the mocm-upgrade sandbox\'s tofu stand-in does not model "{shown}"\n')
    return 1


SUCCESS_INIT = (
    "\nOpenTofu has been successfully initialized!\n\n"
    'You may now begin working with OpenTofu. Try running "tofu plan" to see\n'
    "any changes that are required for your infrastructure. All OpenTofu commands\n"
    "should now work.\n\n"
    "If you ever set or change modules or backend configuration for OpenTofu,\n"
    "rerun this command to reinitialize your working directory. If you forget, other\n"
    "commands will detect it and remind you to do so if necessary.\n"
)


def backend_configured(backend_type: str) -> str:
    """The success line after configuring (or migrating to) a backend."""
    return (
        f'\nSuccessfully configured the backend "{backend_type}"! OpenTofu will automatically\n'
        "use this backend unless the backend configuration changes.\n"
    )
