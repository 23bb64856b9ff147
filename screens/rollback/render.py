"""What the Rollback step says: the restore plan of Option A, the versions of Option B,
the downloaded version against the backend's state, and what tofu no longer manages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.content import Content

from tui.core.playbook.model import PlanRules
from tui.core.tofu.plan.target import short_dir
from tui.core.tofu.rollback.local import LocalRollbackPlan
from tui.core.tofu.rollback.s3 import (
    DownloadedVersion,
    Preselection,
    PreselectReason,
    StateVersion,
)

MAX_LEFT_SHOWN = 12


def rules_text(rules: PlanRules) -> Content:
    """The playbook's rollback rules in one paragraph: what the review will let through."""
    text = Content.styled("The plan is reviewed with the playbook's rollback rules: ", "dim")
    expected = ", ".join(f"{'/'.join(r.actions)} of {r.address}" for r in rules.expected)
    text = text.append_text(f"expected {expected or 'nothing'}; ", "dim")
    if rules.protected:
        text = text.append_text(f"nothing may touch {', '.join(rules.protected)}; ", "dim")
    text = text.append_text("any other destroy or replace needs a typed confirmation.", "dim")
    return text


def short_file(path: Path) -> str:
    """A state file as the operator knows it: ``…/mocm-<build>/terraform/aws/<file>``."""
    return f"{short_dir(path.parent)}/{path.name}"


def left_behind_text(left_behind: Sequence[str], created_by: str) -> Content:
    """The resources the restored state lacks: tofu neither manages nor destroys them."""
    if not left_behind:
        return Content()
    text = Content.styled(
        f"⚠ {len(left_behind)} resource(s) {created_by} are not in the restored state: "
        "tofu will neither manage nor destroy them, they stay in AWS. Remove them by hand "
        "if they must go:\n",
        "$warning",
    )
    shown = left_behind[:MAX_LEFT_SHOWN]
    text = text.append_text("\n".join(f"  • {address}" for address in shown), "$warning")
    if len(left_behind) > MAX_LEFT_SHOWN:
        more = len(left_behind) - MAX_LEFT_SHOWN
        text = text.append_text(f"\n  … and {more} more (all in the journal)", "$warning")
    return text


def describe_plan(plan: LocalRollbackPlan, rules: PlanRules) -> Content:
    """What the Option-A restore will write, and what the operator must know first."""
    text = Content()
    if plan.failed_state is not None and plan.failed_copy is not None:
        serial = plan.failed_serial
        text = text.append_text(
            f"1. Keep the failed state {short_file(plan.failed_state)} (serial {serial}) as "
        )
        text = text.append_text(f"{plan.failed_copy.name}", "bold")
        text = text.append_text(" beside it.\n")
    else:
        text = text.append_text("1. The current release has no state: nothing to keep.\n")
    text = text.append_text(
        f"2. Restore {plan.pre_upgrade.name} (serial {plan.restored_serial}) as "
    )
    text = text.append_text(short_file(plan.target), "bold")
    if plan.target_backup is not None:
        text = text.append_text(
            f" — its present content (serial {plan.target_serial}) is backed up to "
        )
        text = text.append_text(plan.target_backup.name, "bold")
    text = text.append_text(".\n")
    text = text.append_text(
        f"3. Then init -upgrade, plan, review and apply in {short_dir(plan.workdir)}.\n"
    )
    text = text.append(rules_text(rules))
    text = text.append_text("\n")
    text = text.append_text(f"All three states share lineage {plan.lineage}.", "dim")
    if plan.left_behind:
        text = text.append_text("\n").append(
            left_behind_text(plan.left_behind, "the failed apply created")
        )
    if plan.target_is_newer:
        text = text.append_text(
            f"\n⚠ The previous release's state (serial {plan.target_serial}) is newer than the "
            f"backup (serial {plan.restored_serial}): restoring goes back in time.",
            "bold $error",
        )
    return text


def restore_question(plan: LocalRollbackPlan) -> Content:
    """The restore's confirmation: what is written, and what comes next."""
    text = Content(
        f"Restore {plan.pre_upgrade.name} (serial {plan.restored_serial}) as "
        f"{short_file(plan.target)}."
    )
    if plan.failed_copy is not None:
        text = text.append_text(f"\nThe failed state is kept as {plan.failed_copy.name}.")
    if plan.target_backup is not None:
        text = text.append_text(
            f"\nThe present state (serial {plan.target_serial}) is backed up first."
        )
    return text.append_text(
        "\nThen the previous release is planned, reviewed and applied on it.", "dim"
    )


def version_mark(version: StateVersion, chosen: StateVersion | None) -> Content:
    """The marker column: the preselected pre-upgrade version, the current one."""
    if version == chosen:
        return Content.styled("◀ pre-upgrade" + (", current" if version.is_latest else ""), "bold")
    return Content.styled("current" if version.is_latest else "", "dim")


def short_version_id(version: StateVersion) -> str:
    """The first 12 characters of the version id (the whole id is in the comparison)."""
    return version.version_id[:12] + ("…" if len(version.version_id) > 12 else "")


def preselection_words(choice: Preselection) -> str:
    """Why the cursor starts where it does."""
    moment = choice.apply_started
    when = f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment is not None else ""
    match choice.reason:
        case PreselectReason.NONE_BEFORE_APPLY:
            return f"No version is older than the apply start ({when}): pick one."
        case PreselectReason.CURRENT_PREDATES_APPLY:
            return (
                f"◀ The current version predates the apply start ({when}, journal): "
                "the apply wrote no state, there is nothing newer to undo."
            )
        case PreselectReason.BEFORE_APPLY:
            return (
                f"◀ Preselected: the newest version written before the upgrade's apply "
                f"started ({when}, from the journal)."
            )
        case PreselectReason.NO_APPLY_START:
            return (
                "◀ The journal has no apply start: the cursor is on the newest version older "
                "than the current one. Check its time before downloading."
            )
    return "Only the current version exists: there is nothing older to restore."


def comparison_text(got: DownloadedVersion) -> Content:
    """The downloaded version against the backend's: pushable, needs -force, or refused."""
    text = Content.styled(got.describe() + "\n")
    if not got.lineage_matches:
        text = text.append_text(
            "✗ Another lineage: this is not a version of this deployment's state. "
        )
        return text.append_text("It will not be pushed.", "bold $error")
    if got.needs_force:
        text = text.append_text("Its serial is not newer than the backend's: ", "$warning")
        text = text.append_text(
            "tofu state push needs -force, which skips tofu's own checks.", "$warning"
        )
    else:
        text = text.append_text(
            "Its serial is newer: a plain tofu state push accepts it.", "$success"
        )
    if got.left_behind:
        text = text.append_text("\n").append(
            left_behind_text(got.left_behind, "in the state now (after the upgrade)")
        )
    return text


def push_question(got: DownloadedVersion) -> Content:
    """The push's confirmation: which version replaces which state."""
    text = Content(got.describe())
    text = text.append_text(
        "\ntofu state push replaces the backend's state with it; then the previous release "
        "is planned, reviewed and applied on it."
    )
    if got.left_behind:
        text = text.append_text(
            f"\n{len(got.left_behind)} resource(s) will no longer be managed by tofu.",
            "$warning",
        )
    return text
