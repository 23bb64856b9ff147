"""What Rollback B says: each version's mark, why one is preselected, the downloaded
version compared with the backend's state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.content import Content

from tui.core.tofu.rollback.s3 import DownloadedVersion, StateVersion, pick_version_before


def version_mark(version: StateVersion, chosen: StateVersion | None) -> Content:
    """The marker column: the preselected pre-upgrade version, the current one."""
    if version == chosen:
        return Content.styled("◀ pre-upgrade" + (", current" if version.is_latest else ""), "bold")
    return Content.styled("current" if version.is_latest else "", "dim")


def short_version_id(version: StateVersion) -> str:
    """The first 12 characters of the version id (the whole id is in the comparison)."""
    return version.version_id[:12] + ("…" if len(version.version_id) > 12 else "")


def preselected_version(
    versions: Sequence[StateVersion], apply_started: str | None
) -> tuple[StateVersion | None, str]:
    """The pre-upgrade version and why it is the one: the journal's apply start."""
    if apply_started is not None:
        moment = datetime.fromisoformat(apply_started)
        when = f"{moment:%Y-%m-%d %H:%M:%S} UTC"
        chosen = pick_version_before(versions, moment)
        if chosen is None:
            return None, f"No version is older than the apply start ({when}): pick one."
        if chosen.is_latest:
            return chosen, (
                f"◀ The current version predates the apply start ({when}, journal): "
                "the apply wrote no state, there is nothing newer to undo."
            )
        return chosen, (
            f"◀ Preselected: the newest version written before the upgrade's apply "
            f"started ({when}, from the journal)."
        )
    older = [v for v in versions if not v.is_latest]
    if older:
        return older[-1], (
            "◀ The journal has no apply start: the cursor is on the newest version older "
            "than the current one. Check its time before downloading."
        )
    return None, "Only the current version exists: there is nothing older to restore."


def comparison_text(got: DownloadedVersion) -> Content:
    """The downloaded version against the backend's: pushable, needs -force, or refused."""
    text = Content.styled(got.describe() + "\n")
    if not got.lineage_matches:
        text = text.append_text(
            "✗ Another lineage: this is not a version of this deployment's state. "
        )
        text = text.append_text("It will not be pushed.", "bold $error")
    elif got.needs_force:
        text = text.append_text("Its serial is not newer than the backend's: ", "$warning")
        text = text.append_text(
            "tofu state push needs -force, which skips tofu's own checks.", "$warning"
        )
    else:
        text = text.append_text(
            "Its serial is newer: a plain tofu state push accepts it.", "$success"
        )
    return text
