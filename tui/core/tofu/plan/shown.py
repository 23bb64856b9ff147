"""The plan after ``tofu show -json``: kept in a file, reviewed, and recorded.

The plan JSON goes straight to a file (it can be hundreds of MB and holds sensitive
values); the log shows only its redacted head. The review — parse, classify by the
stage's rules, record the plan file's sha256 and the state's lineage and serial (for a
remote backend read with ``tofu state pull``) — is blocking: call it from a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import ParseError
from tui.core.exec.recorder import CommandRecorder
from tui.core.memory import collector_paused, hold_for
from tui.core.playbook.load import Playbook
from tui.core.tofu.commands import TofuCommands
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.core.tofu.plan.reviewed import ReviewedPlan, record_review
from tui.core.tofu.plan.target import PipelineTarget, read_state_mark

HEAD_BYTES = 160  # the start of the JSON shown in the log, redacted


@dataclass(frozen=True)
class ShownPlan:
    """A plan reviewed against the playbook, and the record of what was reviewed."""

    review: PlanReview
    reviewed: ReviewedPlan


@dataclass(frozen=True)
class JsonHead:
    """The redacted start of a plan JSON and the file's size, for the log."""

    text: str
    size: int
    path: Path

    @property
    def lines(self) -> tuple[str, str]:
        """The two log lines: the head, then where the whole file is."""
        more = "…" if self.size > HEAD_BYTES else ""
        return (
            self.text + more,
            f"── exit 0 · plan JSON {self.size:,} bytes kept raw in {self.path}",
        )


def plan_json_path(base: Path, target: PipelineTarget) -> Path:
    """Where a stage's plan JSON is kept: ``<base>/plans/<stage>-<release>.json``."""
    return base / "plans" / f"{target.stage}-{target.workdir.parent.parent.name}.json"


def json_head(json_file: Path, redact: Callable[[str], str]) -> JsonHead:
    """The redacted first bytes of the plan JSON (the file itself is never shown)."""
    try:
        size = json_file.stat().st_size
        with json_file.open("rb") as handle:
            head = handle.read(HEAD_BYTES).decode(errors="replace")
    except OSError as exc:
        raise ParseError(str(json_file), f"cannot be read ({exc.strerror or exc})") from exc
    return JsonHead(redact(head), size, json_file)


def review_shown_plan(
    json_file: Path,
    playbook: Playbook,
    target: PipelineTarget,
    commands: TofuCommands,
    env: Mapping[str, str],
    recorder: CommandRecorder | None = None,
) -> ShownPlan:
    """Parse and review the plan JSON, then record the plan file and the state (blocking).

    ``recorder`` journals the ``tofu state pull`` of a remote state.
    """
    try:
        data = json_file.read_bytes()
    except OSError as exc:
        raise ParseError(str(json_file), f"cannot be read ({exc.strerror or exc})") from exc
    # The parsed plan and its review stay alive: collections meanwhile free nothing and
    # would walk the screen's heap too; they are kept out of the collector until the
    # review's view lets it go (``release_for(review)``) or it is freed (core/memory.py).
    with collector_paused():
        result = review(load_plan(str(json_file), data), playbook, target.stage)
        del data
        hold_for(result)
    mark = read_state_mark(target, commands, env, recorder)
    return ShownPlan(result, record_review(target.plan_path, mark))
