"""The second half of the plan flow: ``tofu show -json`` into a file, then the review.

The plan JSON goes straight to a file (it can be hundreds of MB and holds
sensitive values); only stderr streams in the log. The review — parse, classify
by the playbook, record the plan's sha256 and the state's lineage and serial
(for B.2 read with ``tofu state pull``) — is blocking: run it in a thread. The
sentences the flow shows for each phase are here too, short enough for 80×24.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content

from tui.core.exec.recorder import CommandRecorder
from tui.core.exec.runner import RunningCommand, Stream
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.core.tofu.plan.reviewed import ReviewedPlan, record_review
from tui.screens.tofu_flow import TofuTarget, commands_for, mark_words, short_dir, state_mark
from tui.widgets.command_log import CommandLog
from tui.wizard import Wizard

if TYPE_CHECKING:
    from tui.command_records import CommandRecord
    from tui.widgets.apply_gate import GateDecision

SHOW_TIMEOUT_S = 600.0
HEAD_BYTES = 160  # the start of the JSON shown in the log, redacted


class Phase(Enum):
    """Where the plan flow is."""

    IDLE = "idle"
    INIT = "init"
    PLAN = "plan"
    SHOW = "show"
    REVIEWING = "reviewing"  # parsing the JSON and recording the review
    REVIEWED = "reviewed"
    APPROVED = "approved"
    FAILED = "failed"


RUNNING = (Phase.INIT, Phase.PLAN, Phase.SHOW, Phase.REVIEWING)


@dataclass(frozen=True)
class ShownPlan:
    """A plan reviewed against the playbook, and the record of what was reviewed."""

    review: PlanReview
    reviewed: ReviewedPlan


def json_path(wizard: Wizard, target: TofuTarget) -> Path:
    """Where the plan JSON is kept: the work folder (else the target directory)."""
    session = wizard.session
    base = session.workspace.root if session is not None else target.workdir
    return base / "plans" / f"{target.step}-{target.workdir.parent.parent.name}.json"


def start_show(
    wizard: Wizard, target: TofuTarget, log: CommandLog, step_id: str
) -> tuple[RunningCommand, CommandRecord]:
    """The ``tofu show -json`` command (stdout to a file, stderr to the log) and its record."""
    argv = commands_for(wizard.context.tofu_bin).show_json()
    record = wizard.commands.start(wizard.session, list(argv), target.workdir, step_id)

    def on_line(stream: Stream, line: str) -> None:  # stderr only: stdout goes to the file
        log.append_line(stream, line)
        if record.transcript is not None:
            record.transcript.line(stream, line)

    destination = json_path(wizard, target)
    capture = RunningCommand(
        argv,
        env=wizard.context.env,
        cwd=target.workdir,
        timeout_s=SHOW_TIMEOUT_S,
        on_line=on_line,
        redactor=wizard.redactor,
        stdout_to=destination,
    )
    log.append_line("stdout", "$ " + " ".join(argv) + f"   (stdout → {destination})")
    return capture, record


def log_json_head(wizard: Wizard, log: CommandLog, json_file: Path) -> None:
    """Show the (redacted) start of the plan JSON and where the whole file is."""
    size = json_file.stat().st_size
    with json_file.open("rb") as handle:
        head = handle.read(HEAD_BYTES).decode(errors="replace")
    log.append_line("stdout", wizard.redactor.redact(head) + ("…" if size > HEAD_BYTES else ""))
    log.append_line("stdout", f"── exit 0 · plan JSON {size:,} bytes kept raw in {json_file}")


def review_plan_file(
    wizard: Wizard, target: TofuTarget, json_file: Path, recorder: CommandRecorder | None
) -> ShownPlan:
    """Parse and review the plan JSON, then record the plan file and the state (blocking).

    ``recorder`` journals the ``tofu state pull`` of a remote state.
    """
    book = wizard.context.playbook
    plan = load_plan(str(json_file), json_file.read_bytes())
    result = review(plan, book, target.stage)
    return ShownPlan(result, record_review(target.plan_path, state_mark(wizard, target, recorder)))


# -- what the flow says --------------------------------------------------------------
def idle_words(target: TofuTarget) -> Content:
    """Before the first plan: the key first, then what will run and where."""
    init = "tofu init" if target.remote else "tofu init -upgrade"
    text = Content.styled("Press p to plan", "bold")
    text = text.append_text(
        f" the {target.label}, Option {target.option}, in {short_dir(target.workdir)}: "
    )
    text = text.append_text(f"{init}, tofu plan -out tfplan, tofu show -json tfplan.")
    return text


def reviewed_words(reviewed: ReviewedPlan, remote: bool) -> Content:
    """After the review: what to do next, then what was recorded for the apply check."""
    text = Content.styled("Reviewed. Press g to approve it for apply", "bold")
    text = text.append_text("; l shows the log.\n")
    return text.append(plan_line(reviewed, remote))


def plan_line(reviewed: ReviewedPlan, remote: bool) -> str:
    """Which plan file (by checksum) on which state."""
    return f"tfplan sha256 {reviewed.plan_sha256[:12]}… on {mark_words(reviewed.state, remote)}."


def approved_words(decision: GateDecision, reviewed: ReviewedPlan, remote: bool) -> Content:
    """After the gate said yes: the answer, the next step, and the plan approved."""
    text = Content.styled("Approved", "bold $success")
    text = text.append_text(f": {decision.journal_detail()}. Next: Apply (F3).\n")
    return text.append(plan_line(reviewed, remote))
