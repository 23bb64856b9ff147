"""What the Plan, Apply and Rollback screens share: the target directory, the state's
mark, failure explanations and journal look-ups. No Textual widgets here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content

from tui.core.exec.result import CommandResult
from tui.core.journal.records import Decision, StepStarted
from tui.core.tofu.commands import PLAN_FILE, TofuCommands
from tui.core.tofu.failures import KnownFailure, recognise_failure
from tui.core.tofu.plan.reviewed import (
    ReviewedPlan,
    StateMark,
    pull_state_mark,
    state_mark_from_file,
)
from tui.wizard import Wizard

if TYPE_CHECKING:
    from tui.core.exec.recorder import CommandRecorder
    from tui.core.journal.writer import Journal

REVIEWED = "plan-reviewed"
APPROVED = "plan-approved"
APPLIED = "plan-applied"


@dataclass(frozen=True)
class TofuTarget:
    """Where tofu runs and how: Option A (local state, ``init -upgrade``) or B.2 (S3)."""

    workdir: Path
    remote: bool
    stage: str = "upgrade"
    label: str = "current release"
    step: str = "plan"  # the journal's step for decisions about this plan

    @property
    def plan_path(self) -> Path:
        return self.workdir / PLAN_FILE

    @property
    def option(self) -> str:
        return "B.2 (S3 backend)" if self.remote else "A (local state)"


def short_dir(path: Path) -> str:
    """A release directory as the operator knows it: ``…/mocm-10.6.2605/terraform/aws``."""
    parts = path.parts
    return str(path) if len(parts) <= 4 else "…/" + "/".join(parts[-3:])


def mark_words(state: StateMark | None, remote: bool) -> str:
    """The state a plan was made on, in one short line (the full lineage is journaled)."""
    if state is None:
        return "no state yet."
    where = "via tofu state pull" if remote else f"from {Path(state.source).name}"
    return f"serial {state.serial}, lineage {state.lineage[:8]}…, {where}"


def commands_for(binary: str) -> TofuCommands:
    """The argv builders; no colour codes, the log shows plain text."""
    return TofuCommands(binary, color=False)


def state_mark(
    wizard: Wizard, target: TofuTarget, recorder: CommandRecorder | None
) -> StateMark | None:
    """The state's lineage and serial now (blocking for S3: call from a thread worker).

    A remote state is read with ``tofu state pull``, journaled through ``recorder``
    (argv, exit code, duration — never the state it prints).
    """
    context = wizard.context
    if target.remote:
        commands = commands_for(context.tofu_bin)
        return pull_state_mark(commands, target.workdir, context.env, on_finished=recorder)
    return state_mark_from_file(target.workdir / context.playbook.state_file)


def failure_text(result: CommandResult, binary: str, what: str) -> Content:
    """A failed command in plain words: the recognised cause and the next action."""
    known = recognise_failure("\n".join(result.stderr_tail), binary)
    return explain(known, result, what)


def explain(known: KnownFailure | None, result: CommandResult, what: str) -> Content:
    text = Content.styled(f"✗ {what} failed", "bold $error")
    if result.cancelled:
        text = text.append_text(" — cancelled by you.", "bold $error")
        text = text.append_text(
            "\nNothing is half-done: tofu stopped cleanly on SIGINT. Run it again."
        )
        return text
    if result.timed_out:
        text = text.append_text(" — it ran past its time limit and was stopped.", "bold $error")
        text = text.append_text("\nLook at the end of the log for what it was waiting for.")
        return text
    if known is None:
        last = result.stderr_tail[-1] if result.stderr_tail else "(no error output)"
        text = text.append_text(f" (exit {result.exit_code}).", "bold $error")
        text = text.append_text(f"\nLast error line: {last}")
        text = text.append_text("\nThe full output is in the log above and in the transcript.")
        return text
    text = text.append_text(f": {known.summary}", "bold $error")
    text = text.append_text("\nNext: ", "bold")
    text = text.append_text(known.next_action)
    return text


def reviewed_detail(reviewed: ReviewedPlan, verdict: str, workdir: Path) -> str:
    """The journal's record of a review: plan sha256, lineage, serial, verdict."""
    state = reviewed.state
    return json.dumps(
        {
            "plan": str(reviewed.plan_path),
            "plan_sha256": reviewed.plan_sha256,
            "lineage": None if state is None else state.lineage,
            "serial": None if state is None else state.serial,
            "state_source": None if state is None else state.source,
            "verdict": verdict,
            "reviewed_at": reviewed.reviewed_at,
            "workdir": str(workdir),
        },
        sort_keys=True,
    )


def _decisions(journal: Journal, step: str) -> list[Decision]:
    return [
        r.body for r in journal.records if isinstance(r.body, Decision) and (r.body.step == step)
    ]


def approved_plan(journal: Journal, step: str, workdir: Path) -> ReviewedPlan | None:
    """The plan approved at the gate and not superseded by a newer review, else None."""
    latest: ReviewedPlan | None = None
    for decision in _decisions(journal, step):
        if decision.what not in (REVIEWED, APPROVED):
            continue
        try:
            raw = json.loads(decision.detail)
        except ValueError:
            continue
        if raw.get("workdir") != str(workdir):
            continue
        if decision.what == REVIEWED:
            latest = None  # a new review: its approval must follow
            continue
        latest = ReviewedPlan.from_json(raw["reviewed"])
    return latest


def applied_sha(journal: Journal, step: str) -> set[str]:
    """The plan checksums this step applied successfully (to resume at the archive)."""
    return {d.detail for d in _decisions(journal, step) if d.what == APPLIED}


def first_apply_start(journal: Journal, step: str = "apply") -> str | None:
    """When the upgrade's apply first started (ISO time), from the journal."""
    for record in journal.records:
        if isinstance(record.body, StepStarted) and record.body.step == step:
            return record.ts
    return None
