"""What the pipeline view says in each phase, short enough for 80×24.

Only rendering: the phase, the plan and the reasons come from the core pipeline;
these functions turn them into styled text (theme colours only).
"""

from __future__ import annotations

from textual.content import Content

from tui.core.tofu.plan.gate import GateMode
from tui.core.tofu.plan.pipeline import Phase, PipelineMode, PlanPipeline
from tui.core.tofu.plan.reviewed import ReviewedPlan
from tui.core.tofu.plan.stopped import CommandStop
from tui.core.tofu.plan.target import InitMode, PipelineTarget, mark_words, short_dir

UPGRADE_ROLLBACK_POINTER = (
    "If the apply left things half-done, Rollback (ctrl+r) restores the state from before "
    "the upgrade."
)


def stop_text(stop: CommandStop) -> Content:
    """``✗ tofu plan failed: …``, its detail lines, then ``Next: …``."""
    text = Content.styled(stop.headline, "bold $error")
    for line in stop.lines:
        text = text.append_text(f"\n{line}")
    if stop.next_action:
        text = text.append_text("\nNext: ", "bold").append_text(stop.next_action)
    return text


def commands_words(target: PipelineTarget) -> str:
    init = {
        InitMode.NONE: "",
        InitMode.PLAIN: "tofu init, ",
        InitMode.UPGRADE: "tofu init -upgrade, ",
    }
    return f"{init[target.init]}tofu plan -out tfplan, tofu show -json tfplan"


def plan_line(reviewed: ReviewedPlan, remote: bool) -> str:
    """Which plan file (by checksum) on which state."""
    return f"tfplan sha256 {reviewed.plan_sha256[:12]}… on {mark_words(reviewed.state, remote)}."


def plan_block(reviewed: ReviewedPlan, remote: bool, lead: str) -> Content:
    """The lead line in bold, then which plan (by checksum) on which state."""
    at = reviewed.reviewed_at.replace("T", " ").replace("+00:00", " UTC")
    text = Content.styled(lead, "bold")
    path = f"{short_dir(reviewed.plan_path.parent)}/{reviewed.plan_path.name}"
    text = text.append_text("\nplan    ", "dim").append(path)
    text = text.append_text("\nsha256  ", "dim").append(
        f"{reviewed.plan_sha256[:12]}…, reviewed {at}"
    )
    return text.append_text("\nstate   ", "dim").append(mark_words(reviewed.state, remote))


def status_text(pipeline: PlanPipeline, gate_words: str = "") -> Content:
    """The status line(s) of the phase: the key to press first, then what is known."""
    target, mode, phase = pipeline.target, pipeline.mode, pipeline.phase
    remote = target.remote
    replan_key = "r" if mode is PipelineMode.APPLY else "p"
    if pipeline.held is not None:
        return Content.styled(pipeline.held, "bold")
    match phase:
        case Phase.IDLE if mode is PipelineMode.APPLY:
            return Content("No approved plan: plan, review and approve it in the Plan step.")
        case Phase.IDLE:
            text = Content.styled("Press p to plan", "bold")
            return text.append_text(
                f" the {target.label}, Option {target.option}, in {short_dir(target.workdir)}: "
                f"{commands_words(target)}."
            )
        case Phase.INIT:
            return Content(f"Initialising in {short_dir(target.workdir)}…  (x cancels)")
        case Phase.PLAN:
            return Content("Planning…  (x cancels)")
        case Phase.SHOW:
            return Content("Reading the plan (tofu show -json)…  (x cancels)")
        case Phase.REVIEWING:
            return Content(f"Reviewing the plan with the playbook's {target.stage} rules…")
        case Phase.REVIEWED:
            return reviewed_text(pipeline)
        case Phase.APPROVED if mode is PipelineMode.PLAN:
            return approved_text(pipeline, gate_words)
        case Phase.APPROVED:
            assert pipeline.approved is not None
            lead = "Press a to check the approved plan and apply it (a confirmation first)."
            return plan_block(pipeline.approved, remote, lead)
        case Phase.CHECKING:
            return Content("Checking the plan file and the state against the review…")
        case Phase.APPLYING:
            return Content("Applying the reviewed plan…  (x cancels with SIGINT)")
        case Phase.APPLIED:
            assert pipeline.approved is not None
            return plan_block(pipeline.approved, remote, "✔ Applied.")
        case Phase.PLAN_FAILED:
            return Content("Stopped. Fix what the message says, then press p.")
        case Phase.REFUSED:
            return Content(f"Nothing was applied. Press {replan_key} to plan again.")
        case Phase.APPLY_FAILED:
            return Content(f"The apply did not complete. Press {replan_key} to plan again.")
        case Phase.INTERRUPTED:
            return Content.styled(
                f"An earlier apply never finished. Press {replan_key} to plan again.", "bold"
            )
    return Content()


def reviewed_text(pipeline: PlanPipeline) -> Content:
    """After the review: the next key, then the plan and state recorded for the check."""
    reviewed = pipeline.reviewed
    assert reviewed is not None
    policy = pipeline.gate_policy()
    if pipeline.mode is PipelineMode.PLAN:
        text = Content.styled("Reviewed. Press g to approve it for apply", "bold")
    elif policy is not None and policy.mode is GateMode.REFUSE:
        text = Content.styled("This plan cannot be applied: " + " ".join(policy.why), "bold $error")
        text = text.append_text(" Press p to plan again")
    else:
        text = Content.styled("Reviewed. Press a to apply it (the gate asks first)", "bold")
    text = text.append_text("; l shows the log.\n")
    return text.append(plan_line(reviewed, pipeline.target.remote))


def approved_text(pipeline: PlanPipeline, gate_words: str) -> Content:
    """The Plan step after the gate: the answer, the next step, the plan approved."""
    approved = pipeline.approved
    assert approved is not None
    if not gate_words:  # approved in an earlier session: the journal says so
        text = Content.styled("Approved earlier (journal)", "bold $success")
        text = text.append_text(". Next: Apply (F3); p plans again, voiding it.\n")
    else:
        text = Content.styled("Approved", "bold $success")
        text = text.append_text(f": {gate_words}. Next: Apply (F3).\n")
    return text.append(plan_line(approved, pipeline.target.remote))


def problem_text(pipeline: PlanPipeline) -> Content | None:
    """Why the pipeline stopped (a failure, a refusal, an unfinished apply); None: nothing."""
    replan = "r (Plan again)" if pipeline.mode is PipelineMode.APPLY else "p (Plan)"
    interrupted = pipeline.interrupted
    if pipeline.phase is Phase.INTERRUPTED and interrupted is not None:
        text = Content.styled("⚠ Unfinished apply. ", "bold $warning")
        text = text.append_text(interrupted.message, "$warning")
        text = text.append_text(f"\n{interrupted.hint}")
        return text.append_text(f" Press {replan}.", "bold")
    refusal = pipeline.refusal
    if refusal is not None:
        text = Content.styled("✗ Apply refused. ", "bold $error")
        text = text.append_text(refusal.message, "$error")
        text = text.append_text(f"\n{refusal.hint}")
        return text.append_text(f" Press {replan} to make and review a new plan.", "bold")
    stop = pipeline.stop
    if stop is None:
        return None
    text = stop_text(stop)
    if pipeline.phase is Phase.APPLY_FAILED and pipeline.target.stage == "upgrade":
        text = text.append_text(f"\n{UPGRADE_ROLLBACK_POINTER}")
    return text


def confirm_apply_body(pipeline: PlanPipeline) -> Content:
    """The apply's confirmation: what runs, where, on which plan and state."""
    approved = pipeline.approved
    assert approved is not None
    target = pipeline.target
    text = Content(f"tofu apply tfplan in {short_dir(target.workdir)} ({target.label}).\n")
    text = text.append(plan_block(approved, target.remote, "The plan approved at the gate:"))
    return text.append_text(
        "\n\nThe plan file and the state are checked against the review first; "
        "a changed plan file or a newer state refuses the apply.",
        "dim",
    )
