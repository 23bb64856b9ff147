"""Commands the wizard started and never saw end: what each leaves behind, what to do next.

A ``command_started`` with no ``command`` after it means the wizard was killed
(or the terminal closed) while the command ran. The next start journals a
``command_interrupted`` for each (the Session does) and tells the operator the
safe next action: never a blind repeat of a change whose outcome is unknown.

A command runs in its own session: the kill of the wizard does not stop it. Its
process is journaled when it starts (``command_child``: pid, process group, start
time); a restart that finds it still running (``exec.left_running``) says so and lets
the operator wait for it, stop it (SIGTERM to its process group) or quit leaving
it; only once it is gone is it journaled as interrupted and the next action
offered (for an apply: plan again).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.core.journal.records import CommandInterrupted

TOFU_BINARIES = frozenset({"tofu", "terraform"})


@dataclass(frozen=True)
class Interruption:
    """One command cut off, in the operator's words."""

    command: CommandInterrupted
    consequence: str
    next_action: str
    replan: bool  # the safe next action is a new plan: the approved one must not be applied
    transcript_end: str = ""  # the last line its transcript holds (what it said before the kill)

    @property
    def what(self) -> str:
        return shlex.join(self.command.argv)

    def sentence(self, step_title: str = "") -> str:
        """What happened, what it may have left, and what to do next, for the operator."""
        where = f" ({step_title} step)" if step_title else ""
        left = self.consequence[:1].upper() + self.consequence[1:]
        said = f" Its transcript ends: {self.transcript_end!r}." if self.transcript_end else ""
        return (
            f"{self.what}{where}, started {self.command.started_at}, never finished: the "
            f"wizard was stopped while it ran.{said} {left}. Next: {self.next_action}."
        )


def is_tofu(argv: Sequence[str], subcommand: str) -> bool:
    """Whether ``argv`` runs tofu (or terraform) ``subcommand`` (``apply``, ``init``…)."""
    return bool(argv) and Path(argv[0]).name in TOFU_BINARIES and subcommand in argv[1:3]


def explain(command: CommandInterrupted) -> Interruption:
    """What a cut-off command leaves, and the safe next action."""
    argv = command.argv
    name = Path(argv[0]).name if argv else ""
    if is_tofu(argv, "apply"):
        return Interruption(
            command,
            "the apply may have changed part of the infrastructure and the state",
            "plan again and review the new plan (the approved plan is void: never re-apply it)",
            True,
        )
    if is_tofu(argv, "init") and "-migrate-state" in argv:
        return Interruption(
            command,
            "the state may be in S3, local, or both",
            "the Backend step reads both again and says where the state is before anything else",
            False,
        )
    if is_tofu(argv, "state") and "push" in argv:
        return Interruption(
            command,
            "the backend may hold the pushed state or the one before",
            "read the backend's state (its serial) on the Rollback step before pushing again",
            False,
        )
    if name == "helmfile" and "sync" in argv[1:]:
        return Interruption(
            command,
            "releases may be half-upgraded (pending-upgrade)",
            "the Helm step treats the sync as interrupted: check the releases, roll back "
            "to the recorded revisions or sync again",
            False,
        )
    if name == "helm" and "rollback" in argv[1:]:
        return Interruption(
            command,
            "the release may or may not be rolled back",
            "read the release's history on the Helm step before rolling back again",
            False,
        )
    return Interruption(
        command,
        "its outcome is unknown",
        "run it again from its step if it is still needed",
        False,
    )


def last_line(output: Sequence[str] | None) -> str:
    """The last non-empty line of a transcript's output (``Transcripts.output``), or ""."""
    return next((line.strip() for line in reversed(output or ()) if line.strip()), "")
